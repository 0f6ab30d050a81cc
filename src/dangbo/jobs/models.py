"""The record users see of a background job, and the heartbeat of the processes that run them.

The queue itself belongs to the django-tasks backend (the database backend's ``django_tasks_db`` table, or Redis
with RQ): a ``Job`` row is what the application knows — who started what over which organization, how far it got,
how it ended — and outlives the backend's own result.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangbo.core.models import BaseModel

from .choices import ACTIVE, FINISHED, JobState


class Job(BaseModel):
    kind = models.CharField("Loại công việc", max_length=50)  # a key of dangbo.jobs.registry
    # None: started by the system (the command line).
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người bắt đầu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # None: the whole installation (a backup); only administrators see such jobs of others.
    scope_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name="Phạm vi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    params = models.JSONField("Tham số", default=dict, blank=True)  # never personal data
    state = models.CharField("Trạng thái", max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField("Đã làm", default=0)
    total = models.PositiveIntegerField("Tổng số", null=True, blank=True)
    step = models.CharField("Đang làm", max_length=200, blank=True)
    message = models.TextField("Kết quả", blank=True)
    # Vietnamese, for the user; the traceback goes to the server log only.
    error = models.TextField("Lỗi", blank=True)
    result_file = models.CharField(max_length=200, blank=True)  # name inside settings.DANGBO_JOB_FILES_DIR
    result_name = models.CharField("Tệp kết quả", max_length=200, blank=True)  # the name the download gets
    cancel_requested = models.BooleanField("Đã yêu cầu hủy", default=False)
    # "kind:scope" while the job is queued or running, for kinds that run one at a time (unique then).
    lock_key = models.CharField(max_length=80, blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)  # the django-tasks result id
    worker_id = models.CharField(max_length=64, blank=True, editable=False)  # the worker that runs or ran it
    started_at = models.DateTimeField("Bắt đầu chạy", null=True, blank=True, editable=False)
    finished_at = models.DateTimeField("Kết thúc", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "công việc nền"
        verbose_name_plural = "công việc nền"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["started_by", "-created_at"], name="jobs_job_started_by_idx"),
            models.Index(fields=["state"], name="jobs_job_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lock_key"],
                condition=Q(state__in=ACTIVE) & ~Q(lock_key=""),
                name="jobs_job_one_active_per_lock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        from .registry import label

        return label(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int | None:
        """0–100, or None while the job has not said how much there is to do."""
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)


class WorkerHeartbeat(models.Model):
    """One row per running ``dangbo worker`` process, touched every few seconds. A row whose ``last_seen`` is old
    (or whose process is gone from this host) is a dead worker: the jobs it was running are failed."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    backend = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "tiến trình chạy nền"
        verbose_name_plural = "tiến trình chạy nền"

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class ImportMapping(BaseModel):
    """How a user last mapped a file's columns to an import kind's columns (``core.imports.check_mapping``): the
    next file with the same headers (next month's export of the same software) goes straight to the dry run."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("Loại nhập", max_length=50)  # an import kind's key (core.registries.IMPORT_KINDS)
    columns = models.JSONField("Cách ghép cột", default=dict)  # folded file header → column key ("" ignored)

    class Meta:
        verbose_name = "cách ghép cột của tệp nhập"
        verbose_name_plural = "cách ghép cột của tệp nhập"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="jobs_importmapping_user_kind")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.user_id})"
