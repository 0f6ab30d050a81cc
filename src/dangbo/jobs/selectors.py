"""Reads of background jobs, always through their policy (``policies.JobPolicy``)."""

from __future__ import annotations

from django.db.models import QuerySet

from dangbo.core.policies import VIEW, anywhere, scope

from . import registry
from .choices import JobState
from .models import Job


def job_list(*, actor) -> QuerySet:
    return scope(actor, VIEW, Job.objects.select_related("started_by", "scope_org")).order_by(
        "-created_at", "-id"
    )


def has_jobs(actor) -> bool:
    """Whether the navigation offers "Công việc nền": administrators, and users who can see some job."""
    return anywhere(actor, VIEW, Job)


def startable_kinds(actor) -> list:
    """Kinds without a scope organization that the actor may start from the jobs page (administrators' work)."""
    return [kind for kind in registry.kinds() if not kind.scoped and kind.allowed(actor, None)]


def queue_state() -> dict:
    """For the health check: live workers and waiting jobs (counts only, no personal data)."""
    from .worker import alive_workers

    return {"workers": len(alive_workers()), "waiting": Job.objects.filter(state=JobState.QUEUED).count()}


def health_report(healthy: bool) -> dict:
    """The job queue's fields of ``/suc-khoe/`` (registered in core.registries.HEALTH_REPORTS): "ok" while a worker
    has written its heartbeat recently, "no_worker" when none has (queued jobs wait), "unknown" when the database
    cannot be asked."""
    from django.db import DatabaseError

    queue = None
    if healthy:
        try:
            queue = queue_state()
        except DatabaseError:
            queue = None
    return {
        "job_queue": "unknown" if queue is None else ("ok" if queue["workers"] else "no_worker"),
        "job_workers": None if queue is None else queue["workers"],
        "jobs_waiting": None if queue is None else queue["waiting"],
    }
