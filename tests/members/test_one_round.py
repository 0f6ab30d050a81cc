"""Member forms show every problem in one round, with a summary at the top: what the form cannot read and what
the service refuses, each under the label of its field — and nothing is saved."""

from __future__ import annotations

from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core.dates import today
from dangbo.members.models import Member, MemberEvent
from tests.members.test_history_pages import _decision_post, fmt
from tests.members.test_members import post_data


def summary(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200 and 'id="loi-bieu-mau"' in page
    return page[page.index('id="loi-bieu-mau"') : page.index("</ul></div>", page.index('id="loi-bieu-mau"'))]


def test_a_new_member_with_two_problems_shows_both_and_saves_nothing(client, tree, people):
    client.force_login(people.staff)
    before = Member.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("members:create"),
        post_data(tree.a1, phone="09x1234567", joined_date="03/02/1985", since="31/02/2020"),
    )
    found = summary(response)
    assert "Ngày vào Đảng: trước ngày sinh" in found  # the service's rule
    assert "Sinh hoạt tại chi bộ từ ngày: ngày không hợp lệ" in found  # the form cannot read it
    assert "Điện thoại" in found
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


def test_an_event_with_two_problems_shows_both_and_saves_nothing(client, tree, people):
    client.force_login(people.staff)
    before = MemberEvent.objects.count(), AuditEvent.objects.count()
    data = {"kind": "chinh_thuc", "date": fmt(today()), **_decision_post("chinh_thuc", today())}
    data["note"] = "Ghi chú rất dài. " * 40  # the form refuses it
    found = summary(client.post(reverse("members:event_create", args=[people.m_a1.pk]), data))
    assert "Ghi chú: " in found
    assert "chỉ công nhận chính thức cho đảng viên dự bị" in found  # the service, in the same round
    assert (MemberEvent.objects.count(), AuditEvent.objects.count()) == before


def test_the_event_service_names_the_date_the_cell_and_the_decision_in_one_error(tree, people):
    """The API and imports have no form: the service itself answers every problem of an event at once."""
    import datetime as dt

    import pytest

    from dangbo.core.errors import ApplicationError
    from dangbo.members.history import services as lifecycle

    before = MemberEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        lifecycle.event_record(
            actor=people.staff, member=people.m_a1, kind="chuyen_noi_bo", date=today() + dt.timedelta(days=3),
            organization=tree.a,  # a grassroots committee, not a cell
            decision_date=today() + dt.timedelta(days=9),
        )  # fmt: skip
    errors = refused.value.field_errors
    assert errors["date"] == "Ngày có hiệu lực: không được sau ngày hôm nay."
    assert "không phải chi bộ" in errors["organization"]
    assert errors["decision_date"].startswith("Ngày quyết định: không được sau")
    assert (MemberEvent.objects.count(), AuditEvent.objects.count()) == before
