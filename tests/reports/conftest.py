"""A first half of 2024 under the bloc of tests/conftest.py, written through the services, and its hand counts.

members on 30/06/2024: A1 Hùng, Lan (nữ) · A2 An · B Hoa (nữ) — all official since 2015 — and Vũ Văn Mới,
admitted to A2 on 10/03/2024 (probationary): 5, of whom 4 official, 1 probationary, 2 women.
organizations under the bloc: A (grassroots committee) and B (grassroots cell): 2 grassroots organizations;
cells A1, A2, B: 3.
regular meetings Jan–Jun 2024: A1 in January and February (the upper level grades them "tốt" and "khá"), A2 in
January: 3 held of 3 cells × 6 months = 18 due.
tasks: the bloc asks A and B to study Chỉ thị 05 (01/02/2024); A reports 3 of its 4 members attended (filed on
25/03/2024); B reports on 05/07/2024, after the half year.
target: the 2020–2025 term of the bloc, one entered target (admissions: 40 of 50 entered on 31/03/2024).
support: A1 gives 5.000.000 đ to one commune, B 3.000.000 đ to another, in March 2024.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import GradeLevel
from dangbo.meetings.selectors import roll
from dangbo.members import services as member_services
from dangbo.organizations import services as org_services
from dangbo.organizations.choices import OrgKind
from dangbo.steering.choices import Era
from dangbo.steering.models import Commune
from dangbo.steering.support import services as support
from dangbo.steering.targets import services as targets
from dangbo.steering.tasks import services as tasks
from tests.conftest import admission_decision, member_data

D = dt.date
START, END = D(2024, 1, 1), D(2024, 6, 30)


def at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def hold(actor, org, day, upper=None):
    m = meeting_services.meeting_plan(
        actor=actor, organization=org, data={"kind": "thuong_ky", "planned_at": at(day)}
    )
    rows = {e.member.pk: ("co_mat", "") for e in roll(org, day) if e.counted}
    m = meeting_services.attendance_record(actor=actor, meeting=m, rows=rows)
    if upper:
        m = meeting_services.grade(
            actor=actor, meeting=m, level=GradeLevel.objects.get(code=upper), upper=True
        )
    return m


@pytest.fixture
def half(tree, people, root_user, clock):
    clock.set(D(2024, 7, 10))
    member_services.member_create(
        actor=root_user, since=D(2024, 3, 10), admission=admission_decision(),
        data=member_data(tree.a2, "Vũ Văn Mới", status="du_bi", official_date=None, joined_date=D(2024, 3, 10),
                         birth_date=D(1998, 3, 4)),
    )  # fmt: skip
    hold(root_user, tree.a1, D(2024, 1, 5), upper="tot")
    hold(root_user, tree.a1, D(2024, 2, 5), upper="kha")
    hold(root_user, tree.a2, D(2024, 1, 8))
    # March–June are on record: a cell outside the bloc planned its meetings (the bloc's cells missed those months;
    # a month nobody in the system recorded would be a gap, "chưa có số liệu" — meetings.selectors.months_on_record)
    other_bloc = org_services.organization_create(actor=root_user, parent=tree.province, data={
        "name": "Đảng bộ Khối Doanh nghiệp", "code": "KDN", "kind": OrgKind.DIRECT})  # fmt: skip
    elsewhere = org_services.organization_create(actor=root_user, parent=other_bloc, data={
        "name": "Chi bộ Công ty Xi măng", "code": "KDN-XM", "kind": OrgKind.GRASSROOTS_CELL})  # fmt: skip
    for month in range(3, 7):
        meeting_services.meeting_plan(
            actor=root_user,
            organization=elsewhere,
            data={"kind": "thuong_ky", "planned_at": at(D(2024, month, 5))},
        )
    task = tasks.task_create(actor=root_user, organization=tree.bloc, data={
        "title": "Học tập Chỉ thị 05", "report_kind": "quan_triet", "assigned_date": D(2024, 2, 1),
        "deadline": D(2024, 3, 31), "mode": "tat_ca_co_so"})  # fmt: skip
    clock.set(D(2024, 3, 25))
    a = task.assignments.get(organization=tree.a)
    tasks.report_file(actor=root_user, assignment=a, data={"session_date": D(2024, 3, 20), "attended": 3})
    clock.set(D(2024, 7, 5))  # B reports after the half year: counted from July on
    b = task.assignments.get(organization=tree.b)
    tasks.report_file(actor=root_user, assignment=b, data={"session_date": D(2024, 7, 2), "attended": 1})
    clock.set(D(2024, 7, 10))
    term = org_services.term_create(actor=root_user, organization=tree.bloc, name="2020–2025",
                                    start_date=D(2020, 10, 1), end_date=D(2025, 10, 1))  # fmt: skip
    target = targets.target_save(actor=root_user, term=term, data={
        "number": 1, "text": "Kết nạp 50 đảng viên mới", "unit": "dang_vien", "direction": "toi_thieu",
        "measure": "cong_don", "goal": "50", "source": ""})  # fmt: skip
    targets.target_value_enter(
        actor=root_user,
        target=target,
        data={"period_end": D(2024, 3, 31), "value": "40", "evidence": "Báo cáo quý I"},
    )
    programme = support.programme_save(actor=root_user, organization=tree.bloc, data={
        "name": "Giúp đỡ xã nghèo miền núi", "start_date": D(2024, 1, 1), "end_date": None, "description": ""})  # fmt: skip
    communes = list(Commune.objects.filter(era=Era.BEFORE_2025, province_code=40).order_by("code")[:2])
    for supporter, commune, value in ((tree.a1, communes[0], 5_000_000), (tree.b, communes[1], 3_000_000)):
        support.contribution_add(actor=root_user, programme=programme, data={
            "supporter": supporter, "commune": commune, "date": D(2024, 3, 15), "kind": "tien", "value": value})  # fmt: skip
    return {"task": task, "term": term, "programme": programme, "communes": communes}
