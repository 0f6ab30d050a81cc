"""The meeting rollups (``reports.MeetingMonth`` per cell, ``reports.MeetingTotal`` at every level,
reports/rollups/services.py) equal the meetings they count: after a rebuild, and after any meeting written through
``meetings.services`` once they are built (kept current in the same transaction) — a backdated meeting, a plan moved
to another month, a cancellation, grades, restructurings (a grassroots organization moved in the middle of a quarter,
the grid's root among the moved), random sequences of operations with moves (hypothesis); the monthly meeting grid
and the report's meetings section read from them give what a live count gives; ``dangbo rollups check`` finds a
difference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core.errors import ApplicationError
from dangbo.meetings import selectors as meeting_selectors
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import GradeLevel, Meeting
from dangbo.meetings.selectors import roll
from dangbo.organizations import services as org_services
from dangbo.organizations.tree import services as restructure
from dangbo.reports import selectors as report_selectors
from dangbo.reports.models import MeetingMonth, MeetingTotal, RollupState
from dangbo.reports.rollups import selectors as rolled
from dangbo.reports.rollups import services as rollup_services

from .conftest import at, hold

D = dt.date


def grid_figures(rows, months):
    return [(r.org.pk, r.org.name, r.cells, r.months, r.thematic, r.weak) for r in rows], months


def assert_grids_equal(actor, roots, years=(2023, 2024)):
    """The grid read from the rollups equals the grid counted from the meetings, for every root and year."""
    assert rolled.meetings_built()
    for root in roots:
        for year in years:
            live = meeting_selectors.grid(actor, root, year)
            from_rollups = meeting_selectors.grid(actor, root, year, source=rolled.meeting_counts)
            assert grid_figures(*from_rollups) == grid_figures(*live), (root.name, year)


def live(fn, *args):
    """``fn(*args)`` with the meeting rollups switched off (counted from the meetings)."""
    state = RollupState.objects.get()
    built = state.meetings_built_at
    RollupState.objects.update(meetings_built_at=None)
    try:
        return fn(*args)
    finally:
        RollupState.objects.update(meetings_built_at=built)


def assert_report_equal(actor, org, start, end):
    section = report_selectors.meetings(actor, org, start, end)
    counted = live(report_selectors.meetings, actor, org, start, end)
    assert (section.figures, section.rows) == (counted.figures, counted.rows), org.name


def everyone_present(actor, m):
    rows = {e.member.pk: ("co_mat", "") for e in roll(m.organization, m.planned_at.date()) if e.counted}
    return meeting_services.attendance_record(actor=actor, meeting=m, rows=rows)


def test_the_grid_is_counted_live_until_the_rollups_are_built_then_read_from_them(
    tree, people, root_user, clock
):
    clock.set(D(2024, 7, 10))
    hold(root_user, tree.a1, D(2024, 1, 5), upper="tot")
    assert not rolled.meetings_built()
    before = grid_figures(*rolled.meeting_grid(people.staff, tree.bloc, 2024))
    rollup_services.rebuild()
    assert rolled.meetings_built() and rollup_services.check() == []
    assert MeetingMonth.objects.get(organization=tree.a1, month=D(2024, 1, 1)).regular_held == 1
    assert grid_figures(*rolled.meeting_grid(people.staff, tree.bloc, 2024)) == before
    assert_grids_equal(people.staff, [tree.bloc, tree.a, tree.a1, tree.b])


def test_every_meeting_service_keeps_the_rollups_current_in_its_transaction(tree, people, root_user, clock):
    clock.set(D(2024, 7, 10))
    rollup_services.rebuild()
    tot, kha = GradeLevel.objects.get(code="tot"), GradeLevel.objects.get(code="kha")
    # A plan ahead, then moved to another month; a meeting held and graded; one backdated into 2023; a thematic one.
    ahead = meeting_services.meeting_plan(
        actor=root_user, organization=tree.a1, data={"kind": "thuong_ky", "planned_at": at(D(2024, 9, 4))}
    )
    ahead = meeting_services.meeting_update_plan(
        actor=root_user, meeting=ahead, data={"planned_at": at(D(2024, 10, 2))}
    )
    assert not MeetingMonth.objects.filter(organization=tree.a1, month=D(2024, 9, 1)).exists()
    assert MeetingMonth.objects.get(organization=tree.a1, month=D(2024, 10, 1)).regular_planned == 1
    m = hold(root_user, tree.a1, D(2024, 3, 5), upper="tot")
    meeting_services.grade(actor=root_user, meeting=m, level=kha)
    row = MeetingMonth.objects.get(organization=tree.a1, month=D(2024, 3, 1))
    assert (row.regular_held, row.upper_grade_id, row.self_grade_id, row.regular_last) == (
        1,
        tot.pk,
        kha.pk,
        m.pk,
    )
    hold(root_user, tree.b, D(2023, 11, 20))  # backdated: a past year
    thematic = meeting_services.meeting_plan(
        actor=root_user, organization=tree.a2,
        data={"kind": "chuyen_de", "topic": "Học tập Chỉ thị 05", "planned_at": at(D(2024, 4, 12))},
    )  # fmt: skip
    everyone_present(root_user, thematic)
    missed = meeting_services.meeting_plan(
        actor=root_user, organization=tree.a2, data={"kind": "thuong_ky", "planned_at": at(D(2024, 5, 6))}
    )
    assert rollup_services.check() == []
    assert_grids_equal(people.staff, [tree.province, tree.bloc, tree.a, tree.a1, tree.a2, tree.b])
    assert_report_equal(people.staff, tree.bloc, D(2023, 7, 1), D(2024, 6, 30))
    # A cancellation takes the planned meeting out (its row goes: the cell has no other meeting that month).
    meeting_services.meeting_cancel(actor=root_user, meeting=missed)
    assert not MeetingMonth.objects.filter(organization=tree.a2, month=D(2024, 5, 1)).exists()
    assert rollup_services.check() == []
    assert_grids_equal(people.staff, [tree.bloc, tree.a, tree.a2])
    section = report_selectors.meetings(people.staff, tree.bloc, D(2024, 1, 1), D(2024, 6, 30))
    assert section.figures["da_hop"] == 1 and section.figures["chuyen_de"] == 1
    assert section.figures["xep_loai"]["Tốt"] == 1 and section.figures["tu_xep_loai"]["Khá"] == 1
    assert_report_equal(people.staff, tree.bloc, D(2024, 1, 1), D(2024, 6, 30))


def test_a_restructuring_rewrites_the_moved_cells_rows_from_its_month(tree, people, root_user, clock):
    district = org_services.organization_create(actor=root_user, parent=tree.province, data={
        "name": "Đảng bộ huyện Nam Đàn", "code": "ND", "kind": "truc_thuoc"})  # fmt: skip
    clock.set(D(2024, 7, 10))
    hold(root_user, tree.b, D(2024, 2, 5))
    later = meeting_services.meeting_plan(
        actor=root_user, organization=tree.b, data={"kind": "thuong_ky", "planned_at": at(D(2024, 8, 6))}
    )
    rollup_services.rebuild()
    restructure.organization_move(
        actor=root_user, organization=tree.b, new_parent=district, date=D(2024, 5, 1)
    )
    later.refresh_from_db()
    tree.b.refresh_from_db()
    assert later.org_path == tree.b.path
    assert MeetingMonth.objects.get(organization=tree.b, month=D(2024, 8, 1)).org_path == tree.b.path
    assert MeetingMonth.objects.get(organization=tree.b, month=D(2024, 2, 1)).org_path != tree.b.path
    assert rollup_services.check() == []
    assert_grids_equal(root_user, [tree.province, tree.bloc, district, tree.b], years=(2024,))


def thematic(actor, org, day):
    m = meeting_services.meeting_plan(
        actor=actor,
        organization=org,
        data={"kind": "chuyen_de", "topic": "Chỉ thị 05", "planned_at": at(day)},
    )
    return everyone_present(actor, m)


def test_the_totals_of_every_level_hold_each_subtree_and_follow_a_move_in_the_middle_of_a_quarter(
    tree, people, root_user, clock
):
    """A1 holds thematic meetings in April (under the bloc) and in May (after its grassroots organization A moved to a
    district on 01/05): the province counts A1 once in the second quarter, the bloc and the district once each; A's
    grid of 2024 (A has two paths that year) counts A1 once too. Every grid and the report equal a live count."""
    district = org_services.organization_create(actor=root_user, parent=tree.province, data={
        "name": "Đảng bộ huyện Nam Đàn", "code": "ND", "kind": "truc_thuoc"})  # fmt: skip
    clock.set(D(2024, 7, 10))
    rollup_services.rebuild()
    hold(root_user, tree.a1, D(2024, 4, 3), upper="tot")
    thematic(root_user, tree.a1, D(2024, 4, 20))
    hold(root_user, tree.b, D(2024, 4, 8))
    bloc_path, province_path = tree.bloc.path, tree.province.path
    total = MeetingTotal.objects.get(org_path=bloc_path, month=D(2024, 4, 1), upper_grade=GradeLevel.objects.get(
        code="tot").pk, self_grade=0)  # fmt: skip
    assert (total.regular_held, total.organization_id) == (1, tree.bloc.pk)
    assert MeetingTotal.objects.filter(org_path=province_path, month=D(2024, 4, 1)).aggregate(
        n=Sum("regular_held"))["n"] == 2  # fmt: skip
    restructure.organization_move(
        actor=root_user, organization=tree.a, new_parent=district, date=D(2024, 5, 1)
    )
    tree.a.refresh_from_db()
    hold(root_user, tree.a1, D(2024, 5, 6))
    thematic(root_user, tree.a1, D(2024, 5, 20))
    quarter = {r.org_path: r.thematic_cells for r in MeetingTotal.objects.filter(month=D(2024, 4, 1),
                                                                                   thematic_cells__gt=0)}  # fmt: skip
    assert quarter[province_path] == 1 and quarter[bloc_path] == 1 and quarter[district.path] == 1
    assert rollup_services.check() == []
    assert_grids_equal(
        root_user, [tree.province, tree.bloc, district, tree.a, tree.a1, tree.b], years=(2024,)
    )
    rows, _ = rolled.meeting_grid(root_user, tree.a, 2024)
    assert [r.thematic for r in rows if r.org == tree.a1] == [[0, 1, 0, 0]]
    rows, _ = rolled.meeting_grid(root_user, tree.province, 2024)
    assert {r.org.pk: r.thematic[1] for r in rows} == {tree.bloc.pk: 1, district.pk: 1}
    for org in (tree.province, tree.bloc, district, tree.a):
        assert_report_equal(root_user, org, D(2024, 1, 1), D(2024, 6, 30))


def test_the_grid_of_this_year_splits_this_months_plans_into_missed_and_still_to_come(
    tree, people, root_user, clock
):
    """Today 10/07/2024: A1's July meeting planned for the 5th is not recorded, A2's for the 20th is still to come;
    a grassroots organization's grid links each cell's held meeting."""
    clock.set(D(2024, 7, 10))
    rollup_services.rebuild()
    meeting_services.meeting_plan(actor=root_user, organization=tree.a1,
                                  data={"kind": "thuong_ky", "planned_at": at(D(2024, 7, 5))})  # fmt: skip
    meeting_services.meeting_plan(actor=root_user, organization=tree.a2,
                                  data={"kind": "thuong_ky", "planned_at": at(D(2024, 7, 20))})  # fmt: skip
    held = hold(root_user, tree.a1, D(2024, 6, 5))
    assert_grids_equal(people.staff, [tree.province, tree.bloc, tree.a, tree.a1, tree.a2], years=(2024,))
    rows, _ = rolled.meeting_grid(people.staff, tree.bloc, 2024)
    july = next(r for r in rows if r.org == tree.a).months[6]["counts"]
    assert (july[meeting_selectors.NOT_RECORDED], july[meeting_selectors.FUTURE]) == (1, 1)
    rows, _ = rolled.meeting_grid(people.staff, tree.a, 2024)
    assert next(r for r in rows if r.org == tree.a1).months[5]["url"] == reverse(
        "meetings:detail", args=[held.pk]
    )


def test_the_check_command_reports_a_meeting_difference_and_rebuild_repairs_it(
    tree, people, root_user, clock, capsys
):
    clock.set(D(2024, 7, 10))
    hold(root_user, tree.a1, D(2024, 1, 5))
    call_command("rollups", "rebuild")
    assert "dòng sinh hoạt chi bộ-tháng" in capsys.readouterr().out
    MeetingMonth.objects.filter(organization=tree.a1).update(present_count=99)
    with pytest.raises(CommandError, match="khác đếm lại: 1 chỗ"):
        call_command("rollups", "check")
    assert "sinh hoạt của chi bộ trong tháng" in capsys.readouterr().out
    # A meeting written behind the services' back (an import, a repair) is found too, then rebuilt.
    Meeting.objects.filter(organization=tree.a1).update(present_count=0)
    call_command("rollups", "rebuild")
    call_command("rollups", "check")
    # The check reads one batch of organizations at a time: any batch size finds the same rows.
    assert rollup_services.check() == [] and rollup_services.check(batch=1) == []
    MeetingMonth.objects.filter(organization=tree.a1).update(regular_held=2)
    assert len(rollup_services.check(batch=1)) == len(rollup_services.check(batch=10_000)) == 1
    # A total of one level that drifted is found, named by its path; rebuild repairs it.
    call_command("rollups", "rebuild")
    MeetingTotal.objects.filter(org_path=tree.bloc.path).update(present_count=77)
    with pytest.raises(CommandError, match="khác đếm lại: 1 chỗ"):
        call_command("rollups", "check")
    assert tree.bloc.path in capsys.readouterr().out
    call_command("rollups", "rebuild")
    assert rollup_services.check() == []


def test_the_check_names_missing_extra_and_different_totals_and_counts_beyond_the_lines_it_shows(
    tree, people, root_user, clock
):
    clock.set(D(2024, 7, 10))
    hold(root_user, tree.a1, D(2024, 1, 5))
    thematic(root_user, tree.a2, D(2024, 2, 7))
    rollup_services.rebuild()
    assert rollup_services.check() == []
    quarter = MeetingTotal.objects.get(
        org_path=tree.bloc.path, month=D(2024, 1, 1), upper_grade=0, self_grade=0
    )
    assert quarter.thematic_cells == 1
    MeetingTotal.objects.filter(pk=quarter.pk).update(thematic_cells=2)
    a_rows = MeetingTotal.objects.filter(org_path=tree.a.path).delete()[0]
    MeetingTotal.objects.create(organization=tree.b, org_path=tree.b.path, month=D(2023, 5, 1), other_held=3)
    found = rollup_services.check()
    assert a_rows >= 2 and found.total == len(found) == 1 + a_rows + 1
    name = MeetingTotal._meta.verbose_name
    assert f"{name}: ('{tree.bloc.path}', '2024-01-01', 0, 0) lưu (" in "\n".join(found)
    assert any(line.startswith(f"{name}: thiếu ('{tree.a.path}', '2024-01-01'") for line in found)
    assert f"{name}: thừa ('{tree.b.path}', '2023-05-01', 0, 0) = (0, 0, 0, 0, 0, 0, 0, 0, 3, 0)" in found
    shown = rollup_services.check(shown=1)
    assert len(shown) == 1 and shown.total == found.total


def test_extend_builds_the_meeting_rollups_of_an_install_that_had_only_the_member_ones(
    tree, people, root_user, clock
):
    clock.set(D(2024, 7, 10))
    hold(root_user, tree.a1, D(2024, 1, 5))
    rollup_services.rebuild()
    RollupState.objects.update(meetings_built_at=None)
    MeetingMonth.objects.all().delete()
    hold(root_user, tree.a1, D(2024, 2, 5))  # not written: the meeting rollups are not built
    assert not MeetingMonth.objects.exists()
    clock.set(D(2024, 8, 2))
    rollup_services.extend()
    assert rolled.meetings_built() and MeetingMonth.objects.count() == 2
    assert rollup_services.check() == []


# --- Random sequences of meeting operations ---------------------------------------------------------------------

CELLS = ("a1", "a2", "b")
OP = st.one_of(
    st.tuples(st.just("plan"), st.sampled_from(CELLS), st.integers(0, 23), st.integers(1, 27),
              st.sampled_from(["thuong_ky", "thuong_ky", "chuyen_de", "bat_thuong"])),
    st.tuples(st.just("hold"), st.integers(0, 20), st.sampled_from(["co_mat", "vang_khong_ly_do", "vang_co_ly_do"])),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 23), st.integers(1, 27)),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("grade"), st.integers(0, 20), st.sampled_from(["tot", "kha", "trung_binh"]), st.booleans()),
    st.tuples(st.just("minutes"), st.integers(0, 20), st.integers(30, 150)),
    st.tuples(st.just("restructure"), st.sampled_from(["a", "b"]), st.integers(0, 21), st.integers(1, 27)),
)  # fmt: skip


def month_day(index: int, day: int) -> dt.date:
    return D(2023 + index // 12, index % 12 + 1, day)


def run(actor, tree, ops, district=None) -> list[Meeting]:
    """The operations through the services; "restructure" moves A or B between the bloc and ``district``."""
    meetings: list[Meeting] = []

    def pick(i):
        return Meeting.objects.get(pk=meetings[i % len(meetings)].pk) if meetings else None

    for op in ops:
        try:
            if op[0] == "restructure":
                org = getattr(tree, op[1])
                org.refresh_from_db()
                if district is not None:
                    target = tree.bloc if org.parent_id == district.pk else district
                    restructure.organization_move(
                        actor=actor, organization=org, new_parent=target, date=month_day(op[2], op[3])
                    )
            elif op[0] == "plan":
                _, cell, month, day, kind = op
                data = {"kind": kind, "planned_at": at(month_day(month, day))}
                if kind == "chuyen_de":
                    data["topic"] = "Chuyên đề"
                meetings.append(
                    meeting_services.meeting_plan(actor=actor, organization=getattr(tree, cell), data=data)
                )
            elif (m := pick(op[1])) is None:
                continue
            elif op[0] == "hold":
                rows = {e.member.pk: (op[2], "ốm" if op[2] == "vang_co_ly_do" else "")
                        for e in roll(m.organization, m.planned_at.date()) if e.counted}  # fmt: skip
                meeting_services.attendance_record(actor=actor, meeting=m, rows=rows)
            elif op[0] == "move":
                meeting_services.meeting_update_plan(
                    actor=actor, meeting=m, data={"planned_at": at(month_day(op[2], op[3]))}
                )
            elif op[0] == "cancel":
                meeting_services.meeting_cancel(actor=actor, meeting=m)
            elif op[0] == "grade":
                level = GradeLevel.objects.get(code=op[2])
                meeting_services.grade(actor=actor, meeting=m, level=level, upper=op[3])
            elif op[0] == "minutes":
                meeting_services.minutes_save(actor=actor, meeting=m, data={
                    "started_at": m.planned_at, "ended_at": m.planned_at + dt.timedelta(minutes=op[2])})  # fmt: skip
        except ApplicationError:
            pass  # refused: nothing written (the service's transaction)
    return meetings


def totals_rows():
    columns = rollup_services.TOTAL_COLUMNS
    rows = MeetingTotal.objects.order_by("org_path", "month", "upper_grade", "self_grade")
    return [r for r in rows.values_list("organization_id", "org_path", "month", "upper_grade", "self_grade", *columns)
            if any(r[5:])]  # fmt: skip


@pytest.mark.django_db(transaction=False)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])  # fmt: skip
@given(ops=st.lists(OP, min_size=1, max_size=14))
def test_rollups_built_before_random_meeting_operations_equal_a_recount(tree, people, root_user, clock, ops):
    clock.set(D(2024, 10, 15))  # plans run to the end of 2024: some months are still ahead
    with transaction.atomic():
        for org in (tree.a, tree.a1, tree.a2, tree.b):  # an earlier example moved them, then rolled back
            org.refresh_from_db()
        district = org_services.organization_create(actor=root_user, parent=tree.province, data={
            "name": "Đảng bộ huyện Nam Đàn", "code": "ND", "kind": "truc_thuoc"})  # fmt: skip
        rollup_services.rebuild()
        run(root_user, tree, ops, district)
        assert rollup_services.check_meetings() == []
        # The full rebuild (SQL) writes the totals that the services' differences kept (rows of zeros aside).
        kept = totals_rows()
        rollup_services.rebuild_totals()
        assert totals_rows() == kept
        for org in (tree.a, tree.a1, tree.a2, tree.b):
            org.refresh_from_db()
        assert_grids_equal(people.staff, [tree.province, tree.bloc, district, tree.a, tree.a1, tree.b])
        assert_report_equal(people.staff, tree.bloc, D(2023, 7, 1), D(2024, 6, 30))
        assert_report_equal(root_user, tree.province, D(2024, 1, 1), D(2024, 12, 31))
        transaction.set_rollback(True)


def test_the_cached_counts_of_organizations_follow_a_change_of_the_tree(tree, people, root_user, clock):
    """The grid's cells per row and the headcount section's organizations are kept in the shared cache under the
    tree's version: a new cell shows at once."""
    from dangbo.organizations.choices import OrgKind

    clock.set(D(2024, 7, 10))
    day = D(2024, 7, 10)
    before = report_selectors.organizations_on(tree.bloc, day)
    rows, _ = rolled.meeting_grid(people.staff, tree.bloc, 2024)
    assert {r.org.pk: r.cells for r in rows} == {tree.a.pk: 2, tree.b.pk: 1}
    org_services.organization_create(actor=root_user, parent=tree.a, data={
        "name": "Chi bộ Khoa Ngoại", "code": "SYT-3", "kind": OrgKind.SUBORDINATE_CELL})  # fmt: skip
    after = report_selectors.organizations_on(tree.bloc, day)
    assert (after["chi_bo"], after["co_so"]) == (before["chi_bo"] + 1, before["co_so"])
    rows, _ = rolled.meeting_grid(people.staff, tree.bloc, 2024)
    assert {r.org.pk: r.cells for r in rows} == {tree.a.pk: 3, tree.b.pk: 1}


