"""Cell meetings: the roll and its exclusions, every quality criterion, bad input, grades, the committee's grid
and the 3-month absence signal."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.audit.models import AuditEvent
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.meetings import rules as quality
from dangbo.meetings import selectors, services
from dangbo.meetings.models import Attendance, GradeLevel, Meeting, MeetingTask
from dangbo.meetings.selectors import roll
from dangbo.members.history import services as lifecycle
from tests.conftest import decided

D = dt.date


def at(day: dt.date, hour: int = 14, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def cell(tree, people, make_member):
    """Cell A1 with 4 members on its roll (2 from `people` + 2 more)."""
    make_member(tree.a1, "Phạm Thị Bốn", gender="nu")
    make_member(tree.a1, "Đỗ Văn Năm")
    return tree.a1


def plan(actor, org, day, kind="thuong_ky", **extra):
    return services.meeting_plan(
        actor=actor, organization=org, data={"kind": kind, "planned_at": at(day), **extra}
    )


def call(actor, m, presences: dict[str, str], reasons=None):
    names = {e.member.full_name: e.member.pk for e in roll(m.organization, m.planned_at.date())}
    rows = {
        names[n]: (p, (reasons or {}).get(n, "bận công tác" if p == "vang_co_ly_do" else ""))
        for n, p in presences.items()
    }
    return services.attendance_record(actor=actor, meeting=m, rows=rows)


ALL_PRESENT = {
    "Nguyễn Văn Hùng": "co_mat",
    "Trần Thị Lan": "co_mat",
    "Phạm Thị Bốn": "co_mat",
    "Đỗ Văn Năm": "co_mat",
}


def complete_minutes(actor, m, minutes=120):
    """Complete minutes: the first two members present chair and keep them, everyone present votes for."""
    present = [
        a.member
        for a in m.attendance.filter(presence__in=("co_mat", "di_muon")).order_by("member__name_sort")
    ]
    return services.minutes_save(actor=actor, meeting=m, data={
        "started_at": m.planned_at, "ended_at": m.planned_at + dt.timedelta(minutes=minutes), "chair": present[0],
        "minutes_secretary": present[1], "committee_prepared": True, "draft_resolution": True, "dues_collected": True,
        "dues_amount": 250_000, "last_month_results": "Hoàn thành", "news_guidance": "Chỉ thị 03", "study_follow": "Chuyên đề năm",
        "resolution": "Thống nhất", "votes_for": len(present), "votes_against": 0, "votes_abstain": 0,
    }, tasks=[{"content": "Chuẩn bị báo cáo quý", "member": present[0], "due_date": D(2024, 4, 10)}])  # fmt: skip


def by_code(m):
    return {c.code: c for c in quality.criteria(m)}


def test_a_well_run_meeting_meets_every_criterion(cell, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, ALL_PRESENT)
    m = complete_minutes(root_user, m)
    assert all(c.passed for c in quality.criteria(m)), quality.criteria(m)
    assert (m.base_count, m.present_count, m.criteria_passed, m.criteria_total) == (4, 4, 6, 6)


def test_attendance_must_be_above_85_percent_and_without_unexcused_absence(cell, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, {**ALL_PRESENT, "Đỗ Văn Năm": "vang_khong_ly_do"})
    c = by_code(m)
    assert c["ty_le"].passed is False and "3/4" in c["ty_le"].detail and "75,0%" in c["ty_le"].detail
    assert c["khong_ly_do"].passed is False
    m = call(root_user, m, {**ALL_PRESENT, "Đỗ Văn Năm": "di_muon"})  # late still counts as present
    assert by_code(m)["ty_le"].passed is True


def test_excused_more_than_three_times_in_a_row_in_the_year(cell, root_user):
    for month in (1, 2, 3, 4):
        m = plan(root_user, cell, D(2024, month, 5))
        m = call(root_user, m, {**ALL_PRESENT, "Phạm Thị Bốn": "vang_co_ly_do"})
    assert by_code(m)["co_ly_do"].passed is False and "4 lần liên tiếp" in by_code(m)["co_ly_do"].detail
    third = Meeting.objects.get(organization=cell, month=D(2024, 3, 1))
    assert by_code(third)["co_ly_do"].passed is True  # three in a row is still allowed
    # A new year starts the count again.
    m = plan(root_user, cell, D(2025, 1, 6))
    m = call(root_user, m, {**ALL_PRESENT, "Phạm Thị Bốn": "vang_co_ly_do"})
    assert by_code(m)["co_ly_do"].passed is True


def test_duration_minutes_and_preparation(cell, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, ALL_PRESENT)
    m = complete_minutes(root_user, m, minutes=75)
    c = by_code(m)
    assert c["thoi_gian"].passed is False and "75 phút" in c["thoi_gian"].detail
    m = services.minutes_save(actor=root_user, meeting=m, data={"draft_resolution": False})
    assert by_code(m)["chuan_bi"].passed is False
    m = services.minutes_save(actor=root_user, meeting=m, data={"resolution": ""}, tasks=[])
    c = by_code(m)
    assert (
        c["bien_ban"].passed is False
        and "Nghị quyết" in c["bien_ban"].detail
        and "Nhiệm vụ" in c["bien_ban"].detail
    )


def test_exempted_and_temporarily_away_members_are_outside_the_base_and_attached_ones_inside(
    cell, tree, people, root_user
):
    lifecycle.event_record(actor=root_user, member=people.m_a1b, kind="mien", date=D(2024, 1, 1))
    lifecycle.transfer_send(actor=root_user, member=people.m_a1, kind="tam_thoi", to_external="Học viện Chính trị",
                            sent_date=D(2024, 2, 1), temporary_until=D(2024, 12, 1),
                            letter_no="9-GGT/ĐU", purpose="cong_tac")  # fmt: skip
    visit = lifecycle.transfer_send(actor=root_user, member=people.m_b, kind="tam_thoi", to_organization=tree.a1,
                                    sent_date=D(2024, 2, 1), temporary_until=D(2024, 12, 1),
                                    letter_no="9-GGT/ĐU", purpose="cong_tac")  # fmt: skip
    lifecycle.transfer_receive(actor=root_user, transfer=visit, cell=tree.a1, received_date=D(2024, 2, 3))
    entries = {e.member.full_name: e.category for e in roll(cell, D(2024, 3, 5))}
    assert entries == {"Trần Thị Lan": "mien", "Nguyễn Văn Hùng": "tam_di", "Đặng Thị Hoa": "tam_den",
                       "Phạm Thị Bốn": "base", "Đỗ Văn Năm": "base"}  # fmt: skip
    m = plan(root_user, cell, D(2024, 3, 5))
    with pytest.raises(ApplicationError) as e:
        m = call(root_user, m, ALL_PRESENT)  # the exempted and the away members may not be in the roll call
    assert any(
        "được miễn công tác và sinh hoạt đảng hoặc đang sinh hoạt tạm thời nơi khác" in v
        for v in e.value.field_errors.values()
    )
    m = call(root_user, m, {"Phạm Thị Bốn": "co_mat", "Đỗ Văn Năm": "co_mat", "Đặng Thị Hoa": "co_mat"})
    assert (m.base_count, m.present_count) == (3, 3)


def test_bad_input_is_refused_and_nothing_is_written(cell, tree, people, root_user, make_member):
    m = plan(root_user, cell, D(2024, 3, 5))
    before = Meeting.objects.count(), Attendance.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as e:
        plan(root_user, cell, D(2024, 3, 20))
    assert "đã có buổi sinh hoạt thường kỳ tháng 03/2024" in e.value.field_errors["planned_at"]
    outsider = people.m_b
    with pytest.raises(ApplicationError) as e:
        services.attendance_record(actor=root_user, meeting=m, rows={outsider.pk: ("co_mat", "")})
    assert e.value.field_errors[f"m{outsider.pk}"] == (
        "Điểm danh: Đặng Thị Hoa không sinh hoạt tại «Chi bộ Văn phòng» vào ngày 05/03/2024."
    )
    with pytest.raises(ApplicationError) as e:
        services.minutes_save(actor=root_user, meeting=m, data={"started_at": at(D(2024, 3, 5), 16),
                                                                "ended_at": at(D(2024, 3, 5), 14)})  # fmt: skip
    assert e.value.field_errors["ended_at"] == "Kết thúc lúc: phải sau giờ bắt đầu."
    with pytest.raises(ApplicationError) as e:
        plan(root_user, cell, D(2024, 4, 5), kind="chuyen_de")
    assert "phải ghi chuyên đề" in e.value.field_errors["topic"]
    assert (Meeting.objects.count(), Attendance.objects.count(), AuditEvent.objects.count()) == before
    # A cell that did not exist yet, or had ended.
    from dangbo.organizations.tree import services as restructure

    cell.founding_date = D(2020, 1, 1)
    cell.save()
    with pytest.raises(ApplicationError) as e:
        plan(root_user, cell, D(2019, 5, 5))
    assert "thành lập ngày 01/01/2020" in e.value.field_errors["planned_at"]
    empty = tree.a2
    for mem in empty.members.all():
        lifecycle.event_record(actor=root_user, member=mem, kind="chuyen_noi_bo", date=D(2024, 6, 1), organization=cell,
                               **decided("chuyen_noi_bo", D(2024, 6, 1)))  # fmt: skip
    restructure.organization_dissolve(
        actor=root_user, organization=empty, date=D(2024, 7, 1), decision_no="1-QĐ"
    )
    with pytest.raises(ApplicationError) as e:
        plan(root_user, empty, D(2024, 8, 5))
    assert "đã kết thúc hoạt động" in e.value.field_errors["planned_at"]


def test_grades_self_and_upper_are_kept_side_by_side(cell, people, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, ALL_PRESENT)
    good, fair = GradeLevel.objects.get(code="tot"), GradeLevel.objects.get(code="kha")
    services.grade(actor=people.cell_secretary, meeting=m, level=good)
    with pytest.raises(ApplicationError):
        services.grade(actor=people.cell_secretary, meeting=m, level=fair, upper=True)  # not the upper level
    services.grade(actor=people.secretary_a, meeting=m, level=fair, upper=True, note="Thời gian còn ngắn")
    m.refresh_from_db()
    assert m.self_grade == good and m.upper_grade == fair


def test_grid_and_absentees_for_the_directing_committee(cell, tree, people, root_user):
    for month in (1, 2, 4):
        m = plan(root_user, cell, D(2024, month, 5))
        m = call(root_user, m, {**ALL_PRESENT, "Đỗ Văn Năm": "vang_khong_ly_do"})
    plan(root_user, cell, D(2024, 5, 5))  # planned, never recorded
    plan(root_user, tree.b, D(2024, 3, 5))  # March is on record elsewhere: SYT's cells missed it
    rows, months = selectors.grid(people.staff, tree.bloc, 2024)
    syt = next(r for r in rows if r.org == tree.a)
    assert (
        syt.cells == 2 and syt.months[0]["counts"]["hop"] == 1 and syt.months[2]["counts"]["khong_hop"] == 2
    )
    assert syt.months[4]["counts"]["chua_nhap"] == 1 and syt.weak
    rows, _ = selectors.grid(people.staff, tree.a, 2024)
    a1 = next(r for r in rows if r.org == cell)
    assert a1.months[0]["status"] == "hop" and round(a1.months[0]["rate"]) == 75
    absent = selectors.absentees(people.staff, 2024)
    assert [(name, n) for _, name, n, _ in absent] == [("Đỗ Văn Năm", 3)]
    assert selectors.absentees(people.secretary_b, 2024) == []  # out of scope
    from dangbo.members.history.selectors import alerts

    assert any(
        "Đỗ Văn Năm: vắng sinh hoạt không lý do 3 tháng" in a.text
        for a in alerts(people.secretary_a, on=D(2024, 6, 1))
    )


def test_months_before_the_first_recorded_meeting_have_no_data_not_a_missed_meeting(
    client, cell, tree, people, root_user
):
    """A month before the first recorded regular meeting of a row (or of the whole scope, for a row without any)
    is "chưa có số liệu" (—), not "không họp" (✗); after it, a month without a meeting is a missed one — if someone
    in the system recorded a meeting that month: a month nobody recorded (a gap in the records, as the demo's
    2015–2023) has no data either."""
    m = plan(root_user, cell, D(2024, 3, 5))
    call(root_user, m, ALL_PRESENT)
    plan(root_user, tree.b, D(2024, 4, 5))  # another cell's April: April is on record
    rows, _ = selectors.grid(people.staff, tree.a, 2024)
    a1 = next(r for r in rows if r.org == cell)
    a2 = next(r for r in rows if r.org == tree.a2)
    assert [c["status"] for c in a1.months[:5]] == [
        "chua_co_so_lieu", "chua_co_so_lieu", "hop", "khong_hop", "chua_co_so_lieu"
    ]  # fmt: skip
    assert [c["status"] for c in a2.months[:5]] == [
        "chua_co_so_lieu", "chua_co_so_lieu", "khong_hop", "khong_hop", "chua_co_so_lieu"
    ]  # fmt: skip
    assert not any(r.weak for r in rows if r.org == cell)  # one miss: May onward nobody recorded anything
    rows, _ = selectors.grid(people.staff, tree.bloc, 2023)  # no data at all in the scope that year
    assert rows and all(c["counts"]["chua_co_so_lieu"] == r.cells and not c["counts"]["khong_hop"]
                        for r in rows for c in r.months)  # fmt: skip
    assert not any(r.weak for r in rows)
    client.force_login(people.staff)
    body = client.get(reverse("meetings:overview"), {"to_chuc": tree.a.pk, "nam": 2024}).content.decode()
    assert '<span title="Chưa có số liệu">—</span>' in body


def test_cell_secretary_records_a_meeting_through_the_pages(client, cell, people):
    client.force_login(people.cell_secretary)
    r = client.post(reverse("meetings:plan") + f"?to_chuc={cell.pk}", {
        "organization": cell.pk, "kind": "thuong_ky", "planned_at": "05/03/2024 14:00", "place": "Phòng họp tầng 2",
    })  # fmt: skip
    m = Meeting.objects.get()
    assert r["Location"] == m.get_absolute_url()
    form = client.get(reverse("meetings:attendance", args=[m.pk])).context["form"]
    data = {f"m{e.member.pk}": "co_mat" for e in form.entries}
    hoa = next(e.member.pk for e in form.entries if e.member.full_name == "Đỗ Văn Năm")
    data[f"m{hoa}"] = "vang_co_ly_do"  # no reason given
    r = client.post(reverse("meetings:attendance", args=[m.pk]), data)
    assert "Đỗ Văn Năm: vắng có lý do thì ghi lý do." in r.content.decode()
    data[f"r{hoa}"] = "Đi công tác"
    assert client.post(reverse("meetings:attendance", args=[m.pk]), data).status_code == 302
    m.refresh_from_db()
    assert (m.present_count, m.base_count, m.state) == (3, 4, "da_hop")
    page = client.get(m.get_absolute_url()).content.decode()
    assert "Tỷ lệ đảng viên dự họp trên 85%" in page and "3/4 đảng viên dự họp (75,0%)" in page


def test_the_cells_meeting_day_is_suggested_and_validated(client, cell, people, root_user):
    from dangbo.organizations import services as org_services

    with pytest.raises(ApplicationError) as e:
        org_services.organization_update(actor=root_user, organization=cell, data={"meeting_day": 31})
    assert e.value.field_errors["meeting_day"] == "Ngày sinh hoạt thường kỳ hằng tháng: từ 1 đến 28."
    org_services.organization_update(actor=root_user, organization=cell, data={"meeting_day": 3})
    client.force_login(people.cell_secretary)
    form = client.get(reverse("meetings:plan"), {"to_chuc": cell.pk}).context["form"]
    suggested = timezone.localtime(form.initial["planned_at"])
    assert suggested.day == 3 and suggested.hour == 14 and suggested.date() >= today()


def test_the_suggested_plan_date_skips_months_that_have_their_regular_meeting(
    client, clock, cell, people, root_user
):
    from dangbo.organizations import services as org_services

    clock.set(D(2024, 3, 1))
    org_services.organization_update(actor=root_user, organization=cell, data={"meeting_day": 5})
    plan(root_user, cell, D(2024, 3, 5))
    plan(root_user, cell, D(2024, 4, 5))
    cancelled = plan(root_user, cell, D(2024, 5, 5))
    services.meeting_cancel(actor=root_user, meeting=cancelled)
    client.force_login(people.cell_secretary)
    form = client.get(reverse("meetings:plan"), {"to_chuc": cell.pk}).context["form"]
    assert timezone.localtime(form.initial["planned_at"]).date() == D(2024, 5, 5)


def test_minutes_docx_of_a_recorded_meeting(client, cell, people, root_user):
    import io

    import docx

    m = plan(root_user, cell, D(2024, 3, 5), place="Phòng họp tầng 2")
    m = call(root_user, m, {**ALL_PRESENT, "Đỗ Văn Năm": "vang_khong_ly_do"})
    complete_minutes(root_user, m)
    client.force_login(people.cell_secretary)
    response = client.get(reverse("meetings:minutes_docx", args=[m.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    d = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "ĐẢNG BỘ SỞ Y TẾ" in cells and "CHI BỘ VĂN PHÒNG" in cells and "ngày 05 tháng 3 năm 2024" in cells
    assert "Sinh hoạt chi bộ thường kỳ tháng 03/2024" in text and "Đỗ Văn Năm" in text and "250.000 đ" in text
    assert "Chuẩn bị báo cáo quý" in cells


def test_a_committee_plenary_expects_every_member_of_its_subtree(cell, tree, root_user):
    names = {e.member.full_name for e in roll(tree.a, D(2024, 7, 5)) if e.counted}
    assert names == {"Nguyễn Văn Hùng", "Trần Thị Lan", "Phạm Thị Bốn", "Đỗ Văn Năm", "Lê Văn An"}
    m = plan(root_user, tree.a, D(2024, 7, 5), kind="toan_the")
    m = call(root_user, m, {n: "co_mat" for n in names})
    assert (m.base_count, m.present_count) == (5, 5)


def test_grid_and_absentees_follow_the_tree_of_the_year(cell, tree, people, root_user):
    from dangbo.organizations import services as org_services
    from dangbo.organizations.tree import services as restructure

    m = plan(root_user, cell, D(2024, 1, 5))
    call(root_user, m, {**ALL_PRESENT, "Đỗ Văn Năm": "vang_khong_ly_do"})
    for month in (2, 4):
        m = plan(root_user, cell, D(2024, month, 5))
        call(root_user, m, {**ALL_PRESENT, "Đỗ Văn Năm": "vang_khong_ly_do"})
    other = org_services.organization_create(actor=root_user, parent=tree.province,
                                             data={"name": "Đảng bộ UBND tỉnh", "code": "UBND", "kind": "truc_thuoc"})  # fmt: skip
    restructure.organization_move(actor=root_user, organization=tree.a, new_parent=other, date=D(2024, 3, 1))
    rows, _ = selectors.grid(root_user, tree.bloc, 2024)
    assert any(r.org == tree.a for r in rows)  # under the bloc until 01/03/2024
    assert [n for _, _, n, _ in selectors.absentees(root_user, 2024, root=tree.a)] == [3]


def test_years_and_ids_are_written_plainly_in_pages_and_links(client, cell, people):
    """USE_THOUSAND_SEPARATOR must not turn 2013 into "2.013" in a heading, a select or a link."""
    client.force_login(people.staff)
    page = client.get(
        reverse("meetings:overview"), {"to_chuc": people.staff.roles.get().organization_id, "nam": 2013}
    )
    body = page.content.decode()
    assert page.context["year"] == 2013 and "năm 2013" in body and "2.013" not in body
    assert "<option selected>2013</option>" in body


def test_bad_query_parameters_give_the_normal_pages(client, cell, tree, people):
    """Months and years out of range, ids that are not numbers or do not fit an integer: never a 500."""
    client.force_login(people.staff)
    from dangbo.organizations import services as org_services

    # The founding year of the earliest organization in the staff's scope: the calendar starts there.
    org_services.organization_update(
        actor=people.staff, organization=cell, data={"founding_date": D(2024, 3, 1)}
    )
    for thang in ("13/2024", "00/2024", "abc", "03/2024x", "0/0000", "x" * 5000):
        r = client.get(reverse("meetings:calendar"), {"thang": thang})
        assert r.status_code == 400 and "không hợp lệ: cần có dạng mm/yyyy" in r.content.decode(), thang
    for thang in ("01/0001", "12/9999", "12/2023", "01/2040"):
        r = client.get(reverse("meetings:calendar"), {"thang": thang})
        assert (
            r.status_code == 404 and "Lịch sinh hoạt có từ tháng 01/2024 đến tháng" in r.content.decode()
        ), thang
        assert "?thang=01/2024" in r.content.decode()  # a way back into the range
    assert (
        f"Sinh hoạt chi bộ tháng {today():%m/%Y}"
        in client.get(reverse("meetings:calendar"), {"thang": " "}).content.decode()
    )
    page = client.get(reverse("meetings:calendar"), {"thang": " 03/2024 "}).content.decode()
    assert (
        "<h1>Sinh hoạt chi bộ tháng 03/2024</h1>" in page
        and "?thang=02/2024" in page
        and "?thang=04/2024" in page
    )
    page = client.get(reverse("meetings:calendar"), {"thang": "01/2024"}).content.decode()
    assert "?thang=12/2023" not in page and "?thang=02/2024" in page
    huge = "9" * 25
    for bad in ("abc", "1.5", huge, "²"):
        r = client.get(reverse("meetings:plan"), {"to_chuc": bad})
        assert r.status_code == 200 and r.context["chosen"] is None, bad
        assert (
            "Lập kế hoạch sinh hoạt" in r.content.decode()
            and "Chi bộ Văn phòng (Đảng bộ Sở Y tế)" in r.content.decode()
        )
        r = client.post(reverse("meetings:plan") + f"?to_chuc={bad}", {"organization": bad, "kind": "thuong_ky",
                                                                        "planned_at": "05/03/2024 14:00"})  # fmt: skip
        assert r.status_code == 200 and r.context["chosen"] is None and not Meeting.objects.exists(), bad
    this_year = today().year
    for params in (
        {"to_chuc": "abc"},
        {"to_chuc": huge, "nam": huge},
        {"nam": "abc"},
        {"to_chuc": "²", "nam": "²"},
    ):
        r = client.get(reverse("meetings:overview"), params)
        body = r.content.decode()
        assert r.status_code == 200 and r.context["root"] == tree.bloc and r.context["year"] == this_year, (
            params
        )
        assert f"Theo dõi sinh hoạt chi bộ năm {this_year}" in body and "Đảng bộ Sở Y tế" in body
    assert client.get(reverse("meetings:overview"), {"nam": "1"}).context["year"] == 2000


def test_a_held_or_cancelled_meeting_keeps_its_date(client, cell, people, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, ALL_PRESENT)
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as e:
        services.meeting_update_plan(actor=root_user, meeting=m, data={"planned_at": at(D(2024, 3, 12))})
    assert e.value.field_errors["planned_at"] == "Thời gian: buổi sinh hoạt đã họp, không đổi được thời gian."
    m.refresh_from_db()
    assert m.planned_at == at(D(2024, 3, 5)) and AuditEvent.objects.count() == before
    # The rest of the plan can still be corrected; the form sends the unchanged time back.
    m = services.meeting_update_plan(
        actor=root_user, meeting=m, data={"planned_at": at(D(2024, 3, 5)), "place": "Hội trường"}
    )
    assert m.place == "Hội trường" and m.planned_at == at(D(2024, 3, 5)) and m.state == "da_hop"
    # Through the page: the error is on the field.
    client.force_login(people.cell_secretary)
    r = client.post(
        reverse("meetings:edit", args=[m.pk]), {"kind": "thuong_ky", "planned_at": "12/03/2024 14:00"}
    )
    assert (
        r.status_code == 200
        and "Thời gian: buổi sinh hoạt đã họp, không đổi được thời gian." in r.content.decode()
    )
    # A cancelled meeting does not move either; a planned one does.
    cancelled = services.meeting_cancel(actor=root_user, meeting=plan(root_user, cell, D(2024, 4, 5)))
    with pytest.raises(ApplicationError) as e:
        services.meeting_update_plan(
            actor=root_user, meeting=cancelled, data={"planned_at": at(D(2024, 4, 9))}
        )
    assert e.value.field_errors["planned_at"] == "Thời gian: buổi sinh hoạt đã hủy, không đổi được thời gian."
    planned = plan(root_user, cell, D(2024, 5, 5))
    planned = services.meeting_update_plan(
        actor=root_user, meeting=planned, data={"planned_at": at(D(2024, 5, 9))}
    )
    assert planned.planned_at == at(D(2024, 5, 9))


def test_the_plan_page_lists_the_cells_in_a_fixed_number_of_queries(
    client, tree, people, root_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.organizations import services as org_services

    client.force_login(people.staff)
    with CaptureQueriesContext(connection) as few:
        assert "Chi bộ Khoa Nội (Đảng bộ Sở Y tế)" in client.get(reverse("meetings:plan")).content.decode()
    for i in range(15):
        org_services.organization_create(actor=root_user, parent=tree.a,
                                         data={"name": f"Chi bộ Phòng {i}", "code": f"SYT-P{i}", "kind": "chi_bo_truc_thuoc"})  # fmt: skip
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("meetings:plan")).content.decode()
    assert "Chi bộ Phòng 14 (Đảng bộ Sở Y tế)" in page


def test_the_roll_of_a_plenary_follows_the_tree_of_the_meeting_date(cell, tree, people, root_user):
    """A member attached to a cell of the committee on the meeting date counts, even if that cell left since."""
    from dangbo.organizations import services as org_services
    from dangbo.organizations.tree import services as restructure

    visit = lifecycle.transfer_send(actor=root_user, member=people.m_b, kind="tam_thoi", to_organization=tree.a2,
                                    sent_date=D(2024, 2, 1), temporary_until=D(2024, 12, 1),
                                    letter_no="9-GGT/ĐU", purpose="cong_tac")  # fmt: skip
    lifecycle.transfer_receive(actor=root_user, transfer=visit, cell=tree.a2, received_date=D(2024, 2, 3))
    other = org_services.organization_create(actor=root_user, parent=tree.bloc,
                                             data={"name": "Đảng bộ Sở Giáo dục", "code": "SGD", "kind": "dang_bo_co_so"})  # fmt: skip
    restructure.organization_move(actor=root_user, organization=tree.a2, new_parent=other, date=D(2024, 6, 1))
    before = {e.member.full_name: e.category for e in roll(tree.a, D(2024, 3, 5))}
    assert before["Đặng Thị Hoa"] == "tam_den" and before["Lê Văn An"] == "base"
    after = {e.member.full_name: e.category for e in roll(tree.a, D(2024, 7, 5))}
    assert "Đặng Thị Hoa" not in after and "Lê Văn An" not in after
    assert {e.member.full_name: e.category for e in roll(other, D(2024, 7, 5))} == {
        "Lê Văn An": "base",
        "Đặng Thị Hoa": "tam_den",
    }


def test_minutes_docx_prints_the_names_of_the_meeting_date(client, cell, tree, people, root_user):
    import io

    import docx

    from dangbo.organizations import services as org_services
    from dangbo.organizations.tree import services as restructure

    m = plan(root_user, cell, D(2024, 3, 5))
    restructure.organization_rename(
        actor=root_user, organization=cell, name="Chi bộ Văn phòng Sở", date=D(2024, 5, 1)
    )
    restructure.organization_rename(
        actor=root_user, organization=tree.a, name="Đảng bộ Sở Y tế tỉnh", date=D(2024, 6, 1)
    )
    other = org_services.organization_create(actor=root_user, parent=tree.bloc,
                                             data={"name": "Đảng bộ Sở Giáo dục", "code": "SGD", "kind": "dang_bo_co_so"})  # fmt: skip
    restructure.organization_move(actor=root_user, organization=cell, new_parent=other, date=D(2024, 7, 1))
    later = plan(root_user, cell, D(2024, 8, 5))

    def header(meeting):
        client.force_login(root_user)
        d = docx.Document(io.BytesIO(client.get(reverse("meetings:minutes_docx", args=[meeting.pk])).content))
        return "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)

    old = header(m)
    assert "ĐẢNG BỘ SỞ Y TẾ\n" in old + "\n" and "CHI BỘ VĂN PHÒNG\n" in old + "\n"
    assert "SỞ GIÁO DỤC" not in old and "VĂN PHÒNG SỞ" not in old and "Y TẾ TỈNH" not in old
    new = header(later)
    assert "ĐẢNG BỘ SỞ GIÁO DỤC" in new and "CHI BỘ VĂN PHÒNG SỞ" in new and "Y TẾ" not in new


# --- A meeting's record can never be impossible -------------------------------------------------------------


def names_to_ids(m):
    return {e.member.full_name: e.member.pk for e in roll(m.organization, m.planned_at.date())}


def refused(call_service, **kwargs) -> dict[str, str]:
    """Run a meeting service that must refuse; nothing may change (the meeting, its roll call, tasks, audit)."""

    def state():
        return (list(Meeting.objects.order_by("pk").values()), list(Attendance.objects.order_by("pk").values()),
                AuditEvent.objects.count(), list(MeetingTask.objects.order_by("pk").values()))  # fmt: skip

    before = state()
    with pytest.raises(ApplicationError) as e:
        call_service(**kwargs)
    assert state() == before
    return e.value.field_errors or {"": e.value.message}


def test_votes_are_whole_numbers_within_the_members_present(cell, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    # Votes before the roll call: nobody is known to be present yet.
    e = refused(services.minutes_save, actor=root_user, meeting=m, data={"votes_for": 2})
    assert e["votes_for"] == "Số tán thành: chưa điểm danh; ghi kết quả biểu quyết sau khi điểm danh."
    m = call(root_user, m, {**ALL_PRESENT, "Đỗ Văn Năm": "vang_khong_ly_do"})  # 3 present
    e = refused(services.minutes_save, actor=root_user, meeting=m,
                data={"votes_for": 3, "votes_against": 1, "votes_abstain": 0})  # fmt: skip
    assert e["votes_for"] == "Số tán thành: tổng số biểu quyết (4) nhiều hơn số đảng viên có mặt (3)."
    e = refused(
        services.minutes_save, actor=root_user, meeting=m, data={"votes_against": 4}
    )  # against alone too
    assert (
        e["votes_against"] == "Số không tán thành: tổng số biểu quyết (4) nhiều hơn số đảng viên có mặt (3)."
    )
    for bad, message in [(-1, "Số tán thành: không được âm."), ("1e3", "Số tán thành: không ghi số dạng lũy thừa"),
                         (2.5, "Số tán thành: phải là số nguyên."), ("NaN", "Số tán thành: phải là một số."),
                         (10**30, "Số tán thành: số quá lớn"), (True, "Số tán thành: phải là một số."),
                         (40_000, "Số tán thành: số quá lớn (tối đa 32.767).")]:  # fmt: skip
        assert refused(services.minutes_save, actor=root_user, meeting=m, data={"votes_for": bad})[
            "votes_for"
        ].startswith(message), bad
    m = services.minutes_save(
        actor=root_user, meeting=m, data={"votes_for": "2", "votes_against": 0, "votes_abstain": 1}
    )
    assert (m.votes_for, m.votes_against, m.votes_abstain) == (2, 0, 1)


def test_the_chair_and_the_minutes_secretary_are_members_present_at_the_meeting(
    cell, tree, people, root_user
):
    lifecycle.event_record(
        actor=root_user, member=people.m_a1b, kind="mien", date=D(2024, 1, 1)
    )  # Trần Thị Lan
    m = plan(root_user, cell, D(2024, 3, 5))
    ids = names_to_ids(m)
    # Before the roll call the chair must at least be expected at the meeting (on the roll, not exempted).
    e = refused(services.minutes_save, actor=root_user, meeting=m, data={"chair": ids["Trần Thị Lan"]})
    assert (
        e["chair"] == "Chủ trì: Trần Thị Lan — được miễn công tác và sinh hoạt đảng, không dự buổi sinh hoạt."
    )
    m = call(
        root_user, m, {"Nguyễn Văn Hùng": "co_mat", "Phạm Thị Bốn": "vang_co_ly_do", "Đỗ Văn Năm": "di_muon"}
    )
    e = refused(services.minutes_save, actor=root_user, meeting=m, data={"chair": ids["Phạm Thị Bốn"]})
    assert e["chair"] == (
        "Chủ trì: Phạm Thị Bốn được điểm danh vắng có lý do; chủ trì phải là đảng viên có mặt."
    )
    e = refused(services.minutes_save, actor=root_user, meeting=m, data={"minutes_secretary": people.m_b})
    assert (
        e["minutes_secretary"]
        == "Thư ký: Đặng Thị Hoa không sinh hoạt tại «Chi bộ Văn phòng» vào ngày 05/03/2024."
    )
    m = services.minutes_save(actor=root_user, meeting=m, data={"chair": ids["Nguyễn Văn Hùng"],
                                                                "minutes_secretary": str(ids["Đỗ Văn Năm"])})  # fmt: skip
    assert (m.chair.full_name, m.minutes_secretary.full_name) == (
        "Nguyễn Văn Hùng",
        "Đỗ Văn Năm",
    )  # late is present


def test_a_member_outside_the_scope_is_answered_like_a_missing_one(cell, tree, people, root_user):
    """A service checks every member id it is given: one the actor may not see gets the answer of an id that does
    not exist — no name. One the actor sees, but not on the meeting's roll, is named."""
    m = plan(people.cell_secretary, cell, D(2024, 3, 5))
    m = call(people.cell_secretary, m, ALL_PRESENT)
    hidden, missing = people.m_b.pk, 10**9  # Đặng Thị Hoa of the sibling cell; an id nobody has
    for field, label in (("chair", "Chủ trì"), ("minutes_secretary", "Thư ký")):
        for pk in (hidden, missing):
            e = refused(services.minutes_save, actor=people.cell_secretary, meeting=m, data={field: pk})
            assert e[field] == f"{label}: không tìm thấy đảng viên mã {pk}.", (field, pk)
        for bad in ("abc", -5, 10**30, 1.5):
            e = refused(services.minutes_save, actor=people.cell_secretary, meeting=m, data={field: bad})
            assert e[field] == f"{label}: mã đảng viên không hợp lệ.", (field, bad)
    e = refused(services.minutes_save, actor=people.cell_secretary, meeting=m, data={},
                tasks=[{"content": "Việc", "member": hidden}, {"content": "Việc khác", "member": missing}])  # fmt: skip
    assert (e["task0"], e["task1"]) == (f"Nhiệm vụ 1: không tìm thấy đảng viên mã {hidden}.",
                                        f"Nhiệm vụ 2: không tìm thấy đảng viên mã {missing}.")  # fmt: skip
    rows = {pk: ("co_mat", "") for pk in names_to_ids(m).values()}
    for pk in (hidden, missing):
        e = refused(
            services.attendance_record,
            actor=people.cell_secretary,
            meeting=m,
            rows={**rows, pk: ("co_mat", "")},
        )
        assert e[f"m{pk}"] == f"Điểm danh: không tìm thấy đảng viên mã {pk}."
    assert "Đặng Thị Hoa" not in str(e)
    e = refused(
        services.attendance_record, actor=people.cell_secretary, meeting=m, rows={**rows, "x": ("co_mat", "")}
    )
    assert e["rows"] == "Điểm danh: mã đảng viên không hợp lệ."
    # The staff of the bloc see Đặng Thị Hoa: she is named.
    e = refused(services.minutes_save, actor=people.staff, meeting=m, data={"chair": hidden})
    assert e["chair"] == "Chủ trì: Đặng Thị Hoa không sinh hoạt tại «Chi bộ Văn phòng» vào ngày 05/03/2024."


