"""No silent lost updates on the member record: a save over someone else's change is refused, names what
changed (never the values), keeps both people's work."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dangbo.audit.concurrency.services import StaleEdit
from dangbo.members import services
from dangbo.members.models import Member
from tests.pageform import form_values


def _open(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return client, form_values(response.content.decode())


def test_two_people_edit_the_same_member_the_second_save_is_refused_and_the_phone_kept(tree, people):
    member = people.m_a1
    url = reverse("members:edit", args=[member.pk])
    first, first_form = _open(people.secretary_a, url)
    second, second_form = _open(people.cell_secretary, url)
    assert first_form["version"] and first_form["version"] == second_form["version"]

    first_form["phone"] = "0912345678"
    assert first.post(url, first_form).status_code == 302
    second_form["occupation"] = "Giáo viên"
    response = second.post(url, second_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Hồ sơ này đã được secretary_a sửa lúc" in page
    assert "đây là những gì đã thay đổi: Điện thoại" in page
    assert "0912345678" not in page.split("đây là những gì")[1].split("</li>")[0]  # the label, not the value
    member.refresh_from_db()
    assert member.phone == "0912345678" and member.occupation != "Giáo viên"

    # The form shown again keeps what the second person typed and took the new phone number: saving it keeps both.
    again = form_values(page)
    assert again["occupation"] == "Giáo viên" and again["phone"] == "0912345678"
    assert again["version"] != second_form["version"]
    assert second.post(url, again).status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.occupation) == ("0912345678", "Giáo viên")


def test_both_changed_the_same_field_the_form_keeps_mine_and_marks_it(tree, people):
    member = people.m_a1
    url = reverse("members:edit", args=[member.pk])
    first, first_form = _open(people.secretary_a, url)
    second, second_form = _open(people.cell_secretary, url)
    first_form["occupation"] = "Kỹ sư"
    assert first.post(url, first_form).status_code == 302
    second_form["occupation"] = "Bác sĩ"
    response = second.post(url, second_form)
    page = response.content.decode()
    assert "Nghề nghiệp: người khác cũng đã sửa ô này" in page
    assert form_values(page)["occupation"] == "Bác sĩ"
    assert Member.objects.get(pk=member.pk).occupation == "Kỹ sư"


def test_member_update_service_refuses_a_stale_version(people):
    member = people.m_a1
    version = services.MEMBER_VERSION.of(member)
    services.member_update(actor=people.secretary_a, member=member, data={"phone": "0987654321"},
                           expected_version=version)  # fmt: skip
    with pytest.raises(StaleEdit) as refused:
        services.member_update(actor=people.cell_secretary, member=member, data={"residence": "Vinh"},
                               expected_version=version)  # fmt: skip
    assert refused.value.changed == ["phone"]
    assert "Điện thoại" in refused.value.message and "0987654321" not in refused.value.message
    member.refresh_from_db()
    assert member.phone == "0987654321" and member.residence != "Vinh"
    # The current version saves; no version (an internal caller) is not checked.
    services.member_update(actor=people.cell_secretary, member=member, data={"residence": "Vinh"},
                           expected_version=services.MEMBER_VERSION.of(member))  # fmt: skip
    services.member_update(actor=people.cell_secretary, member=member, data={"occupation": "Nông dân"})


def test_a_change_the_form_does_not_write_does_not_refuse(people, root_user):
    """Standing, counts and derived columns are written by other services: not a conflict with the edit page."""
    member = people.m_a1
    version = services.MEMBER_VERSION.of(member)
    Member.objects.filter(pk=member.pk).update(name_sort="zzz")
    services.member_update(actor=people.secretary_a, member=member, data={"occupation": "Kỹ sư"},
                           expected_version=version)  # fmt: skip


@pytest.mark.parametrize("token", ["garbage", "a9999999999999999999999999999;x:1", "a1;"])
def test_a_token_that_is_not_ours_is_refused_not_a_500(people, token):
    with pytest.raises(StaleEdit):
        services.member_update(actor=people.secretary_a, member=people.m_a1, data={"occupation": "X"},
                               expected_version=token)  # fmt: skip


def test_a_change_with_no_audit_event_is_refused_as_by_someone_else(people):
    member = people.m_a1
    version = services.MEMBER_VERSION.of(member)
    Member.objects.filter(pk=member.pk).update(phone="0900000000")  # e.g. a bulk import, outside the services
    with pytest.raises(StaleEdit) as refused:
        services.member_update(actor=people.secretary_a, member=member, data={"occupation": "X"},
                               expected_version=version)  # fmt: skip
    assert refused.value.message.startswith("Hồ sơ này đã được người khác sửa lúc ")
    assert "0900000000" not in refused.value.message
