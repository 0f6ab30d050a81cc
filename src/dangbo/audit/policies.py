"""Who reads the audit log (``dangbo.core.policies``): an event is read with the record it is about — the pages
show a record's history only after checking the record's own policy — and the whole log (every record, every
user) only by system administrators. Nobody changes it: the log is append-only."""

from __future__ import annotations

from django.db.models import QuerySet

from dangbo.core.policies import VIEW, Policy, is_root, register

from .models import AuditEvent


@register
class AuditEventPolicy(Policy):
    model = AuditEvent
    actions = frozenset({VIEW})

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        return queryset if is_root(actor) else queryset.none()

    def can(self, actor, action: str, obj: AuditEvent) -> bool:
        return is_root(actor)
