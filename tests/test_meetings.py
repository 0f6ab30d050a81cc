"""Cell meetings: the roll and its exclusions, every quality criterion, bad input, grades, the committee's grid
and the 3-month absence signal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.audit.models import AuditEvent
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.meetings import quality, selectors, services
from dangbo.meetings.models import Attendance, GradeLevel, Meeting
from dangbo.meetings.roll import roll
from dangbo.members import lifecycle

from .conftest import decided

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
    return services.meeting_plan(actor=actor, organization=org, data={"kind": kind, "planned_at": at(day), **extra})


def call(actor, m, presences: dict[str, str], reasons=None):
    names = {e.member.full_name: e.member.pk for e in roll(m.organization, m.planned_at.date())}
    rows = {names[n]: (p, (reasons or {}).get(n, "bận công tác" if p == "vang_co_ly_do" else "")) for n, p in presences.items()}
    return services.attendance_record(actor=actor, meeting=m, rows=rows)


ALL_PRESENT = {"Nguyễn Văn Hùng": "co_mat", "Trần Thị Lan": "co_mat", "Phạm Thị Bốn": "co_mat", "Đỗ Văn Năm": "co_mat"}


def complete_minutes(actor, m, minutes=120):
    members = [e.member for e in roll(m.organization, m.planned_at.date())]
    return services.minutes_save(actor=actor, meeting=m, data={
        "started_at": m.planned_at, "ended_at": m.planned_at + dt.timedelta(minutes=minutes), "chair": members[0],
        "minutes_secretary": members[1], "committee_prepared": True, "draft_resolution": True, "dues_collected": True,
        "dues_amount": 250_000, "last_month_results": "Hoàn thành", "news_guidance": "Chỉ thị 03", "study_follow": "Chuyên đề năm",
        "resolution": "Thống nhất", "votes_for": 4, "votes_against": 0, "votes_abstain": 0,
    }, tasks=[{"content": "Chuẩn bị báo cáo quý", "member": members[0], "due_date": D(2024, 4, 10)}])  # fmt: skip


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
    assert c["bien_ban"].passed is False and "Nghị quyết" in c["bien_ban"].detail and "Nhiệm vụ" in c["bien_ban"].detail


def test_exempted_and_temporarily_away_members_are_outside_the_base_and_attached_ones_inside(cell, tree, people, root_user):
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
    assert any("được miễn công tác và sinh hoạt đảng hoặc đang sinh hoạt tạm thời nơi khác" in v for v in e.value.field_errors.values())
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
    assert "Đặng Thị Hoa: không sinh hoạt tại «Chi bộ Văn phòng» vào ngày 05/03/2024" in e.value.field_errors[f"m{outsider.pk}"]
    with pytest.raises(ApplicationError) as e:
        services.minutes_save(actor=root_user, meeting=m, data={"started_at": at(D(2024, 3, 5), 16),
                                                                "ended_at": at(D(2024, 3, 5), 14)})  # fmt: skip
    assert e.value.field_errors["ended_at"] == "Kết thúc: phải sau giờ bắt đầu."
    with pytest.raises(ApplicationError) as e:
        plan(root_user, cell, D(2024, 4, 5), kind="chuyen_de")
    assert "phải ghi chuyên đề" in e.value.field_errors["topic"]
    assert (Meeting.objects.count(), Attendance.objects.count(), AuditEvent.objects.count()) == before
    # A cell that did not exist yet, or had ended.
    from dangbo.organizations import restructure

    cell.founding_date = D(2020, 1, 1)
    cell.save()
    with pytest.raises(ApplicationError) as e:
        plan(root_user, cell, D(2019, 5, 5))
    assert "thành lập ngày 01/01/2020" in e.value.field_errors["planned_at"]
    empty = tree.a2
    for mem in empty.members.all():
        lifecycle.event_record(actor=root_user, member=mem, kind="chuyen_noi_bo", date=D(2024, 6, 1), organization=cell,
                               **decided("chuyen_noi_bo", D(2024, 6, 1)))  # fmt: skip
    restructure.organization_dissolve(actor=root_user, organization=empty, date=D(2024, 7, 1), decision_no="1-QĐ")
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
    rows, months = selectors.grid(people.staff, tree.bloc, 2024)
    syt = next(r for r in rows if r.org == tree.a)
    assert syt.cells == 2 and syt.months[0]["counts"]["hop"] == 1 and syt.months[2]["counts"]["khong_hop"] == 2
    assert syt.months[4]["counts"]["chua_nhap"] == 1 and syt.weak
    rows, _ = selectors.grid(people.staff, tree.a, 2024)
    a1 = next(r for r in rows if r.org == cell)
    assert a1.months[0]["status"] == "hop" and round(a1.months[0]["rate"]) == 75
    absent = selectors.absentees(people.staff, 2024)
    assert [(name, n) for _, name, n, _ in absent] == [("Đỗ Văn Năm", 3)]
    assert selectors.absentees(people.secretary_b, 2024) == []  # out of scope
    from dangbo.members.selectors_history import alerts

    assert any("Đỗ Văn Năm: vắng sinh hoạt không lý do 3 tháng" in a.text for a in alerts(people.secretary_a, on=D(2024, 6, 1)))


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
    from dangbo.organizations import restructure
    from dangbo.organizations import services as org_services

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
    page = client.get(reverse("meetings:overview"), {"to_chuc": people.staff.roles.get().organization_id, "nam": 2013})
    body = page.content.decode()
    assert page.context["year"] == 2013 and "năm 2013" in body and "2.013" not in body
    assert "<option selected>2013</option>" in body


def test_bad_query_parameters_give_the_normal_pages(client, cell, tree, people):
    """Months and years out of range, ids that are not numbers or do not fit an integer: never a 500."""
    client.force_login(people.staff)
    this_month = f"Sinh hoạt chi bộ tháng {today():%m/%Y}"
    for thang in ("01/0001", "12/9999", "13/2024", "00/2024", "abc", "03/2024x", " "):
        r = client.get(reverse("meetings:calendar"), {"thang": thang})
        assert r.status_code == 200 and this_month in r.content.decode(), thang
    page = client.get(reverse("meetings:calendar"), {"thang": " 03/2024 "}).content.decode()
    assert "<h1>Sinh hoạt chi bộ tháng 03/2024</h1>" in page and "?thang=02/2024" in page and "?thang=04/2024" in page
    huge = "9" * 25
    for bad in ("abc", "1.5", huge, "²"):
        r = client.get(reverse("meetings:plan"), {"to_chuc": bad})
        assert r.status_code == 200 and r.context["chosen"] is None, bad
        assert "Lập kế hoạch sinh hoạt" in r.content.decode() and "Chi bộ Văn phòng (Đảng bộ Sở Y tế)" in r.content.decode()
        r = client.post(reverse("meetings:plan") + f"?to_chuc={bad}", {"organization": bad, "kind": "thuong_ky",
                                                                        "planned_at": "05/03/2024 14:00"})  # fmt: skip
        assert r.status_code == 200 and r.context["chosen"] is None and not Meeting.objects.exists(), bad
    this_year = today().year
    for params in ({"to_chuc": "abc"}, {"to_chuc": huge, "nam": huge}, {"nam": "abc"}, {"to_chuc": "²", "nam": "²"}):
        r = client.get(reverse("meetings:overview"), params)
        body = r.content.decode()
        assert r.status_code == 200 and r.context["root"] == tree.bloc and r.context["year"] == this_year, params
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
    m = services.meeting_update_plan(actor=root_user, meeting=m, data={"planned_at": at(D(2024, 3, 5)), "place": "Hội trường"})
    assert m.place == "Hội trường" and m.planned_at == at(D(2024, 3, 5)) and m.state == "da_hop"
    # Through the page: the error is on the field.
    client.force_login(people.cell_secretary)
    r = client.post(reverse("meetings:edit", args=[m.pk]), {"kind": "thuong_ky", "planned_at": "12/03/2024 14:00"})
    assert r.status_code == 200 and "Thời gian: buổi sinh hoạt đã họp, không đổi được thời gian." in r.content.decode()
    # A cancelled meeting does not move either; a planned one does.
    cancelled = services.meeting_cancel(actor=root_user, meeting=plan(root_user, cell, D(2024, 4, 5)))
    with pytest.raises(ApplicationError) as e:
        services.meeting_update_plan(actor=root_user, meeting=cancelled, data={"planned_at": at(D(2024, 4, 9))})
    assert e.value.field_errors["planned_at"] == "Thời gian: buổi sinh hoạt đã hủy, không đổi được thời gian."
    planned = plan(root_user, cell, D(2024, 5, 5))
    planned = services.meeting_update_plan(actor=root_user, meeting=planned, data={"planned_at": at(D(2024, 5, 9))})
    assert planned.planned_at == at(D(2024, 5, 9))


def test_the_plan_page_lists_the_cells_in_a_fixed_number_of_queries(client, tree, people, root_user, django_assert_max_num_queries):
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
    from dangbo.organizations import restructure
    from dangbo.organizations import services as org_services

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
    assert {e.member.full_name: e.category for e in roll(other, D(2024, 7, 5))} == {"Lê Văn An": "base", "Đặng Thị Hoa": "tam_den"}


def test_minutes_docx_prints_the_names_of_the_meeting_date(client, cell, tree, people, root_user):
    import io

    import docx

    from dangbo.organizations import restructure
    from dangbo.organizations import services as org_services

    m = plan(root_user, cell, D(2024, 3, 5))
    restructure.organization_rename(actor=root_user, organization=cell, name="Chi bộ Văn phòng Sở", date=D(2024, 5, 1))
    restructure.organization_rename(actor=root_user, organization=tree.a, name="Đảng bộ Sở Y tế tỉnh", date=D(2024, 6, 1))
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
