"""The tree of a date — one home for "what was where, when".

``OrganizationLink`` rows hold every period of an organization's place in the tree (parent, name, path); the
open row equals the organization's current ``parent``/``name``/``path``. Everything that asks about the tree on a
past date reads it through this module:

* ``valid_on(day)`` / ``overlapping(start, end)`` — the validity of any dated row (``valid_from`` included,
  ``valid_to`` excluded, either may be empty); also as queryset methods (``DatedQuerySet``);
* ``link_periods``/``path_periods``/``path_on`` — an organization's path on a day;
* ``in_subtree(org)`` — a row placed by ``org_path`` and dated by ``valid_from`` lies in ``org``'s subtree *of its
  time* (the organization may itself have moved since).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import reduce
from operator import or_

from django.db.models import F, Q

from dangbo.core import memo
from dangbo.core.models import overlapping, valid_on  # noqa: F401 - the validity of dated rows, re-exported here
from dangbo.core.policies import subtree_q

from ..models import Organization, OrganizationLink

Period = tuple[dt.date | None, dt.date | None, str]  # (valid from, valid to — not included, path)


def link_periods(org_ids) -> Callable[[int], Sequence[Period]]:
    """The path periods of the given organizations, oldest first, in one query: ``periods(org_id)``
    (also the ``links`` of the member history replay)."""
    by_org: dict[int, list[Period]] = defaultdict(list)
    rows = OrganizationLink.objects.filter(organization_id__in=set(org_ids)).order_by("valid_from", "id")
    for org_id, valid_from, valid_to, path in rows.values_list(
        "organization_id", "valid_from", "valid_to", "path"
    ):
        by_org[org_id].append((valid_from, valid_to, path))
    for periods in by_org.values():
        periods.sort(key=lambda p: p[0] or dt.date.min)
    return lambda org_id: by_org.get(org_id, ())


def path_periods(org: Organization) -> list[Period]:
    """One organization's path periods, oldest first (read once in a ``core.memo.reading`` block)."""
    return list(memo.once(("path-periods", org.pk), lambda: tuple(link_periods([org.pk])(org.pk))))


def path_on(org: Organization, on: dt.date) -> str | None:
    """The organization's path on a date (None if it did not exist then)."""
    for valid_from, valid_to, path in path_periods(org):
        if (valid_from is None or valid_from <= on) and (valid_to is None or valid_to > on):
            return path
    return None


def in_subtree(org: Organization, prefix: str = "") -> Q:
    """Q: the dated row (``prefix`` for a related row) lies in ``org``'s subtree of its time — its ``org_path`` under
    the path ``org`` had on the row's ``valid_from``."""
    parts = []
    for valid_from, valid_to, path in path_periods(org):
        q = subtree_q(path, f"{prefix}org_path")
        if valid_from:
            q &= Q(**{f"{prefix}valid_from__gte": valid_from})
        if valid_to:
            q &= Q(**{f"{prefix}valid_from__lt": valid_to})
        parts.append(q)
    return reduce(or_, parts) if parts else Q(pk__in=[])


def path_ids(path: str) -> list[int]:
    """ "1.7.42." → [1, 7, 42]: the organization and its ancestors."""
    return [int(p) for p in path.split(".") if p]


def add_along_path(path: str, **deltas: int) -> None:
    """Add to stored counter columns of the organization at ``path`` and every ancestor (``official_count=-3``)."""
    add_along_paths([(path, deltas)])


def add_along_paths(changes) -> None:
    """``add_along_path`` for many ``(path, {column: delta})`` at once (an import's batch of 10,000 members in
    thousands of cells): the deltas summed per organization first, so that each row is written once — not the
    province's row once per cell (in one transaction, PostgreSQL walks every earlier version of a row it updates
    again: thousands of updates of one row grow slower and slower) — then one UPDATE per distinct set of deltas
    (most cells get the same few), at most 500 organizations each."""
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for path, deltas in changes:
        for pk in path_ids(path or ""):
            mine = totals[pk]
            for column, delta in deltas.items():
                mine[column] = mine.get(column, 0) + delta
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, deltas in totals.items():
        key = tuple(sorted((column, delta) for column, delta in deltas.items() if delta))
        if key:
            groups[key].append(pk)
    for key, pks in groups.items():
        changes_of = {column: F(column) + delta for column, delta in key}
        for i in range(0, len(pks), 500):
            Organization.objects.filter(pk__in=sorted(pks[i : i + 500])).update(**changes_of)


# Folded from the module «paths» of organizations.
# Materialised id paths: "1.7.42." is organization 42 under 7 under 1.
#
# A subtree is the half-open range [path, path[:-1] + "/") — "/" is the character after "." — which
# uses a plain B-tree index on both databases (the column has binary collation, see BinaryCharField).


def child_path(parent_path: str, pk: int) -> str:
    return f"{parent_path}{pk}."
