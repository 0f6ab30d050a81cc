"""The campaign screens at scale: the campaign page and the results page list a campaign's member ratings 50 a page
(by name), filtered by level, stage and cell, with counts from the stored tallies; the XLSX still has every row."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.evaluation import services
from dangbo.evaluation.choices import Level
from dangbo.evaluation.selectors import PAGE_SIZE
from tests.factories import MemberFactory

from .test_services import rating_of


@pytest.fixture
def big(tree, people, clock):
    """55 more members in A1 (given names «AA»…«CC»: they sort before everyone else), and in A2 «Vũ Thị Yến», who
    sorts last: on page 2 of A's campaign of 2025."""
    for i in range(55):
        MemberFactory(organization=tree.a1, full_name=f"Phạm Văn {chr(65 + i // 26)}{chr(65 + i % 26)}")
    target = MemberFactory(organization=tree.a2, full_name="Vũ Thị Yến", gender="nu")
    clock.set(dt.date(2026, 1, 5))
    c = services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )
    return c, target


def _names(html: str) -> list[str]:
    """The members listed (the paged table, not the organizations' ratings)."""
    listed = html[html.index('id="loc"') : html.index('<nav class="pager">')]
    return re.findall(r'<a href="/[^"]*/phieu/\d+/(?:\?next=[^"]*)?">([^<]+)</a>', listed)


def _next(html: str) -> str | None:
    found = re.search(r'href="(\?[^"]*sau=\d+[^"]*)">Trang sau', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_secretary_finds_a_member_of_page_2_by_the_cell_filter(client, tree, people, big):
    c, target = big
    client.force_login(people.secretary_a)
    url = c.get_absolute_url()
    first = client.get(url).content.decode()
    assert len(_names(first)) == PAGE_SIZE and "Vũ Thị Yến" not in first
    assert "59 đảng viên phù hợp" in first  # 3 + 55 + 1, from the stored counts
    second = client.get(url + _next(first)).content.decode()
    assert "Vũ Thị Yến" in second and _next(second) is None
    assert len(_names(first)) + len(_names(second)) == 59
    assert not set(_names(first)) & set(_names(second))
    back = re.search(r'href="(\?[^"]*truoc=\d+[^"]*)">‹ Trang trước', second).group(1).replace("&amp;", "&")
    assert _names(client.get(url + back).content.decode()) == _names(first)
    # The filter by cell: A2's two members, on the first page.
    found = client.get(url, {"chi_bo": tree.a2.pk}).content.decode()
    assert "2 đảng viên phù hợp" in found
    assert [n for n in _names(found) if n in ("Lê Văn An", "Vũ Thị Yến")] == ["Lê Văn An", "Vũ Thị Yến"]
    assert "Phạm Văn AA" not in found


def test_the_list_is_ordered_by_the_ratings_own_name_key_which_follows_a_rename(client, tree, people, big):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.members import services as members

    c, target = big
    target.refresh_from_db()
    assert rating_of(c, target).name_sort == target.name_sort != ""  # copied when the campaign opened
    client.force_login(people.secretary_a)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(c.get_absolute_url()).content.decode()
    assert "Vũ Thị Yến" not in _names(first)  # sorts last: on page 2
    # The page's ids: by the rating's copy of the key, without a join to the members (on PostgreSQL the ids are the
    # ARRAY(subquery) of the rows' query, which joins the members for their names: the id step is that subquery).
    ids = [q["sql"].split("ARRAY(", 1)[-1] for q in queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]
           and '"evaluation_rating"."member_id" IS NOT NULL' in q["sql"]]  # fmt: skip
    assert ids and all("members_member" not in sql for sql in ids)
    # Renamed, she sorts second (after «Phạm Văn AA»): the copy followed, in the same transaction.
    members.member_update(actor=people.secretary_a, member=target, data={"full_name": "Vũ Thị Aaa"})
    assert rating_of(c, target).name_sort == members.derived_columns("Vũ Thị Aaa", "")["name_sort"]
    assert _names(client.get(c.get_absolute_url()).content.decode())[:2] == ["Phạm Văn AA", "Vũ Thị Aaa"]


