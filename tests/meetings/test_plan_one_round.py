"""The meeting plan and the roll call show every problem in one round: what the form cannot read and what the
service refuses, each under the label of its field — and nothing is saved."""

from __future__ import annotations

from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.meetings.models import Attendance, Meeting
from tests.meetings.test_meetings import D, cell, plan  # noqa: F401 - fixture
from tests.members.test_one_round import summary


def test_a_plan_with_two_problems_shows_both_and_saves_nothing(client, cell, people, root_user):  # noqa: F811
    plan(root_user, cell, D(2024, 3, 5))
    client.force_login(people.cell_secretary)
    before = Meeting.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("meetings:plan") + f"?to_chuc={cell.pk}", {
        "organization": cell.pk, "kind": "thuong_ky", "planned_at": "20/03/2024 14:00", "place": "P" * 300,
    })  # fmt: skip
    found = summary(response)
    assert "Địa điểm: " in found  # the form: too long
    assert "Thời gian: chi bộ đã có buổi sinh hoạt thường kỳ tháng 03/2024." in found  # the service
    assert (Meeting.objects.count(), AuditEvent.objects.count()) == before


def test_a_roll_call_with_two_problems_shows_both_and_saves_nothing(client, cell, people, root_user):  # noqa: F811
    m = plan(root_user, cell, D(2024, 3, 5))
    client.force_login(people.cell_secretary)
    url = reverse("meetings:attendance", args=[m.pk])
    form = client.get(url).context["form"]
    data = {f"m{e.member.pk}": "co_mat" for e in form.entries}
    ids = {e.member.full_name: e.member.pk for e in form.entries}
    data[f"m{ids['Đỗ Văn Năm']}"] = "vang_co_ly_do"  # no reason: the service refuses
    data[f"m{ids['Phạm Thị Bốn']}"] = "vang_khong_ly_do"
    data[f"r{ids['Phạm Thị Bốn']}"] = "x" * 300  # too long: the form refuses
    found = summary(client.post(url, data))
    assert "Đỗ Văn Năm: vắng có lý do thì ghi lý do." in found
    assert "Lý do vắng của Phạm Thị Bốn: " in found
    assert not Attendance.objects.filter(meeting=m).exists()
