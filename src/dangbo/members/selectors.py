"""Reads of member records, always scoped to the actor through the policy."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.db import prepared
from dangbo.core.http import int_param
from dangbo.core.pagination import KeysetPage, keyset_page
from dangbo.core.search import (
    plan_words,
    scan_is_cheaper,
    scoped_word_count,
    scoped_word_ids,
    scoped_word_sql,
    tokens,
)
from dangbo.organizations.policies import top_organizations

from .filters import EQUAL_FILTERS, MemberFilter, carried_conditions
from .models import Member, Transfer

LIST_COLUMNS = (
    "id", "full_name", "gender", "birth_date", "ethnicity", "status", "joined_date", "official_date",
    "political_theory", "name_sort", "organization_id", "organization__name", "organization__kind", "organization__parent_id",
    "organization__parent__name", "organization__parent__short_name",
)  # fmt: skip
# What the list page shows of each row, read as plain tuples (``member_list(..., as_values=True)``): 50 rows as
# model instances (a member, its organization and that one's parent each) cost more CPU than the page's SQL.
LIST_VALUES = (
    "pk", "full_name", "gender", "birth_date", "ethnicity", "status", "joined_date", "political_theory",
    "organization__name", "organization__kind", "organization__parent__name", "organization__parent__short_name",
)  # fmt: skip


# Counting stops here: "hơn 10.000" is as useful as an exact figure and costs a bounded time. A scope alone
# is counted from the org_path index (cheap); with attribute filters every candidate row is read, so the cap
# is lower. Exact totals of any organization are on its page (stored counts).
COUNT_CAP = 10_000
FILTERED_COUNT_CAP = 1_000
ATTRIBUTE_FILTERS = ("q", "status", *EQUAL_FILTERS, "age_band")
# Above this many rows the list walks the name index instead of sorting the subtree (see core.db.NoIndex).
LARGE_SCOPE = 5_000


def member_page(actor, pk) -> Member:
    """The member of the member page (404 outside the actor's scope), with its cell and three flags that spare the
    page a query each when false — as for most members: ``has_login`` (a user account is linked), ``has_transfers``,
    ``has_seats`` (committee seats). Each query the page does not run saves ~1 ms of Django CPU (compiling it,
    building its objects: bench/run.py, issue 19); an ``EXISTS`` in this one costs a third of that."""
    from dangbo.organizations.models import CommitteeSeat

    rows = Member.objects.select_related("organization").annotate(
        has_login=Exists(get_user_model().objects.filter(member=OuterRef("pk"))),
        has_transfers=Exists(Transfer.objects.filter(member=OuterRef("pk"))),
        has_seats=Exists(CommitteeSeat.objects.filter(member=OuterRef("pk"))),
    )
    return policies.get_scoped_or_404(actor, policies.VIEW, rows, pk=pk)


def _list_rows(actor, *, large: bool = False, org_chosen: bool = False):
    """The scoped member rows the list reads (its columns, the organization and its parent joined)."""
    return (
        policies.scope(actor, policies.VIEW, Member.objects.all(), large=large or org_chosen)
        .select_related("organization__parent")
        .only(*LIST_COLUMNS)
    )


def member_filter(*, actor, params, large: bool = False, row_by_row: bool = False) -> MemberFilter:
    """The member list's filter, bound to the request parameters and the actor's scope.

    When an organization is chosen, its subtree predicate drives the plan and the scope predicate (on the same
    column) is only checked: SQLite bounds an index scan by one range per column, and would otherwise take
    the whole scope's range. The scoped rows are built when the filter's ``qs`` is first read.
    """
    org_chosen = bool(params.get("organization"))
    return MemberFilter(
        params,
        rows=lambda: _list_rows(actor, large=large, org_chosen=org_chosen),
        actor=actor,
        large=large,
        row_by_row=row_by_row,
    )


def capped_count(queryset, cap: int | None = None, *, key: tuple | None = None) -> int:
    """The number of rows, or ``cap + 1`` when there are more than ``cap`` (default COUNT_CAP). ``key``: the statement
    is compiled once per process (``core.db.prepared``; ``queryset`` may then be a callable giving it)."""
    cap = COUNT_CAP if cap is None else cap
    if key is None:
        queryset = queryset() if callable(queryset) else queryset
        return queryset.order_by().values("pk")[: cap + 1].count()
    source = queryset if callable(queryset) else (lambda: queryset)
    return prepared((*key, "count", cap), lambda: source().order_by().values("pk")[: cap + 1], count=True)


def scope_size(actor, params) -> int:
    """About how many members the list's scope holds, from the stored counts (no member rows read)."""
    from dangbo.organizations.models import Organization

    org = params.get("organization")
    org = int_param(getattr(org, "pk", org))
    ids = [org] if org is not None else top_organizations(actor)
    rows = prepared(
        ("member-list-scope-size", len(ids)),
        lambda *ids: Organization.objects.filter(pk__in=ids).values_list(
            "official_count", "probationary_count"
        ),
        *ids,
    )
    return sum(a + b for a, b in rows)


def member_list(
    *, actor, params, page_size: int | None = None, as_values: bool = False
) -> tuple[MemberFilter, KeysetPage, int, int]:
    """(filter, page, total, cap) for the member list, in Vietnamese name order. ``total`` is at most
    ``cap + 1``, shown as "hơn <cap>". With ``as_values`` the page's rows are named tuples of ``LIST_VALUES``
    (the same rows, the same SQL conditions) instead of model instances.

    Plan choice: for a large scope the subtree predicate is written so that it does not drive the plan —
    the list then walks the name index and checks the subtree row by row; a small scope is read from the
    org_path index and sorted. A name search is answered from the search index (PostgreSQL: the word table,
    which picks the page itself; SQLite: the full-text table), unless checking the names of the scope's rows
    is estimated cheaper (``core.search.scan_is_cheaper``: a very common name).
    """
    size = page_size or settings.DANGBO_PAGE_SIZE
    flt = member_filter(actor=actor, params=params)
    if not flt.is_valid():
        return flt, KeysetPage(rows=[]), 0, COUNT_CAP
    cap = _count_cap(params)
    words = tokens(params.get("q") or "")
    scope_rows = scope_size(actor, params)
    large = scope_rows > LARGE_SCOPE
    pg = connection.vendor == "postgresql"
    total = select_ids = None
    scan = False
    if words:
        plan = plan_words(Member._meta.db_table, words)
        if plan is None:  # the last word starts no word of any name
            return flt, KeysetPage(rows=[]), 0, cap
        # PostgreSQL reads filtered searches from the word table, which carries the filter columns.
        filtered = any(params.get(f) for f in ATTRIBUTE_FILTERS if f != "q")
        scan = not (pg and filtered) and scan_is_cheaper(plan, scope_rows=scope_rows, large=large, page=size)
        if pg:
            scoped = _scoped_words(actor, flt, plan)
            total = scoped_word_count(scoped, cap)
            if not scan:
                select_ids = functools.partial(scoped_word_ids, scoped)
    org_chosen = bool(params.get("organization"))
    # The queries are built only when their statements are compiled, once per process for what determines them
    # (``_statement_key``): building and compiling them cost more CPU than running them (issue 19).
    key = (*_statement_key(actor, flt, org_chosen), bool(select_ids), scan, large)
    if (
        select_ids
    ):  # the word table has picked the page: its rows are read by id, scope and name checked again

        def rows():
            return flt.filtered(_list_rows(actor, org_chosen=org_chosen), row_by_row=True)
    elif scan or large:

        def rows():
            return flt.filtered(
                _list_rows(actor, large=large, org_chosen=org_chosen), large=large, row_by_row=scan
            )
    else:

        def rows():
            return flt.qs

    if total is None and _counted_by_the_tree(actor, params):
        total = min(scope_rows, cap + 1)  # the stored counts of the scope's organizations: no member row read
    if total is None:  # counting reads the org_path index range whatever the scope
        total = capped_count(rows if scan else (lambda: flt.qs), cap, key=(*key, "count", scan))
    page = keyset_page(
        rows, sort_field="name_sort", after=params.get("sau"), before=params.get("truoc"), size=size,
        select_ids=select_ids, columns=LIST_VALUES if as_values else (), key=key if as_values else None,
    )  # fmt: skip
    return flt, page, total, cap


def member_rows(*, actor, params):
    """Every row of the member list for ``params`` (all pages, the page's order): the export reads these — the same
    FilterSet, scope and order as ``member_list``."""
    flt = member_filter(actor=actor, params=params)
    if not flt.is_valid():
        return Member.objects.none()
    return flt.qs.order_by("name_sort", "pk")


def _scoped_words(actor, flt: MemberFilter, plan):
    """The word-table selection of the search: the actor's scope, the chosen organization, the filters."""
    reach = policies.where(actor, policies.VIEW, Member)
    paths, ids = (None, []) if reach.everything else (list(reach.paths), list(reach.ids))
    chosen = flt.form.cleaned_data.get("organization")
    return scoped_word_sql(
        Member._meta.db_table, plan, subtrees=paths, row_ids=ids, within=chosen.path if chosen else None,
        conditions=carried_conditions(flt.form.cleaned_data),
    )  # fmt: skip


def _statement_key(actor, flt: MemberFilter, org_chosen: bool) -> tuple:
    """What the SQL of the list's queries depends on besides the page's position: the actor's scope (and a
    narrowing of it), the valid filter's values (the chosen organization by its path, the search by its words, the
    age band with today's date)."""
    reach = policies.where(actor, policies.VIEW, Member)
    data = flt.form.cleaned_data
    chosen = data.get("organization")
    return (
        "member-list", connection.vendor, reach.everything, reach.paths, reach.ids, policies.narrowing(),
        org_chosen, chosen.path if chosen else None, tuple(tokens(data.get("q") or "")),
        tuple(data.get(name) or "" for name in ("status", *EQUAL_FILTERS, "age_band")),
        today() if data.get("age_band") else None,
    )  # fmt: skip


def _counted_by_the_tree(actor, params) -> bool:
    """Whether the list's total is the stored count of its organizations (``scope_size``): no search, no filter
    but the default one (the members on the roll — what ``official_count + probationary_count`` counts), and a
    scope made of whole subtrees (not a plain member's own record)."""
    if any(params.get(f) for f in ATTRIBUTE_FILTERS):
        return False
    return not policies.where(actor, policies.VIEW, Member).ids


def _count_cap(params) -> int:
    return FILTERED_COUNT_CAP if any(params.get(f) for f in ATTRIBUTE_FILTERS) else COUNT_CAP