def test_filters_by_level_and_stage_with_counts_from_the_tallies(client, tree, people, big):
    c, target = big
    services.propose(actor=people.secretary_a, rating=rating_of(c, target), level=Level.GOOD, score=80)
    client.force_login(people.secretary_a)
    for url in (c.get_absolute_url(), reverse("evaluation:results", args=[c.pk])):
        good = client.get(url, {"muc": Level.GOOD}).content.decode()
        assert "1 đảng viên phù hợp" in good and "Vũ Thị Yến" in good and "Lê Văn An" not in good
        waiting = client.get(url, {"tinh_trang": "chua_de_xuat"}).content.decode()
        assert "58 đảng viên phù hợp" in waiting and "Vũ Thị Yến" not in waiting
    # The results' figures link to their list.
    results = client.get(reverse("evaluation:results", args=[c.pk])).content.decode()
    assert f'href="?muc={Level.GOOD}#danh-sach">1</a>' in results


def test_a_cell_secretary_filters_within_their_cell_only(client, tree, people, big):
    c, _ = big
    client.force_login(people.cell_secretary)
    page = client.get(c.get_absolute_url()).content.decode()
    assert "57 đảng viên phù hợp" in page  # A1: 2 + 55
    assert f'<option value="{tree.a1.pk}"' in page and f'<option value="{tree.a2.pk}"' not in page
    # Another cell's id is not a choice: the error names the field, the list stays the actor's, no 500.
    response = client.get(c.get_absolute_url(), {"chi_bo": tree.a2.pk, "muc": "khong-co"})
    html = response.content.decode()
    assert response.status_code == 200 and "Vũ Thị Yến" not in html and "Lê Văn An" not in html
    assert "57 đảng viên phù hợp" in html
    # A cursor pointing at a row outside the scope gives the first page.
    hidden = rating_of(c, people.m_a2)
    assert client.get(c.get_absolute_url(), {"sau": hidden.pk}).status_code == 200


