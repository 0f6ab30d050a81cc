"""Organization, committee and account forms show every problem in one round, with a summary at the top: what
the form cannot read and what the service refuses, each under the label of its field — and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.accounts.models import User
from dangbo.audit.models import AuditEvent
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.organizations import services
from dangbo.organizations.models import CommitteeSeat, Organization
from dangbo.organizations.tree import services as restructure
from tests.members.test_one_round import summary


def fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_a_rename_with_two_problems_shows_both_and_saves_nothing(client, tree, people):
    client.force_login(people.staff)
    before = AuditEvent.objects.count()
    response = client.post(reverse("organizations:restructure", args=[tree.a.pk]), {
        "form": "doi_ten", "doi_ten-name": "Đảng bộ Sở Y tế", "doi_ten-date": "31/02/2025",
        "doi_ten-decision_no": "12-QĐ/ĐUK",
    })  # fmt: skip
    found = summary(response)
    assert "Ngày có hiệu lực: ngày không hợp lệ" in found  # the form cannot read it
    assert "Tên mới: trùng tên hiện tại." in found  # the service, in the same round
    assert Organization.objects.get(pk=tree.a.pk).name == "Đảng bộ Sở Y tế"
    assert AuditEvent.objects.count() == before


def test_a_dissolution_lists_the_date_and_what_stands_in_the_way_together(client, tree, people):
    client.force_login(people.staff)
    before = AuditEvent.objects.count()
    response = client.post(reverse("organizations:restructure", args=[tree.a.pk]), {
        "form": "giai_the", "giai_the-date": fmt(today() + dt.timedelta(days=1)), "giai_the-decision_no": "",
    })  # fmt: skip
    found = summary(response)
    assert "Số quyết định: không được để trống." in found  # the form
    assert "Ngày có hiệu lực: không được sau hôm nay." in found  # the service …
    assert "còn tổ chức trực thuộc đang hoạt động" in found  # … and its other problem, at once
    assert Organization.objects.get(pk=tree.a.pk).end_date is None
    assert AuditEvent.objects.count() == before


def test_the_restructuring_services_collect_their_independent_problems(tree, root_user):
    with pytest.raises(ApplicationError) as error:
        restructure.organization_rename(actor=root_user, organization=tree.a1, name=" ", date=None)
    assert set(error.value.field_errors) == {"name", "date"}
    with pytest.raises(ApplicationError) as error:
        restructure.organization_move(actor=root_user, organization=tree.a1, new_parent=tree.a,
                                      date=today() + dt.timedelta(days=1))  # fmt: skip
    assert set(error.value.field_errors) == {"date", "new_parent"}
    with pytest.raises(ApplicationError) as error:
        services.organization_update(
            actor=root_user, organization=tree.a, data={"kind": "chi_bo_co_so", "code": "STP"}
        )
    assert set(error.value.field_errors) >= {"kind", "code"}


def test_a_committee_seat_with_two_problems_shows_both_and_saves_nothing(client, tree, people, seat):
    client.force_login(people.secretary_a)
    before = CommitteeSeat.objects.count(), AuditEvent.objects.count()
    url = reverse("organizations:committee", args=[tree.a.pk])
    response = client.post(url, {
        "form": "seat", "seat-member": people.m_a1.pk, "seat-position": "bi_thu", "seat-start_date": "32/01/2024",
    })  # fmt: skip
    found = summary(response)
    assert "Từ ngày: ngày không hợp lệ" in found
    assert "Đảng viên: Nguyễn Văn Hùng đã có trong cấp ủy nhiệm kỳ 2020–2025." in found
    assert (CommitteeSeat.objects.count(), AuditEvent.objects.count()) == before


def test_a_term_with_two_problems_shows_both_and_saves_nothing(client, tree, people, seat):
    client.force_login(people.secretary_a)
    url = reverse("organizations:committee", args=[tree.a.pk])
    response = client.post(url, {
        "form": "term", "term-name": "2020–2025", "term-start_date": "01/08/2025", "term-end_date": "30/02/2030",
    })  # fmt: skip
    found = summary(response)
    assert "Ngày kết thúc: ngày không hợp lệ" in found
    assert "Nhiệm kỳ: tổ chức đã có nhiệm kỳ «2020–2025»." in found
    assert tree.a.terms.count() == 1


def test_a_new_login_with_three_problems_shows_them_all_and_saves_nothing(client, tree, people):
    client.force_login(people.staff)
    before = User.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("accounts:user_create"), {
        "username": "Bí Thư", "full_name": "", "password": "123", "role": "dang_vien", "organization": tree.a2.pk,
    })  # fmt: skip
    found = summary(response)
    assert "Họ và tên: không được để trống." in found  # the form
    assert "Tên đăng nhập: 3–40 ký tự" in found  # the service …
    assert "Mật khẩu ban đầu: Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in found  # … the password …
    assert "Hồ sơ đảng viên: vai trò «Đảng viên» cần gắn với hồ sơ" in found  # … and the role, in one round
    assert (User.objects.count(), AuditEvent.objects.count()) == before
