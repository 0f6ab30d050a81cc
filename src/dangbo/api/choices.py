from django.db import models


class AuditEvents(models.TextChoices):
    """The business events of this app written to the audit log (core.registries.AUDIT_EVENTS)."""

    TOKEN_CREATE = "api.token.create", "Tạo khóa API"
    TOKEN_REVOKE = "api.token.revoke", "Thu hồi khóa API"
