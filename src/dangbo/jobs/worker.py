"""The worker process — ``dangbo worker``, also started by ``dangbo serve`` beside the web server.

It runs the configured django-tasks backend's own worker (the database backend's ``db_worker`` loop, or RQ's
``rqworker``) and around it keeps what that worker does not:

* a **heartbeat**: a ``WorkerHeartbeat`` row touched every ``DANGBO_WORKER_HEARTBEAT_SECONDS`` (5) by a thread, which
  the health check reads ("is any worker alive?");
* **recovery**, when it starts and then every minute: a job left "đang chạy" by a worker that is gone (its heartbeat
  is older than ``DANGBO_WORKER_STALE_SECONDS`` (30), or its process no longer exists on this host) is marked
  "lỗi" with a message asking to run it again — not re-run by itself: a job's function need not be safe to repeat
  after stopping half-way (an import that committed part of its rows, a campaign half opened), so the user who
  sees what was done decides ("Chạy lại" on the job page). Jobs still "chờ" stay in the queue and run; a queued
  job whose task the backend lost (Redis restarted without persistence) is queued again;
* **cleanup** every hour: result files older than ``DANGBO_JOB_FILE_DAYS`` (7) are deleted (they may hold personal
  data), and the database backend's rows of finished tasks after a day (the ``Job`` row is the record).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import signal
import socket
import string
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from .choices import JobState
from .models import Job, WorkerHeartbeat
from .runner import INTERRUPTED, _update, files_dir, unexpected
from .tasks import backend, backend_name

log = logging.getLogger("dangbo.jobs")
HOST = socket.gethostname()[:200]
SWEEP_SECONDS = 60
CLEANUP_SECONDS = 3600
QUEUED_GRACE = dt.timedelta(minutes=2)


def heartbeat_seconds() -> float:
    return float(getattr(settings, "DANGBO_WORKER_HEARTBEAT_SECONDS", 5))


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "DANGBO_WORKER_STALE_SECONDS", 30)))


def new_worker_id() -> str:
    # Letters only: log lines pass through the personal-data filter, which hides long runs of digits.
    return f"{HOST[:40]}-{''.join(secrets.choice(string.ascii_lowercase) for _ in range(10))}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def alive_workers(now: dt.datetime | None = None) -> list[WorkerHeartbeat]:
    """Workers whose heartbeat is recent and, on this host, whose process still exists."""
    now = now or timezone.now()
    fresh = WorkerHeartbeat.objects.filter(last_seen__gte=now - stale_after())
    return [w for w in fresh if w.host != HOST or _pid_alive(w.pid)]


def _fail_backend_result(task_id: str) -> None:
    """The database backend never looks at a task left RUNNING again: close it too, so it can be pruned."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if task_id and isinstance(backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now(), exception_class_path="builtins.SystemExit",
            traceback="The worker running this task stopped (dangbo.jobs.worker.recover).",
        )  # fmt: skip


def recover(*, me: str = "", now: dt.datetime | None = None) -> tuple[int, int]:
    """Fail the jobs of dead workers and queue again the queued jobs whose task is lost.
    Returns (failed, queued again)."""
    now = now or timezone.now()
    alive = {
        w.worker_id
        for w in alive_workers(now)
        if w.worker_id == me or not (w.host == HOST and w.pid == os.getpid())
    }
    alive.add(me)
    failed = 0
    orphans = Job.objects.filter(state=JobState.RUNNING).exclude(worker_id="").exclude(worker_id__in=alive)
    for job in orphans.only("pk", "kind", "worker_id", "task_id"):
        if _update(job.pk, only_if={"state": JobState.RUNNING, "worker_id": job.worker_id},
                   state=JobState.FAILED, finished_at=now, error=INTERRUPTED):  # fmt: skip
            failed += 1
            log.warning("job of a stopped worker marked failed",
                        extra={"job": job.pk, "kind": job.kind, "worker": job.worker_id})  # fmt: skip
            _fail_backend_result(job.task_id)
    WorkerHeartbeat.objects.exclude(worker_id__in=alive).delete()

    requeued = 0
    for job in Job.objects.filter(state=JobState.QUEUED, created_at__lt=now - QUEUED_GRACE):
        try:
            result = backend().get_result(job.task_id) if job.task_id else None
        except TaskResultDoesNotExist:
            result = None
        if result is None:
            from .services import _enqueue

            with transaction.atomic():
                _enqueue(job)
            requeued += 1
            log.warning(
                "queued job whose task was lost queued again", extra={"job": job.pk, "kind": job.kind}
            )
        elif result.is_finished:  # the task ended without ever taking the job (it could not be loaded)
            _update(job.pk, only_if={"state": JobState.QUEUED}, state=JobState.FAILED, finished_at=now,
                    error=unexpected(job.pk))  # fmt: skip
            log.error("task ended without running its job", extra={"job": job.pk, "kind": job.kind})
    return failed, requeued


