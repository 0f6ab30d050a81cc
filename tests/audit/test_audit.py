import pytest

from dangbo.audit.models import AuditEvent
from dangbo.audit.selectors import history_for


def test_audit_events_cannot_be_changed_or_deleted(tree, people):
    event = history_for(people.m_a1).first()
    event.object_repr = "khác"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(RuntimeError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="khác")
    with pytest.raises(RuntimeError):
        AuditEvent.objects.all().delete()


def test_every_create_in_the_fixture_was_audited(tree, people):
    for obj in (tree.province, tree.a, tree.a1, people.m_a1, people.m_b):
        assert history_for(obj).filter(action="create").count() == 1
