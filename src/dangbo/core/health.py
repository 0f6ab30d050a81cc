"""The health check: ``GET /suc-khoe/`` answers JSON without login and without any personal data.

    {"status": "ok", "database": "ok", "migrations": "ok", "job_queue": "ok", "job_workers": 1, "jobs_waiting": 0,
     "version": "0.1.0"}

HTTP 200 when the database answers and every migration the program knows is applied, 503 otherwise (a load
balancer or monitor takes the server out of rotation). The migration plan is computed once per process after it
first comes out complete: migrations are not un-applied under a running server.

With ``DANGBO_REDIS_URL`` set, ``cache`` tells whether Redis answers: sessions are read through it, so without it
no page can be served ("error" and 503). Without Redis there is no ``cache`` field (the cache is the database).

``job_queue`` is "ok" while at least one worker process (``dangbo worker``, or the one ``dangbo serve`` starts) has
written its heartbeat recently, "no_worker" when none has — queued jobs then wait; a monitor should alert on it —
and "unknown" when the database cannot be asked. ``job_workers`` is how many workers are alive and
``jobs_waiting`` how many jobs are queued. The job queue does not change ``status``: pages are still served
without a worker, so the load balancer keeps the server.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .registries import HEALTH_REPORTS

_migrations_done = False


def program_version() -> str:
    try:
        return version("dangbo")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown"


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def migrations_applied() -> bool:
    global _migrations_done
    if not _migrations_done:
        executor = MigrationExecutor(connection)
        _migrations_done = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_done


def cache_reachable() -> bool:
    try:
        cache.get("dangbo-health")
    except Exception:  # noqa: BLE001 — whatever the Redis client raises (refused, timed out, authentication)
        return False
    return True


def status() -> dict:
    database = database_reachable()
    try:
        migrations = "ok" if database and migrations_applied() else ("pending" if database else "unknown")
    except DatabaseError:
        database, migrations = False, "unknown"
    healthy = database and migrations == "ok"
    report = {
        "status": "ok" if healthy else "error",
        "database": "ok" if database else "error",
        "migrations": migrations,
    }
    if settings.REDIS_URL:
        reachable = cache_reachable()
        healthy = healthy and reachable
        report.update(status="ok" if healthy else "error", cache="ok" if reachable else "error")
    for fields in HEALTH_REPORTS:  # what the apps add (the job queue: dangbo.jobs)
        report.update(fields(healthy))
    report["version"] = program_version()
    return report


@require_GET
def health(request):
    report = status()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