def test_meetings_and_organizations_outside_the_scope_are_answered_like_missing_ones(
    cell, tree, people, root_user
):
    from dangbo.core.errors import NotFound, PermissionDenied

    m = plan(root_user, cell, D(2024, 3, 5))
    other = plan(root_user, tree.b, D(2024, 3, 6))
    for meeting in (other, other.pk, 10**9, "abc", None):
        for service, kwargs in [(services.minutes_save, {"data": {}}), (services.attendance_record, {"rows": {}}),
                                (services.meeting_update_plan, {"data": {}}), (services.meeting_cancel, {}),
                                (services.grade, {"level": GradeLevel.objects.first()})]:  # fmt: skip
            with pytest.raises(NotFound) as e:
                service(actor=people.cell_secretary, meeting=meeting, **kwargs)
            assert e.value.message == "Không tìm thấy buổi sinh hoạt.", (service, meeting)
    for organization in (tree.b, tree.b.pk, 10**9, "²"):
        with pytest.raises(NotFound) as e:
            services.meeting_plan(actor=people.cell_secretary, organization=organization,
                                  data={"kind": "thuong_ky", "planned_at": at(D(2024, 4, 5))})  # fmt: skip
        assert e.value.field_errors == {"organization": "Tổ chức: không tìm thấy tổ chức."}
    # Seen but not run by the actor: the member of the cell may see its meeting, not record it.
    with pytest.raises(PermissionDenied):
        services.minutes_save(actor=people.member_user, meeting=m, data={})
    assert Meeting.objects.count() == 2


