"""Starting and cancelling background jobs. ``start_job`` is the one way in: the API, the command line and the
pages of every app that has long work call it."""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.core.logging import redact
from dangbo.core.policies import CHANGE, in_state, scope
from dangbo.organizations.models import Organization

from . import registry
from .choices import JobState
from .models import Job

PARAMS_MAX_BYTES = 4000


def _clean_params(params) -> dict:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ApplicationError(
            "Tham số: phải là một bảng giá trị (JSON object).",
            field_errors={"params": "Tham số: phải là một bảng giá trị."},
        )
    try:
        text = json.dumps(params, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        raise ApplicationError("Tham số: chỉ gồm chữ, số, đúng/sai và danh sách.",
                               field_errors={"params": "Tham số: chỉ gồm chữ, số, đúng/sai và danh sách."}) from None  # fmt: skip
    if len(text.encode()) > PARAMS_MAX_BYTES:
        raise ApplicationError("Tham số: quá dài.", field_errors={"params": "Tham số: quá dài."})
    # Parameters are stored, shown on the job page and written to the audit history: no citizen ID or phone number.
    if redact(text) != text:
        raise ApplicationError(
            "Tham số: không được chứa số căn cước, số điện thoại hay dãy số dài tương tự.",
            field_errors={
                "params": "Tham số: không được chứa số căn cước, số điện thoại hay dãy số dài tương tự."
            },
        )
    return json.loads(text)


def _enqueue(job: Job) -> None:
    from django_tasks_db import DatabaseBackend

    from .tasks import backend, run_job

    def enqueue():
        result = run_job.enqueue(job.pk)
        job.task_id = str(result.id)[:64]
        Job.objects.filter(pk=job.pk).update(task_id=job.task_id)

    if isinstance(backend(), DatabaseBackend):
        enqueue()  # the queue row is written in this transaction: both or neither
    else:
        transaction.on_commit(enqueue)  # Redis knows nothing of this transaction: only once the job exists


@transaction.atomic
def start_job(*, actor, kind: str, params: dict | None = None, scope_org=None) -> Job:
    """Queue a job of ``kind`` over ``scope_org`` (an Organization, or None for the whole installation).

    ``actor`` None is the system (the command line), which may start any kind. Raises ApplicationError when the
    kind is unknown, the actor may not start it there, the parameters are not plain JSON without personal data,
    or the kind runs one at a time and one is already queued or running for that scope.
    """
    spec = registry.get(kind)
    if spec is None:
        raise ApplicationError("Loại công việc: không có loại công việc này.",
                               field_errors={"kind": "Loại công việc: không có loại công việc này."})  # fmt: skip
    clean = _clean_params(params)
    if scope_org is not None and not isinstance(scope_org, Organization):
        raise ApplicationError(
            "Phạm vi: phải là một tổ chức đảng.",
            field_errors={"scope_org": "Phạm vi: phải là một tổ chức đảng."},
        )
    if spec.scoped and scope_org is None:
        raise ApplicationError("Phạm vi: chọn tổ chức đảng để chạy công việc.",
                               field_errors={"scope_org": "Phạm vi: chọn tổ chức đảng để chạy công việc."})  # fmt: skip
    if actor is not None and not spec.allowed(actor, scope_org):
        # Outside the actor's reach, an organization is as good as missing.
        raise PermissionDenied(f"Bạn không có quyền bắt đầu công việc «{spec.label}» với phạm vi này.")
    job = Job(kind=kind, started_by=actor, scope_org=scope_org, params=clean)
    if spec.one_at_a_time:
        job.lock_key = f"{kind}:{scope_org.pk if scope_org is not None else '-'}"
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        running = Job.objects.filter(
            lock_key=job.lock_key, state__in=(JobState.QUEUED, JobState.RUNNING)
        ).first()
        raise ApplicationError(
            f"Công việc «{spec.label}» với phạm vi này đang chờ hoặc đang chạy"
            + (f" (#{running.pk})" if running else "")
            + ": đợi công việc đó xong rồi bắt đầu lại."
        ) from None
    record(
        actor=actor, action=Action.CREATE, obj=job, scope_path=scope_org.path if scope_org is not None else ""
    )
    _enqueue(job)
    return job


@transaction.atomic
def job_cancel(*, actor, job: Job) -> Job:
    """Cancel a job the actor can see: a queued one ends at once, a running one stops at its next progress."""
    locked = scope(actor, CHANGE, Job.objects.select_for_update(of=("self",))).filter(pk=job.pk).first()
    if locked is None:
        raise NotFound("Không có công việc này.")
    before = snapshot(locked)
    if locked.state == JobState.QUEUED:
        locked.state, locked.finished_at = JobState.CANCELLED, timezone.now()
        locked.message = "Đã hủy trước khi chạy."
    elif locked.state == JobState.RUNNING:
        if locked.cancel_requested:
            return locked
        locked.cancel_requested = True
    else:
        raise ApplicationError("Công việc đã kết thúc, không hủy được nữa.")
    locked.save(update_fields=["state", "finished_at", "message", "cancel_requested", "updated_at"])
    record(actor=actor, action=Action.UPDATE, obj=locked, before=before,
           scope_path=locked.scope_org.path if locked.scope_org_id else "")  # fmt: skip
    return locked


def job_rerun(*, actor, job: Job) -> Job:
    """Start the same kind with the same parameters and scope again (a job that failed or was interrupted)."""
    if not scope(actor, CHANGE, Job.objects.filter(pk=job.pk)).exists():
        raise NotFound("Không có công việc này.")
    if not job.is_finished:
        raise ApplicationError("Công việc chưa kết thúc: đợi xong rồi mới chạy lại.")
    if not in_state("rerun", job):  # the policy's states: the page's «Chạy lại» button
        raise ApplicationError("Công việc đã xong, không cần chạy lại.")
    return start_job(actor=actor, kind=job.kind, params=job.params, scope_org=job.scope_org)