def test_the_xlsx_still_has_every_member(client, tree, people, big):
    c, _ = big
    client.force_login(people.secretary_a)
    response = client.get(reverse("evaluation:results_xlsx", args=[c.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    names = {row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)}
    assert {"Vũ Thị Yến", "Phạm Văn AA", "Lê Văn An", "Nguyễn Văn Hùng"} <= names and len(names) == 59


def test_the_xlsx_of_a_large_campaign_is_written_in_the_background(client, tree, people, big, settings, monkeypatch,
                                                                   tmp_path):  # fmt: skip
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job

    # As in test_jobs.py: the progress written apart (PostgreSQL) cannot see the test's job row.
    monkeypatch.setattr(runner.Progress, "_write_apart", lambda self: 1)
    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"
    c, _ = big
    settings.DANGBO_EXPORT_SYNC_ROWS = 20
    client.force_login(people.cell_secretary)
    response = client.get(reverse("evaluation:results_xlsx", args=[c.pk]))
    job = Job.objects.get(kind="xuat_ket_qua_danh_gia")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert runner.execute(job.pk) == "xong"
    job.refresh_from_db()
    sheet = load_workbook(runner.files_dir() / job.result_file).active
    names = {row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)}
    assert len(names) == 57 and "Lê Văn An" not in names  # the cell secretary's share: A1 only


def test_many_cells_are_chosen_with_the_organization_picker(client, tree, people, big, monkeypatch):
    """A province's campaign has 10,000 cells: «chi_bo» is then the project's organization picker (its <select> of
    10,000 options took seconds to render), the choice still checked against the campaign's cells."""
    from dangbo.evaluation import filters

    c, _ = big
    monkeypatch.setattr(filters, "CELL_SELECT_MAX", 1)
    client.force_login(people.secretary_a)
    page = client.get(c.get_absolute_url(), {"chi_bo": tree.a2.pk}).content.decode()
    assert "data-org-picker" in page and 'name="chi_bo"' in page
    assert f'<option selected value="{tree.a2.pk}"' in page and "2 đảng viên phù hợp" in page
    outside = client.get(c.get_absolute_url(), {"chi_bo": tree.b.pk}).content.decode()
    assert "59 đảng viên phù hợp" in outside  # not a cell of the campaign: the error shown, the rest lists


def _listed(client, url: str, params: dict) -> list[str]:
    """Every name the list shows for ``params``, page after page."""
    names, query = [], "?" + "&".join(f"{k}={v}" for k, v in params.items())
    while query:
        html = client.get(url + query).content.decode()
        names += _names(html)
        query = _next(html)
    return names


def test_each_level_and_stage_lists_exactly_its_members_on_every_page(client, tree, people, big):
    """«Mức», «chưa đề xuất», «chưa xếp loại» are one indexed value of a rating (``models.ListLevel``): the lists
    hold exactly the ratings that meet the filter — the decided level first, else the proposed one; a rating «chưa
    xếp loại» under no level — page after page, before and after the decision."""
    from dangbo.evaluation.choices import NotRated
    from dangbo.evaluation.models import Rating

    c, target = big
    ratings = list(
        Rating.objects.filter(campaign=c, member__isnull=False).select_related("member").order_by("id")
    )
    scores = {Level.EXCELLENT: 95, Level.GOOD: 80, Level.DONE: 60}
    for i, r in enumerate(ratings[:56]):  # 56 proposed (52 HTTNV: a second page), one not rated, two waiting
        level = {0: Level.EXCELLENT, 1: Level.DONE}.get(i % 28, Level.GOOD)
        services.propose(actor=people.secretary_a, rating=r, level=level, score=scores[level])
    services.propose(
        actor=people.secretary_a, rating=ratings[56], not_rated=NotRated.OTHER, not_rated_note="ốm dài"
    )
    client.force_login(people.secretary_a)
    urls = (c.get_absolute_url(), reverse("evaluation:results", args=[c.pk]))

    def expected(test) -> list[str]:
        found = [r.member.full_name for r in Rating.objects.filter(campaign=c, member__isnull=False)
                 .select_related("member") if test(r)]  # fmt: skip
        return sorted(found)

    def level_of(r):
        return "-" if r.not_rated else (r.decided_level or r.proposed_level)

    for url in urls:
        for level in Level.values:
            assert sorted(_listed(client, url, {"muc": level})) == expected(
                lambda r, level=level: level_of(r) == level
            )
        assert sorted(_listed(client, url, {"tinh_trang": "chua_de_xuat"})) == expected(
            lambda r: level_of(r) == ""
        )
        assert _listed(client, url, {"tinh_trang": "chua_xep_loai"}) == [ratings[56].member.full_name]
    assert len(_listed(client, urls[0], {"muc": Level.GOOD})) == 52  # two pages
    assert len(_listed(client, urls[0], {"tinh_trang": "chua_de_xuat"})) == 2
    # After the decision every level listed is the decided one.
    for r in ratings[57:]:
        services.propose(actor=people.secretary_a, rating=r, level=Level.DONE, score=60)
    for r in Rating.objects.filter(campaign=c, subject_org__isnull=False):
        services.propose(actor=people.secretary_a, rating=r, level=Level.GOOD, score=80)
    services.decide(
        actor=people.secretary_a, campaign=c, decision_no="12-QĐ/ĐU", decision_date=dt.date(2026, 1, 5)
    )
    done = _listed(client, urls[1], {"muc": Level.DONE})
    assert sorted(done) == expected(lambda r: r.decided_level == Level.DONE) and len(done) == 4
    assert _listed(client, urls[1], {"tinh_trang": "chua_de_xuat"}) == []


@pytest.mark.parametrize("params", [{"muc": Level.GOOD}, {"tinh_trang": "chua_de_xuat"},
                                    {"tinh_trang": "chua_xep_loai"}, {"chi_bo": "A1"}])  # fmt: skip
def test_a_filtered_page_is_one_index_range_in_name_order(client, tree, people, big, params):
    """The page's ids of a filtered list are read along an index in name order (``evaluation_rating_level``,
    ``evaluation_rating_cell``) — its 51 entries — not every matching rating of the campaign read and sorted (a
    province's «HTTNV» near the decision: 140,000 ratings). The planner is told to avoid sorts and full scans: the
    statement must be answerable without either."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c, _ = big
    params = {k: (tree.a1.pk if v == "A1" else v) for k, v in params.items()}
    client.force_login(
        people.staff
    )  # the bloc's staff see every cell: the list is not read by the scope's path
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("evaluation:results", args=[c.pk]), params).status_code == 200
    ids = [q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIMIT 51" in q["sql"]]
    assert len(ids) == 1
    index = "evaluation_rating_cell" if "chi_bo" in params else "evaluation_rating_level"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + ids[0])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            inner = plan.split("InitPlan", 1)[-1]  # the ids' walk
            assert (
                index in inner and "Sort" not in inner.split("->  Index Scan using evaluation_rating_pkey")[0]
            )
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + ids[0])
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert f"USING INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan


def test_the_pages_read_by_compiled_statements_are_the_orms(tree, people, big):
    """The list's statements are compiled once per process for what determines them (the campaign, the actor's
    scope, the filter's values): each page read again through them is the page the ORM builds — another actor,
    filter or position never gets the rows of a statement compiled for the one before; the evidence counted in the
    rows' statement is ``evidence.summary``'s."""
    from django.http import QueryDict
    from django.utils import timezone

    from dangbo.evaluation import selectors
    from dangbo.evaluation.evidence import selectors as evidence
    from dangbo.evaluation.views import CAMPAIGN_COLUMNS
    from dangbo.meetings.choices import MeetingState, Presence
    from dangbo.meetings.models import Attendance, Meeting
    from tests.factories import MeetingFactory

    c, target = big
    services.propose(actor=people.secretary_a, rating=rating_of(c, target), level=Level.GOOD, score=80)
    for month, presence in enumerate([Presence.PRESENT, Presence.UNEXCUSED]):  # evidence to count
        meeting = MeetingFactory(
            organization=tree.a1, planned_at=timezone.make_aware(dt.datetime(2025, 3 + month, 5))
        )
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD)
        Attendance.objects.create(meeting=meeting, member=people.m_a1, presence=presence)
    actors = [people.secretary_a, people.cell_secretary, people.staff, people.member_user, people.secretary_b]
    cases = [{}, {"muc": Level.GOOD}, {"tinh_trang": "chua_de_xuat"}, {"chi_bo": str(tree.a2.pk)},
             {"chi_bo": str(tree.a1.pk), "tinh_trang": "chua_de_xuat"}]  # fmt: skip

    def pages(actor, params):
        out, after = [], None
        for _ in range(5):
            p = QueryDict(mutable=True)
            p.update({**params, **({"sau": str(after)} if after else {})})
            compiled = selectors.ratings_page(actor, c, p, columns=CAMPAIGN_COLUMNS,
                                              annotations=evidence.summary_annotations(c))  # fmt: skip
            orm = selectors.ratings_page(actor, c, p)  # model instances: the ORM's statements
            assert [r.pk for r in compiled.page.rows] == [r.pk for r in orm.page.rows], (actor, p)
            assert (compiled.page.next_after, compiled.page.prev_before) == (
                orm.page.next_after,
                orm.page.prev_before,
            )
            counts = evidence.summary(c, [r.member_id for r in compiled.page.rows])
            assert [(r.ev_expected, r.ev_attended, r.ev_unexcused, r.ev_transfers) for r in compiled.page.rows] == [
                (counts[r.member_id].expected, counts[r.member_id].attended, counts[r.member_id].unexcused,
                 counts[r.member_id].transfers) for r in compiled.page.rows]  # fmt: skip
            out.append([r.pk for r in compiled.page.rows])
            counted.update((r.member_id, r.ev_expected, r.ev_unexcused) for r in compiled.page.rows)
            after = compiled.page.next_after
            if not after:
                return out
        return out

    seen, counted = {}, set()
    for _ in range(2):  # the second round runs the stored statements
        for actor in actors:
            for params in cases:
                got = pages(actor, params)
                assert seen.setdefault((actor.pk, tuple(params.items())), got) == got
    assert seen[(people.secretary_b.pk, ())] == [[]]  # B's secretary sees none of A's ratings
    assert len(seen[(people.secretary_a.pk, ())]) == 2  # 59 ratings: two pages
    assert (people.m_a1.pk, 2, 1) in counted  # two meetings held, one missed without excuse
