"""Dues totals per organization and month at every level (``dues.services``, section totals): kept by every save in its
transaction, moved by restructuring, always equal to a recount from the month sheets."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangbo.core.errors import ApplicationError
from dangbo.dues import selectors, services
from dangbo.dues.models import DuesTotal
from dangbo.organizations import services as org_services
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.tree import services as restructure

MONTHS = [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]


@pytest.fixture
def dues(tree, people, root_user, clock):
    clock.set(dt.date(2026, 4, 20))
    for m, basis in ((people.m_a1, 8_000_000), (people.m_a1b, 6_000_000), (people.m_a2, 9_000_000)):
        services.set_basis(
            actor=root_user, member=m, valid_from=dt.date(2025, 1, 1), group="luong_bhxh", basis=basis
        )
    services.set_basis(
        actor=root_user, member=people.m_b, valid_from=dt.date(2025, 1, 1), group="khac", basis=20_000
    )
    return people


def _save(actor, cell, month, members, rng):
    rows = []
    for m in members:
        paid = rng.choice([0, 0, 20_000, 60_000, 80_000, 90_000])
        rows.append({"member": m.pk, "paid": paid, "paid_on": month + dt.timedelta(days=3) if paid else None,
                     "way": "tien_mat" if paid else ""})  # fmt: skip
    try:
        services.record_month(actor=actor, organization=cell, month=month, rows=rows,
                              version=services.sheet_version(cell, month))  # fmt: skip
    except ApplicationError:
        pass  # an amount above the bound for a small sum owed: refused, nothing changed — the rollup neither


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollup_equals_a_recount_after_random_saves_and_a_move(dues, tree, root_user, seed):
    rng = random.Random(seed)
    cells = {tree.a1: [dues.m_a1, dues.m_a1b], tree.a2: [dues.m_a2], tree.b: [dues.m_b]}
    for _ in range(14):
        cell = rng.choice(list(cells))
        _save(
            root_user,
            cell,
            rng.choice(MONTHS),
            rng.sample(cells[cell], rng.randint(1, len(cells[cell]))),
            rng,
        )
    services.record_member_months(actor=root_user, member=dues.m_a2, first_month=dt.date(2026, 5, 1), months=2,
                                  paid_on=dt.date(2026, 4, 20), way="chuyen_khoan")  # fmt: skip
    assert selectors.totals_differences() == []
    assert DuesTotal.objects.filter(organization=tree.province).exists()
    # A cell moves to another grassroots committee from 10/03: its sheets from April on (a month begun before the
    # move stays where the cell was) leave Sở Y tế's totals for the new committee's; the bloc's do not change.
    bloc_before = selectors.totals_stored()
    other = org_services.organization_create(actor=root_user, parent=tree.bloc,
                                             data={"name": "Đảng bộ Sở Xây dựng", "code": "SXD", "kind": OrgKind.GRASSROOTS_COMMITTEE})  # fmt: skip
    restructure.organization_move(
        actor=root_user, organization=tree.a2, new_parent=other, date=dt.date(2026, 3, 10)
    )
    assert selectors.totals_differences() == []
    after = selectors.totals_stored()
    for month in MONTHS:
        assert after.get((tree.bloc.pk, month)) == bloc_before.get((tree.bloc.pk, month))
    moved = {k: v for k, v in after.items() if k[0] == tree.a2.pk and k[1] >= dt.date(2026, 4, 1)}
    for (_, month), t in moved.items():
        assert after[(other.pk, month)] == t
    # The overview lists the children of the period, each for its months under the organization: the rows add up
    # to the organization's own totals, before and after the move.
    for org in (tree.a, other, tree.bloc):
        rows = selectors.overview(dues.staff, org, *selectors.months_of(2026))
        mine = [v for (pk, _), v in after.items() if pk == org.pk]
        assert (sum(r.owed for r in rows), sum(r.paid for r in rows)) == (
            sum(v[1] for v in mine),
            sum(v[2] for v in mine),
        )
    assert tree.a2 in [
        r.organization for r in selectors.overview(dues.staff, tree.a, *selectors.months_of(2026))
    ]
    tree.a2.refresh_from_db()
    for _ in range(6):  # saves after the move add to the new ancestors
        cell = rng.choice(list(cells))
        cell.refresh_from_db()
        _save(root_user, cell, rng.choice(MONTHS), cells[cell], rng)
    assert selectors.totals_differences() == []


def test_overview_reads_the_totals_and_the_check_command_finds_drift(dues, tree, root_user):
    services.record_month(actor=root_user, organization=tree.a1, month=MONTHS[2], version=0, rows=[
        {"member": dues.m_a1.pk, "paid": 80_000, "paid_on": dt.date(2026, 3, 5), "way": "tien_mat"}])  # fmt: skip
    services.record_month(actor=root_user, organization=tree.b, month=MONTHS[2], version=0, rows=[
        {"member": dues.m_b.pk, "paid": 20_000, "paid_on": dt.date(2026, 3, 5), "way": "tien_mat"}])  # fmt: skip
    rows = {r.organization: r for r in selectors.overview(dues.staff, tree.bloc, *selectors.months_of(2026))}
    assert (rows[tree.a].owed, rows[tree.a].paid) == (140_000, 80_000)
    assert (rows[tree.b].owed, rows[tree.b].paid) == (20_000, 20_000)
    call_command("dues_rollup", "--check")
    DuesTotal.objects.filter(organization=tree.bloc).update(paid=1)
    with pytest.raises(CommandError):
        call_command("dues_rollup", "--check")
    call_command("dues_rollup")
    assert selectors.totals_differences() == []
