"""Keyset pagination on (sort key, id): every page costs the same as the first one.

An OFFSET of 200,000 rows costs ~0.5 s on PostgreSQL; seeking to a (name_sort, id) position in the index
costs ~1 ms. Links carry the id of the last (or first) row of the page: ``?sau=<id>`` / ``?truoc=<id>``.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery

from .db import prepared


@dataclass
class KeysetPage:
    rows: list
    next_after: int | None = None
    prev_before: int | None = None
    is_first: bool = True
    extra: dict = field(default_factory=dict)


def _fetch(ordered: QuerySet, n: int, ids: list | None = None, columns: tuple = (),
           annotations: dict | None = None, one_query: bool = False) -> tuple[list, bool]:  # fmt: skip
    """The first ``n`` rows of ``ordered`` in two steps: the ids (which an index that carries the filter
    columns answers without touching the table — or the caller, see ``keyset_page``), then those rows only;
    and whether there were ``n`` ids (more rows follow a page of ``n - 1``)."""
    if ids is None and one_query and connections[ordered.db].vendor == "postgresql":
        chosen = _in_one_query(ordered, n, annotations)
        found = list(chosen.values_list(*columns, named=True) if columns else chosen)
        return found[: n - 1], len(found) >= n
    if ids is None:
        ids = list(ordered.values_list("pk", flat=True)[:n])
    chosen = ordered.order_by().filter(pk__in=ids)
    if annotations:  # computed for the page's rows only
        chosen = chosen.annotate(**annotations)
    if columns:  # applied here only: the joins of the columns must not reach the id step's plan
        chosen = chosen.values_list(*columns, named=True)
    rows = {obj.pk: obj for obj in chosen}
    return [rows[i] for i in ids[: n - 1] if i in rows], len(ids) >= n


def _in_one_query(ordered: QuerySet, n: int, annotations: dict | None) -> QuerySet:
    """PostgreSQL: the first ``n`` rows of ``ordered`` with the ids as an array computed once (an InitPlan: the
    index walk), then the rows by id, in the page's order — one round trip. Not ``pk IN (subquery)``: the planner
    may then join every row of the scope and keep those among the ids."""
    page_ids = Subquery(ordered.values_list("pk", flat=True)[:n])
    page_ids.template = "(ARRAY(%(subquery)s))"
    chosen = ordered.filter(Func(F("pk"), page_ids, template="%(expressions)s", arg_joiner=" = ANY",
                                 output_field=BooleanField()))  # fmt: skip
    return chosen.annotate(**annotations) if annotations else chosen


@functools.cache
def _row_class(columns: tuple):
    """The named tuple of ``values_list(*columns, named=True)``."""
    return namedtuple("Row", columns)


def _bound(sort_field: str, key, pk, *, ascending: bool) -> Q:
    """The rows after (before) the (key, id) position. "key >= k AND (key > k OR id > pk)": the first term is an
    index range on both databases."""
    if ascending:
        return Q(**{f"{sort_field}__gte": key}) & (Q(**{f"{sort_field}__gt": key}) | Q(id__gt=pk))
    return Q(**{f"{sort_field}__lte": key}) & (Q(**{f"{sort_field}__lt": key}) | Q(id__lt=pk))


def _order(sort_field: str, ascending: bool) -> tuple:
    return (F(sort_field).asc(), "id") if ascending else (F(sort_field).desc(), "-id")


class _Compiled:
    """The page's statements compiled once per process (``core.db.prepared``) under ``key``, the queryset built only
    when one is compiled (``source``: a callable giving it). ``annotations`` (named among ``columns``) are computed
    in the rows' statement only; ``one_query``: on PostgreSQL the ids and the rows in one statement."""

    def __init__(self, source, key: tuple, sort_field: str, columns: tuple, annotations: dict | None = None,
                 one_query: bool = False):  # fmt: skip
        self.source, self.key, self.sort_field, self.columns = source, key, sort_field, columns
        self.annotations = annotations or {}
        self.one_query = one_query
        # ``values_list`` selects the fields, then the annotations: the rows' tuples put back in ``columns``' order.
        selected = [c for c in columns if c not in self.annotations] + [
            a for a in self.annotations if a in columns
        ]
        self.order = None if selected == list(columns) else [selected.index(c) for c in columns]

    def _rows(self, found) -> dict:
        row = _row_class(self.columns)
        if self.order is not None:
            found = ([r[i] for i in self.order] for r in found)
        return list(map(row._make, found))

    def _values(self, queryset):
        return (queryset.annotate(**self.annotations) if self.annotations else queryset).values_list(
            *self.columns
        )

    def position(self, pk: int):
        rows = prepared(
            (*self.key, "position", self.sort_field),
            lambda pk: self.source().filter(pk=pk).values_list(self.sort_field)[:1],
            pk,
        )
        return rows[0][0] if rows else None

    def _ordered(self, args: tuple, ascending: bool):
        rows = (
            self.source().filter(_bound(self.sort_field, *args, ascending=ascending))
            if args
            else self.source()
        )
        return rows.order_by(*_order(self.sort_field, ascending))

    def fetch(self, bound, ascending: bool, n: int, ids: list | None) -> tuple[list, bool]:
        """``_fetch`` of the rows after/before ``bound`` ((key, id) or None)."""
        args = bound or ()
        plain = all(isinstance(a, int | str) for a in args)  # a key the statement can take as it is
        if ids is None and self.one_query and plain and connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            found = self._rows(prepared(
                (*self.key, "one", self.sort_field, ascending, bool(bound), n, self.columns),
                lambda *a: _in_one_query(self._ordered(a, ascending), n, self.annotations).values_list(*self.columns),
                *args,
            ))  # fmt: skip
            return found[: n - 1], len(found) >= n
        if ids is None:
            if not plain:
                ordered = self.source().filter(_bound(self.sort_field, *bound, ascending=ascending))
                ids = list(
                    ordered.order_by(*_order(self.sort_field, ascending)).values_list("pk", flat=True)[:n]
                )
            else:
                ids = [row[0] for row in prepared(
                    (*self.key, "ids", self.sort_field, ascending, bool(bound), n),
                    lambda *a: self._ordered(a, ascending).values_list("pk")[:n],
                    *args,
                )]  # fmt: skip
        # The rows of the ids, read again inside the scope and the filters (the ids may come from elsewhere).
        chosen = prepared(
            (*self.key, "rows", self.columns, len(ids)),
            lambda *ids: self._values(self.source().order_by().filter(pk__in=ids)),
            *ids,
        ) if ids else []  # fmt: skip
        rows = {r.pk: r for r in self._rows(chosen)}
        return [rows[i] for i in ids[: n - 1] if i in rows], len(ids) >= n


