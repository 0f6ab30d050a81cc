"""Reads of API tokens, always the actor's own."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from dangbo.core import policies
from dangbo.core.dates import today

from .models import ApiToken

PREFIX = "dbk_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def token_list(actor) -> QuerySet:
    return policies.scope(actor, policies.VIEW, ApiToken.objects.all()).order_by("-created_at", "-id")


def active_token(secret: str) -> ApiToken | None:
    """The live token whose secret is ``secret`` (not revoked, not expired, its user active), or None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_on < today()
        or not token.user.is_active
    ):
        return None
    return token
