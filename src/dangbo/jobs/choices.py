from django.db import models


class JobState(models.TextChoices):
    """Where a background job is. A job ends in exactly one of the last three states."""

    QUEUED = "cho", "Chờ"
    RUNNING = "dang_chay", "Đang chạy"
    DONE = "xong", "Xong"
    FAILED = "loi", "Lỗi"
    CANCELLED = "da_huy", "Đã hủy"


ACTIVE = (JobState.QUEUED, JobState.RUNNING)
FINISHED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class AuditEvents(models.TextChoices):
    """The business events of this app written to the audit log (core.registries.AUDIT_EVENTS)."""

    EXPORT = "jobs.list.export", "Xuất danh sách ra tệp Excel"
