"""Running one job inside a worker: claim it, call its kind's function with a ``progress`` callback, record how
it ended. Called by the django-tasks task ``dangbo.jobs.tasks.run_job`` (and directly by tests).

Every write here is its own short autocommit statement, so the job page sees the progress while the job runs.
A job function that reports progress from *inside* a ``transaction.atomic`` block is still shown live on
PostgreSQL (the progress goes through a second connection); on SQLite, which has one writer and whose writer is
that very transaction, it is shown when the block commits.
"""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils import timezone

from dangbo.core.errors import ApplicationError
from dangbo.core.middleware import current_request_id
from dangbo.core.text import clean_text

from . import registry
from .choices import JobState
from .models import Job

log = logging.getLogger("dangbo.jobs")

# Progress is written at most this often (a job may call progress() for every row of a large file).
PROGRESS_INTERVAL = 0.5

INTERRUPTED = (
    "Công việc bị dừng giữa chừng vì tiến trình chạy nền đã tắt (máy chủ khởi động lại hoặc bị dừng). "
    "Những gì công việc đã lưu trước khi dừng vẫn còn; hãy xem lại rồi chạy lại công việc."
)


def unexpected(job_pk) -> str:
    return (
        "Công việc gặp lỗi ngoài dự kiến và đã dừng. Quản trị hệ thống xem chi tiết trong nhật ký máy chủ "
        f"(mã cong-viec-{job_pk})."
    )


class JobCancelled(Exception):
    """Raised by ``progress`` when the job was cancelled (or is no longer running): the function stops there."""


def files_dir() -> Path:
    return Path(getattr(settings, "DANGBO_JOB_FILES_DIR", Path(settings.DATA_DIR) / "job-files"))


def result_path(job: Job, suffix: str) -> Path:
    """A new file for the job's result in the data directory (private to the server's user), e.g. ``.xlsx``."""
    directory = files_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory / f"{job.pk}-{secrets.token_hex(8)}{suffix}"


def _update(pk, *, only_if: dict, **fields) -> int:
    """One short UPDATE of the job while it matches ``only_if``; retried a few times while SQLite stays locked
    beyond its own timeout (a final state must not be lost to a busy moment)."""
    qs = Job.objects.filter(pk=pk, **only_if)
    fields.setdefault("updated_at", timezone.now())
    for attempt in range(5):
        try:
            return qs.update(**fields)
        except OperationalError as error:
            if "locked" not in str(error).lower() or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))
    return 0  # pragma: no cover


class Progress:
    """``progress(done, total=None, step=None)``: how far the job got (``done`` of ``total`` units) and what it is
    doing now ("Đang đọc dòng 120"). Raises ``JobCancelled`` when the user cancelled the job."""

    def __init__(self, job: Job):
        self.job_pk = job.pk
        self.done, self.total, self.step = job.done, job.total, job.step
        self._written_at = float("-inf")
        self._apart = None
        # Transactions already open when the job starts (a test's): progress is written inside them as usual.
        self._outer = len(connections[DEFAULT_DB_ALIAS].atomic_blocks)

    def __call__(self, done: int | None = None, total: int | None = None, step: str | None = None) -> None:
        if done is not None:
            self.done = max(0, int(done))
        if total is not None:
            self.total = max(0, int(total))
        if step is not None:
            self.step = clean_text(step)[:200]
        now = time.monotonic()
        last = self.total is not None and self.done >= self.total
        if now - self._written_at < PROGRESS_INTERVAL and not last:
            return
        self._written_at = now
        connection = connections[DEFAULT_DB_ALIAS]
        if len(connection.atomic_blocks) <= self._outer:
            written = _update(self.job_pk, only_if={"state": JobState.RUNNING, "cancel_requested": False},
                              done=self.done, total=self.total, step=self.step)  # fmt: skip
        elif connection.vendor == "postgresql":
            written = self._write_apart()
        else:
            return  # SQLite: the job's own transaction holds the only write lock; the final state is written later
        if not written:
            raise JobCancelled

    def _write_apart(self) -> int:
        """The progress through a second connection, visible at once although the job's transaction is open."""
        if self._apart is None:
            self._apart = connections.create_connection(DEFAULT_DB_ALIAS)
        quote = self._apart.ops.quote_name
        with self._apart.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(Job._meta.db_table)} SET done = %s, total = %s, step = %s, updated_at = %s "
                "WHERE id = %s AND state = %s AND NOT cancel_requested",
                [self.done, self.total, self.step, timezone.now(), self.job_pk, JobState.RUNNING],
            )
            return cursor.rowcount

    def close(self) -> None:
        if self._apart is not None:
            self._apart.close()
            self._apart = None


