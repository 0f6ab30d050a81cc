"""The report rollups (reports/rollups/services.py) equal the live computation (members.counts.selectors): after a rebuild, and after any
history written through the services once they are built (kept current in the same transaction) — random histories
with restructurings (hypothesis), a backdated event, a record edit, a deleted record; ``dangbo rollups check``."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dangbo.core.dates import add_months
from dangbo.members import services as member_services
from dangbo.members.counts import selectors as asof
from dangbo.members.history import services as lifecycle
from dangbo.reports.models import MemberMonth
from dangbo.reports.rollups import selectors as rollups
from dangbo.reports.rollups import services as rollup_services
from tests.conftest import decided, member_data
from tests.members.test_lifecycle import OPS, random_history

D = dt.date


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(add_months(m, 1) - dt.timedelta(days=1))
        m = add_months(m, 1)
    return out


def assert_same(org, on):
    assert rollups.hold(on)
    assert rollups.headcount(org, on) == asof.headcount(org, on), (org.name, on)
    assert rollups.composition(org, on) == asof.composition(org, on), (org.name, on)


def assert_same_movement(org, start, end):
    live, rolled = asof.movement(org, start, end), rollups.movement(org, start, end)
    assert (rolled.opening, rolled.closing, rolled.increases, rolled.decreases) == (
        live.opening, live.closing, live.increases, live.decreases,
    ), (org.name, start, end)  # fmt: skip


def test_figures_are_live_until_the_rollups_are_built_then_read_from_them(tree, people, clock):
    clock.set(D(2024, 7, 10))
    assert rollups.state() is None and not rollups.hold(D(2024, 6, 30))
    assert rollups.headcount_on(tree.bloc, D(2024, 6, 30)) == asof.headcount(tree.bloc, D(2024, 6, 30))
    rollup_services.rebuild()
    assert rollups.hold(D(2024, 6, 30)) and not rollups.hold(D(2024, 6, 29))
    assert not rollups.hold(D(2024, 8, 31))  # after the watermark: live until extended
    for org in (tree.province, tree.bloc, tree.a, tree.a1, tree.b):
        assert_same(org, D(2024, 6, 30))
        assert_same_movement(org, D(2015, 1, 1), D(2024, 6, 30))
    assert rollup_services.check() == []


def test_services_keep_the_rollups_current_in_their_transaction(tree, people, root_user, clock):
    clock.set(D(2024, 7, 10))
    rollup_services.rebuild()
    # A backdated death changes past months; a record edit changes the composition of every month.
    lifecycle.event_record(actor=root_user, member=people.m_a2, kind="tu_tran", date=D(2020, 3, 5),
                           **decided("tu_tran", D(2020, 3, 5)))  # fmt: skip
    m = member_services.member_update(actor=root_user, member=people.m_a1, data={"gender": "nu"})
    assert m.gender == "nu"
    assert rollup_services.check() == []
    for on in (D(2020, 2, 29), D(2020, 3, 31), D(2024, 6, 30)):
        for org in (tree.bloc, tree.a, tree.a2):
            assert_same(org, on)
    assert rollups.headcount(tree.a2, D(2020, 2, 29))["tong"] == 1
    assert rollups.headcount(tree.a2, D(2020, 3, 31))["tong"] == 0
    member_services.member_delete(actor=root_user, member=people.m_b)
    assert rollup_services.check() == []
    assert_same(tree.b, D(2024, 6, 30))


def test_the_check_command_reports_a_difference_and_rebuild_repairs_it(tree, people, clock, capsys):
    clock.set(D(2024, 7, 10))
    call_command("rollups", "rebuild")
    call_command("rollups", "check")
    assert "khớp với đếm lại" in capsys.readouterr().out
    MemberMonth.objects.filter(organization=tree.a1, month=D(2024, 6, 1)).update(official=99)
    with pytest.raises(CommandError, match="khác đếm lại: 1 chỗ"):
        call_command("rollups", "check")
    assert "lưu (" in capsys.readouterr().out
    call_command("rollups", "rebuild")
    assert rollup_services.check() == []


def test_extend_adds_the_months_after_the_watermark(tree, people, clock):
    clock.set(D(2024, 7, 10))
    rollup_services.rebuild()
    clock.set(D(2024, 10, 2))
    assert not rollups.hold(D(2024, 9, 30))
    assert rollup_services.extend() == 3
    assert rollups.hold(D(2024, 9, 30)) and rollup_services.check() == []
    assert_same(tree.bloc, D(2024, 9, 30))


@pytest.mark.django_db(transaction=False)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])  # fmt: skip
@given(ops=OPS, probe=st.integers(0, 10_000))
# Received on the day it was sent: the sending cell's step names the receiving cell, a row of a cell whose own
# period did not change (found by hypothesis, seed 123387642448365152722668719828468284031).
@example(ops=[("enroll", 0, 0), ("send", 30, 1), ("receive", 0, 0)], probe=0)
def test_rollups_built_before_a_random_history_equal_the_live_figures(root_user, ops, probe):
    with transaction.atomic():
        h = random_history(root_user, ops, before_ops=rollup_services.rebuild)
        assert rollup_services.check() == []
        ends = month_ends(
            D(2015, 1, 1), min(h.end, add_months(rollups.state().through, 1) - dt.timedelta(days=1))
        )
        rng = random.Random(probe)
        for root in [*h.roots, *h.cells]:
            for on in rng.sample(ends, min(4, len(ends))):
                assert_same(root, on)
            a, b = sorted(rng.sample(ends, 2)) if len(ends) > 1 else (ends[0], ends[0])
            assert_same_movement(root, a.replace(day=1), b)
            day = D(2015, 1, 1) + dt.timedelta(days=probe % 400)
            assert_same_movement(root, day, day + dt.timedelta(days=probe % 97))
        transaction.set_rollback(True)


# --- The full rebuild from the roll's steps equals the per-month select --------------------------------------------
#
# ``rebuild`` writes ``MemberMonth`` from the steps of each cell's roll (``_month_delta_select``); ``_month_select``
# (what ``refresh``, ``extend`` and ``check`` still run) joins every period to every month it covers. Random roll
# periods written straight into the table — the rebuild reads nothing else — with the days where the two could
# part: 29/02 birthdays (the band changes in March of a year without 29/02), birthdays on a month's first and last
# day, periods beginning or ending on a month's first or last day or within one month, open periods, exemptions,
# moves between cells and paths (a restructuring), members born after their first months.

ONE_DAY = dt.timedelta(days=1)
LEAP_BIRTHS = [D(1944, 2, 29), D(1952, 2, 29), D(1964, 2, 29), D(1972, 2, 29), D(1980, 2, 29), D(1984, 2, 29),
               D(1992, 2, 29), D(1996, 2, 29), D(2000, 2, 29)]  # fmt: skip


def _first_of(y, m):
    return D(y, m, 1)


def _last_of(y, m):
    return add_months(D(y, m, 1), 1) - ONE_DAY


BIRTHS = st.one_of(
    st.sampled_from(LEAP_BIRTHS),
    st.builds(_first_of, st.integers(1935, 2012), st.integers(1, 12)),
    st.builds(_last_of, st.integers(1935, 2012), st.integers(1, 12)),
    st.dates(D(1935, 1, 1), D(2012, 12, 31)),
)
DAYS = st.one_of(
    st.builds(_first_of, st.integers(2008, 2026), st.integers(1, 12)),
    st.builds(_last_of, st.integers(2008, 2026), st.integers(1, 12)),
    st.dates(D(2008, 1, 1), D(2026, 12, 31)),
)
PERIOD = st.tuples(st.integers(0, 4), st.sampled_from(["chinh_thuc", "du_bi", "dang_chuyen"]), st.booleans())
MEMBERS = st.lists(
    st.tuples(
        BIRTHS,
        st.sampled_from(["nam", "nu"]),
        st.sampled_from(["Kinh", "Thái"]),
        st.sampled_from(["chua_dao_tao", "so_cap", "trung_cap", "cao_cap", "cu_nhan", "khac"]),
        st.lists(DAYS, min_size=1, max_size=6, unique=True),  # the days the member's periods begin and end
        st.lists(PERIOD, min_size=6, max_size=6),
        st.booleans(),  # the last period stays open
        st.booleans(),  # a gap before each period after the first (the days are then taken in pairs)
    ),
    min_size=1,
    max_size=12,
)


def _write_periods(cells, members) -> None:
    from dangbo.members.models import Member, MemberPeriod

    # cell i, with the path it has under its parent, or a second path (the cell moved by a restructuring)
    places = [(c, c.path) for c in cells] + [
        (cells[0], cells[0].path + "Z9"),
        (cells[1], cells[1].path + "Y8"),
    ]
    for n, (born, gender, ethnicity, theory, days, kinds, open_end, gaps) in enumerate(members):
        data = member_data(cells[0], f"Người Thứ {n}", birth_date=born, gender=gender, ethnicity=ethnicity)
        data["political_theory"] = theory
        member = Member.objects.create(**data)
        days = sorted(days)
        bounds = (
            list(zip(days[::2], days[1::2], strict=False))
            if gaps
            else list(zip(days, days[1:], strict=False))
        )
        if open_end or not bounds:
            bounds.append((days[-1] if not gaps or len(days) % 2 else days[-1] + ONE_DAY, None))
        for (start, end), (place, status, exempted) in zip(bounds, kinds, strict=False):
            cell, path = places[place % len(places)]
            MemberPeriod.objects.create(member=member, organization=cell, org_path=path, status=status,
                                        exempted=exempted, valid_from=start, valid_to=end, start_kind="nhap_ho_so",
                                        end_kind="" if end is None else "chuyen_noi_bo")  # fmt: skip


def _month_rows():
    return list(MemberMonth.objects.order_by("pk").values_list(*rollup_services.MONTH_FIELDS))


def assert_rebuild_equals_the_per_month_select(through):
    rollup_services.rebuild(through=through)
    built = _month_rows()
    assert all(row[3] > 0 for row in built)  # no row without a period
    assert rollup_services.check() == []
    MemberMonth.objects.all().delete()
    rollup_services._insert(
        MemberMonth, rollup_services.MONTH_FIELDS, rollup_services._month_select(), ordered=True
    )
    assert built == _month_rows()  # every column, in the same order (the reading index's)


@pytest.mark.django_db(transaction=False)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])  # fmt: skip
@given(members=MEMBERS, through=st.builds(_first_of, st.integers(2008, 2027), st.integers(1, 12)))
def test_the_rebuild_from_the_steps_equals_the_per_month_select(tree, members, through):
    with transaction.atomic():
        _write_periods([tree.a1, tree.a2, tree.b], members)
        assert_rebuild_equals_the_per_month_select(through)
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=False)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])  # fmt: skip
@given(ops=OPS, births=st.lists(BIRTHS, min_size=30, max_size=30))
def test_the_rebuild_after_a_random_history_equals_the_per_month_select(root_user, ops, births):
    """Histories written through the services (transfers between cells, exemptions, restructurings, deaths)."""
    from dangbo.members.models import Member

    with transaction.atomic():
        h = random_history(root_user, ops)
        for member, born in zip(h.members, births, strict=False):
            Member.objects.filter(pk=member.pk).update(birth_date=born)
        assert_rebuild_equals_the_per_month_select(h.end.replace(day=1))
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_command_vacuums_the_rollups_on_postgresql():
    """After a rebuild the reports read ``member_month_heads`` index-only: on PostgreSQL ``dangbo rollups rebuild``
    (and ``dangbo synth``) VACUUM the tables written (the visibility map), or every row is fetched from the table
    (the national database just loaded: 179,049 heap fetches for a province's twelve month ends). Inside a
    transaction ``vacuum`` does nothing (VACUUM cannot run there)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")

    def vacuums() -> int:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pg_stat_clear_snapshot()"
            )  # the statistics as they are now, not as first read
            cur.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = %s",
                        [MemberMonth._meta.db_table])  # fmt: skip
            return cur.fetchone()[0]

    before = vacuums()
    with transaction.atomic():
        assert rollup_services.vacuum() is False  # inside a transaction: nothing (VACUUM would fail)
    assert vacuums() == before
    call_command("rollups", "rebuild")
    assert vacuums() == before + 1
