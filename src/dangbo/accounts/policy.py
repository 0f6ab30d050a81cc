"""The one permission policy. Every view, API endpoint, export and report asks it two questions:

* ``scope(actor, action, queryset)`` — the rows of ``queryset`` the actor may ``action``;
* ``can(actor, action, obj)`` — whether the actor may ``action`` this object.

A role is held at an organization and covers its subtree (see ``RULES``). Objects outside the scope are
treated as missing: views answer 404 (``get_scoped_or_404``), never 403, so nobody learns what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from dangbo.organizations.paths import subtree_q

from .choices import Role

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"

# What each role may do on each kind of object in its subtree.
#   "organization": the organizations of the subtree; "member": member records placed in the subtree;
#   "steering": directing work held by an organization of the subtree (its document register, the tasks it
#   assigns, its congress targets and programmes, and the reports and contributions of its organizations).
# A plain member sees only their own record and their own cell (handled apart in _member_q/_org_q).
RULES: dict[str, dict[str, set[str]]] = {
    Role.STAFF: {"organization": {VIEW, ADD, CHANGE, DELETE}, "member": {VIEW, ADD, CHANGE, DELETE},
                 "steering": {VIEW, ADD, CHANGE, DELETE}},
    Role.LEADER: {"organization": {VIEW}, "member": {VIEW}, "steering": {VIEW}},
    Role.GRASSROOTS_SECRETARY: {"organization": {VIEW, ADD, CHANGE}, "member": {VIEW, ADD, CHANGE},
                                "steering": {VIEW, ADD, CHANGE}},
    # A cell secretary reads what is directed to their cell and files its reports (CHANGE), assigns nothing.
    Role.CELL_SECRETARY: {"organization": {VIEW}, "member": {VIEW, ADD, CHANGE}, "steering": {VIEW, CHANGE}},
    Role.MEMBER: {"organization": {VIEW}, "member": {VIEW}, "steering": set()},
}


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    path: str


def grants(actor) -> list[Grant]:
    """The actor's role assignments, loaded once per request and cached on the user object."""
    if not getattr(actor, "is_authenticated", False):
        return []
    cached = getattr(actor, "_dangbo_grants", None)
    if cached is None:
        cached = [
            Grant(role, org_id, path)
            for role, org_id, path in actor.roles.values_list("role", "organization_id", "organization__path")
        ]
        actor._dangbo_grants = cached
    return cached


def _kind(model) -> str:
    label = model._meta.label_lower
    return {"organizations.organization": "organization", "members.member": "member"}[label]


def _org_q(actor, action: str, prefix: str = "") -> Q | None:
    parts = []
    for g in grants(actor):
        if action not in RULES[g.role]["organization"]:
            continue
        if g.role == Role.MEMBER:
            parts.append(Q(**{f"{prefix}pk": g.org_id}))
        else:
            parts.append(subtree_q(g.path, f"{prefix}path"))
    return reduce(or_, parts) if parts else None


def member_reach(actor, action: str) -> tuple[list[str] | None, list[int]]:
    """The member scope of ``scope`` as data, for queries written outside the ORM (the word table of the
    member search): (subtree paths, member ids); paths None means every member (superusers)."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return None, []
    paths, ids = [], []
    for g in grants(actor):
        if action not in RULES[g.role]["member"]:
            continue
        if g.role == Role.MEMBER:
            if actor.member_id:
                ids.append(actor.member_id)
        else:
            paths.append(g.path)
    return paths, ids


def _member_q(actor, action: str, use_index: bool = True) -> Q | None:
    paths, ids = member_reach(actor, action)
    parts = [subtree_q(path, "org_path", use_index=use_index) for path in paths] + [Q(pk=pk) for pk in ids]
    return reduce(or_, parts) if parts else None


def scope(actor, action: str, queryset: QuerySet, *, large: bool = False) -> QuerySet:
    """The part of ``queryset`` that ``actor`` may ``action``.

    ``large=True`` tells that the caller lists a large scope in name order: the subtree predicate is then
    written so that the planner walks the name index (same rows, different plan).
    """
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return queryset
    kind = _kind(queryset.model)
    q = _org_q(actor, action) if kind == "organization" else _member_q(actor, action, use_index=not large)
    return queryset.filter(q) if q is not None else queryset.none()


def can(actor, action: str, obj: Model) -> bool:
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    return scope(actor, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_add_member_to(actor, organization) -> bool:
    """Adding a member to a cell needs the "add member" right over that cell's subtree."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    return any(
        ADD in RULES[g.role]["member"] and g.role != Role.MEMBER and organization.path.startswith(g.path)
        for g in grants(actor)
    )


# Who grades a cell's meetings as the upper level (HD 12-HD/BTCTW): these roles, for organizations strictly below
# the one they hold the role at.
UPPER_GRADERS = {Role.STAFF, Role.GRASSROOTS_SECRETARY}


def can_grade_upper(actor, organization) -> bool:
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    return any(
        g.role in UPPER_GRADERS and organization.path.startswith(g.path) and organization.path != g.path
        for g in grants(actor)
    )


