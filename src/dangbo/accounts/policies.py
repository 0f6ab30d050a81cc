"""Who may manage which logins (``dangbo.core.policies``): the organization-department staff of a committee (and
system administrators) manage the people whose every role lies in their subtree; a user with a role elsewhere is
visible but not editable (their other committee manages it). Nobody edits their own roles or an administrator."""

from __future__ import annotations

from django.db.models import QuerySet

from dangbo.core.policies import Policy, register

from . import selectors as access
from .models import RoleAssignment, User


@register
class UserPolicy(Policy):
    model = User

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        reach = access.reach(actor, access.ACCOUNTS, action)
        if reach.everything:
            return queryset
        q = reach.q("roles__organization__path")
        if q is None:
            return queryset.none()
        seen = queryset.filter(pk__in=queryset.model.objects.filter(q).values("pk"))
        if action == "view":
            return seen
        # Changing a login needs every one of its roles inside the actor's reach.
        outside = RoleAssignment.objects.exclude(reach.q("organization__path"))
        return seen.exclude(is_superuser=True).exclude(pk=actor.pk).exclude(pk__in=outside.values("user_id"))

    def can(self, actor, action: str, obj: User) -> bool:
        reach = access.reach(actor, access.ACCOUNTS, action)
        if reach.everything:
            return True
        paths = list(obj.roles.values_list("organization__path", flat=True))
        if action == "view":
            return any(reach.covers(p) for p in paths)
        return (
            not obj.is_superuser
            and obj.pk != actor.pk
            and bool(paths)
            and all(reach.covers(p) for p in paths)
        )


@register
class RoleAssignmentPolicy(access.TreePolicy):
    """A role held at an organization: granted and withdrawn by the staff of a committee above it."""

    model = RoleAssignment
    area = access.ACCOUNTS
    path_fields = ("organization__path",)
