"""The one organization picker: every form that chooses an organization (the member list's filter, the reports,
the meeting grid) uses ``OrganizationPickerField`` (or ``picker_html`` outside a Django form).

Without JavaScript it is a ``<select>`` of the organizations the actor sees at the top of the tree and the
levels under them (at most ``MAX_OFFERED``), in tree order (siblings by name), indented, ended organizations
marked «đã kết thúc». With JavaScript (``static/dangbo/picker.js``) it becomes a search box: typing searches the
whole scope, accent- and case-insensitively (every word typed a word of the name, the last one as a
prefix), through ``/to-chuc/chon/?q=…`` (``search``: at most
``SEARCH_LIMIT`` results, each with its path), arrows and Enter choose, Escape closes.

No page reads the organizations table to build the picker: the offered list of a reach is computed once per
version of the tree and kept in the shared cache (``dangbo_cache`` or Redis) and in the process, with its
``<option>`` markup. Every change of the tree (an organization saved or deleted, a subtree moved) draws a new
version (``tree_changed``); a page then costs one cache read (the version).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dangbo.core import policies
from dangbo.core.http import int_param
from dangbo.core.search import tokens, words_filter, words_rowwise

from .models import Organization
from .policies import work_reach

MAX_OFFERED = (
    300  # options of the <select>: a province has ~1,500 grassroots organizations, so then one level
)
SEARCH_LIMIT = 30
DENSE = 2000  # more matches than this: a common name (see ``search``)
VERSION_KEY = "org-picker:version"
TTL = 6 * 3600  # a safety net: every change of the tree draws a new version anyway
ENDED = " (đã kết thúc)"
SEPARATOR = " › "
_memo: dict[str, tuple[list, str]] = {}  # this process's copy: key → (entries, <option> markup)


@dataclass(frozen=True)
class Entry:
    """One organization as the picker shows it: ``depth`` below the actor's top level; ``path`` the names of
    its ancestors the actor sees, top first."""

    pk: int
    name: str
    depth: int
    path: str
    ended: bool

    @property
    def label(self) -> str:
        return "\u2003" * self.depth + self.name + (ENDED if self.ended else "")

    def as_json(self) -> dict:
        return {"id": self.pk, "name": self.name, "path": self.path, "ended": self.ended, "depth": self.depth}

    def option(self) -> str:
        ended = " data-ended" if self.ended else ""
        return (
            f'<option value="{self.pk}" data-path="{escape(self.path)}"{ended}>{escape(self.label)}</option>'
        )


# --- The version of the tree ------------------------------------------------------------------------------------


VERSION_SECONDS = (
    2.0  # how long this process trusts the version it read (another process's change shows after)
)
_version: list = [None, 0.0]  # [version, monotonic time it was read]


def tree_version() -> str:
    now = time.monotonic()
    if _version[0] is not None and now - _version[1] < VERSION_SECONDS:
        return _version[0]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or ""
    _version[:] = [version, now]
    return version


def _new_version() -> None:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    _version[:] = [version, time.monotonic()]


def tree_changed(**_signal) -> None:
    """The tree changed: every cached picker is stale. Called by the signals of ``Organization`` and by the
    services that rewrite paths in bulk; again when the transaction commits (another process may have cached
    the state before it). Other processes see the change within ``VERSION_SECONDS``."""
    _new_version()
    transaction.on_commit(_new_version)


def forget() -> None:
    """Drop this process's copy (benchmarks: the cold start)."""
    _memo.clear()
    _version[:] = [None, 0.0]


# --- What the picker offers ------------------------------------------------------------------------------------


def _reach_key(actor, work: str) -> str:
    reach = work_reach(actor, work)
    signature = repr((work, reach.everything, reach.paths, reach.ids))
    return hashlib.sha1(signature.encode()).hexdigest()[:20]


def _scope(actor, work: str):
    return policies.scope(actor, work, Organization.objects.all())


def offered(actor, work: str = policies.VIEW) -> tuple[list[Entry], str]:
    """(entries, <option> markup) of the actor's picker before any search, from the cache."""
    key = f"org-picker:{tree_version()}:{_reach_key(actor, work)}"
    hit = _memo.get(key)
    if hit is None:
        entries = cache.get(key)
        if entries is None:
            entries = _compute_offered(actor, work)
            cache.set(key, entries, TTL)
        if len(_memo) > 256:
            _memo.clear()
        hit = _memo[key] = (entries, "".join(e.option() for e in entries))
    return hit


def _compute_offered(actor, work: str) -> list[Entry]:
    qs = _scope(actor, work)
    top = qs.order_by("depth").values_list("depth", flat=True).first()
    if top is None:
        return []
    # Two levels down (a bloc and its grassroots organizations) unless that is too long for a drop-down (a
    # province has ~1,500 grassroots organizations): then one level; the whole country: the top level only.
    # Deeper organizations are found by searching.
    depth = next(
        (d for d in (top + 2, top + 1) if qs.filter(depth__lte=d)[: MAX_OFFERED + 1].count() <= MAX_OFFERED),
        top,
    )
    rows = list(
        qs.filter(depth__lte=depth)
        .order_by("path")
        .values_list("pk", "name", "name_norm", "depth", "path", "end_date")[: MAX_OFFERED * 4]
    )
    return _entries(rows, top, {})


