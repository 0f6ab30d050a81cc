"""Reads of the organization tree, scoped to the actor."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from dangbo.core import policies
from dangbo.core.text import fold

from .models import Organization, OrganizationLink, Term
from .policies import top_organizations
from .tree import valid_on


def organization_scope(actor, action: str = policies.VIEW):
    return policies.scope(actor, action, Organization.objects.all())


def tree_children(actor, parent: Organization | None, *, on: dt.date | None = None) -> list[Organization]:
    """Children of ``parent`` (or the actor's top organizations) visible to the actor, with ``has_children``
    set; member counts are stored on each organization (``counts.py``). One query whatever the number of
    nodes.

    With ``on``: the tree of that date from the parent links (``OrganizationLink``) — names of that time,
    only organizations that existed (the page adds the member counts of that date: ``members.asof.counts_on``)."""
    scoped = organization_scope(actor)
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
    return list(organization_scope(actor).filter(pk__in=ids).order_by("depth"))


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
