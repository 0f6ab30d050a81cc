"""A campaign end to end through the services, and every refusal leaves nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.evaluation import services
from dangbo.evaluation.choices import CampaignStatus, Level, NotRated
from dangbo.evaluation.models import Campaign, Rating
from dangbo.members.history import services as lifecycle

from ..conftest import decided

L = Level


def rating_of(campaign, member):
    return Rating.objects.get(campaign=campaign, member=member)


def unchanged(rating):
    before = {f.name: getattr(rating, f.name) for f in Rating._meta.concrete_fields}
    rating.refresh_from_db()
    return before == {f.name: getattr(rating, f.name) for f in Rating._meta.concrete_fields}


def discipline(people, member, day, form="khien_trach"):
    return lifecycle.event_record(actor=people.cell_secretary if member.organization_id == people.m_a1.organization_id
                                  else people.secretary_a, member=member, kind="ky_luat", date=day,
                                  discipline_form=form, **decided("ky_luat", day))  # fmt: skip


def test_open_creates_a_rating_per_member_and_per_cell(campaign, tree, people):
    assert campaign.rules_key == "qd366" and campaign.status == CampaignStatus.OPEN
    members = set(campaign.ratings.filter(member__isnull=False).values_list("member_id", flat=True))
    assert members == {people.m_a1.pk, people.m_a1b.pk, people.m_a2.pk}  # not Sở Tư pháp's
    assert set(
        campaign.ratings.filter(subject_org__isnull=False).values_list("subject_org_id", flat=True)
    ) == {tree.a1.pk, tree.a2.pk}
    assert rating_of(campaign, people.m_a1).org_path == tree.a1.path
    assert AuditEvent.objects.filter(event="evaluation.campaign.open").count() == 1


def test_frame_by_period(campaign_2024):
    assert campaign_2024.rules_key == "qd124"


def test_newly_admitted_and_exempted_are_not_rated(tree, people, make_member, clock, root_user):
    clock.set(dt.date(2026, 1, 5))
    new = make_member(tree.a1, "Phạm Văn Mới", status="du_bi", joined_date=dt.date(2025, 9, 1), official_date=None,
                      since=dt.date(2025, 9, 1))  # fmt: skip
    c = services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )
    r = rating_of(c, new)
    assert r.not_rated == NotRated.NEWLY_ADMITTED and r.probationary


def test_only_the_committee_opens(tree, people, clock):
    clock.set(dt.date(2026, 1, 5))
    for actor in (people.cell_secretary, people.member_user, people.leader):
        with pytest.raises(ApplicationError):
            services.open_campaign(actor=actor, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20))
    with pytest.raises(NotFound):
        services.open_campaign(
            actor=people.secretary_b, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
        )
    with pytest.raises(ApplicationError) as e:
        services.open_campaign(
            actor=people.secretary_a, authority=tree.a1, year=2025, deadline=dt.date(2026, 1, 20)
        )
    assert "authority" in e.value.field_errors
    assert not Campaign.objects.exists()


def test_self_assessment_own_and_on_behalf(campaign, people):
    own = services.self_assess(actor=people.member_user, rating=rating_of(campaign, people.m_a1),
                               text="Hoàn thành tốt các nhiệm vụ được giao", level=L.GOOD)  # fmt: skip
    assert own.self_level == L.GOOD and not own.entered_on_behalf
    other = services.self_assess(
        actor=people.cell_secretary, rating=rating_of(campaign, people.m_a1b), level=L.DONE
    )
    assert other.entered_on_behalf


def test_self_assessment_for_someone_else_is_refused(campaign, people):
    r = rating_of(campaign, people.m_a1b)
    with pytest.raises(NotFound):  # a plain member does not even see another's rating
        services.self_assess(actor=people.member_user, rating=r, level=L.EXCELLENT)
    with pytest.raises(PermissionDenied) as e:  # a leader sees it but may not write it
        services.self_assess(actor=people.leader, rating=r, level=L.EXCELLENT)
    assert "level" in e.value.field_errors
    assert unchanged(r)


def test_self_assessment_after_the_deadline(campaign, people, clock):
    clock.set(dt.date(2026, 1, 21))
    r = rating_of(campaign, people.m_a1)
    with pytest.raises(ApplicationError) as e:
        services.self_assess(actor=people.member_user, rating=r, level=L.GOOD)
    assert "hết hạn" in e.value.field_errors["level"]
    assert unchanged(r)


def test_propose_with_score_in_band(campaign, people):
    r = services.propose(
        actor=people.cell_secretary, rating=rating_of(campaign, people.m_a1), level=L.GOOD, score="85,5"
    )
    assert r.proposed_level == L.GOOD and r.score == Decimal("85.5")


@pytest.mark.parametrize(("score", "field", "text"), [
    ("101", "score", "Điểm: số quá lớn"), ("-1", "score", "Điểm: không được âm"), ("abc", "score", "Điểm:"),
    ("75", "score", "thuộc mức HTTNV"), (None, "score", "không được để trống"),
])  # fmt: skip
def test_bad_scores_are_refused(campaign, people, score, field, text):
    r = rating_of(campaign, people.m_a1)
    with pytest.raises(ApplicationError) as e:
        services.propose(actor=people.cell_secretary, rating=r, level=L.EXCELLENT, score=score)
    assert text in e.value.field_errors[field]
    assert unchanged(r)


def test_discipline_in_the_period_caps_the_level(campaign, people):
    discipline(people, people.m_a1, dt.date(2025, 5, 12))
    r = rating_of(campaign, people.m_a1)
    with pytest.raises(ApplicationError) as e:
        services.propose(actor=people.cell_secretary, rating=r, level=L.GOOD, score=80)
    assert e.value.field_errors["level"] == "Mức đề xuất: kỷ luật khiển trách 05/2025 → không quá HTNV."
    assert unchanged(r)
    assert (
        services.propose(actor=people.cell_secretary, rating=r, level=L.DONE, score=60).proposed_level
        == L.DONE
    )


def test_discipline_under_124_means_khtnv_unless_remedied(campaign_2024, people):
    discipline(people, people.m_a1, dt.date(2024, 3, 4), form="canh_cao")
    r = rating_of(campaign_2024, people.m_a1)
    with pytest.raises(ApplicationError) as e:
        services.propose(actor=people.cell_secretary, rating=r, level=L.DONE)
    assert "→ KHTNV" in e.value.field_errors["level"]
    with pytest.raises(ApplicationError):
        services.propose(actor=people.cell_secretary, rating=r, level=L.DONE, score=60)  # 124 has no points
    assert (
        services.propose(actor=people.cell_secretary, rating=r, level=L.DONE, remedied=True).proposed_level
        == L.DONE
    )
    assert services.propose(actor=people.cell_secretary, rating=r, level=L.FAILED).proposed_level == L.FAILED


def propose_all(campaign, people, levels):
    """Propose ``levels`` (a list, one per member rating in id order); cells as HTTNV."""
    scores = {L.EXCELLENT: 95, L.GOOD: 80, L.DONE: 60, L.FAILED: 30}
    for r, level in zip(campaign.ratings.filter(member__isnull=False).order_by("id"), levels, strict=True):
        services.propose(actor=people.secretary_a, rating=r, level=level, score=scores[level])
    for r in campaign.ratings.filter(subject_org__isnull=False):
        services.propose(actor=people.secretary_a, rating=r, level=L.GOOD, score=80)


def test_decide_needs_number_date_and_authority(campaign, people, clock):
    propose_all(campaign, people, [L.GOOD, L.GOOD, L.DONE])
    with pytest.raises(ApplicationError) as e:
        services.decide(actor=people.secretary_a, campaign=campaign, decision_no="", decision_date=None)
    assert set(e.value.field_errors) == {"decision_no", "decision_date"}
    for actor in (people.cell_secretary, people.leader):
        with pytest.raises(PermissionDenied):
            services.decide(
                actor=actor, campaign=campaign, decision_no="05-QĐ/ĐU", decision_date=dt.date(2026, 1, 5)
            )
    with pytest.raises(NotFound):
        services.decide(
            actor=people.secretary_b,
            campaign=campaign,
            decision_no="05-QĐ/ĐU",
            decision_date=dt.date(2026, 1, 5),
        )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN and not campaign.ratings.exclude(decided_level="").exists()
    c = services.decide(
        actor=people.secretary_a, campaign=campaign, decision_no="05-QĐ/ĐU", decision_date=dt.date(2026, 1, 5)
    )
    assert c.locked and rating_of(c, people.m_a1).decided_level == L.GOOD


def test_decide_over_the_quota_is_refused(campaign, people):
    propose_all(campaign, people, [L.EXCELLENT, L.GOOD, L.GOOD])  # 1 > 20% of 2
    with pytest.raises(ApplicationError) as e:
        services.decide(
            actor=people.secretary_a,
            campaign=campaign,
            decision_no="05-QĐ/ĐU",
            decision_date=dt.date(2026, 1, 5),
        )
    assert "vượt quá 20% số HTTNV (2): tối đa 0" in e.value.message
    campaign.refresh_from_db()
    assert not campaign.locked and not campaign.ratings.exclude(decided_level="").exists()


def test_edit_after_lock_is_refused_and_reopen_needs_a_reason(campaign, people):
    propose_all(campaign, people, [L.GOOD, L.GOOD, L.DONE])
    services.decide(
        actor=people.secretary_a, campaign=campaign, decision_no="05-QĐ/ĐU", decision_date=dt.date(2026, 1, 5)
    )
    r = rating_of(campaign, people.m_a1)
    for call in (lambda: services.propose(actor=people.secretary_a, rating=r, level=L.DONE, score=60),
                 lambda: services.self_assess(actor=people.member_user, rating=r, level=L.DONE)):  # fmt: skip
        with pytest.raises(ApplicationError, match="đã có quyết định"):
            call()
    assert unchanged(r)
    with pytest.raises(ApplicationError) as e:
        services.reopen(actor=people.secretary_a, campaign=campaign, reason=" ")
    assert "reason" in e.value.field_errors
    c = services.reopen(actor=people.secretary_a, campaign=campaign, reason="Đảng viên khiếu nại kết quả")
    assert c.status == CampaignStatus.REVIEWING and not c.decision_no
    assert AuditEvent.objects.filter(event="evaluation.campaign.reopen").exists()


@pytest.fixture
def pool(tree, people, make_member):
    """16 more members of cell A1 (19 in Đảng bộ Sở Y tế), for the quota's edges."""
    return [make_member(tree.a1, f"Đảng viên Số {i}") for i in range(16)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_quota_edge(tree, people, clock, pool, data):
    """Deciding succeeds exactly when HTXSNV × 100 ≤ 20 × HTTNV among the authority's members."""
    clock.set(dt.date(2026, 1, 5))
    Campaign.objects.all().delete()
    c = services.open_campaign(actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20),
                               organizations=False)  # fmt: skip
    rows = list(c.ratings.order_by("id").values_list("pk", flat=True))
    excellent = data.draw(st.integers(0, 5))
    good = data.draw(st.integers(0, len(rows) - excellent))
    Rating.objects.filter(pk__in=rows).update(proposed_level=L.DONE, score=60)
    Rating.objects.filter(pk__in=rows[:excellent]).update(proposed_level=L.EXCELLENT, score=95)
    Rating.objects.filter(pk__in=rows[excellent : excellent + good]).update(proposed_level=L.GOOD, score=80)
    services.tally_rebuild(c)  # written in bulk, like a loader: the screens' counts counted again
    decide = lambda: services.decide(actor=people.secretary_a, campaign=c, decision_no="1-QĐ/ĐU",  # noqa: E731
                                     decision_date=dt.date(2026, 1, 5))  # fmt: skip
    if excellent * 100 <= 20 * good:
        assert decide().locked
        assert Rating.objects.filter(campaign=c, decided_level=L.EXCELLENT).count() == excellent
    else:
        with pytest.raises(ApplicationError, match="vượt quá 20%"):
            decide()
        assert not Campaign.objects.get(pk=c.pk).locked
        assert not Rating.objects.filter(campaign=c).exclude(decided_level="").exists()