def can_add_organization_under(actor, parent) -> bool:
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    if parent is None:
        return False
    return any(ADD in RULES[g.role]["organization"] and parent.path.startswith(g.path) for g in grants(actor))


def steering_q(actor, action: str, field: str = "organization") -> Q | None:
    """Q over rows whose ``field`` (an organization; "" for organizations themselves) lies in a subtree where the actor may ``action``
    directing work; None when nowhere. Superusers: everything (``Q()``)."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return Q()
    column = f"{field}__path" if field else "path"
    parts = [subtree_q(g.path, column) for g in grants(actor) if action in RULES[g.role]["steering"]]
    return reduce(or_, parts) if parts else None


def steering_scope(actor, action: str, queryset: QuerySet, field: str = "organization") -> QuerySet:
    """Rows of ``queryset`` whose ``field`` organization is in the actor's directing-work scope for ``action``."""
    q = steering_q(actor, action, field)
    return queryset.filter(q) if q is not None else queryset.none()


def steering_organizations(actor, action: str, organizations: QuerySet) -> QuerySet:
    """Organizations whose directing work the actor may ``action`` (e.g. ADD: assign tasks as that committee)."""
    q = steering_q(actor, action, "")
    if q is None:
        return organizations.none()
    return organizations.filter(q) if q != Q() else organizations


def can_steer(actor, action: str, organization) -> bool:
    """Whether the actor may ``action`` the directing work held by ``organization`` (add: assign tasks, register
    documents, set targets, run programmes; change: file the organization's reports and contributions)."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    return any(action in RULES[g.role]["steering"] and organization.path.startswith(g.path) for g in grants(actor))


def get_scoped_or_404(actor, action: str, queryset: QuerySet, **lookup):
    """The object the actor may ``action``, or 404 — the same answer as for a missing object."""
    try:
        return scope(actor, action, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def root_organizations(actor) -> list[int]:
    """Organization ids where the actor's view scope starts (their highest grants)."""
    from dangbo.organizations.models import Organization

    if getattr(actor, "is_superuser", False):
        return list(Organization.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    paths = sorted({g.path for g in grants(actor)})
    tops = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
    return [int(p.split(".")[-2]) for p in tops]


def member_org_q(actor, action: str, field: str = "organization") -> Q | None:
    """Q over rows whose ``field`` (an organization; "" for organizations themselves) lies in a subtree where
    the actor may ``action`` member records ("member" rules) — for records kept *at* an organization rather than
    on a member: candidates for admission, the cells one may place members into. A plain member's grant covers
    only their own record, never their cell's records. None when nowhere; superusers: everything (``Q()``)."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return Q()
    column = f"{field}__path" if field else "path"
    parts = [
        subtree_q(g.path, column)
        for g in grants(actor)
        if g.role != Role.MEMBER and action in RULES[g.role]["member"]
    ]
    return reduce(or_, parts) if parts else None


def member_org_scope(actor, action: str, queryset: QuerySet, field: str = "organization") -> QuerySet:
    """Rows of ``queryset`` whose ``field`` organization is in the actor's member-records scope for ``action``."""
    q = member_org_q(actor, action, field)
    if q is None:
        return queryset.none()
    return queryset.filter(q) if q != Q() else queryset


def placement_scope(actor, organizations: QuerySet) -> QuerySet:
    """Organizations into which the actor may place (add or move) member records."""
    return member_org_scope(actor, ADD, organizations, "")


# --- Accounts -------------------------------------------------------------------------------------------
# Only the organization-department staff of a committee (and system administrators) manage the logins of the
# people in their subtree. A user is managed by an actor when every role the user holds lies in the actor's
# staff subtree; a user with a role elsewhere is visible but not editable (their other committee manages it).


def _staff_paths(actor) -> list[str]:
    return [g.path for g in grants(actor) if g.role == Role.STAFF]


def account_scope(actor, users: QuerySet) -> QuerySet:
    """Users with at least one role in the actor's staff subtree."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return users
    paths = _staff_paths(actor)
    if not paths:
        return users.none()
    q = reduce(or_, [subtree_q(p, "roles__organization__path") for p in paths])
    return users.filter(pk__in=users.filter(q).values("pk"))


def can_manage_accounts(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False) and actor.is_active) or bool(_staff_paths(actor))


def can_manage_account(actor, user) -> bool:
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    if user.is_superuser or user.pk == actor.pk:
        return False
    paths = _staff_paths(actor)
    role_paths = list(user.roles.values_list("organization__path", flat=True))
    return bool(role_paths) and all(any(rp.startswith(p) for p in paths) for rp in role_paths)


def grant_scope(actor, organizations: QuerySet) -> QuerySet:
    """Organizations where the actor may grant roles: their staff subtrees."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return organizations
    paths = _staff_paths(actor)
    return organizations.filter(reduce(or_, [subtree_q(p) for p in paths])) if paths else organizations.none()


def can_grant_at(actor, organization) -> bool:
    """Roles may be granted only at organizations inside the actor's staff subtree."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    return any(organization.path.startswith(p) for p in _staff_paths(actor))
