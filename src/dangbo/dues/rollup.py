"""Dues totals per organization and month at every level of the tree (``DuesTotal``), kept in step with the month
sheets (``DuesSheet``: one row per cell and month, the cell's path *that month*).

Kept **in the same transaction** as the write that changes a sheet — not rebuilt later from a watermark:

* a secretary saves the month and opens the overview at once: a table rebuilt every few minutes would show the
  committee the month as not yet collected, and a remittance's bound (collection minus share) would read stale
  figures;
* the change is small and known at the write: a sheet save changes one sheet, whose path names its ancestors
  (≈ 4–6 rows, one ``INSERT … ON CONFLICT DO UPDATE`` adding the difference); locks are taken in path order
  (root first), so two saves under one province wait for each other a moment and never deadlock;
* a watermark rebuild needs a "changed since" column on the sheets and a worker that must run before any
  overview is right; nothing here needs one.

A restructuring move re-paths the sheets of the months from the move on (``PATH_TABLES``): ``move`` re-paths
them and shifts their totals from the old ancestors to the new ones in the same transaction. ``recount`` adds
up the sheets again from scratch; ``differences`` compares it with the table (``dangbo dues_rollup --check``,
and the tests after random saves); ``rebuild`` rewrites the table from a recount (bulk loaders: the demo, the
benchmark, the month job)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Sum, Value
from django.db.models.functions import Concat, Substr

from dangbo.organizations.paths import subtree_q

from .models import DuesSheet, DuesTotal

Totals = tuple[int, int, int]  # members, owed, paid


def ancestors(path: str) -> list[int]:
    """The organizations a path passes through, root first ("1.7.42." → [1, 7, 42])."""
    return [int(part) for part in path.split(".") if part]


def add(path: str, month: dt.date, members: int, owed: int, paid: int) -> None:
    """Add a difference of a sheet at ``path`` to the month's totals of every organization on the path."""
    if not (members or owed or paid) or not path:
        return
    add_many({(path, month): (members, owed, paid)})


def add_many(changes: dict[tuple[str, dt.date], Totals]) -> None:
    """Add several sheets' differences: grouped per (organization, month), written root first."""
    by_org: dict[tuple[dt.date, int, int], list[int]] = {}
    for (path, month), (members, owed, paid) in changes.items():
        for depth, org_id in enumerate(ancestors(path)):
            t = by_org.setdefault((month, depth, org_id), [0, 0, 0])
            t[0], t[1], t[2] = t[0] + members, t[1] + owed, t[2] + paid
    rows = [(org_id, month, *t) for (month, _depth, org_id), t in sorted(by_org.items()) if any(t)]
    table = DuesTotal._meta.db_table
    adapt = connection.ops.adapt_datefield_value
    for i in range(0, len(rows), 500):
        chunk = rows[i : i + 500]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params = [v for org_id, month, m, o, p in chunk for v in (org_id, adapt(month), m, o, p)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (organization_id, month, members, owed, paid) VALUES {values} "
                f"ON CONFLICT (organization_id, month) DO UPDATE SET members = {table}.members + excluded.members, "
                f"owed = {table}.owed + excluded.owed, paid = {table}.paid + excluded.paid",
                params,
            )


def move(old_path: str, new_path: str, date: dt.date) -> None:
    """``PathTable.repath`` of the month sheets: the sheets of the moved subtree from ``date``'s month on (a month
    that began before the move stays where the cell was then) take the new path, and their totals leave the old
    ancestors for the new ones. Runs inside the restructuring's transaction."""
    sheets = DuesSheet.objects.filter(subtree_q(old_path, "org_path"), month__gte=date)
    moved = list(sheets.values("month").annotate(n=Sum("members"), o=Sum("owed"), p=Sum("paid")).order_by())
    sheets.update(org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1)))
    old_up, new_up = ancestors(old_path)[:-1], ancestors(new_path)[:-1]
    gone = [o for o in old_up if o not in new_up]
    came = [o for o in new_up if o not in old_up]
    changes: dict[tuple[str, dt.date], Totals] = {}
    for r in moved:
        t = (r["n"] or 0, r["o"] or 0, r["p"] or 0)
        # ``add_many`` walks a path; give it the organizations that lose and gain as one-step "paths".
        for org_id in gone:
            key = (f"{org_id}.", r["month"])
            changes[key] = tuple(a - b for a, b in zip(changes.get(key, (0, 0, 0)), t, strict=True))
        for org_id in came:
            key = (f"{org_id}.", r["month"])
            changes[key] = tuple(a + b for a, b in zip(changes.get(key, (0, 0, 0)), t, strict=True))
    add_many(changes)


def recount(months: Iterable[dt.date] | None = None) -> dict[tuple[int, dt.date], Totals]:
    """The totals of every organization and month added up again from the sheets (one pass, grouped by path)."""
    sheets = DuesSheet.objects.all()
    if months is not None:
        sheets = sheets.filter(month__in=list(months))
    out: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    grouped = (
        sheets.values("org_path", "month").annotate(n=Sum("members"), o=Sum("owed"), p=Sum("paid")).order_by()
    )
    for r in grouped.iterator(chunk_size=20000):
        for org_id in ancestors(r["org_path"]):
            t = out[(org_id, r["month"])]
            t[0], t[1], t[2] = t[0] + (r["n"] or 0), t[1] + (r["o"] or 0), t[2] + (r["p"] or 0)
    return {k: tuple(v) for k, v in out.items() if any(v)}


def stored(months: Iterable[dt.date] | None = None) -> dict[tuple[int, dt.date], Totals]:
    rows = DuesTotal.objects.all()
    if months is not None:
        rows = rows.filter(month__in=list(months))
    return {
        (o, m): (n, ow, p)
        for o, m, n, ow, p in rows.values_list(
            "organization_id", "month", "members", "owed", "paid"
        ).iterator()
        if n or ow or p
    }


def differences(
    months: Iterable[dt.date] | None = None,
) -> list[tuple[int, dt.date, Totals | None, Totals | None]]:
    """(organization, month, stored, recounted) for every row where the table and a recount disagree."""
    months = list(months) if months is not None else None
    have, want = stored(months), recount(months)
    return sorted(
        (org, month, have.get((org, month)), want.get((org, month)))
        for org, month in set(have) | set(want)
        if have.get((org, month)) != want.get((org, month))
    )


@transaction.atomic
def rebuild(months: Iterable[dt.date] | None = None) -> int:
    """Rewrite the totals (of ``months``, or all) from a recount; the number of rows written."""
    months = list(months) if months is not None else None
    totals = recount(months)
    old = DuesTotal.objects.all()
    if months is not None:
        old = old.filter(month__in=months)
    old.delete()
    DuesTotal.objects.bulk_create(
        (
            DuesTotal(organization_id=o, month=m, members=n, owed=ow, paid=p)
            for (o, m), (n, ow, p) in totals.items()
        ),
        batch_size=5000,
    )
    return len(totals)
