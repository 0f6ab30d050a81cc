"""Reads of the organization tree, scoped to the actor."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dangbo.accounts import policy
from dangbo.core.http import int_param
from dangbo.core.text import fold

from .models import Organization, OrganizationLink


def organization_scope(actor, action: str = policy.VIEW):
    return policy.scope(actor, action, Organization.objects.all())


MAX_OFFERED = 300


def organizations_for_filter(actor, *, selected=None):
    """(accepted, offered): any organization in scope is accepted as a list filter; the drop-down offers the
    actor's top organizations and the two levels under them (grassroots level) plus the selected one, so it
    stays short at province scale."""
    qs = organization_scope(actor)
    roots = Organization.objects.filter(pk__in=policy.root_organizations(actor)).values_list("depth", flat=True)
    top = min(roots) if roots else 0
    # Two levels down (a bloc and its grassroots organizations) unless that is too long for a drop-down
    # (a province has ~1,500 grassroots organizations): then one level; the whole country (34 provinces with
    # ~1,600 committees under them): the top organizations only.
    depth = next(
        (d for d in (top + 2, top + 1) if qs.filter(depth__lte=d)[: MAX_OFFERED + 1].count() <= MAX_OFFERED), top
    )
    q = Q(depth__lte=depth)
    chosen = int_param(selected)
    if chosen is not None:
        q |= Q(pk=chosen)
    return qs, qs.filter(q).order_by("path")


def valid_on(on: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def tree_children(actor, parent: Organization | None, *, on: dt.date | None = None) -> list[Organization]:
    """Children of ``parent`` (or the actor's top organizations) visible to the actor, with ``has_children``
    set; member counts are stored on each organization (``counts.py``). Two queries whatever the number of
    nodes.

    With ``on``: the tree of that date from the parent links (``OrganizationLink``) — names of that time,
    only organizations that existed, and the member counts of that date (from the members' roll periods)."""
    scoped = organization_scope(actor)
    if on is None:
        if parent is None:
            nodes = list(scoped.filter(pk__in=policy.root_organizations(actor)).order_by("path"))
        else:
            nodes = list(scoped.filter(parent=parent).order_by("name_norm", "id"))
        with_children = set(
            Organization.objects.filter(parent__in=nodes).values_list("parent_id", flat=True).distinct()
        )
        for n in nodes:
            n.has_children = n.pk in with_children
        return nodes
    links = OrganizationLink.objects.filter(valid_on(on))
    if parent is None:
        ids = links.filter(organization_id__in=policy.root_organizations(actor)).values("organization_id")
    else:
        ids = links.filter(parent=parent).values("organization_id")
    nodes = list(scoped.filter(pk__in=ids))
    names = dict(links.filter(organization__in=nodes).values_list("organization_id", "name"))
    with_children = set(links.filter(parent__in=nodes).values_list("parent_id", flat=True).distinct())
    from dangbo.members.asof import counts_on

    counted = counts_on(nodes, on)
    for n in nodes:
        n.name = names.get(n.pk) or n.name
        n.has_children = n.pk in with_children
        n.official_count, n.probationary_count = counted.get(n.pk, (0, 0))
    nodes.sort(key=lambda n: (fold(n.name), n.pk))
    return nodes


def organization_detail(actor, pk) -> Organization:
    return policy.get_scoped_or_404(actor, policy.VIEW, Organization.objects.select_related("parent"), pk=pk)


def ancestors_visible(actor, org: Organization) -> list[Organization]:
    """The breadcrumb: the organization's ancestors that the actor may see, top first."""
    ids = org.ancestor_ids
    return list(organization_scope(actor).filter(pk__in=ids).order_by("depth"))


def current_committee(org: Organization):
    term = org.terms.order_by("-start_date").first()
    if term is None:
        return None, []
    seats = list(term.seats.filter(end_date__isnull=True).select_related("member"))
    seats.sort(key=lambda s: (s.position_rank, s.member.name_sort))
    return term, seats
