"""No silent lost updates on a meeting's plan and minutes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangbo.audit.concurrency.services import StaleEdit
from dangbo.meetings import services
from dangbo.meetings.models import Meeting
from tests.meetings.test_meetings import ALL_PRESENT, D, call, cell, complete_minutes, plan  # noqa: F401 - fixture
from tests.pageform import form_values


def _open(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return client, form_values(response.content.decode())


@pytest.fixture
def held(cell, root_user):  # noqa: F811 - the fixture
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, ALL_PRESENT)
    return complete_minutes(root_user, m)


def test_two_people_edit_the_same_minutes_the_second_save_is_refused(held, people):
    url = reverse("meetings:minutes", args=[held.pk])
    first, first_form = _open(people.cell_secretary, url)
    second, second_form = _open(people.secretary_a, url)
    first_form["opinions"] = "Đồng chí Lan đề nghị tăng cường sinh hoạt chuyên đề."
    assert first.post(url, first_form).status_code == 302
    second_form["resolution"] = "Thống nhất thông qua nghị quyết tháng."
    response = second.post(url, second_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Biên bản này đã được cell_secretary sửa lúc" in page
    assert first_form["start_time"] == "14:00"  # the meeting's clock, not UTC: re-saving keeps the time
    assert "đây là những gì đã thay đổi: Ý kiến của đảng viên, phản ánh của quần chúng." in page
    m = Meeting.objects.get(pk=held.pk)
    assert m.opinions == "Đồng chí Lan đề nghị tăng cường sinh hoạt chuyên đề."
    assert m.resolution == "Thống nhất"
    again = form_values(page)
    assert again["resolution"] == "Thống nhất thông qua nghị quyết tháng."
    assert again["opinions"] == "Đồng chí Lan đề nghị tăng cường sinh hoạt chuyên đề."
    assert second.post(url, again).status_code == 302
    m.refresh_from_db()
    assert m.started_at == held.started_at
    assert (m.opinions, m.resolution) == ("Đồng chí Lan đề nghị tăng cường sinh hoạt chuyên đề.",
                                          "Thống nhất thông qua nghị quyết tháng.")  # fmt: skip


def test_minutes_save_refuses_a_stale_version_tasks_included(held, root_user):
    version = services.MINUTES_VERSION.of(held)
    services.minutes_save(actor=root_user, meeting=held, data={}, tasks=[{"content": "Việc mới"}],
                          expected_version=version)  # fmt: skip
    with pytest.raises(StaleEdit) as refused:
        services.minutes_save(
            actor=root_user, meeting=held, data={"opinions": "Ý kiến"}, expected_version=version
        )
    assert refused.value.changed == ["tasks"] and "Nhiệm vụ tháng tới" in refused.value.message
    assert Meeting.objects.get(pk=held.pk).opinions == ""


def test_plan_update_refuses_a_stale_version(cell, root_user, people):  # noqa: F811 - the fixture
    m = plan(root_user, cell, D(2024, 3, 5))
    version = services.PLAN_VERSION.of(m)
    services.meeting_update_plan(
        actor=root_user, meeting=m, data={"place": "Hội trường"}, expected_version=version
    )
    with pytest.raises(StaleEdit) as refused:
        services.meeting_update_plan(actor=people.cell_secretary, meeting=m, data={"topic": "Chuyên đề"},
                                     expected_version=version)  # fmt: skip
    assert refused.value.changed == ["place"]
    assert "Kế hoạch buổi sinh hoạt này đã được" in refused.value.message
    assert Meeting.objects.get(pk=m.pk).topic == ""


def test_two_people_edit_the_same_plan(cell, root_user, people):  # noqa: F811 - the fixture
    m = plan(root_user, cell, D(2024, 3, 5))
    url = reverse("meetings:edit", args=[m.pk])
    first, first_form = _open(people.cell_secretary, url)
    second, second_form = _open(people.secretary_a, url)
    first_form["planned_at"] = "06/03/2024 08:00"
    assert first.post(url, first_form).status_code == 302
    second_form["topic"] = "Học tập chuyên đề năm"
    page = second.post(url, second_form).content.decode()
    assert "Kế hoạch buổi sinh hoạt này đã được cell_secretary sửa lúc" in page and "Thời gian" in page
    again = form_values(page)
    assert again["planned_at"] == "06/03/2024 08:00" and again["topic"] == "Học tập chuyên đề năm"
    assert second.post(url, again).status_code == 302
    m.refresh_from_db()
    assert (timezone.localtime(m.planned_at).strftime("%d/%m/%Y %H:%M"), m.topic) == ("06/03/2024 08:00",
                                                                                       "Học tập chuyên đề năm")  # fmt: skip
