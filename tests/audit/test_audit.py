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


def test_business_events_are_named_and_free_text_is_refused(tree, root_user):
    """The audit log names the business event ("organizations.organization.rename") from an app's AuditEvents,
    shown with its Vietnamese label; a code nobody registered is refused."""
    import datetime as dt

    import pytest
    from django.db import transaction

    from dangbo.audit.models import AuditEvent
    from dangbo.audit.services import record
    from dangbo.organizations.tree import services as restructure

    restructure.organization_rename(actor=root_user, organization=tree.b, name="Chi bộ Sở Tư pháp tỉnh",
                                    date=dt.date(2024, 5, 1))  # fmt: skip
    event = AuditEvent.objects.filter(object_id=str(tree.b.pk), content_type__model="organization").first()
    assert (event.event, event.event_label) == ("organizations.organization.rename", "Đổi tên tổ chức")
    with pytest.raises(ValueError), transaction.atomic():
        record(actor=root_user, action="update", obj=tree.b, before={}, event="đổi tên cho vui")
