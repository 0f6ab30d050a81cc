from django.contrib.auth.models import AbstractUser
from django.db import models

from dangbo.core.models import BaseModel

from .choices import Role


class User(AbstractUser):
    full_name = models.CharField("Họ và tên", max_length=120, blank=True)
    member = models.OneToOneField(
        "members.Member", verbose_name="Hồ sơ đảng viên", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="user",
    )  # fmt: skip

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(BaseModel):
    user = models.ForeignKey(User, verbose_name="Người dùng", on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="Tại tổ chức",
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.CharField("Vai trò", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="role_unique_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.organization}"