def test_a_grid_of_some_months_is_those_months_of_the_whole_year_grid(tree, people, root_user, clock):
    """The meetings section (review report, dashboard) asks the grid for its period's months only: each month is
    what the whole year's grid says of it, from either source — also a month before a row's first recorded meeting
    when that meeting comes after the months asked ("chưa có số liệu", not "không họp"), and this month with a
    meeting planned ahead."""
    clock.set(D(2024, 7, 10))
    hold(root_user, tree.a1, D(2024, 2, 5))
    hold(root_user, tree.b, D(2024, 3, 5))
    hold(root_user, tree.a2, D(2024, 5, 5))  # SYT's second cell begins in May
    meeting_services.meeting_plan(actor=root_user, organization=tree.a1,
                                  data={"kind": "thuong_ky", "planned_at": at(D(2024, 7, 20))})  # fmt: skip
    for source in (meeting_selectors.live_counts, None):
        if source is None:
            rollup_services.rebuild()
            source = rolled.meeting_counts
        for asked in ([D(2024, m, 1) for m in (3, 4)], [D(2024, m, 1) for m in (3, 4, 7, 8)]):
            for root in (tree.bloc, tree.a, tree.a2):
                whole, months = meeting_selectors.grid(people.staff, root, 2024, source=source)
                some, some_months = meeting_selectors.grid(
                    people.staff, root, 2024, source=source, months=asked
                )
                assert some_months == asked
                assert [(r.org, r.cells, r.months) for r in some] == [
                    (r.org, r.cells, [r.months[months.index(m)] for m in asked]) for r in whole
                ], (root.name, source.__name__, asked)
            a2 = next(r for r in some if r.org == tree.a2)
            assert [c["status"] for c in a2.months][:2] == ["chua_co_so_lieu", "chua_co_so_lieu"]
    assert [c["status"] for c in a2.months][2:] == ["khong_hop", "sap_toi"]
