"""Former entry points of the permission policy, kept while the call sites move to ``dangbo.core.policies``
(``scope``/``can`` answered by each model's policy) — every function here only delegates."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dangbo.core import policies
from dangbo.core.policies import ADD, CHANGE, DELETE, VIEW, get_scoped_or_404, subtree_q  # noqa: F401

from . import access
from .access import RULES, Grant, grants  # noqa: F401


def _orgs():
    from dangbo.organizations.models import Organization

    return Organization


def member_reach(actor, action: str) -> tuple[list[str] | None, list[int]]:
    reach = access.reach(actor, access.MEMBER, action)
    return (None, []) if reach.everything else (list(reach.paths), list(reach.ids))


def scope(actor, action: str, queryset: QuerySet, *, large: bool = False) -> QuerySet:
    options = {"large": True} if large else {}
    return policies.scope(actor, action, queryset, **options)


def can(actor, action: str, obj) -> bool:
    return policies.can(actor, action, obj)


def can_add_member_to(actor, organization) -> bool:
    return policies.can(actor, "place_members", organization)


def can_grade_upper(actor, organization) -> bool:
    return policies.can(actor, "grade_meetings", organization)


def can_add_organization_under(actor, parent) -> bool:
    return policies.is_root(actor) if parent is None else policies.can(actor, ADD, parent)


_STEER = {VIEW: "steer", ADD: "direct", CHANGE: "report", DELETE: "direct"}


def steering_q(actor, action: str, field: str = "organization") -> Q | None:
    from dangbo.organizations.policies import work_reach

    return work_reach(actor, _STEER[action]).q(f"{field}__path" if field else "path")


def steering_scope(actor, action: str, queryset: QuerySet, field: str = "organization") -> QuerySet:
    q = steering_q(actor, action, field)
    return queryset.filter(q) if q is not None else queryset.none()


def steering_organizations(actor, action: str, organizations: QuerySet) -> QuerySet:
    return policies.scope(actor, _STEER[action], organizations)


def can_steer(actor, action: str, organization) -> bool:
    return policies.can(actor, _STEER[action], organization)


def root_organizations(actor) -> list[int]:
    if policies.is_root(actor):
        return list(_orgs().objects.filter(parent__isnull=True).values_list("pk", flat=True))
    return access.roots(actor)


def member_org_q(actor, action: str, field: str = "organization") -> Q | None:
    return access.reach(actor, access.MEMBER, action, own=False).q(f"{field}__path" if field else "path")


def member_org_scope(actor, action: str, queryset: QuerySet, field: str = "organization") -> QuerySet:
    q = member_org_q(actor, action, field)
    if q is None:
        return queryset.none()
    return queryset.filter(q) if q != Q() else queryset


def placement_scope(actor, organizations: QuerySet) -> QuerySet:
    return policies.scope(actor, "place_members", organizations)


def account_scope(actor, users: QuerySet) -> QuerySet:
    return policies.scope(actor, VIEW, users)


def can_manage_accounts(actor) -> bool:
    return not access.reach(actor, access.ACCOUNTS, VIEW).nothing


def can_manage_account(actor, user) -> bool:
    return policies.can(actor, CHANGE, user)


def grant_scope(actor, organizations: QuerySet) -> QuerySet:
    return policies.scope(actor, "grant_roles", organizations)


def can_grant_at(actor, organization) -> bool:
    return policies.can(actor, "grant_roles", organization)