def keyset_page(
    queryset,
    *,
    sort_field: str,
    after: str | None,
    before: str | None,
    size: int,
    select_ids=None,
    columns: tuple = (),
    key: tuple | None = None,
    annotations: dict | None = None,
    one_query: bool = False,
) -> KeysetPage:
    """One page of ``queryset`` ordered by (sort_field, id).

    ``select_ids(after, before, n)`` picks the page's ids from elsewhere (an index of its own: the member
    search's word table) — the first ``n`` ids after the (key, id) position ``after`` in ascending order, or
    before ``before`` in descending order; the rows are then read from ``queryset``, so the scope still holds.
    ``columns`` (with ``"pk"`` among them): the rows are named tuples of these instead of model instances.
    ``key`` (with ``columns``): the page's statements are compiled once per process (``core.db.prepared``) — ``key``
    must determine the SQL and parameters of ``queryset`` entirely, which may then be a callable giving it (called
    only when a statement is compiled: building and compiling the list's queries cost more CPU than running them).
    ``annotations``: expressions added to the rows' query only (``columns`` may name them), not to the ids'.
    ``one_query``: on PostgreSQL the ids are an array in the rows' query (one round trip instead of two).
    """
    compiled = _Compiled(queryset if callable(queryset) else (lambda: queryset), key, sort_field, columns,
                         annotations, one_query) if key is not None and columns else None  # fmt: skip
    if compiled is None and callable(queryset):
        queryset = queryset()

    def position(pk):
        # Looked up inside ``queryset`` (already scoped): a cursor pointing at a row the user may not see
        # must not reveal where that row sorts. Such a cursor simply gives the first page.
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None, None
        if compiled is not None:
            return compiled.position(pk), pk
        return queryset.filter(pk=pk).values_list(sort_field, flat=True).first(), pk

    def fetch(bound, ascending: bool, ids):
        if compiled is not None:
            return compiled.fetch(bound, ascending, size + 1, ids)
        qs = queryset.filter(_bound(sort_field, *bound, ascending=ascending)) if bound else queryset
        return _fetch(
            qs.order_by(*_order(sort_field, ascending)), size + 1, ids, columns, annotations, one_query
        )

    if before:
        key_value, pk = position(before)
        if key_value is not None:
            ids = select_ids(None, (key_value, pk), size + 1) if select_ids else None
            rows, has_more = fetch((key_value, pk), False, ids)
            rows.reverse()
            return KeysetPage(
                rows=rows,
                next_after=rows[-1].pk if rows else None,
                prev_before=rows[0].pk if rows and has_more else None,
                is_first=not has_more,
            )
    is_first = True
    bound = None
    if after:
        key_value, pk = position(after)
        if key_value is not None:
            is_first = False
            bound = (key_value, pk)
    ids = select_ids(bound, None, size + 1) if select_ids else None
    rows, has_more = fetch(bound, True, ids)
    return KeysetPage(
        rows=rows,
        next_after=rows[-1].pk if rows and has_more else None,
        prev_before=rows[0].pk if rows and not is_first else None,
        is_first=is_first,
    )