def _finish(job: Job, progress: Progress | None, state: str, **fields) -> str:
    if progress is not None:
        fields.update(done=progress.done, total=progress.total, step=progress.step)
    if state == JobState.DONE:
        total = fields.get("total") or max(fields.get("done") or 0, 1)
        fields.update(total=total, done=total, step="")
    if not _update(job.pk, only_if={"state": JobState.RUNNING}, state=state, **fields):
        # Not running any more: the worker was taken for dead meanwhile and the job failed (worker.recover).
        log.warning("job was no longer running when it ended", extra={"job": job.pk, "kind": job.kind})
    return state


def execute(job_pk: int, *, worker_id: str = "") -> str:
    """Run the queued job ``job_pk``; returns the state it ended in ("" when it was not queued any more)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        started_at=now,
        updated_at=now,
        worker_id=worker_id[:64],
        step="Đang bắt đầu",
    )
    if not claimed:  # cancelled before it ran, or delivered twice: someone else has it
        log.info("job not queued any more, skipped", extra={"job": job_pk})
        return ""
    job = Job.objects.select_related("started_by", "scope_org").get(pk=job_pk)
    token = current_request_id.set(f"cong-viec-{job.pk}")
    progress = None
    try:
        kind = registry.get(job.kind)
        if kind is None:
            return _finish(job, None, JobState.FAILED, finished_at=timezone.now(),
                           error=f"Loại công việc «{job.kind}» không còn trong phiên bản này của chương trình.")  # fmt: skip
        progress = Progress(job)
        log.info("job started", extra={"job": job.pk, "kind": job.kind})
        try:
            outcome = kind.func(job, progress)
        except JobCancelled:
            log.info("job cancelled", extra={"job": job.pk, "kind": job.kind})
            return _finish(job, progress, JobState.CANCELLED, finished_at=timezone.now(),
                           message="Đã dừng theo yêu cầu hủy. Những gì công việc đã lưu trước khi dừng vẫn còn.")  # fmt: skip
        except (ApplicationError, *kind.user_errors) as error:
            log.warning("job failed: %s", error, extra={"job": job.pk, "kind": job.kind})
            text = getattr(error, "message", None) or str(error)
            return _finish(job, progress, JobState.FAILED, finished_at=timezone.now(), error=text)
        except Exception:
            log.exception("job failed unexpectedly", extra={"job": job.pk, "kind": job.kind})
            return _finish(
                job, progress, JobState.FAILED, finished_at=timezone.now(), error=unexpected(job.pk)
            )
        except BaseException:  # SystemExit, KeyboardInterrupt: the worker is being stopped in the middle
            log.warning("job interrupted: the worker is stopping", extra={"job": job.pk, "kind": job.kind})
            _finish(job, progress, JobState.FAILED, finished_at=timezone.now(), error=INTERRUPTED)
            raise
        result = (
            outcome if isinstance(outcome, registry.JobResult) else registry.JobResult(str(outcome or ""))
        )
        fields = {"message": result.message or "Đã xong.", "finished_at": timezone.now()}
        if result.file is not None:
            path = Path(result.file)
            if path.resolve().parent != files_dir().resolve() or not path.is_file():
                log.error("job result file outside the job files directory", extra={"job": job.pk})
                return _finish(
                    job, progress, JobState.FAILED, finished_at=timezone.now(), error=unexpected(job.pk)
                )
            fields.update(result_file=path.name, result_name=(result.filename or path.name)[:200])
        log.info("job done", extra={"job": job.pk, "kind": job.kind})
        return _finish(job, progress, JobState.DONE, **fields)
    finally:
        if progress is not None:
            progress.close()
        current_request_id.reset(token)