def _entries(rows, top: int, ancestors: dict[int, tuple[str, str]]) -> list[Entry]:
    """Entries of ``rows`` (pk, name, name_norm, depth, path, end_date) in tree order — siblings by name —,
    with the names of their ancestors found among the rows or in ``ancestors`` (pk → (name, name_norm))."""
    known = {**ancestors, **{pk: (name, norm) for pk, name, norm, *_ in rows}}
    result = []
    for pk, name, norm, depth, path, end_date in rows:
        chain = [int(p) for p in path.split(".") if p][:-1]
        above = [known[a] for a in chain if a in known]
        order = tuple(n for _, n in above) + (norm, str(pk))
        entry = Entry(
            pk, name, max(depth - top, 0), SEPARATOR.join(n for n, _ in above), end_date is not None
        )
        result.append((order, entry))
    result.sort(key=lambda pair: pair[0])
    return [entry for _, entry in result]


def search(
    actor, query: str, work: str = policies.VIEW, limit: int | None = None
) -> tuple[list[Entry], bool]:
    """(entries, more): the organizations in the actor's scope whose name holds every word of ``query``
    (accent- and case-insensitive), at most ``limit``, in tree order; ``more`` when there were more."""
    words = tokens(query)
    limit = limit or SEARCH_LIMIT
    if not words:
        entries, _ = offered(actor, work)
        return entries, False
    # Bounded whatever the words: the matching ids are read from the word index (PostgreSQL's GIN) up to DENSE of
    # them and put in tree order; more matches than that means a common name, whose first ones in tree order a
    # walk along the path index meets at once. (Walking the path index for a rare name would test every
    # organization of the scope: 2 s for the whole country.)
    scoped = _scope(actor, work)
    columns = ("pk", "name", "name_norm", "depth", "path", "end_date")
    matched = list(
        scoped.filter(words_filter(Organization._meta.db_table, words)).values_list("pk", flat=True)[
            : DENSE + 1
        ]
    )
    if len(matched) <= DENSE:
        rows = list(
            Organization.objects.filter(pk__in=matched).order_by("path").values_list(*columns)[: limit + 1]
        )
    else:
        rows = list(scoped.filter(words_rowwise(words)).order_by("path").values_list(*columns)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    wanted = {int(p) for row in rows for p in row[4].split(".") if p} - {row[0] for row in rows}
    ancestors = _visible_ancestors(actor, work, wanted)
    return _entries(rows, min((r[3] for r in rows), default=0), ancestors), more


def _visible_ancestors(actor, work: str, ids) -> dict[int, tuple[str, str]]:
    """pk → (name, name_norm) of those of ``ids`` the actor sees (a path never names what is outside the scope)."""
    reach = work_reach(actor, work)
    rows = Organization.objects.filter(pk__in=list(ids)).values_list("pk", "name", "name_norm", "path")
    return {pk: (name, norm) for pk, name, norm, path in rows if reach.covers(path, pk)}


def entry_for(actor, pk, work: str = policies.VIEW) -> Entry | None:
    """The entry of one organization in the actor's scope (a chosen one the offered list does not hold)."""
    pk = int_param(pk)
    if pk is None:
        return None
    row = (
        _scope(actor, work).filter(pk=pk).values_list("pk", "name", "name_norm", "depth", "path", "end_date")
    )
    row = list(row)
    if not row:
        return None
    ancestors = _visible_ancestors(actor, work, [int(p) for p in row[0][4].split(".") if p][:-1])
    entry = _entries(row, row[0][3], ancestors)[0]
    return entry


# --- The widget ------------------------------------------------------------------------------------------------


def picker_html(actor, name: str, value=None, *, empty_label: str | None = None, attrs: dict | None = None,
                work: str = policies.VIEW) -> str:  # fmt: skip
    """The picker's markup: a <select> (the offered list, the chosen organization selected) that picker.js turns
    into a search box."""
    entries, options = offered(actor, work)
    chosen = int_param(getattr(value, "pk", value))
    if chosen is not None:
        marker = f'<option value="{chosen}" '
        if marker in options:
            options = options.replace(marker, f'<option selected value="{chosen}" ', 1)
        elif (entry := entry_for(actor, chosen, work)) is not None:
            options = entry.option().replace("<option ", "<option selected ", 1) + options
    attrs = {"id": f"id_{name}", **(attrs or {}), "name": name}
    shown = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items() if v is not None and v is not False)
    empty = f'<option value="">{escape(empty_label)}</option>' if empty_label is not None else ""
    source = reverse("organizations:picker")
    return mark_safe(
        f'<span class="org-picker" data-org-picker data-source="{source}">'
        f"<select {shown}>{empty}{options}</select></span>"
    )


class OrganizationPicker(forms.Widget):
    """The picker as a form widget; ``actor`` is set by ``OrganizationPickerField.for_actor``."""

    actor = None
    empty_label: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        return picker_html(self.actor, name, value, empty_label=self.empty_label, attrs=attrs)

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class OrganizationPickerField(forms.ModelChoiceField):
    """A choice of one organization in the actor's scope, with the picker. The offered list never becomes
    ``choices`` (no option objects are built per request); any organization in ``queryset`` is accepted."""

    widget = OrganizationPicker

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.none())
        super().__init__(*args, **kwargs)

    def for_actor(self, actor, queryset=None):
        self.queryset = _scope(actor, policies.VIEW) if queryset is None else queryset
        self.widget.actor = actor
        self.widget.empty_label = self.empty_label
        return self

    def label_from_instance(self, obj):
        return obj.name + (ENDED if obj.end_date else "")
