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
        for members in (True, False):
            for decided in (True, False):
                stored = selectors.tally(c, members=members, decided=decided)
                counted = selectors.tally(c, members=members, decided=decided, recount=True)
                assert (stored.counts, stored.pending, stored.not_rated, stored.allowed) == (
                    counted.counts, counted.pending, counted.not_rated, counted.allowed)  # fmt: skip