def test_a_move_repaths_ratings_of_later_periods_only(campaign_2024, campaign, tree, people, root_user):
    """A cell moved in 2025: its 2025 ratings follow it, its 2024 ones stay where it was (like meetings)."""
    from dangbo.organizations import services as org_services
    from dangbo.organizations.tree import services as restructure

    other = org_services.organization_create(actor=root_user, parent=tree.bloc,
                                             data={"name": "Đảng bộ Sở Giáo dục", "code": "SGD", "kind": "dang_bo_co_so"})  # fmt: skip
    restructure.organization_move(
        actor=root_user, organization=tree.a2, new_parent=other, date=dt.date(2025, 6, 1)
    )
    tree.a2.refresh_from_db()
    assert rating_of(campaign, people.m_a2).org_path == tree.a2.path
    assert rating_of(campaign_2024, people.m_a2).org_path.startswith(tree.a.path)


def test_evidence_of_an_organization_counts_its_members_levels(campaign, tree, people):
    from dangbo.evaluation.evidence import selectors as evidence

    services.propose(
        actor=people.secretary_a, rating=rating_of(campaign, people.m_a1), level=L.GOOD, score=80
    )
    services.propose(
        actor=people.secretary_a, rating=rating_of(campaign, people.m_a1b), level=L.DONE, score=60
    )
    cell = Rating.objects.get(campaign=campaign, subject_org=tree.a1)
    texts = [i.text for i in evidence.items(cell)]
    assert texts[0].startswith("Sinh hoạt thường kỳ: 0 buổi")
    assert texts[1] == "Đảng viên (2): HTXSNV 0, HTTNV 1, HTNV 1, KHTNV 0; từ HTTNV trở lên 50,0%"


def test_an_organization_is_proposed_by_the_deciding_committee_not_by_itself(campaign, tree, people):
    cell = Rating.objects.get(campaign=campaign, subject_org=tree.a1)
    done = services.self_assess(
        actor=people.cell_secretary, rating=cell, level=L.GOOD, text="Chi bộ tự đánh giá"
    )
    assert done.self_level == L.GOOD and not done.entered_on_behalf
    cell.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.propose(actor=people.cell_secretary, rating=cell, level=L.GOOD, score=80)
    assert unchanged(cell)
    assert (
        services.propose(actor=people.secretary_a, rating=cell, level=L.GOOD, score=80).proposed_level
        == L.GOOD
    )
