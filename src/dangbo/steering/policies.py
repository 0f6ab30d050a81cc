"""Who may do what with directing work (``dangbo.core.policies``).

Directing work is held by a committee and reaches the organizations under it. A row is judged by the work the
actor may do at the organizations it hangs from (``organizations.policies.WORK``): read it where they may follow
directing work ("steer"); enter documents, assign tasks, set targets and run programmes where they may direct
("direct"); file reports and contributions where their organization reports ("report"). Beyond its register, a
document is seen by the organizations a task on it was assigned to (a grassroots secretary sees the directive
they must disseminate); a programme also by the organizations that may contribute to it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dangbo.accounts import policies as access
from dangbo.core.policies import ADD, CHANGE, DELETE, VIEW, ReferencePolicy, ancestor_paths, is_root, register
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.policies import WorkPolicy, held_at, work_reach

from .models import (
    Assignment,
    Commune,
    Contribution,
    Document,
    DocumentCounter,
    DocumentType,
    Programme,
    Target,
    TargetValue,
    Task,
)  # fmt: skip

STEER = {VIEW: "steer", ADD: "direct", CHANGE: "direct", DELETE: "direct"}


def _assigned_to_reach(actor) -> Q | None:
    """Tasks assigned to an organization where the actor follows directing work."""
    return work_reach(actor, "steer").q("assignments__organization__path")


class _SeenWhereAssigned(WorkPolicy):
    """VIEW also covers the rows a task assigned to the actor's organizations points at (``assigned_ids``)."""

    def assigned_ids(self, actor, q: Q) -> QuerySet:
        raise NotImplementedError

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        own = self.q(actor, action)
        if action != VIEW or own == Q():
            return super().scope(actor, action, queryset, **options)
        assigned = _assigned_to_reach(actor)
        if assigned is None:
            return super().scope(actor, action, queryset, **options)
        q = Q(pk__in=self.assigned_ids(actor, assigned))
        return queryset.filter(q | own if own is not None else q)

    def can(self, actor, action: str, obj) -> bool:
        if super().can(actor, action, obj):
            return True
        return (
            action == VIEW
            and obj.pk is not None
            and self.scope(actor, VIEW, type(obj).objects.filter(pk=obj.pk)).exists()
        )


@register
class DocumentPolicy(_SeenWhereAssigned):
    model = Document
    rules = held_at("register", **STEER)

    def assigned_ids(self, actor, q: Q) -> QuerySet:
        return Task.objects.filter(q, document__isnull=False).values("document_id")


@register
class TaskPolicy(_SeenWhereAssigned):
    """``held``: the tasks a committee of the actor's directing-work view gave (not those assigned to them)."""

    model = Task
    rules = {**held_at("organization", **STEER), "held": (("steer", "organization"),)}

    # A committee assigns tasks to the organizations under it; a cell has none under it.
    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        queryset = super().scope(actor, action, queryset, **options)
        return queryset.exclude(organization__kind__in=CELL_KINDS) if action == ADD else queryset

    def can(self, actor, action: str, obj: Task) -> bool:
        if action == ADD and obj.organization.kind in CELL_KINDS:
            return False
        return super().can(actor, action, obj)

    def assigned_ids(self, actor, q: Q) -> QuerySet:
        return Task.objects.filter(q).values("pk")


@register
class AssignmentPolicy(WorkPolicy):
    """Seen by the committee that gave the task and by the organization assigned; reported on (CHANGE) by the
    organization assigned; added and withdrawn by the committee."""

    model = Assignment
    rules = {
        VIEW: (("steer", "task__organization"), ("steer", "organization")),
        ADD: (("direct", "task__organization"),),
        CHANGE: (("report", "organization"),),
        DELETE: (("direct", "task__organization"),),
    }
    # The assignments of the actor's organizations on tasks held outside their directing-work view: what their
    # superiors gave them (none for an administrator, who holds everything).
    extra_actions = frozenset({"from_above"})

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        if action != "from_above":
            return super().scope(actor, action, queryset, **options)
        reach = work_reach(actor, "steer")
        mine = reach.q("organization__path")
        if mine is None or mine == Q():
            return queryset.none()
        return queryset.filter(mine).exclude(reach.q("task__organization__path"))

    def can(self, actor, action: str, obj: Assignment) -> bool:
        if action != "from_above":
            return super().can(actor, action, obj)
        reach = work_reach(actor, "steer")
        return (
            not reach.everything
            and reach.covers(obj.organization.path)
            and not reach.covers(obj.task.organization.path)
        )


@register
class DocumentCounterPolicy(WorkPolicy):
    model = DocumentCounter
    rules = held_at("term__organization", **STEER)


@register
class TargetPolicy(WorkPolicy):
    model = Target
    rules = held_at("term__organization", **STEER)


@register
class TargetValuePolicy(WorkPolicy):
    model = TargetValue
    rules = held_at("target__term__organization", **STEER)


@register
class ProgrammePolicy(WorkPolicy):
    """Seen where it is run, by the organizations that contributed to it, and by the organizations that may
    contribute (a programme run by a committee above an organization where the actor files contributions)."""

    model = Programme
    rules = held_at("organization", **STEER)

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        if action != VIEW or is_root(actor):
            return super().scope(actor, action, queryset, **options)
        parts = [q for q in (self.q(actor, VIEW),) if q is not None]
        if (by_supporter := work_reach(actor, "steer").q("supporter__path")) is not None:
            parts.append(Q(pk__in=Contribution.objects.filter(by_supporter).values("programme")))
        above = sorted({p for g in access.grants(actor) if access.may(g.role, access.STEERING, CHANGE)
                        for p in ancestor_paths(g.path)})  # fmt: skip
        if above:
            parts.append(Q(organization__path__in=above))
        if not parts:
            return queryset.none()
        q = parts[0]
        for part in parts[1:]:
            q |= part
        return queryset.filter(q)

    def can(self, actor, action: str, obj: Programme) -> bool:
        if super().can(actor, action, obj):
            return True
        return (
            action == VIEW
            and obj.pk is not None
            and self.scope(actor, VIEW, Programme.objects.filter(pk=obj.pk)).exists()
        )


@register
class ContributionPolicy(WorkPolicy):
    """Seen by the programme's committee and by the supporting organization; recorded by either."""

    model = Contribution
    rules = {
        VIEW: (("steer", "programme__organization"), ("steer", "supporter")),
        ADD: (("direct", "programme__organization"), ("report", "supporter")),
        CHANGE: (("direct", "programme__organization"), ("report", "supporter")),
        DELETE: (("direct", "programme__organization"), ("report", "supporter")),
    }


@register
class DocumentTypePolicy(ReferencePolicy):
    model = DocumentType


@register
class CommunePolicy(ReferencePolicy):
    model = Commune
