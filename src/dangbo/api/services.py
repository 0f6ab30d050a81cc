"""Writes on API tokens: created and revoked by their owner, each in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction

from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import now, today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.text import clean_text

from .choices import AuditEvents
from .models import ApiToken
from .selectors import PREFIX, digest

NAME_MAX = 100
# A token's last use is written at most this often (a busy integration would otherwise write on every call).
LAST_USED_EVERY = dt.timedelta(minutes=5)


def _max_days() -> int:
    return int(getattr(settings, "DANGBO_API_TOKEN_MAX_DAYS", 365))


@transaction.atomic
def token_create(
    *, actor, name: str, expires_on: dt.date | None, read_only: bool = False
) -> tuple[ApiToken, str]:
    """A new token of ``actor``: (the token row, the secret — shown once, never stored)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied("Bạn cần đăng nhập để tạo khóa API.")
    name = clean_text(name or "")
    errors = {}
    if not name:
        errors["name"] = "Tên khóa: không được để trống."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Tên khóa: dài quá {NAME_MAX} ký tự."
    elif ApiToken.objects.filter(
        user=actor, name=name, revoked_at__isnull=True, expires_on__gte=today()
    ).exists():
        errors["name"] = "Tên khóa: bạn đã có một khóa còn hiệu lực cùng tên."
    limit = today() + dt.timedelta(days=_max_days())
    if expires_on is None:
        errors["expires_on"] = "Hết hạn sau ngày: không được để trống."
    elif expires_on < today():
        errors["expires_on"] = "Hết hạn sau ngày: không được trước hôm nay."
    elif expires_on > limit:
        errors["expires_on"] = (
            f"Hết hạn sau ngày: không quá {_max_days()} ngày kể từ hôm nay ({limit:%d/%m/%Y})."
        )
    if errors:
        raise ApplicationError("Khóa API chưa hợp lệ, xin xem các ô được đánh dấu.", field_errors=errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, expires_on=expires_on, read_only=bool(read_only), prefix=secret[:10],
        digest=digest(secret),
    )  # fmt: skip
    record(actor=actor, action=Action.CREATE, obj=token, event=AuditEvents.TOKEN_CREATE)
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's tokens: every later call with it is refused (401)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not policies.can(actor, policies.CHANGE, token):
        raise PermissionDenied("Bạn không có quyền thu hồi khóa API này.")
    if token.revoked_at is not None:
        raise ApplicationError("Khóa API này đã được thu hồi.")
    before = snapshot(token)
    token.revoked_at = now()
    token.save(update_fields=["revoked_at", "updated_at"])
    record(
        actor=actor, action=Action.UPDATE, obj=token, before=before, event=AuditEvents.TOKEN_REVOKE,
        extra={"revoked": {"label": "Thu hồi", "before": "", "after": f"{token.revoked_at:%d/%m/%Y %H:%M}"}},
    )  # fmt: skip
    return token


def token_touch(token: ApiToken) -> None:
    """Note that the token was used (at most every ``LAST_USED_EVERY``; not an audited change)."""
    moment = now()
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        token.last_used_at = moment
