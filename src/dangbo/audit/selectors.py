from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


def history_for(obj):
    """Audit events of one object, newest first. The caller has already checked the object's scope."""
    ct = ContentType.objects.get_for_model(type(obj))
    return AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")


def history_page(obj, *, limit: int = 200):
    return list(history_for(obj)[:limit])
