"""Reads of the organization tree, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from dangbo.accounts import policy
from dangbo.members.choices import ACTIVE_STATUSES

from .models import Organization, OrganizationLink
from .paths import subtree_q


def organization_scope(actor, action: str = policy.VIEW):
    return policy.scope(actor, action, Organization.objects.all())


def organizations_for_filter(actor, *, selected=None):
    """(accepted, offered): any organization in scope is accepted as a list filter; the drop-down offers the
    actor's top organizations and the two levels under them (grassroots level) plus the selected one, so it
    stays short at province scale."""
    qs = organization_scope(actor)
    roots = Organization.objects.filter(pk__in=policy.root_organizations(actor)).values_list("depth", flat=True)
    max_depth = (min(roots) if roots else 0) + 2
    q = Q(depth__lte=max_depth)
    if selected and str(selected).isdigit():
        q |= Q(pk=int(selected))
    return qs, qs.filter(q).order_by("path")


def member_counts(org_paths: list[str]) -> dict[str, int]:
    """Active members under each of the given organization paths, in one query.

    One aggregate over the members of the union of the subtrees, grouped by cell path; each cell's count is
    then added to every requested ancestor of it.
    """
    from dangbo.members.models import Member

    if not org_paths:
        return {}
    wanted = set(org_paths)
    # Only the outermost subtrees need scanning.
    tops = [p for p in sorted(wanted) if not any(p != o and p.startswith(o) for o in wanted)]
    q = Q()
    for p in tops:
        q |= subtree_q(p, "org_path")
    counts: dict[str, int] = defaultdict(int)
    rows = Member.objects.filter(q, status__in=ACTIVE_STATUSES).values_list("org_path").annotate(n=Count("id"))
    for cell_path, n in rows.order_by():
        parts = cell_path.split(".")[:-1]
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i]) + "."
            if prefix in wanted:
                counts[prefix] += n
    return counts


def tree_children(actor, parent: Organization | None, *, on: dt.date | None = None) -> list[Organization]:
    """Children of ``parent`` (or the actor's top organizations) visible to the actor, with ``member_count``
    and ``has_children`` set — three queries whatever the number of nodes."""
    scoped = organization_scope(actor)
    if parent is None:
        nodes = list(scoped.filter(pk__in=policy.root_organizations(actor)).order_by("path"))
    elif on is None:
        nodes = list(scoped.filter(parent=parent).order_by("path"))
    else:
        ids = (
            OrganizationLink.objects.filter(parent=parent)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .values("organization_id")
        )
        nodes = list(scoped.filter(pk__in=ids).order_by("path"))
    counts = member_counts([n.path for n in nodes])
    with_children = set(
        Organization.objects.filter(parent__in=nodes).values_list("parent_id", flat=True).distinct()
    )
    for n in nodes:
        n.member_count = counts.get(n.path, 0)
        n.has_children = n.pk in with_children
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