def test_a_roll_call_cannot_make_saved_minutes_impossible(cell, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, ALL_PRESENT)
    ids = names_to_ids(m)
    m = services.minutes_save(actor=root_user, meeting=m, data={
        "chair": ids["Phạm Thị Bốn"], "minutes_secretary": ids["Đỗ Văn Năm"], "votes_for": 4})  # fmt: skip
    rows = {pk: ("co_mat", "") for pk in ids.values()}
    e = refused(
        services.attendance_record,
        actor=root_user,
        meeting=m,
        rows={**rows, ids["Phạm Thị Bốn"]: ("vang_co_ly_do", "Ốm")},
    )
    assert e[f"m{ids['Phạm Thị Bốn']}"] == ("Chủ trì: Phạm Thị Bốn được điểm danh vắng có lý do; chủ trì phải là đảng "
                                            "viên có mặt (theo biên bản đã lưu; sửa biên bản trước nếu cần).")  # fmt: skip
    assert e["votes_for"] == ("Số tán thành: tổng số biểu quyết (4) nhiều hơn số đảng viên có mặt (3) (theo biên bản "
                              "đã lưu; sửa biên bản trước nếu cần).")  # fmt: skip
    # Corrected in that order (minutes, then the roll call), it is accepted.
    services.minutes_save(actor=root_user, meeting=m, data={"chair": ids["Nguyễn Văn Hùng"], "votes_for": 3})
    m = services.attendance_record(
        actor=root_user, meeting=m, rows={**rows, ids["Phạm Thị Bốn"]: ("vang_co_ly_do", "Ốm")}
    )
    assert (m.present_count, m.votes_for, m.chair.full_name) == (3, 3, "Nguyễn Văn Hùng")


