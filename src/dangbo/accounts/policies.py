"""Who may act where: roles held at organizations (``selectors.grants``), what each role may do in each area
(``RULES``), and the ``Reach`` of an actor — the one place that turns role assignments into rights. The policies of
every app (``<app>/policies.py``) build their answers from ``reach``.

A role is assigned to a user *at an organization* and covers its whole subtree, except a plain member's role,
which covers their own record and their own cell's page only.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Model, QuerySet

from dangbo.core.policies import (
    ADD,
    CHANGE,
    DELETE,
    EVERYWHERE,
    NOWHERE,
    VIEW,
    Policy,
    Reach,
    is_root,
    register,
)

from .choices import Role
from .models import RoleAssignment, User
from .selectors import Grant, grants  # noqa: F401 - Grant: the policies read grants as it

# Areas of work. A policy names the area its model belongs to.
ORGANIZATION = "organization"  # the organizations of the subtree (tree, terms, committees)
MEMBER = "member"  # member records placed in the subtree, their history, transfers, candidates, meetings
STEERING = "steering"  # directing work held by an organization of the subtree: registers, tasks, targets,
#                        programmes, and the reports and contributions of its organizations
ACCOUNTS = "accounts"  # the logins and roles of the people of the subtree

# What each role may do in each area of its subtree.
RULES: dict[str, dict[str, frozenset[str]]] = {
    Role.STAFF: {ORGANIZATION: frozenset({VIEW, ADD, CHANGE, DELETE}), MEMBER: frozenset({VIEW, ADD, CHANGE, DELETE}),
                 STEERING: frozenset({VIEW, ADD, CHANGE, DELETE}), ACCOUNTS: frozenset({VIEW, ADD, CHANGE, DELETE})},
    Role.LEADER: {ORGANIZATION: frozenset({VIEW}), MEMBER: frozenset({VIEW}), STEERING: frozenset({VIEW})},
    Role.GRASSROOTS_SECRETARY: {ORGANIZATION: frozenset({VIEW, ADD, CHANGE}), MEMBER: frozenset({VIEW, ADD, CHANGE}),
                                STEERING: frozenset({VIEW, ADD, CHANGE})},
    # A cell secretary reads what is directed to their cell and files its reports (CHANGE), assigns nothing.
    Role.CELL_SECRETARY: {ORGANIZATION: frozenset({VIEW}), MEMBER: frozenset({VIEW, ADD, CHANGE}),
                          STEERING: frozenset({VIEW, CHANGE})},
    # A plain member: their own record (MEMBER area) and their own cell's page (ORGANIZATION area), read only.
    Role.MEMBER: {ORGANIZATION: frozenset({VIEW}), MEMBER: frozenset({VIEW})},
}  # fmt: skip
AREAS = (ORGANIZATION, MEMBER, STEERING, ACCOUNTS)
for _rights in RULES.values():  # every role names every area (an empty set: nothing there)
    for _area in AREAS:
        _rights.setdefault(_area, frozenset())


def may(role: str, area: str, action: str) -> bool:
    return action in RULES.get(role, {}).get(area, ())


def reach(actor, area: str, action: str, *, own: bool = True, roles: frozenset[str] | None = None) -> Reach:
    """Where ``actor`` may ``action`` in ``area``: the subtrees of the grants whose role allows it; a plain member's
    grant adds their own record (MEMBER area) or their own cell (ORGANIZATION area) when ``own``. ``roles`` keeps
    only grants of those roles (e.g. the roles that grade meetings as the upper level)."""
    if is_root(actor):
        return EVERYWHERE
    paths, ids = [], []
    for g in grants(actor):
        if (roles is not None and g.role not in roles) or not may(g.role, area, action):
            continue
        if g.role == Role.MEMBER:
            if not own:
                continue
            if area == MEMBER and getattr(actor, "member_id", None):
                ids.append(actor.member_id)
            elif area == ORGANIZATION:
                ids.append(g.org_id)
        else:
            paths.append(g.path)
    return (Reach(paths=tuple(paths), ids=tuple(ids)) | NOWHERE) if (paths or ids) else NOWHERE


def role_organizations(actor, area: str, action: str) -> list[int]:
    """The organizations where the actor holds a role that may ``action`` in ``area`` — each of them, also one under
    another (the reminders addressed to an organization's own secretaries and staff)."""
    return [g.org_id for g in grants(actor) if may(g.role, area, action)]


def value(obj, dotted: str):
    """``obj.a.b`` for ``"a__b"`` (None where a link is empty)."""
    for part in dotted.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


class TreePolicy(Policy):
    """The policy of rows placed in the tree by one or more path columns (``path_fields``, e.g. ``"org_path"`` or
    ``"organization__path"``: any of them inside the reach) for the ``area`` of the rules. ``id_field`` is what a
    plain member's own-record reach matches (their member id, or their cell's id)."""

    area: ClassVar[str]
    path_fields: ClassVar[tuple[str, ...]]
    id_field: ClassVar[str | None] = None
    own: ClassVar[bool] = True  # a plain member's own record / cell counts

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "path_fields" in cls.__dict__ and "piece_fields" not in cls.__dict__:
            cls.piece_fields = cls.path_fields

    def reach(self, actor, action: str) -> Reach:
        return reach(actor, self.area, action, own=self.own and self.id_field is not None)

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        return self.reach(actor, action).filter(
            queryset, self.path_fields, self.id_field or "pk", use_index=options.get("use_index", True)
        )

    def can(self, actor, action: str, obj: Model) -> bool:
        r = self.reach(actor, action)
        if r.everything:
            return True
        if r.nothing:
            return False
        if any(r.covers(value(obj, f)) for f in self.path_fields):
            return True
        return bool(r.ids) and self.id_field is not None and value(obj, self.id_field) in r.ids


@register
class UserPolicy(Policy):
    """A login: seen by those who keep the accounts of a subtree where it holds a role, changed when all its roles
    are there. ``anywhere(actor, VIEW, User)``: the actor keeps someone's login (the accounts pages, the menu)."""

    model = User

    def reach(self, actor, action: str) -> Reach:
        return reach(actor, ACCOUNTS, action)

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        where = self.reach(actor, action)
        if where.everything:
            return queryset
        q = where.q("roles__organization__path")
        if q is None:
            return queryset.none()
        seen = queryset.filter(pk__in=queryset.model.objects.filter(q).values("pk"))
        if action == "view":
            return seen
        # Changing a login needs every one of its roles inside the actor's reach.
        outside = RoleAssignment.objects.exclude(where.q("organization__path"))
        return seen.exclude(is_superuser=True).exclude(pk=actor.pk).exclude(pk__in=outside.values("user_id"))

    def can(self, actor, action: str, obj: User) -> bool:
        where = self.reach(actor, action)
        if where.everything:
            return True
        paths = list(obj.roles.values_list("organization__path", flat=True))
        if action == "view":
            return any(where.covers(p) for p in paths)
        return (
            not obj.is_superuser
            and obj.pk != actor.pk
            and bool(paths)
            and all(where.covers(p) for p in paths)
        )


@register
class RoleAssignmentPolicy(TreePolicy):
    """A role held at an organization: granted and withdrawn by the staff of a committee above it."""

    model = RoleAssignment
    area = ACCOUNTS
    path_fields = ("organization__path",)
