"""Who sees which background job (``dangbo.core.policies``), and who may start a kind (``allowed=`` of ``@job``).

A job is seen — and cancelled, run again, its file downloaded — by
* the user who started it;
* the organization-department staff (role "Cán bộ cơ quan tham mưu của cấp ủy") of a committee whose subtree holds
  the organization the job runs over: the people who answer for the work done over that subtree (a grassroots
  secretary's import of their own cells is visible to the bloc's staff; the bloc's national report is not visible
  to the grassroots secretary);
* system administrators: every job, also those over the whole installation (no organization: backups).
Leaders and secretaries do not see each other's jobs: a job's parameters and file are the starter's working
material, and what it changed is visible on the records themselves (with their audit history). Outside this scope
a job answers 404 like a missing one.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dangbo.accounts import policies as access
from dangbo.accounts.choices import Role
from dangbo.accounts.selectors import grants
from dangbo.core.db import exists_compiled
from dangbo.core.policies import CHANGE, VIEW, Policy, Reach, in_state, is_root, register

from .choices import JobState
from .models import ImportMapping, Job, WorkerHeartbeat

STAFF = frozenset({Role.STAFF})


def staff_reach(actor) -> Reach:
    """The subtrees where the actor is organization-department staff (everywhere for administrators)."""
    return access.reach(actor, access.ORGANIZATION, VIEW, roles=STAFF)


@register
class JobPolicy(Policy):
    model = Job
    actions = frozenset({VIEW, CHANGE, "rerun"})  # change: cancel; rerun: a job that failed or was cancelled
    states = {"rerun": {"state__in": (JobState.FAILED, JobState.CANCELLED)}}

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        reach = staff_reach(actor)
        queryset = self.in_states(action, queryset)
        if reach.everything:
            return queryset
        q = Q(started_by=actor)
        if (over := reach.q("scope_org__path")) is not None:
            q |= over
        return queryset.filter(q)

    def anywhere(self, actor, action: str) -> bool:
        """Administrators (also before any job), and whoever sees some job. Asked on every page (the navigation's
        «Công việc nền»): the statement is compiled once per process for the user and their role assignments, which
        are all the scope depends on (who started a job, the staff grants' subtrees)."""
        if staff_reach(actor).everything:
            return True
        key = ("jobs-anywhere", action, actor.pk, tuple(grants(actor)))
        return exists_compiled(Job, key, lambda: self.scope(actor, action, Job.objects.all()))

    def can(self, actor, action: str, obj: Job) -> bool:
        if not in_state(action, obj):
            return False
        reach = staff_reach(actor)
        if reach.everything or (obj.started_by_id is not None and obj.started_by_id == actor.pk):
            return True
        return obj.scope_org_id is not None and reach.covers(obj.scope_org.path)


@register
class WorkerHeartbeatPolicy(Policy):
    """The worker processes' own rows: nobody works on them through the pages (administrators may look)."""

    model = WorkerHeartbeat
    actions = frozenset({VIEW})

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        return queryset if is_root(actor) else queryset.none()

    def can(self, actor, action: str, obj: WorkerHeartbeat) -> bool:
        return is_root(actor)


@register
class ImportMappingPolicy(Policy):
    """A user's remembered column mapping of an import: their own, read and replaced by the import page only."""

    model = ImportMapping
    actions = frozenset({VIEW, CHANGE})

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        return queryset.filter(user=actor)

    def can(self, actor, action: str, obj: ImportMapping) -> bool:
        return obj.user_id == actor.pk


# --- Who may start a kind (``allowed=`` of ``@job``) ------------------------------------------------------------


def admins_only(actor, scope_org) -> bool:
    """System administrators: work over the whole installation (backups)."""
    return is_root(actor)


def staff_over_scope(actor, scope_org) -> bool:
    """Administrators, and the staff of a committee whose subtree holds ``scope_org``."""
    reach = staff_reach(actor)
    return reach.everything or (scope_org is not None and reach.covers(scope_org.path))
