"""Personal API tokens: a user's key for other systems to call the JSON API in that user's name and scope.

Only a SHA-256 digest of the token is stored (the token is 32 random bytes, so a fast digest is as safe as a slow
password hash and lets a request find its token by one indexed lookup); the token itself is shown once, when it
is created. A token has a name, an expiry date and may be revoked; a read-only token refuses every write.
"""

from django.conf import settings
from django.db import models

from dangbo.core.models import BaseModel


class ApiToken(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người dùng",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("Tên khóa", max_length=100)
    # The first characters of the token ("dbk_Ab3x…"), so its owner can tell their tokens apart; not a secret.
    prefix = models.CharField("Mở đầu bằng", max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_on = models.DateField("Hết hạn sau ngày")
    read_only = models.BooleanField("Chỉ đọc", default=False)
    revoked_at = models.DateTimeField("Thu hồi lúc", null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField("Dùng lần cuối", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