def test_times_follow_each_other_on_the_meeting_day(cell, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    day = D(2024, 3, 5)
    cases = [
        ({"started_at": at(day, 16), "ended_at": at(day, 16)}, "ended_at", "Kết thúc lúc: phải sau giờ bắt đầu."),
        ({"started_at": at(day, 8), "ended_at": at(D(2024, 3, 6), 9)}, "ended_at",
         "Kết thúc lúc: buổi sinh hoạt không kéo dài quá 24 giờ."),
        ({"started_at": at(D(2024, 3, 4), 14)}, "started_at", "Bắt đầu lúc: khác ngày sinh hoạt (05/03/2024)."),
        ({"ended_at": at(D(2031, 1, 1), 9)}, "ended_at", "Kết thúc lúc: khác ngày sinh hoạt (05/03/2024)."),
        ({"started_at": "14:00"}, "started_at", "Bắt đầu lúc: ngày giờ không hợp lệ."),
        ({"ended_at": dt.datetime(1, 1, 1)}, "ended_at", "Kết thúc lúc: ngày giờ không hợp lệ."),
    ]  # fmt: skip
    for data, field, message in cases:
        assert refused(services.minutes_save, actor=root_user, meeting=m, data=data)[field] == message, data
    m = services.minutes_save(
        actor=root_user,
        meeting=m,
        data={"started_at": dt.datetime(2024, 3, 5, 14), "ended_at": at(day, 15, 45)},
    )  # a naive time is local
    assert m.duration_minutes == 105


def test_other_minutes_values_are_read_and_bounded_by_the_service(cell, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    cases = [
        ({"dues_amount": "1e6"}, "dues_amount", "Số tiền đảng phí thu được (đồng): không ghi số dạng lũy thừa"),
        ({"dues_amount": -5}, "dues_amount", "Số tiền đảng phí thu được (đồng): không được âm."),
        ({"dues_amount": "9" * 25}, "dues_amount", "Số tiền đảng phí thu được (đồng): số quá lớn"),
        ({"dues_amount": 10**13}, "dues_amount", "Số tiền đảng phí thu được (đồng): số quá lớn (tối đa 999.999.999.999)."),
        ({"dues_amount": "250.000,5"}, "dues_amount", "Số tiền đảng phí thu được (đồng): phải là số nguyên."),
        ({"dues_collected": "false"}, "dues_collected", "Đã thu đảng phí: phải là có hoặc không."),
        ({"resolution": 12}, "resolution", "Nghị quyết (kết luận) của chi bộ: phải là văn bản."),
    ]  # fmt: skip
    for data, field, message in cases:
        assert refused(services.minutes_save, actor=root_user, meeting=m, data=data)[field].startswith(
            message
        ), data
    e = refused(services.minutes_save, actor=root_user, meeting=m, data={}, tasks=[{"content": "x" * 501}])
    assert e["task0"] == "Nhiệm vụ 1: tối đa 500 ký tự."
    m = services.minutes_save(actor=root_user, meeting=m, data={"dues_amount": "250.000"})
    assert m.dues_amount == 250_000  # the Vietnamese way, as every form reads it


def test_plan_and_grade_values_are_checked_by_the_service(cell, root_user):
    def plan_data(**data):
        return refused(services.meeting_plan, actor=root_user, organization=cell,
                       data={"kind": "thuong_ky", "planned_at": at(D(2024, 3, 5)), **data})  # fmt: skip

    assert plan_data(kind="hop_chi_bo")["kind"] == "Loại sinh hoạt: giá trị đã chọn không hợp lệ."
    assert plan_data(planned_at="05/03/2024")["planned_at"] == "Thời gian: ngày giờ không hợp lệ."
    assert plan_data(place="x" * 256)["place"] == "Địa điểm: tối đa 255 ký tự."
    assert plan_data(kind="chuyen_de", topic="y" * 300)["topic"] == "Chuyên đề: tối đa 255 ký tự."
    m = call(root_user, plan(root_user, cell, D(2024, 3, 5)), ALL_PRESENT)
    for level in (None, 10**9, "abc"):
        assert (
            refused(services.grade, actor=root_user, meeting=m, level=level)["level"]
            == "Xếp loại: giá trị đã chọn không hợp lệ."
        )
    e = refused(
        services.grade,
        actor=root_user,
        meeting=m,
        level=GradeLevel.objects.get(code="tot"),
        upper=True,
        note="n" * 501,
    )
    assert e["note"] == "Nhận xét: tối đa 500 ký tự."
    e = refused(services.attendance_record, actor=root_user, meeting=m,
                rows={pk: ("vang_co_ly_do", "r" * 256) for pk in names_to_ids(m).values()})  # fmt: skip
    assert any(v.endswith(": lý do vắng tối đa 255 ký tự.") for v in e.values())


def test_the_minutes_of_an_impossible_record_are_not_printed(client, cell, people, root_user):
    """A record saved before these rules (or written around the services) is shown with its problems, and its
    DOCX is not produced until it is corrected."""
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, {**ALL_PRESENT, "Phạm Thị Bốn": "vang_co_ly_do"})
    complete_minutes(root_user, m)
    absent = names_to_ids(m)["Phạm Thị Bốn"]
    Meeting.objects.filter(pk=m.pk).update(votes_for=45, chair_id=absent)
    client.force_login(people.cell_secretary)
    r = client.get(reverse("meetings:minutes_docx", args=[m.pk]))
    assert r.status_code == 302 and r["Location"] == m.get_absolute_url()
    page = client.get(m.get_absolute_url()).content.decode()
    assert "Biên bản chưa hợp lệ" in page and "Tải biên bản (DOCX)" not in page
    assert "Số tán thành: tổng số biểu quyết (45) nhiều hơn số đảng viên có mặt (3)." in page
    assert "Chủ trì: Phạm Thị Bốn được điểm danh vắng có lý do; chủ trì phải là đảng viên có mặt." in page
    client.get(reverse("meetings:minutes_docx", args=[m.pk]))
    assert "Biên bản chưa hợp lệ, chưa tải được: " in client.get(m.get_absolute_url()).content.decode()
    Meeting.objects.filter(pk=m.pk).update(votes_for=3, chair_id=names_to_ids(m)["Nguyễn Văn Hùng"])
    r = client.get(reverse("meetings:minutes_docx", args=[m.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_minutes_before_the_roll_call_print_the_counts_blank(client, cell, people, root_user):
    import io

    import docx

    m = plan(root_user, cell, D(2024, 3, 5))
    services.minutes_save(actor=root_user, meeting=m, data={"chair": names_to_ids(m)["Nguyễn Văn Hùng"]})
    client.force_login(people.cell_secretary)
    d = docx.Document(io.BytesIO(client.get(reverse("meetings:minutes_docx", args=[m.pk])).content))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "phải dự: ……; có mặt: ……; vắng có lý do: ……; vắng không lý do: ……;" in text
    assert "Chủ trì: đồng chí Nguyễn Văn Hùng." in text


def test_the_pages_show_why_an_impossible_record_is_refused(client, cell, people, root_user):
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, {**ALL_PRESENT, "Phạm Thị Bốn": "vang_co_ly_do"})
    ids = names_to_ids(m)
    client.force_login(people.cell_secretary)
    url = reverse("meetings:minutes", args=[m.pk])
    form = {"start_time": "14:00", "end_time": "15:45", "chair": ids["Phạm Thị Bốn"], "minutes_secretary": ids["Đỗ Văn Năm"],
            "votes_for": "3", "votes_against": "1", "votes_abstain": "", "dues_amount": "180.000",
            "nv-TOTAL_FORMS": "6", "nv-INITIAL_FORMS": "0", "nv-MIN_NUM_FORMS": "6", "nv-MAX_NUM_FORMS": "20"}  # fmt: skip
    body = client.post(url, form).content.decode()
    assert "Số tán thành: tổng số biểu quyết (4) nhiều hơn số đảng viên có mặt (3)." in body
    assert "Chủ trì: Phạm Thị Bốn được điểm danh vắng có lý do; chủ trì phải là đảng viên có mặt." in body
    body = client.post(
        url, {**form, "chair": ids["Nguyễn Văn Hùng"], "votes_for": "1e3", "end_time": "13:00"}
    ).content.decode()
    assert "Số tán thành: không ghi số dạng lũy thừa (như 1e5): hãy ghi đủ các chữ số." in body
    body = client.post(
        url, {**form, "chair": ids["Nguyễn Văn Hùng"], "votes_for": "2", "end_time": "13:00"}
    ).content.decode()
    assert "Kết thúc lúc: phải sau giờ bắt đầu." in body
    m.refresh_from_db()
    assert m.chair_id is None and m.votes_for is None and m.dues_amount is None
    r = client.post(url, {**form, "chair": ids["Nguyễn Văn Hùng"], "votes_for": "2"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.votes_for, m.votes_against, m.dues_amount) == (2, 1, 180_000)
    # The roll call page: the saved chair may not be marked absent.
    data = {f"m{pk}": "co_mat" for pk in ids.values()}
    data[f"m{ids['Nguyễn Văn Hùng']}"], data[f"r{ids['Nguyễn Văn Hùng']}"] = "vang_co_ly_do", "Ốm"
    body = client.post(reverse("meetings:attendance", args=[m.pk]), data).content.decode()
    assert "Chủ trì: Nguyễn Văn Hùng được điểm danh vắng có lý do; chủ trì phải là đảng viên có mặt" in body


def test_a_forged_row_count_on_the_minutes_is_refused_without_building_a_thousand_rows(
    client, cell, people, root_user
):
    """The task rows' count comes from the page: a forged ``nv-TOTAL_FORMS`` is refused in Vietnamese, nothing is
    saved, and the page shows at most the 20 rows a minutes holds (not the 1.020 forms Django would build)."""
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, ALL_PRESENT)
    client.force_login(people.cell_secretary)
    form = {"start_time": "14:00", "end_time": "15:45", "votes_for": "3", "nv-TOTAL_FORMS": "99999999",
            "nv-INITIAL_FORMS": "0", "nv-MIN_NUM_FORMS": "6", "nv-MAX_NUM_FORMS": "20"}  # fmt: skip
    response = client.post(reverse("meetings:minutes", args=[m.pk]), form)
    body = response.content.decode()
    assert response.status_code == 200 and "Chỉ gửi được tối đa 20 dòng." in body
    assert body.count('name="nv-') <= 3 * 20 + 4  # three fields a row and the management form
    m.refresh_from_db()
    assert m.votes_for is None and not m.tasks.exists()


# --- Rules as dated data ------------------------------------------------------------------------------------


def test_the_quality_criteria_are_those_in_force_on_the_meeting_date(cell, root_user, monkeypatch):
    from dangbo.meetings import rules

    assert rules.rules_on(D(2024, 3, 5)).source == "Hướng dẫn 12-HD/BTCTW, 06/7/2018"
    stricter = rules.MeetingQualityRules(source="Hướng dẫn giả định, 01/04/2024", valid_from=D(2024, 4, 1),
                                         min_attendance_percent=90.0, min_minutes=120)  # fmt: skip
    monkeypatch.setattr(rules, "RULE_SETS", [*rules.RULE_SETS, stricter])
    march = plan(root_user, cell, D(2024, 3, 5))
    march = complete_minutes(root_user, call(root_user, march, ALL_PRESENT), minutes=100)
    april = plan(root_user, cell, D(2024, 4, 5))
    april = complete_minutes(root_user, call(root_user, april, ALL_PRESENT), minutes=100)
    assert (
        by_code(march)["thoi_gian"].passed is True
        and by_code(march)["thoi_gian"].label == "Thời gian sinh hoạt từ 90 phút trở lên"
    )
    assert (
        by_code(april)["thoi_gian"].passed is False
        and by_code(april)["thoi_gian"].label == "Thời gian sinh hoạt từ 120 phút trở lên"
    )
    assert by_code(april)["ty_le"].label == "Tỷ lệ đảng viên dự họp trên 90%"
    assert (march.criteria_passed, april.criteria_passed) == (6, 5)


def test_the_removal_flag_counts_the_months_the_charter_says(cell, tree, people, root_user, monkeypatch):
    from dangbo.members import rules

    assert rules.removal_rules_on(D(2024, 12, 31)).absence_months == 3
    for month in (1, 2, 4):
        m = plan(root_user, cell, D(2024, month, 5))
        call(root_user, m, {**ALL_PRESENT, "Đỗ Văn Năm": "vang_khong_ly_do"})
    assert [n for _, _, n, _ in selectors.absentees(people.staff, 2024)] == [3]
    later = rules.RemovalRules(source="Điều lệ giả định, 2024", valid_from=D(2024, 6, 1), absence_months=4)
    monkeypatch.setattr(rules, "REMOVAL_RULE_SETS", [*rules.REMOVAL_RULE_SETS, later])
    assert selectors.absentees(people.staff, 2024) == []  # 2024 is judged by the set in force at its end


def test_the_calendar_month_links_stop_at_the_range_of_the_data(client, clock, cell, tree, people, root_user):
    """From the founding year of the earliest organization (or the earliest meeting) to 12 months ahead: walking
    the "next"/"previous" links ends; no link leads outside."""
    from dangbo.meetings.selectors import calendar_range
    from dangbo.organizations import services as org_services

    clock.set(D(2024, 6, 10))
    org_services.organization_update(
        actor=root_user, organization=tree.a1, data={"founding_date": D(2021, 9, 2)}
    )
    assert calendar_range(people.cell_secretary) == (D(2021, 1, 1), D(2025, 6, 1))
    client.force_login(people.cell_secretary)
    url, seen = reverse("meetings:calendar") + "?thang=06/2024", 0
    while url:
        page = client.get(url).content.decode()
        seen += 1
        found = re.search(r'href="(\?thang=\d\d/\d{4})" rel="nofollow">Tháng sau', page)
        url = reverse("meetings:calendar") + found[1] if found else None
    assert seen == 13 and "<h1>Sinh hoạt chi bộ tháng 06/2025</h1>" in page
    page = client.get(reverse("meetings:calendar"), {"thang": "01/2021"}).content.decode()
    assert "Tháng trước" not in page and "Tháng sau" in page
    assert client.get(reverse("meetings:calendar"), {"thang": "12/2020"}).status_code == 404
    # A meeting planned further ahead stays reachable.
    plan(root_user, cell, D(2025, 9, 5))
    assert calendar_range(people.cell_secretary)[1] == D(2025, 9, 1)
