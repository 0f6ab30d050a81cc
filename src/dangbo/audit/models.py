"""The audit history: who changed which record, when, from what to what. Append-only."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Action(models.TextChoices):
    """What happened to the row (the shape of ``changes``). The business event is ``AuditEvent.event``."""

    CREATE = "create", "Tạo mới"
    UPDATE = "update", "Sửa"
    DELETE = "delete", "Xóa"
    # Personal data was shown (Luật Bảo vệ dữ liệu cá nhân): ``changes`` names the fields seen, never their values.
    VIEW = "view", "Xem"


def event_label(code: str) -> str:
    """The Vietnamese label of a business event code ("members.transfer.send" → "Chuyển sinh hoạt đảng đi")."""
    from dangbo.core.registries import AUDIT_EVENTS

    return AUDIT_EVENTS.get(code) or code


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RuntimeError("Nhật ký thay đổi không được sửa.")

    def delete(self):
        raise RuntimeError("Nhật ký thay đổi không được xóa.")


class AuditEvent(models.Model):
    time = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Người thực hiện", null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    actor_name = models.CharField("Tên người thực hiện", max_length=150)
    request_id = models.CharField(max_length=36, blank=True)
    action = models.CharField("Thao tác", max_length=10, choices=Action.choices)
    # The business event, namespaced by app ("members.transfer.send"): a value of an app's ``AuditEvents``
    # (``choices.py``), registered in core.registries.AUDIT_EVENTS — never free text. Empty on rows written before
    # events were named.
    event = models.CharField("Việc", max_length=60, blank=True, default="")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField("Đối tượng", max_length=255)
    # {"field": {"label": "Họ và tên", "before": "…", "after": "…"}}; values as shown to users.
    changes = models.JSONField("Thay đổi", default=dict)
    # Path of the organization the object belongs to, so the history can be scoped like the object.
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "time"])]

    def __str__(self) -> str:
        return f"{self.event_label} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Nhật ký thay đổi không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Nhật ký thay đổi không được xóa.")

    @property
    def event_label(self) -> str:
        return event_label(self.event) if self.event else self.get_action_display()

    @property
    def is_update(self) -> bool:
        return self.action == Action.UPDATE

    @property
    def is_create(self) -> bool:
        return self.action == Action.CREATE
