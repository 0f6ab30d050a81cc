"""Reads of member records, always scoped to the actor through the policy."""

from __future__ import annotations

from django.conf import settings

from dangbo.accounts import policy
from dangbo.core.pagination import KeysetPage, keyset_page
from dangbo.core.search import sort_index_helps_search
from dangbo.organizations.selectors import organizations_for_filter

from .filters import MemberFilter
from .models import Member

LIST_COLUMNS = (
    "id", "full_name", "gender", "birth_date", "ethnicity", "status", "joined_date", "official_date",
    "political_theory", "name_sort", "organization_id", "organization__name", "organization__kind", "organization__parent_id",
    "organization__parent__name", "organization__parent__short_name",
)  # fmt: skip


# Counting stops here: "hơn 10.000" is as useful as an exact figure and costs a bounded time. A scope alone
# is counted from the org_path index (cheap); with attribute filters every candidate row is read, so the cap
# is lower. Exact totals of any organization are on its page (stored counts).
COUNT_CAP = 10_000
FILTERED_COUNT_CAP = 1_000
ATTRIBUTE_FILTERS = ("q", "status", "gender", "ethnicity", "age_band", "political_theory")
# Above this many rows the list walks the name index instead of sorting the subtree (see core.db.NoIndex).
LARGE_SCOPE = 5_000


def member_scope(actor, action: str = policy.VIEW, *, large: bool = False):
    return policy.scope(actor, action, Member.objects.all(), large=large)


def member_filter(*, actor, params, large: bool = False, organizations=None) -> MemberFilter:
    """The member list's filter, bound to the request parameters and the actor's scope.

    When an organization is chosen, its subtree predicate drives the plan and the scope predicate (on the same
    column) is only checked: SQLite bounds an index scan by one range per column, and would otherwise take
    the whole scope's range.
    """
    org_chosen = bool(params.get("organization"))
    return MemberFilter(
        params,
        queryset=member_scope(actor, large=large or org_chosen)
        .select_related("organization__parent")
        .only(*LIST_COLUMNS),
        organizations=organizations or organizations_for_filter(actor, selected=params.get("organization")),
        large=large,
    )


def capped_count(queryset, cap: int | None = None) -> int:
    """The number of rows, or ``cap + 1`` when there are more than ``cap`` (default COUNT_CAP)."""
    cap = COUNT_CAP if cap is None else cap
    return queryset.order_by().values("pk")[: cap + 1].count()


def scope_size(actor, params) -> int:
    """About how many members the list's scope holds, from the stored counts (no member rows read)."""
    from dangbo.organizations.models import Organization

    org = params.get("organization")
    ids = [int(org)] if org and str(org).isdigit() else policy.root_organizations(actor)
    rows = Organization.objects.filter(pk__in=ids).values_list("official_count", "probationary_count")
    return sum(a + b for a, b in rows)


def member_list(*, actor, params, page_size: int | None = None) -> tuple[MemberFilter, KeysetPage, int, int]:
    """(filter, page, total, cap) for the member list, in Vietnamese name order. ``total`` is at most
    ``cap + 1``, shown as "hơn <cap>".

    Plan choice: for a large scope the subtree predicate is written so that it does not drive the plan —
    the list then walks the name index (or, when searching, the full-text index) and checks the subtree
    row by row; a small scope is read from the org_path index and sorted.
    """
    # When searching, PostgreSQL does better intersecting the org_path and full-text bitmaps than either
    # alone: common words ("nguyen", "thi") match millions of rows nationally.
    large = scope_size(actor, params) > LARGE_SCOPE and (not params.get("q") or sort_index_helps_search())
    flt = member_filter(actor=actor, params=params)
    if not flt.is_valid():
        return flt, KeysetPage(rows=[]), 0, COUNT_CAP
    cap = FILTERED_COUNT_CAP if any(params.get(f) for f in ATTRIBUTE_FILTERS) else COUNT_CAP
    total = capped_count(flt.qs, cap)  # counting reads the org_path index range whatever the scope
    rows = member_filter(actor=actor, params=params, large=True, organizations=flt.organizations).qs if large else flt.qs
    page = keyset_page(
        rows,
        sort_field="name_sort",
        after=params.get("sau"),
        before=params.get("truoc"),
        size=page_size or settings.DANGBO_PAGE_SIZE,
        use_sort_index=not params.get("q") or sort_index_helps_search(),
    )
    return flt, page, total, cap
