"""Who sees which background job, and who may start one — built from ``dangbo.accounts.policy``.

A job is seen by
* the user who started it;
* the organization-department staff (role "Cán bộ cơ quan tham mưu của cấp ủy") of a committee whose subtree holds
  the organization the job runs over — the people who answer for the work done over that subtree (a grassroots
  secretary's import of their own cells is visible to the bloc's staff; the bloc's national report is not visible
  to the grassroots secretary);
* system administrators (superusers): every job, also those over the whole installation (no organization).
Leaders and secretaries do not see each other's jobs: a job's parameters and file are the starter's working
material, and what it changed is visible on the records themselves (with their audit history).
Outside this scope a job answers 404 like a missing one.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from dangbo.accounts import policy
from dangbo.accounts.choices import Role
from dangbo.organizations.paths import subtree_q


def is_admin(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False))


def _staff_paths(actor) -> list[str]:
    return [g.path for g in policy.grants(actor) if g.role == Role.STAFF]


def job_q(actor) -> Q | None:
    """Q over the jobs ``actor`` may see; ``Q()`` for everything, None for nothing."""
    if is_admin(actor):
        return Q()
    if not getattr(actor, "is_authenticated", False):
        return None
    parts = [Q(started_by=actor)] + [subtree_q(path, "scope_org__path") for path in _staff_paths(actor)]
    return reduce(or_, parts)


def job_scope(actor, queryset: QuerySet) -> QuerySet:
    q = job_q(actor)
    if q is None:
        return queryset.none()
    return queryset.filter(q) if q != Q() else queryset


def get_job_or_404(actor, queryset: QuerySet, pk):
    try:
        return job_scope(actor, queryset).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Who may start a kind (``allowed=`` of ``@job``) ------------------------------------------------------------


def admins_only(actor, scope_org) -> bool:
    """System administrators: work over the whole installation (backups)."""
    return is_admin(actor)


def staff_over_scope(actor, scope_org) -> bool:
    """Administrators, and the staff of a committee whose subtree holds ``scope_org``."""
    if is_admin(actor):
        return True
    return scope_org is not None and any(scope_org.path.startswith(path) for path in _staff_paths(actor))
