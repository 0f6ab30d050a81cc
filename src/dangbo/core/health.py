"""The health check: ``GET /suc-khoe/`` answers JSON without login and without any personal data.

    {"status": "ok", "database": "ok", "migrations": "ok", "job_queue": "not_configured", "version": "0.1.0"}

HTTP 200 when the database answers and every migration the program knows is applied, 503 otherwise (a load
balancer or monitor takes the server out of rotation). ``job_queue`` is "not_configured" until the application
has a job queue (django-tasks is planned). The migration plan is computed once per process after it first comes
out complete: migrations are not un-applied under a running server.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.http import require_GET

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


def status() -> dict:
    database = database_reachable()
    try:
        migrations = "ok" if database and migrations_applied() else ("pending" if database else "unknown")
    except DatabaseError:
        database, migrations = False, "unknown"
    healthy = database and migrations == "ok"
    return {
        "status": "ok" if healthy else "error",
        "database": "ok" if database else "error",
        "migrations": migrations,
        "job_queue": "not_configured",
        "version": program_version(),
    }


@require_GET
def health(request):
    report = status()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
