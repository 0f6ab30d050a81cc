"""A cell secretary plans, records and closes a meeting on a phone-sized screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangbo.meetings.models import Meeting

from .conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cell_secretary_records_a_meeting(page, tree, people, make_member):
    make_member(tree.a1, "Phạm Thị Bốn", gender="nu")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "cell_secretary")
    page.click("label.nav-toggle-label")
    page.click("nav.mainnav >> text=Sinh hoạt chi bộ")
    page.click("text=Lập kế hoạch sinh hoạt")
    page.fill("#id_planned_at", "05/03/2024 14:00")
    page.fill("#id_place", "Phòng họp tầng 2")
    page.click("button:has-text('Lưu kế hoạch')")
    expect(page.locator("h1")).to_contain_text("Sinh hoạt thường kỳ tháng 03/2024")

    page.click("text=Điểm danh")
    row = page.locator(".roll-row", has_text="Phạm Thị Bốn")
    row.locator("label.pill", has_text="Vắng có lý do").click()
    page.click("button:has-text('Lưu điểm danh')")
    expect(page.locator(".form-errors, .error").first).to_contain_text("vắng có lý do thì ghi lý do")
    page.locator(".roll-row", has_text="Phạm Thị Bốn").locator(".reason input").fill("Đi công tác")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "diem-danh-dien-thoai.png"), full_page=True)
    page.click("button:has-text('Lưu điểm danh')")
    expect(page.locator(".messages")).to_contain_text("Đã điểm danh: 2/3 đảng viên có mặt")

    page.click("a.btn:has-text('Biên bản')")
    # An impossible record first: the chair was marked absent, 3 votes with 2 present, the end before the start.
    page.fill("#id_start_time", "14:00")
    page.fill("#id_end_time", "13:30")
    page.select_option("#id_chair", label="Phạm Thị Bốn")
    page.fill("#id_votes_for", "3")
    page.click("button:has-text('Lưu biên bản')")
    errors = page.locator(".form-errors")
    expect(errors).to_contain_text(
        "Chủ trì: Phạm Thị Bốn được điểm danh vắng có lý do; chủ trì phải là đảng viên có mặt."
    )
    expect(errors).to_contain_text("Số tán thành: tổng số biểu quyết (3) nhiều hơn số đảng viên có mặt (2).")
    expect(errors).to_contain_text("Kết thúc lúc: phải sau giờ bắt đầu.")
    page.screenshot(path=str(ARTIFACTS / "bien-ban-khong-hop-le.png"), full_page=True)
    assert Meeting.objects.get().chair_id is None  # nothing saved
    page.fill("#id_end_time", "15:45")
    page.select_option("#id_chair", label="Nguyễn Văn Hùng")
    page.select_option("#id_minutes_secretary", label="Trần Thị Lan")
    page.check("#id_committee_prepared")
    page.check("#id_draft_resolution")
    page.check("#id_dues_collected")
    page.fill("#id_dues_amount", "180000")
    page.fill("#id_last_month_results", "Hoàn thành kế hoạch tháng 2.")
    page.fill("#id_news_guidance", "Quán triệt Chỉ thị 03-CT/TW.")
    page.fill("#id_study_follow", "Chuyên đề năm 2024.")
    page.fill("#id_resolution", "Chi bộ thống nhất nhiệm vụ tháng 3.")
    page.fill("#id_votes_for", "2")
    page.fill("#id_nv-0-content", "Báo cáo kết quả quý I")
    page.select_option("#id_nv-0-member", label="Nguyễn Văn Hùng")
    page.click("button:has-text('Lưu biên bản')")
    expect(page.locator(".messages")).to_contain_text("Đã lưu biên bản")
    expect(page.locator("ul.criteria")).to_contain_text("Thời gian sinh hoạt từ 90 phút trở lên")
    expect(page.locator("ul.criteria li.warn")).to_contain_text("Tỷ lệ đảng viên dự họp trên 85%")
    page.screenshot(path=str(ARTIFACTS / "sinh-hoat-chi-tiet.png"), full_page=True)
    m = Meeting.objects.get()
    assert (m.present_count, m.base_count, m.duration_minutes, m.criteria_passed) == (2, 3, 105, 5)

    # The roll call cannot make the saved minutes impossible: the chair may not be marked absent afterwards.
    page.click("text=Điểm danh")
    row = page.locator(".roll-row", has_text="Nguyễn Văn Hùng")
    row.locator("label.pill", has_text="Vắng có lý do").click()
    row.locator(".reason input").fill("Ốm")
    page.click("button:has-text('Lưu điểm danh')")
    expect(page.locator(".form-errors")).to_contain_text(
        "Chủ trì: Nguyễn Văn Hùng được điểm danh vắng có lý do; chủ trì phải là đảng viên có mặt"
    )
    m.refresh_from_db()
    assert (m.present_count, m.chair.full_name) == (2, "Nguyễn Văn Hùng")
