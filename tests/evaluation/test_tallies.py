"""The campaign screens' counts by level (``LevelTally``) stay equal to a recount of the ratings after any sequence
of writes; a re-opened decision leaves every page, count and export undecided (the withdrawn decision in the
history only)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError
from dangbo.evaluation import selectors, services
from dangbo.evaluation.choices import CampaignStatus, Level, NotRated
from dangbo.evaluation.filters import STAGES
from dangbo.evaluation.models import Campaign, LevelTally, Rating

from .test_services import propose_all, rating_of

L = Level
SCORES = {L.EXCELLENT: 95, L.GOOD: 80, L.DONE: 60, L.FAILED: 30}


def decide(c, people, number="05-QĐ/ĐU"):
    return services.decide(
        actor=people.secretary_a, campaign=c, decision_no=number, decision_date=dt.date(2026, 1, 5)
    )


def test_a_reopened_decision_shows_undecided_everywhere(campaign, people, client):
    propose_all(campaign, people, [L.GOOD, L.GOOD, L.DONE])
    decide(campaign, people)
    assert selectors.tally(campaign, decided=True).counts == {L.GOOD: 2, L.DONE: 1}
    services.reopen(actor=people.secretary_a, campaign=campaign, reason="Đảng viên khiếu nại kết quả")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.REVIEWING and not campaign.locked

    # The ratings: undecided, their proposals kept for the new decision.
    assert not campaign.ratings.exclude(decided_level="").exists()
    assert rating_of(campaign, people.m_a1).proposed_level == L.GOOD
    # The counts: nothing decided; as far as the campaign has gone, the proposals.
    t = selectors.tally(campaign, decided=True)
    assert t.counts == {} and t.pending == 3
    assert selectors.tally(campaign).counts == {L.GOOD: 2, L.DONE: 1}
    assert selectors.tally_differences(campaign) == []

    # The pages and exports: no decision, no decided level.
    client.force_login(people.secretary_a)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "05-QĐ/ĐU" not in page and "<strong>HTTNV</strong>" not in page and "Quyết định xếp loại" in page
    results = client.get(reverse("evaluation:results", args=[campaign.pk])).content.decode()
    assert "chưa có quyết định — số liệu theo mức đề xuất" in results and "05-QĐ/ĐU" not in results
    mine = client.get(rating_of(campaign, people.m_a1).get_absolute_url()).content.decode()
    assert "Đã quyết định" not in mine
    ws = load_workbook(
        BytesIO(client.get(reverse("evaluation:results_xlsx", args=[campaign.pk])).content)
    ).active
    texts = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v]
    assert "Chưa có quyết định" in texts and not any("05-QĐ/ĐU" in t for t in texts)
    import docx

    word = docx.Document(BytesIO(client.get(reverse("evaluation:decision_docx", args=[campaign.pk])).content))
    assert "(DỰ THẢO)" in "\n".join(p.text for p in word.paragraphs)
    home = client.get(reverse("workspace:home")).content.decode()
    assert "Chờ quyết định xếp loại" in home

    # The withdrawn decision: in the history.
    entry = AuditEvent.objects.get(event="evaluation.campaign.reopen")
    withdrawn = entry.changes["decision"]["before"]
    assert "Quyết định số 05-QĐ/ĐU ngày 05/01/2026" in withdrawn and "HTTNV 2" in withdrawn

    # Decided again, with a new number.
    decide(campaign, people, "07-QĐ/ĐU")
    assert rating_of(campaign, people.m_a1).decided_level == L.GOOD
    assert selectors.tally(campaign, decided=True).counts == {L.GOOD: 2, L.DONE: 1}


def test_counts_are_stored_per_cell_and_read_without_the_ratings(
    campaign, people, tree, django_assert_num_queries
):
    propose_all(campaign, people, [L.EXCELLENT, L.GOOD, L.GOOD])
    rows = LevelTally.objects.filter(campaign=campaign)
    stored = {(t.organization_id, t.members, t.proposed_level): t.n for t in rows.filter(whole=False) if t.n}
    assert stored[(tree.a1.pk, True, L.EXCELLENT)] == 1 and stored[(tree.a1.pk, True, L.GOOD)] == 1
    assert stored[(tree.a2.pk, True, L.GOOD)] == 1 and stored[(tree.a1.pk, False, L.GOOD)] == 1
    # The whole campaign's rows, under its authority: what the screens read.
    whole = {(t.organization_id, t.members, t.proposed_level): t.n for t in rows.filter(whole=True) if t.n}
    assert whole == {
        (tree.a.pk, True, L.EXCELLENT): 1,
        (tree.a.pk, True, L.GOOD): 2,
        (tree.a.pk, False, L.GOOD): 2,
    }
    with django_assert_num_queries(1):
        t = selectors.tally(campaign)
    assert (t.excellent, t.counts[L.GOOD], t.allowed, t.remaining) == (1, 2, 0, -1)


def test_check_command_finds_drift_and_rebuild_repairs_it(campaign, people):
    propose_all(campaign, people, [L.GOOD, L.GOOD, L.DONE])
    call_command("evaluation_tallies", "--check")
    Rating.objects.filter(campaign=campaign, member=people.m_a1).update(
        proposed_level=L.EXCELLENT
    )  # behind its back
    with pytest.raises(CommandError, match="4 dòng"):
        call_command("evaluation_tallies", "--check")
    call_command("evaluation_tallies")
    call_command("evaluation_tallies", "--check")
    assert selectors.tally(campaign).excellent == 1


@pytest.fixture
def pool(tree, people, make_member):
    """Six more members (three in each cell of Đảng bộ Sở Y tế)."""
    return [make_member(cell, f"Đảng viên Số {i}") for i in range(3) for cell in (tree.a1, tree.a2)]


step = st.one_of(
    st.tuples(st.just("propose"), st.integers(0, 20), st.sampled_from(list(Level.values))),
    st.tuples(st.just("not_rated"), st.integers(0, 20), st.sampled_from([NotRated.ILLNESS, NotRated.AWAY])),
    st.tuples(st.just("wrong_score"), st.integers(0, 20), st.sampled_from(list(Level.values))),
    st.tuples(st.just("self"), st.integers(0, 20), st.sampled_from(list(Level.values))),
    st.tuples(st.just("decide"), st.just(0), st.just("")),
    st.tuples(st.just("reopen"), st.just(0), st.just("")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_counts_equal_a_recount_after_random_writes(tree, people, clock, pool, steps):
    """Proposals, "chưa xếp loại", refused proposals, self-assessments, decisions (refused over the quota or
    while some are pending) and re-openings in any order: the stored counts always equal a recount."""
    clock.set(dt.date(2026, 1, 5))
    Campaign.objects.all().delete()
    c = services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )
    ids = list(c.ratings.order_by("id").values_list("pk", flat=True))
    assert selectors.tally_differences(c) == []
    for kind, i, value in steps:
        r = ids[i % len(ids)]
        try:
            if kind == "propose":
                services.propose(actor=people.secretary_a, rating=r, level=value, score=SCORES[value])
            elif kind == "not_rated":
                services.propose(actor=people.secretary_a, rating=r, not_rated=value)
            elif kind == "wrong_score":  # refused: the score is outside the level's band
                services.propose(actor=people.secretary_a, rating=r, level=value, score=SCORES[value] + 40)
            elif kind == "self":
                services.self_assess(actor=people.secretary_a, rating=r, level=value)
            elif kind == "decide":
                decide(c, people)
            else:
                services.reopen(actor=people.secretary_a, campaign=c, reason="Xem xét lại")
        except ApplicationError:
            pass
        assert selectors.tally_differences(c) == []
        assert_scoped_reads_live(c, people)
        for members in (True, False):
            for decided in (True, False):
                stored = selectors.tally(c, members=members, decided=decided)
                counted = selectors.tally(c, members=members, decided=decided, recount=True)
                assert (stored.counts, stored.pending, stored.not_rated, stored.allowed) == (
                    counted.counts, counted.pending, counted.not_rated, counted.allowed)  # fmt: skip


# The filter values the scoped reads are checked with: every level, every stage, one cell, a level in one cell.
FILTERS = [{}, *({"muc": lv} for lv in Level.values), *({"tinh_trang": st_} for st_, _ in STAGES)]


def assert_scoped_reads_live(c, people):
    """What the campaign screens read from the stored counts for each persona — the count of the filtered list
    (``filtered_count``) and the campaign's cells (``campaign_cells``) — equals a live count over the ratings the
    persona sees (``ratings_of``: the policy's scope of the ratings)."""
    from dangbo.evaluation import filters

    for actor in (
        people.staff,
        people.secretary_a,
        people.cell_secretary,
        people.secretary_b,
        people.member_user,
    ):
        seen = selectors.ratings_of(actor, c).filter(member__isnull=False)
        live_cells = sorted({(r.cell_id, r.cell.name) for r in seen}, key=lambda x: (x[1], x[0]))
        if actor is people.member_user:  # a plain member: their own rating listed, no cell's counts
            live_cells = []
        cells = selectors.campaign_cells(actor, c)
        if cells.every:  # read from the whole campaign's rows: only for those who see every member rating
            assert seen.count() == Rating.objects.filter(campaign=c, member__isnull=False).count()
        assert cells.every == selectors.sees_every_cell(actor, c)
        if len(live_cells) > filters.CELL_SELECT_MAX:
            assert cells.many and cells.choices == []
        else:
            assert not cells.many and cells.choices == live_cells
        for values in FILTERS + [{"chi_bo": pk, **f} for pk, _ in live_cells for f in FILTERS[:2]]:
            live = seen.filter(filters.conditions(values, cell_field="cell_id")).count() if live_cells else 0
            assert selectors.filtered_count(actor, c, values) == live, (actor.username, values)
            # The pages' own count: from the whole campaign's counts or each cell's, read with the list's cells.
            params = {k: str(v) for k, v in values.items()}
            counts = selectors.campaign_tallies(c)
            assert selectors.ratings_page(actor, c, params, whole=counts.whole).count == live, (
                actor.username,
                values,
            )


def test_scoped_reads_equal_a_live_count_with_many_cells(campaign, people, tree, monkeypatch):
    """More cells than the <select> takes: the choices hold only the chosen cell, when it is the campaign's and in
    the actor's scope."""
    from dangbo.evaluation import filters

    propose_all(campaign, people, [L.EXCELLENT, L.GOOD, L.DONE])
    monkeypatch.setattr(filters, "CELL_SELECT_MAX", 1)
    assert_scoped_reads_live(campaign, people)
    chosen = selectors.campaign_cells(people.secretary_a, campaign, str(tree.a2.pk))
    assert chosen.many and chosen.choices == [(tree.a2.pk, tree.a2.name)]
    for outside in (str(tree.b.pk), "x", "99999999999999999999", ""):
        assert selectors.campaign_cells(people.secretary_a, campaign, outside).choices == []
    # The cell secretary of A1 sees one cell: the <select>, not the picker.
    assert selectors.campaign_cells(people.cell_secretary, campaign).choices == [(tree.a1.pk, tree.a1.name)]
    # Who reads the whole campaign's counts: the committee and the levels above, not a cell.
    assert [selectors.sees_every_cell(p, campaign) for p in (people.staff, people.secretary_a, people.cell_secretary,
                                                              people.secretary_b, people.member_user)] == [
        True, True, False, False, False]  # fmt: skip


def test_stored_paths_follow_a_move_of_a_cell_or_of_the_authority(campaign, tree, people, root_user):
    """The counts carry their ratings' paths: a cell moved within the period (its ratings follow it) or the
    authority itself moved — the stored counts still equal a recount (paths included), and each persona's
    scoped reads a live count."""
    from dangbo.organizations import services as org_services
    from dangbo.organizations.tree import services as restructure

    propose_all(campaign, people, [L.GOOD, L.GOOD, L.DONE])
    other = org_services.organization_create(actor=root_user, parent=tree.bloc,
                                             data={"name": "Đảng bộ Sở Giáo dục", "code": "SGD", "kind": "dang_bo_co_so"})  # fmt: skip
    restructure.organization_move(
        actor=root_user, organization=tree.a2, new_parent=other, date=dt.date(2025, 6, 1)
    )
    assert selectors.tally_differences(campaign) == []
    assert_scoped_reads_live(campaign, people)
    # A2 now lies outside Đảng bộ Sở Y tế: its committee no longer sees every cell of its own campaign.
    assert not selectors.sees_every_cell(people.secretary_a, campaign)
    assert selectors.sees_every_cell(people.staff, campaign)
    bloc2 = org_services.organization_create(actor=root_user, parent=tree.province,
                                             data={"name": "Đảng bộ Khối doanh nghiệp", "code": "KDN", "kind": tree.bloc.kind})  # fmt: skip
    restructure.organization_move(
        actor=root_user, organization=tree.a, new_parent=bloc2, date=dt.date(2025, 9, 1)
    )
    tree.a.refresh_from_db()
    assert selectors.tally_differences(campaign) == []
    tree.a1.refresh_from_db()
    tree.a2.refresh_from_db()
    paths = dict(
        LevelTally.objects.filter(campaign=campaign, whole=False).values_list("organization_id", "org_path")
    )
    assert paths == {tree.a1.pk: tree.a1.path, tree.a2.pk: tree.a2.path}
    assert_scoped_reads_live(campaign, people)


def test_check_command_finds_a_wrong_path(campaign, people):
    propose_all(campaign, people, [L.GOOD, L.GOOD, L.DONE])
    LevelTally.objects.filter(campaign=campaign, whole=False).update(org_path="9.")  # behind its back
    with pytest.raises(CommandError, match="lệch"):
        call_command("evaluation_tallies", "--check")
    call_command("evaluation_tallies")
    call_command("evaluation_tallies", "--check")
    assert_scoped_reads_live(campaign, people)
