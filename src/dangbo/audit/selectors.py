from django.contrib.contenttypes.models import ContentType

from dangbo.core.db import prepared

from .models import Action, AuditEvent


def history_for(obj):
    """Changes of one object (audit events other than views), newest first. The caller has already checked the
    object's scope. The actor's name is the event's own column (``actor_name``): the user row is not joined."""
    return _changes(ContentType.objects.get_for_model(type(obj)).pk, str(obj.pk))


def _changes(ct: int, object_id: str):
    return AuditEvent.objects.filter(content_type_id=ct, object_id=object_id).exclude(action=Action.VIEW)


def views_of(obj, *, limit: int = 100):
    """Who was shown the object's personal data, when and which fields (view events), newest first. The caller
    decides who may read this list."""
    ct = ContentType.objects.get_for_model(type(obj)).pk
    return prepared(("audit-views", ct, limit), lambda object_id: AuditEvent.objects.filter(
        content_type_id=ct, object_id=object_id, action=Action.VIEW)[:limit], str(obj.pk))  # fmt: skip


def history_page(obj, *, limit: int = 200):
    """``history_for(obj)``, its newest ``limit`` events: the «Lịch sử thay đổi» of every detail page (the statement
    compiled once per process and kind of object, ``core.db.prepared``)."""
    ct = ContentType.objects.get_for_model(type(obj)).pk
    return prepared(
        ("audit-history", ct, limit), lambda object_id: _changes(ct, object_id)[:limit], str(obj.pk)
    )
