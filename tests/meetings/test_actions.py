"""Which actions a meeting's page offers is the Meeting policy's (``can(actor, "cancel" | "grade" | "record", m)``,
its ``states``), and the services refuse the same cases: a button that is not shown cannot be posted either."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core import policies
from dangbo.core.errors import ApplicationError
from dangbo.meetings import services
from dangbo.meetings.models import GradeLevel, Meeting
from tests.meetings.test_meetings import ALL_PRESENT, call, cell, plan  # noqa: F401 - fixture
from tests.pageform import form_values

D = dt.date
CANCEL = "Hủy buổi sinh hoạt</button>"


def _offers(client, m) -> dict[str, bool]:
    page = client.get(m.get_absolute_url()).content.decode()
    return {
        "cancel": CANCEL in page,
        "grade": f'action="{reverse("meetings:grade", args=[m.pk])}"' in page,
        "record": reverse("meetings:edit", args=[m.pk]) in page
        and reverse("meetings:attendance", args=[m.pk]) in page,
    }


def _said(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_meetings_page_offers_the_actions_of_its_state_and_the_services_refuse_the_others(client, cell, people,  # noqa: F811
                                                                                             root_user):  # fmt: skip
    planned = plan(root_user, cell, D(2024, 5, 5))
    held = call(root_user, plan(root_user, cell, D(2024, 3, 5)), ALL_PRESENT)
    cancelled = services.meeting_cancel(actor=root_user, meeting=plan(root_user, cell, D(2024, 4, 5)))
    client.force_login(people.cell_secretary)
    assert _offers(client, planned) == {"cancel": True, "grade": False, "record": True}
    assert _offers(client, held) == {"cancel": False, "grade": True, "record": True}
    assert _offers(client, cancelled) == {"cancel": False, "grade": False, "record": False}
    for m in (planned, held, cancelled):  # the page's booleans are the policy's answers
        for action in ("cancel", "grade", "record"):
            assert policies.can(people.cell_secretary, action, m) == (
                Meeting.objects.filter(pk=m.pk).filter(pk__in=policies.scope(
                    people.cell_secretary, action, Meeting.objects.all())).exists()
            )  # fmt: skip

    # Cancel: a held and a cancelled meeting are refused (the cancelled one used to be "cancelled" again).
    before = AuditEvent.objects.count()
    for m, said in ((held, "Buổi sinh hoạt đã họp, không hủy được."),
                    (cancelled, "Buổi sinh hoạt đã hủy, không hủy được.")):  # fmt: skip
        state = m.state
        r = client.post(reverse("meetings:cancel", args=[m.pk]), follow=True)
        assert said in _said(r)
        m.refresh_from_db()
        assert m.state == state
    assert AuditEvent.objects.count() == before

    # Grade: only a held meeting.
    level = GradeLevel.objects.filter(active=True).first()
    r = client.post(
        reverse("meetings:grade", args=[planned.pk]), {"cap": "tu", "level": level.pk}, follow=True
    )
    assert "Chỉ xếp loại buổi sinh hoạt đã họp." in _said(r)
    planned.refresh_from_db()
    assert planned.self_grade is None
    client.post(reverse("meetings:grade", args=[held.pk]), {"cap": "tu", "level": level.pk})
    held.refresh_from_db()
    assert held.self_grade == level

    # Record: the plan, the roll call and the minutes of a cancelled meeting are refused.
    url = reverse("meetings:edit", args=[cancelled.pk])
    values = form_values(client.get(url).content.decode())
    r = client.post(url, {**values, "place": "Hội trường"})
    assert r.status_code == 200 and "Buổi sinh hoạt đã hủy, không sửa được kế hoạch." in r.content.decode()
    cancelled.refresh_from_db()
    assert cancelled.place != "Hội trường" and AuditEvent.objects.count() == before + 1  # (the grade above)
    for service, kwargs in (
        (services.attendance_record, {"rows": {}}),
        (services.minutes_save, {"data": {}}),
    ):
        with pytest.raises(ApplicationError, match="Buổi sinh hoạt đã hủy."):
            service(actor=root_user, meeting=cancelled, **kwargs)