def cleanup(now: dt.datetime | None = None) -> int:
    """Delete result files past their days and the backend's rows of long-finished tasks. Returns files deleted."""
    now = now or timezone.now()
    days = int(getattr(settings, "DANGBO_JOB_FILE_DAYS", 7))
    old = Job.objects.exclude(result_file="").filter(finished_at__lt=now - dt.timedelta(days=days))
    deleted = 0
    for job in old.only("pk", "result_file"):
        (files_dir() / job.result_file).unlink(missing_ok=True)
        Job.objects.filter(pk=job.pk).update(result_file="")
        deleted += 1
    from django_tasks_db import DatabaseBackend

    if isinstance(backend(), DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
            finished_at__lt=now - dt.timedelta(days=1),
        ).delete()
    return deleted


class Heartbeat(threading.Thread):
    """Touches this worker's row, sweeps for dead workers' jobs, cleans up; stops the worker when the
    ``dangbo serve`` that started it is gone (``parent_pid``)."""

    def __init__(self, worker_id: str, *, parent_pid: int | None = None):
        super().__init__(name="dangbo-heartbeat", daemon=True)
        self.worker_id, self.parent_pid = worker_id, parent_pid
        self._stop_event = threading.Event()

    def register(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": HOST,
                "pid": os.getpid(),
                "backend": backend_name(),
                "started_at": now,
                "last_seen": now,
            },
        )

    def beat(self) -> None:
        if not WorkerHeartbeat.objects.filter(pk=self.worker_id).update(last_seen=timezone.now()):
            self.register()

    def run(self) -> None:
        swept = cleaned = time.monotonic()
        try:
            while not self._stop_event.wait(heartbeat_seconds()):
                if self.parent_pid and os.getppid() != self.parent_pid:
                    log.warning("dangbo serve stopped: the worker stops too")
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                try:
                    close_old_connections()
                    self.beat()
                    if time.monotonic() - swept >= SWEEP_SECONDS:
                        swept = time.monotonic()
                        recover(me=self.worker_id)
                    if time.monotonic() - cleaned >= CLEANUP_SECONDS:
                        cleaned = time.monotonic()
                        cleanup()
                except DatabaseError:
                    log.exception("worker heartbeat could not reach the database")
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=10)
        try:
            WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()
        except DatabaseError:
            log.exception("could not remove the worker's heartbeat")


def run(*, worker_id: str | None = None, interval: float = 1.0, parent_pid: int | None = None) -> None:
    """Run a worker until it is stopped (SIGTERM/SIGINT: the job in hand finishes first; a second signal
    interrupts it, and it is marked failed)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django_tasks_db import DatabaseBackend

    worker_id = worker_id or new_worker_id()
    heartbeat = Heartbeat(worker_id, parent_pid=parent_pid)
    heartbeat.register()
    failed, requeued = recover(me=worker_id)
    cleanup()
    log.info("worker started", extra={"worker": worker_id, "backend": backend_name(), "failed_jobs": failed,
                                      "requeued_jobs": requeued})  # fmt: skip
    heartbeat.start()
    try:
        if isinstance(backend(), DatabaseBackend):
            call_command("db_worker", worker_id=worker_id, interval=interval, reload=False, startup_delay=False,
                         queue_name="default", backend_name=backend().alias, verbosity=1)  # fmt: skip
        elif backend_name() == "RQBackend":
            call_command("rqworker", "default", job_class="django_tasks_rq.Job", name=worker_id, verbosity=1)
        else:
            raise CommandError(
                f"Hàng đợi {backend_name()} không có tiến trình chạy nền (công việc chạy ngay khi bắt đầu)."
            )
    finally:
        heartbeat.stop()
        log.info("worker stopped", extra={"worker": worker_id})
