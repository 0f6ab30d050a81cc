"""Reads of the organization tree, scoped to the actor."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import astuple, dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.html import escape

from dangbo.core import memo, policies
from dangbo.core.http import int_param
from dangbo.core.search import tokens, words_filter, words_rowwise
from dangbo.core.text import fold

from .models import Organization, OrganizationLink, Term
from .policies import top_organizations
from .tree.selectors import valid_on


def tree_children(actor, parent: Organization | None, *, on: dt.date | None = None) -> list[Organization]:
    """Children of ``parent`` (or the actor's top organizations) visible to the actor, with ``has_children``
    set; member counts are stored on each organization (``members.counts.services``). One query whatever the number of
    nodes.

    With ``on``: the tree of that date from the parent links (``OrganizationLink``) — names of that time,
    only organizations that existed (the page adds the member counts of that date: ``members.counts.selectors.counts_on``)."""
    scoped = policies.scope(actor, policies.VIEW, Organization.objects.all())
    if on is None:
        # One index probe per node (parent_id) — not all the grandchildren: a province's 43 children have
        # ~1,500 children of their own.
        kids = Exists(Organization.objects.filter(parent=OuterRef("pk")))
        if parent is None:
            nodes = scoped.filter(pk__in=top_organizations(actor)).order_by("path")
        else:
            nodes = scoped.filter(parent=parent).order_by("name_norm", "id")
        return list(nodes.annotate(has_children=kids))
    links = OrganizationLink.objects.filter(valid_on(on))
    if parent is None:
        ids = links.filter(organization_id__in=top_organizations(actor)).values("organization_id")
    else:
        ids = links.filter(parent=parent).values("organization_id")
    nodes = list(scoped.filter(pk__in=ids))
    names = dict(links.filter(organization__in=nodes).values_list("organization_id", "name"))
    with_children = set(links.filter(parent__in=nodes).values_list("parent_id", flat=True).distinct())
    for n in nodes:
        n.name = names.get(n.pk) or n.name
        n.has_children = n.pk in with_children
    nodes.sort(key=lambda n: (fold(n.name), n.pk))
    return nodes


def organization_detail(actor, pk) -> Organization:
    return policies.get_scoped_or_404(
        actor, policies.VIEW, Organization.objects.select_related("parent"), pk=pk
    )


def ancestors_visible(actor, org: Organization) -> list[Organization]:
    """The breadcrumb: the organization's ancestors that the actor may see, top first."""
    ids = org.ancestor_ids
    if not ids:  # a top organization: no query
        return []
    return list(
        policies.scope(actor, policies.VIEW, Organization.objects.all()).filter(pk__in=ids).order_by("depth")
    )


def current_committee(org: Organization):
    term = org.terms.order_by("-start_date").first()
    if term is None:
        return None, []
    seats = list(term.seats.filter(end_date__isnull=True).select_related("member"))
    seats.sort(key=lambda s: (s.position_rank, s.member.name_sort))
    return term, seats


# --- Committee terms: which term a day belongs to (HD 36-HD/VPTW §II.1.3.1) -------------------------------


def term_of_day(terms, day: dt.date) -> Term | None:
    """The one rule: of an organization's ``terms``, the one ``day`` belongs to — the term that started last on
    or before ``day`` (``start_date`` is a term's first day, so the next term's first day is no longer the
    previous one's), unless its ``end_date`` is recorded and ``day`` is after it (the next term is not recorded
    yet). A day before the first term, or after an ended term with no successor, belongs to no term."""
    started = [t for t in terms if t.start_date <= day]
    if not started:
        return None
    term = max(started, key=lambda t: (t.start_date, t.pk))
    return None if term.end_date is not None and day > term.end_date else term


def term_on(organization: Organization, day: dt.date) -> Term | None:
    """The committee term of ``organization`` that ``day`` belongs to (``term_of_day``), in one query."""
    return term_of_day(organization.terms.filter(start_date__lte=day).order_by("-start_date", "-pk")[:1], day)


SIGNATURE_BLANK = "…" * 14  # a line to sign over and write the name on, when the records name nobody


def signer_on(organization: Organization, day: dt.date) -> tuple[str, str]:
    """Who signs for ``organization``'s committee on ``day`` (HD 36: the secretary, "BÍ THƯ"; without one a deputy,
    "K/T BÍ THƯ" over "PHÓ BÍ THƯ"): (title, name) from the committee seats of the term ``day`` belongs to — the
    name ``SIGNATURE_BLANK`` when no secretary or deputy was seated that day (never a guess)."""
    from .choices import Position

    term = term_on(organization, day)
    seats = [] if term is None else [
        s for s in term.seats.filter(position__in=[Position.SECRETARY, Position.DEPUTY_SECRETARY])
        .select_related("member").order_by("position", "start_date", "id")
        if (s.start_date is None or s.start_date <= day) and (s.end_date is None or day <= s.end_date)
    ]  # fmt: skip
    if not seats:
        return "BÍ THƯ", SIGNATURE_BLANK
    seat = seats[0]
    title = "BÍ THƯ" if seat.position == Position.SECRETARY else "K/T BÍ THƯ\nPHÓ BÍ THƯ"
    return title, seat.member.full_name


def term_last_day(term: Term) -> dt.date | None:
    """The last day that belongs to ``term`` under ``term_of_day`` (None while it runs)."""
    later = Q(start_date__gt=term.start_date) | Q(start_date=term.start_date, pk__gt=term.pk)
    following = Term.objects.filter(later, organization_id=term.organization_id).order_by("start_date")
    nxt = following.values_list("start_date", flat=True).first()
    last = nxt - dt.timedelta(days=1) if nxt else None
    if term.end_date is not None and (last is None or term.end_date < last):
        last = term.end_date
    return last


def organizations_without_term(organizations: QuerySet, day: dt.date) -> QuerySet:
    """Those of ``organizations`` whose ``day`` belongs to no committee term (``term_of_day`` written as SQL,
    one query for any number of organizations)."""
    started = Term.objects.filter(organization=OuterRef("pk"), start_date__lte=day).order_by(
        "-start_date", "-pk"
    )
    return organizations.annotate(
        latest_term_end=Subquery(started.values("end_date")[:1]), has_started_term=Exists(started)
    ).filter(Q(has_started_term=False) | Q(latest_term_end__lt=day))


def congress_on(organization: Organization, day: dt.date) -> Term | None:
    """The term whose opening congress was in session on ``day`` (preparatory session to close, both days
    included), or None."""
    return (
        organization.terms.filter(congress_start__lte=day, congress_end__gte=day)
        .order_by("-congress_start", "-pk")
        .first()
    )


# --- The organization picker ---------------------------------------------------------------------------------
# The one organization picker: every form that chooses an organization (the member list's filter, the reports,
# the meeting grid) uses ``forms.OrganizationPickerField`` (or ``forms.picker_html`` outside a Django form); its
# data is read here.
#
# Without JavaScript it is a ``<select>`` of the organizations the actor sees at the top of the tree and the
# levels under them (at most ``PICKER_MAX_OFFERED``), in tree order (siblings by name), indented, ended organizations
# marked «đã kết thúc». With JavaScript (``static/dangbo/picker.js``) it becomes a search box: typing searches the
# whole scope, accent- and case-insensitively (every word typed a word of the name, the last one as a
# prefix), through ``/to-chuc/chon/?q=…`` (``picker_search``: at most
# ``PICKER_SEARCH_LIMIT`` results, each with its path), arrows and Enter choose, Escape closes.
#
# No page reads the organizations table to build the picker: the offered list of a reach is computed once per
# version of the tree and kept in the shared cache (``dangbo_cache`` or Redis) and in the process, with its
# ``<option>`` markup. Every change of the tree (an organization saved or deleted, a subtree moved) draws a new
# version (``tree_changed``); a page then costs one cache read (the version).

# Options of the <select>: a province has ~1,500 grassroots organizations, so then one level.
PICKER_MAX_OFFERED = 300
PICKER_SEARCH_LIMIT = 30
PICKER_DENSE = 2000  # more matches than this: a common name (see ``picker_search``)
PICKER_VERSION_KEY = "org-picker:v2:version"
PICKER_TTL = 6 * 3600  # a safety net: every change of the tree draws a new version anyway
ENDED = " (đã kết thúc)"
SEPARATOR = " › "
_picker_memo: dict[str, tuple[list, str]] = {}  # this process's copy: key → (entries, <option> markup)


@dataclass(frozen=True)
class PickerEntry:
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


def tree_version() -> str:
    """The version of the tree: one read of the shared cache (a change made by any process shows at once); once
    in a ``core.memo.reading`` block."""
    return memo.once("tree-version", _tree_version)


def _tree_version() -> str:
    version = cache.get(PICKER_VERSION_KEY)
    if version is None:
        cache.add(PICKER_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(PICKER_VERSION_KEY) or ""
    return version


def _picker_new_version() -> None:
    cache.set(PICKER_VERSION_KEY, uuid.uuid4().hex, None)


def tree_changed(**_signal) -> None:
    """The tree changed: every cached picker is stale. Called by the signals of ``Organization`` and by the
    services that rewrite paths in bulk; again when the transaction commits (another process may have cached
    the state before it)."""
    _picker_new_version()
    transaction.on_commit(_picker_new_version)


def picker_forget() -> None:
    """Drop this process's copy (benchmarks: the cold start)."""
    _picker_memo.clear()


# --- What the picker offers ------------------------------------------------------------------------------------


def _picker_reach_key(actor, work: str) -> str:
    reach = policies.where(actor, work, Organization)
    signature = repr((work, reach.everything, reach.paths, reach.ids))
    return hashlib.sha1(signature.encode()).hexdigest()[:20]


def picker_offered(actor, work: str = policies.VIEW) -> tuple[list[PickerEntry], str]:
    """(entries, <option> markup) of the actor's picker before any search, from the cache (which holds plain
    tuples: a cache shared by processes of another version must never need this module's classes)."""
    key = f"org-picker:{tree_version()}:{_picker_reach_key(actor, work)}"
    hit = _picker_memo.get(key)
    if hit is None:
        rows = cache.get(key)
        if rows is None:
            entries = _picker_compute(actor, work)
            cache.set(key, [astuple(e) for e in entries], PICKER_TTL)
        else:
            entries = [PickerEntry(*row) for row in rows]
        if len(_picker_memo) > 256:
            _picker_memo.clear()
        hit = _picker_memo[key] = (entries, "".join(e.option() for e in entries))
    return hit


def _picker_compute(actor, work: str) -> list[PickerEntry]:
    qs = policies.scope(actor, work, Organization.objects.all())
    top = qs.order_by("depth").values_list("depth", flat=True).first()
    if top is None:
        return []
    # Two levels down (a bloc and its grassroots organizations) unless that is too long for a drop-down (a
    # province has ~1,500 grassroots organizations): then one level; the whole country: the top level only.
    # Deeper organizations are found by searching.
    depth = next(
        (
            d
            for d in (top + 2, top + 1)
            if qs.filter(depth__lte=d)[: PICKER_MAX_OFFERED + 1].count() <= PICKER_MAX_OFFERED
        ),
        top,
    )
    rows = list(
        qs.filter(depth__lte=depth)
        .order_by("path")
        .values_list("pk", "name", "name_norm", "depth", "path", "end_date")[: PICKER_MAX_OFFERED * 4]
    )
    return _picker_entries(rows, top, {})


def _picker_entries(rows, top: int, ancestors: dict[int, tuple[str, str]]) -> list[PickerEntry]:
    """Entries of ``rows`` (pk, name, name_norm, depth, path, end_date) in tree order — siblings by name —,
    with the names of their ancestors found among the rows or in ``ancestors`` (pk → (name, name_norm))."""
    known = {**ancestors, **{pk: (name, norm) for pk, name, norm, *_ in rows}}
    result = []
    for pk, name, norm, depth, path, end_date in rows:
        chain = [int(p) for p in path.split(".") if p][:-1]
        above = [known[a] for a in chain if a in known]
        order = tuple(n for _, n in above) + (norm, str(pk))
        entry = PickerEntry(
            pk, name, max(depth - top, 0), SEPARATOR.join(n for n, _ in above), end_date is not None
        )
        result.append((order, entry))
    result.sort(key=lambda pair: pair[0])
    return [entry for _, entry in result]


def picker_search(
    actor, query: str, work: str = policies.VIEW, limit: int | None = None
) -> tuple[list[PickerEntry], bool]:
    """(entries, more): the organizations in the actor's scope whose name holds every word of ``query``
    (accent- and case-insensitive), at most ``limit``, in tree order; ``more`` when there were more."""
    words = tokens(query)
    limit = limit or PICKER_SEARCH_LIMIT
    if not words:
        entries, _ = picker_offered(actor, work)
        return entries, False
    # Bounded whatever the words: the matching ids are read from the word index (PostgreSQL's GIN) up to PICKER_DENSE of
    # them and put in tree order; more matches than that means a common name, whose first ones in tree order a
    # walk along the path index meets at once. (Walking the path index for a rare name would test every
    # organization of the scope: 2 s for the whole country.)
    scoped = policies.scope(actor, work, Organization.objects.all())
    columns = ("pk", "name", "name_norm", "depth", "path", "end_date")
    matched = list(
        scoped.filter(words_filter(Organization._meta.db_table, words)).values_list("pk", flat=True)[
            : PICKER_DENSE + 1
        ]
    )
    if len(matched) <= PICKER_DENSE:
        rows = list(
            Organization.objects.filter(pk__in=matched).order_by("path").values_list(*columns)[: limit + 1]
        )
    else:
        rows = list(scoped.filter(words_rowwise(words)).order_by("path").values_list(*columns)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    wanted = {int(p) for row in rows for p in row[4].split(".") if p} - {row[0] for row in rows}
    ancestors = _picker_ancestors(actor, work, wanted)
    return _picker_entries(rows, min((r[3] for r in rows), default=0), ancestors), more


def _picker_ancestors(actor, work: str, ids) -> dict[int, tuple[str, str]]:
    """pk → (name, name_norm) of those of ``ids`` the actor sees (a path never names what is outside the scope)."""
    reach = policies.where(
        actor, work, Organization
    )  # the reach itself: a residence cell's ancestors are named
    rows = reach.filter(Organization.objects.filter(pk__in=list(ids)), "path", "pk")
    return {pk: (name, norm) for pk, name, norm in rows.values_list("pk", "name", "name_norm")}


def picker_entry(actor, pk, work: str = policies.VIEW) -> PickerEntry | None:
    """The entry of one organization in the actor's scope (a chosen one the picker_offered list does not hold)."""
    pk = int_param(pk)
    if pk is None:
        return None
    row = (
        policies.scope(actor, work, Organization.objects.all())
        .filter(pk=pk)
        .values_list("pk", "name", "name_norm", "depth", "path", "end_date")
    )
    row = list(row)
    if not row:
        return None
    ancestors = _picker_ancestors(actor, work, [int(p) for p in row[0][4].split(".") if p][:-1])
    entry = _picker_entries(row, row[0][3], ancestors)[0]
    return entry
