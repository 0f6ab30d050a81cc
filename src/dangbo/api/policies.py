"""Who may see and revoke an API token: its owner only (``dangbo.core.policies``). Not even an administrator
revokes someone else's token here: they deactivate the login, which stops its tokens too."""

from __future__ import annotations

from django.db.models import QuerySet

from dangbo.core.policies import Policy, register

from .models import ApiToken


@register
class ApiTokenPolicy(Policy):
    model = ApiToken

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        return queryset.filter(user_id=actor.pk)

    def can(self, actor, action: str, obj: ApiToken) -> bool:
        return obj.user_id == actor.pk
