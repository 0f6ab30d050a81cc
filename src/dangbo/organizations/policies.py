"""Who may do what with organizations (``dangbo.core.policies``).

Besides the four usual actions on the organizations themselves, an organization is where other work is done, so
its policy also answers "may the actor do *this kind of work* at this organization?" — each such action is a row of
``WORK``: the area of the role rules it belongs to and the right it needs there. Pickers ("the cells where you may
plan a meeting") are ``scope(actor, "place_members", Organization.objects…)``; a check on one organization is
``can(actor, "direct", organization)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import ClassVar

from django.db.models import Model, Q, QuerySet

from dangbo.accounts import policies as access
from dangbo.accounts.choices import Role
from dangbo.core.policies import (
    ADD,
    CHANGE,
    DELETE,
    EVERYWHERE,
    VIEW,
    Policy,
    Reach,
    in_state,
    is_root,
    register,
)

from .models import CommitteeSeat, Organization, OrganizationLink, Term


@dataclass(frozen=True)
class Work:
    area: str
    right: str
    label: str
    own: bool = False  # a plain member's own cell counts
    roles: frozenset[str] | None = None  # only these roles
    strictly_below: bool = False  # organizations under the grant, not the one it is held at
    # Anywhere in the deployment for whoever has the right somewhere, limited to the cells in operation: a choice
    # that is by nature outside the actor's tree (the cell where a member lives, QĐ 213).
    any_cell: bool = False


WORK: dict[str, Work] = {
    VIEW: Work(access.ORGANIZATION, VIEW, "xem tổ chức", own=True),
    ADD: Work(access.ORGANIZATION, ADD, "lập tổ chức trực thuộc"),
    CHANGE: Work(access.ORGANIZATION, CHANGE, "sửa thông tin, sắp xếp tổ chức"),
    DELETE: Work(access.ORGANIZATION, DELETE, "xóa tổ chức nhập nhầm"),
    # Member records placed at the organization: add or move members into it, run its meetings, follow its
    # candidates for admission (read: member_records).
    "place_members": Work(access.MEMBER, ADD, "đưa đảng viên vào, điều hành sinh hoạt"),
    "member_records": Work(access.MEMBER, VIEW, "xem hồ sơ lưu tại tổ chức (người xin vào Đảng)"),
    # Grading a cell's meetings as the upper level (HD 12-HD/BTCTW): staff and grassroots secretaries, for the
    # organizations strictly below the one they hold the role at.
    "grade_meetings": Work(access.MEMBER, VIEW, "xếp loại sinh hoạt với tư cách cấp trên",
                           roles=frozenset({Role.STAFF, Role.GRASSROOTS_SECRETARY}), strictly_below=True),
    # Directing work held by the organization: read it; hold its register, assign its tasks, set its targets,
    # run its programmes; file its reports and contributions.
    "steer": Work(access.STEERING, VIEW, "xem công tác lãnh đạo, chỉ đạo"),
    "direct": Work(access.STEERING, ADD, "vào sổ văn bản, giao nhiệm vụ, lập chỉ tiêu và chương trình"),
    "report": Work(access.STEERING, CHANGE, "báo cáo nhiệm vụ, ghi đóng góp"),
    # The logins and roles of its people.
    "grant_roles": Work(access.ACCOUNTS, ADD, "cấp tài khoản, phân quyền"),
    # The cell where a member lives, which comments on them yearly (QĐ 213; ``evaluation.ResidenceRegistration``):
    # any cell in operation — a ward's or a village's, usually outside the tree of those who keep the record.
    "residence_cell": Work(access.MEMBER, CHANGE, "chọn chi bộ nơi cư trú của đảng viên", any_cell=True),
    # Working for that residence cell: its secretary, the committees above it — they record its comments.
    "residence_comments": Work(access.MEMBER, CHANGE, "ghi nhận xét của chi bộ nơi cư trú"),
}  # fmt: skip


def work_reach(actor, action: str) -> Reach:
    w = WORK[action]
    reach = access.reach(actor, w.area, w.right, own=w.own, roles=w.roles)
    if w.any_cell and not reach.nothing:
        return EVERYWHERE  # the kind and state are the scope's (``_cells_in_operation``)
    return reach


def _cells_in_operation(queryset: QuerySet) -> QuerySet:
    from dangbo.core.dates import today

    from .choices import CELL_KINDS

    return queryset.filter(kind__in=CELL_KINDS).filter(Q(end_date__isnull=True) | Q(end_date__gt=today()))


# Directing work by the four usual actions: read it, hold it (add, delete), report on it (change).
STEER = {VIEW: "steer", ADD: "direct", CHANGE: "report", DELETE: "direct"}


def work_q(actor, work: str, field: str = "organization") -> Q | None:
    """Rows whose ``field`` organization is where the actor may do ``work``: ``Q()`` everywhere, None nowhere
    (for reads that combine several organization fields, e.g. a task held by a committee or assigned to a cell)."""
    return work_reach(actor, work).q(f"{field}__path" if field else "path")


def work_scope(actor, work: str, queryset: QuerySet, field: str = "organization") -> QuerySet:
    q = work_q(actor, work, field)
    if q is None:
        return queryset.none()
    return queryset.filter(q) if q != Q() else queryset


def can_add_under(actor, parent: Organization | None) -> bool:
    """Whether the actor may found an organization under ``parent`` (a top organization: administrators only)."""
    return is_root(actor) if parent is None else work_reach(actor, ADD).covers(parent.path, parent.pk)


def top_organizations(actor) -> list[int]:
    """Ids of the organizations the actor's view of the tree starts at."""
    if is_root(actor):
        return list(Organization.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    r = access.reach(actor, access.ORGANIZATION, VIEW)  # their highest grants (a plain member: their cell)
    return [int(p.split(".")[-2]) for p in r.paths] + list(r.ids)


def _strictly_below(reach: Reach, path: str) -> bool:
    return reach.everything or any(path.startswith(p) and path != p for p in reach.paths)


@register
class OrganizationPolicy(access.TreePolicy):
    model = Organization
    actions = frozenset(WORK)
    path_fields = ("path",)
    id_field = "pk"

    def reach(self, actor, action: str) -> Reach:
        return work_reach(actor, action)

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        reach = self.reach(actor, action)
        if WORK[action].any_cell:
            return _cells_in_operation(reach.filter(queryset, "path", "pk"))
        if WORK[action].strictly_below and not reach.everything:
            return reach.filter(queryset, "path").exclude(path__in=reach.paths)
        return reach.filter(queryset, "path", "pk")

    def can(self, actor, action: str, obj: Organization) -> bool:
        reach = self.reach(actor, action)
        if WORK[action].any_cell:
            return (
                reach.covers(obj.path, obj.pk)
                and _cells_in_operation(Organization.objects.filter(pk=obj.pk)).exists()
            )
        if WORK[action].strictly_below:
            return _strictly_below(reach, obj.path)
        return reach.covers(obj.path, obj.pk)


@register
class OrganizationLinkPolicy(access.TreePolicy):
    """A period of an organization's place in the tree: seen with the organization."""

    model = OrganizationLink
    area = access.ORGANIZATION
    path_fields = ("organization__path",)
    id_field = "organization_id"


@register
class TermPolicy(access.TreePolicy):
    """A committee term and its seats: kept by those who keep the organization. A term is also the frame of the
    organization's targets: ``steer``, ``direct``, ``report`` are that work at its organization (``WORK``)."""

    model = Term
    TARGETS = frozenset({"steer", "direct", "report"})
    actions = frozenset({VIEW, ADD, CHANGE, DELETE, *TARGETS})
    area = access.ORGANIZATION
    path_fields = ("organization__path",)
    id_field = "organization_id"

    def reach(self, actor, action: str) -> Reach:
        return work_reach(actor, action) if action in self.TARGETS else super().reach(actor, action)


@register
class CommitteeSeatPolicy(access.TreePolicy):
    model = CommitteeSeat
    area = access.ORGANIZATION
    path_fields = ("term__organization__path",)
    id_field = "term__organization_id"


Rule = tuple[
    tuple[str, str], ...
]  # (work, organization field) pairs: the row is inside when any pair covers it


class WorkPolicy(Policy):
    """The policy of rows held at organizations: each action is a kind of work (a key of ``WORK``) at the
    organization named by a field — ``rules[action]`` lists (work, field) pairs and the row is inside when any of
    them covers it. A meeting's answers are those of its cell; an assignment is seen by the committee that gave
    it and by the organization that reports on it."""

    rules: ClassVar[dict[str, Rule]]
    extra_actions: ClassVar[frozenset[str]] = frozenset()  # actions the subclass answers itself (no rule)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "rules" in cls.__dict__:
            cls.actions = frozenset(cls.rules) | cls.extra_actions

    def q(self, actor, action: str) -> Q | None:
        """The rule as a filter: ``Q()`` for everything, None for nothing."""
        parts = []
        for work, field in self.rules[action]:
            q = work_reach(actor, work).q(f"{field}__path", f"{field}__pk")
            if q == Q():
                return q
            if q is not None:
                parts.append(q)
        return reduce(or_, parts) if parts else None

    def anywhere(self, actor, action: str) -> bool:
        return self.q(actor, action) is not None

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        q = self.q(actor, action)
        if q is None:
            return queryset.none()
        queryset = self.in_states(action, queryset)
        return queryset.filter(q) if q != Q() else queryset

    def can(self, actor, action: str, obj: Model) -> bool:
        if not in_state(action, obj):
            return False
        for work, field in self.rules[action]:
            organization = access.value(obj, field)
            if organization is not None and work_reach(actor, work).covers(
                organization.path, organization.pk
            ):
                return True
        return False


def held_at(field: str, **work: str) -> dict[str, Rule]:
    """``rules`` of a ``WorkPolicy`` for rows held at one organization: action → the work needed there."""
    return {action: ((w, field),) for action, w in work.items()}
