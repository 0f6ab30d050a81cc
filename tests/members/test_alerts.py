"""Home-page alerts of probation: only the members that have a deadline on the day are read (in SQL), so at
province scale a newly admitted member waiting for the ceremony is never crowded out by members whose
probation is running quietly; the alerts of the members read are the ones ``admission.probation`` gives."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.members import services as member_services
from dangbo.members.history import selectors as selectors_history
from dangbo.members.history import services as lifecycle
from dangbo.members.history.selectors import alerts
from dangbo.members.models import Member
from tests.conftest import admission_decision, member_data

D = dt.date
ON = D(2024, 6, 3)


def admit(root_user, cell, name, decision: dt.date, ceremony: dt.date | None = None) -> Member:
    m = member_services.member_create(
        actor=root_user, since=decision, admission=admission_decision(f"{name[-3:]}-QĐ/ĐU"),
        data=member_data(cell, name, status="du_bi", official_date=None, joined_date=None, birth_date=D(1996, 4, 1)),
    )  # fmt: skip
    if ceremony:
        lifecycle.event_record(actor=root_user, member=m, kind="le_ket_nap", date=ceremony)
    return m


@pytest.fixture
def many(tree, root_user, monkeypatch):
    """More probationary members than the read limit, admitted early in 2024 (probation running until 2025:
    no alert on ``ON``), then one admitted last week, waiting for the ceremony."""
    monkeypatch.setattr(selectors_history, "PROBATION_ALERT_LIMIT", 5)
    for i in range(8):
        admit(root_user, tree.a1, f"Đảng viên Dự bị {i:03d}", D(2024, 1, 2 + i), D(2024, 1, 20 + i))
    return admit(root_user, tree.a2, "Mai Thị Mới", D(2024, 5, 27))


def test_a_newly_admitted_member_is_alerted_even_with_more_probationary_members_than_the_limit(many, people):
    assert Member.objects.filter(status="du_bi").count() > selectors_history.PROBATION_ALERT_LIMIT
    texts = [a.text for a in alerts(people.secretary_a, on=ON)]
    assert any(t.startswith("Mai Thị Mới: tổ chức lễ kết nạp trước") for t in texts), texts
    assert not [t for t in texts if "Đảng viên Dự bị" in t]  # probation running: nothing to do yet


def test_probation_alerts_follow_the_deadlines(tree, root_user, people):
    ending = admit(root_user, tree.a1, "Lê Văn Sắp", D(2023, 5, 20), D(2023, 6, 20))  # ends 20/06/2024
    due = admit(root_user, tree.a1, "Lê Văn Đến", D(2023, 4, 20), D(2023, 5, 20))  # ended 20/05/2024
    late = admit(root_user, tree.a1, "Lê Văn Muộn", D(2023, 1, 5), D(2023, 1, 20))  # review due early 03/2024
    overdue = admit(root_user, tree.a1, "Lê Văn Chậm", D(2024, 3, 1))  # no ceremony 3 months on
    quiet = admit(root_user, tree.a1, "Lê Văn Yên", D(2023, 8, 1), D(2023, 8, 20))  # ends 20/08/2024
    by_name = {}
    for a in alerts(people.secretary_a, on=ON):
        by_name.setdefault(a.text.split(":")[0], []).append(a)
    assert by_name[ending.full_name][0].text == "Lê Văn Sắp: hết thời gian dự bị ngày 20/06/2024"
    assert by_name[due.full_name][0].text.startswith(
        "Lê Văn Đến: đã hết 12 tháng dự bị, xét công nhận chính thức"
    )
    assert by_name[late.full_name][0].text.startswith("Lê Văn Muộn: quá hạn xét công nhận chính thức")
    assert by_name[overdue.full_name][0].text.startswith("Lê Văn Chậm: quá hạn tổ chức lễ kết nạp")
    assert quiet.full_name not in by_name
    # Only members with an alert are read: the quiet one is not among them.
    read = {m.pk for m in selectors_history.probation_due_members(Member.objects.all(), ON)}
    assert read == {ending.pk, due.pk, late.pk, overdue.pk}


def test_a_probation_ending_on_the_last_day_of_february_is_read(tree, root_user, people):
    # Ceremony on 29/02/2024: 12 months end on 28/02/2025 (clamped), inside a lookahead from 29/01/2025.
    leap = admit(root_user, tree.a1, "Hà Thị Nhuận", D(2024, 2, 1), D(2024, 2, 29))
    texts = [a.text for a in alerts(people.secretary_a, on=D(2025, 1, 29))]
    assert f"{leap.full_name}: hết thời gian dự bị ngày 28/02/2025" in texts
