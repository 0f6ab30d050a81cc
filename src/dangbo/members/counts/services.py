"""Stored member counts of every organization's subtree (official and probationary members).

Reads are free (two columns on the organization row); writes adjust the counted organization and its ancestors
(at most ~6 rows) inside the transaction of the member change. ``recount`` rebuilds every count from the member
rows — used by bulk loaders and by ``dangbo recount``; tests check that incremental and full agree.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count

from dangbo.organizations.models import Organization
from dangbo.organizations.tree.selectors import add_along_path, add_along_paths, path_ids

from ..choices import MemberStatus
from ..models import Member

FIELD = {MemberStatus.OFFICIAL: "official_count", MemberStatus.PROBATIONARY: "probationary_count"}


def adjust(org_path: str, status: str, delta: int) -> None:
    """Add ``delta`` members of ``status`` to the organization at ``org_path`` and all its ancestors."""
    field = FIELD.get(status)
    if field is not None:
        add_along_path(org_path, **{field: delta})


def adjust_many(changes) -> None:
    """``adjust`` for many ``(org_path, status, delta)`` at once (an import's batch): each organization's row
    written once (``add_along_paths``)."""
    add_along_paths([(path, {FIELD[status]: delta}) for path, status, delta in changes if status in FIELD])


def move(old: tuple[str, str] | None, new: tuple[str, str] | None) -> None:
    """A member's (org_path, status) changed from ``old`` to ``new`` (None = not counted / not existing)."""
    if old == new:
        return
    if old:
        adjust(old[0], old[1], -1)
    if new:
        adjust(new[0], new[1], +1)


@transaction.atomic
def recount() -> int:
    """Recompute every organization's counts from the member rows; returns the number of organizations."""
    totals: dict[int, dict[str, int]] = defaultdict(lambda: {"official_count": 0, "probationary_count": 0})
    rows = (
        Member.objects.filter(status__in=list(FIELD))
        .values_list("org_path", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for org_path, status, n in rows:
        for pk in path_ids(org_path):
            totals[pk][FIELD[status]] += n
    changed = []
    n = 0
    for pk, official, probationary in Organization.objects.values_list(
        "pk", "official_count", "probationary_count"
    ):
        n += 1
        t = totals.get(pk, {"official_count": 0, "probationary_count": 0})
        if (official, probationary) != (t["official_count"], t["probationary_count"]):
            changed.append((t["official_count"], t["probationary_count"], pk))
    table = Organization._meta.db_table
    with connection.cursor() as cursor:  # plain executemany: fast at national scale, unlike bulk_update
        cursor.executemany(
            f"UPDATE {table} SET official_count = %s, probationary_count = %s WHERE id = %s", changed
        )
    return n
