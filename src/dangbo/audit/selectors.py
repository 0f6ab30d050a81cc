from django.contrib.contenttypes.models import ContentType

from .models import Action, AuditEvent


def history_for(obj):
    """Changes of one object (audit events other than views), newest first. The caller has already checked the
    object's scope. The actor's name is the event's own column (``actor_name``): the user row is not joined."""
    ct = ContentType.objects.get_for_model(type(obj))
    return AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).exclude(action=Action.VIEW)


def views_of(obj, *, limit: int = 100):
    """Who was shown the object's personal data, when and which fields (view events), newest first. The caller
    decides who may read this list."""
    ct = ContentType.objects.get_for_model(type(obj))
    return list(AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk), action=Action.VIEW)[:limit])


def history_page(obj, *, limit: int = 200):
    return list(history_for(obj)[:limit])
