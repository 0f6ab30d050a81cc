"""The change history shows values as the pages do: a moment with its time, money with separators and «đ»,
numbers with thousands separators — and stays within a phone's width."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangbo.audit.models import AuditEvent
from dangbo.meetings import services
from tests.meetings.test_meetings import ALL_PRESENT, D, call, cell, plan  # noqa: F401 - fixture


def test_times_and_money_in_the_change_history(cell, root_user):  # noqa: F811
    m = call(root_user, plan(root_user, cell, D(2024, 3, 5)), ALL_PRESENT)
    start = timezone.make_aware(dt.datetime(2024, 3, 5, 14, 5))
    services.minutes_save(actor=root_user, meeting=m, data={"started_at": start, "dues_collected": True,
                                                            "dues_amount": "2161000"})  # fmt: skip
    changes = (
        AuditEvent.objects.filter(object_id=str(m.pk), content_type__model="meeting").latest("id").changes
    )
    assert changes["started_at"]["after"] == "05/03/2024 14:05"
    assert changes["dues_amount"]["after"] == "2.161.000 đ"


def test_the_history_fits_a_phone(client, cell, root_user, people):  # noqa: F811
    m = plan(root_user, cell, D(2024, 3, 5))
    client.force_login(people.cell_secretary)
    page = client.get(m.get_absolute_url()).content.decode()
    assert '<div class="table-wrap"><table class="table history stack">' in page
