"""The annual evaluation in a real browser, one step per role: the member self-assesses on a 390 px phone, criterion
by criterion; the cell secretary proposes with the evidence and the quota counter in view; the grassroots committee
decides, and the campaign locks."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dangbo.evaluation import services
from dangbo.evaluation.models import Campaign, Rating

from .conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.click("form.inline >> button:has-text('Đăng xuất')")


def test_a_campaign_from_self_assessment_to_decision(browser, page, tree, people, clock):
    clock.set(dt.date(2026, 1, 5))
    ARTIFACTS.mkdir(exist_ok=True)
    login(page, "secretary_a")
    page.goto(f"{page.base}/danh-gia/to-chuc/{tree.a.pk}/")
    page.fill("#id_year", "2025")
    page.fill("#id_deadline", "20/01/2026")
    page.click("button:has-text('Mở đợt đánh giá')")
    expect(page.locator(".messages")).to_contain_text("Đã mở đợt đánh giá: 5 phiếu")
    c = Campaign.objects.get()
    logout(page)

    # The member, on a phone: the reminder, then the self-assessment by the frame's two parts (QĐ 366).
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    mobile = phone.new_page()
    mobile.base = page.base
    login(mobile, "member_user")
    mobile.locator("#nhac-viec li", has_text="Tự đánh giá, xếp loại").locator("a").click()
    expect(mobile.locator("h1")).to_contain_text("Nguyễn Văn Hùng")
    mobile.fill("#id_c0", "27")
    mobile.fill("#id_c1", "60")
    mobile.select_option("#id_level", "httnv")
    mobile.fill("#id_text", "Hoàn thành tốt các nhiệm vụ chuyên môn và nhiệm vụ chi bộ giao.")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    mobile.screenshot(path=str(ARTIFACTS / "danh-gia-tu-danh-gia-390.png"), full_page=True)
    mobile.click("button:has-text('Ghi tự đánh giá')")
    expect(mobile.locator(".messages")).to_contain_text("Đã ghi bản tự đánh giá")
    expect(mobile.locator("main")).to_contain_text("27 / 30 điểm")
    phone.close()

    # The cell secretary: their cell's share, the evidence, the quota counter; proposes both members.
    login(page, "cell_secretary")
    page.locator("#nhac-viec li", has_text="chờ đề xuất mức xếp loại").locator("a").click()
    expect(page.locator("#phieu-dang-vien")).to_contain_text("Trần Thị Lan")
    expect(page.locator("#phieu-dang-vien")).not_to_contain_text("Lê Văn An")
    page.click("text=Nguyễn Văn Hùng")
    expect(page.locator("main")).to_contain_text("Sinh hoạt chi bộ: phải dự")
    expect(page.locator("main")).to_contain_text("Chưa ghi nhận xét năm 2025 của chi bộ nơi cư trú")
    page.fill("#ct_residence_cell", "Chi bộ khối 5, phường Hưng Dũng")
    page.fill("#ct_comment", "Gương mẫu thực hiện nghĩa vụ công dân nơi cư trú.")
    page.click("button:has-text('Ghi nhận xét nơi cư trú')")
    expect(page.locator("main")).to_contain_text("Nhận xét của Chi bộ khối 5, phường Hưng Dũng")
    page.select_option("#dx_level", "htxsnv")
    page.fill("#dx_c0", "28")
    page.fill("#dx_c1", "64")
    page.screenshot(path=str(ARTIFACTS / "danh-gia-de-xuat.png"), full_page=True)
    page.click("button:has-text('Ghi đề xuất')")
    expect(page.locator(".messages")).to_contain_text("Đã ghi mức đề xuất")
    page.click("text=Trần Thị Lan")
    page.select_option("#dx_level", "httnv")
    page.fill("#dx_score", "80")
    page.click("button:has-text('Ghi đề xuất')")
    expect(page.locator(".messages")).to_contain_text("Đã ghi mức đề xuất")
    logout(page)

    # The grassroots committee: the rest of the proposals, then the decision over the quota is refused.
    for r in Rating.objects.filter(campaign=c, proposed_level=""):
        services.propose(actor=people.secretary_a, rating=r, level="httnv", score="75")
    login(page, "secretary_a")
    page.goto(f"{page.base}{c.get_absolute_url()}")
    page.click("text=Quyết định xếp loại")
    expect(page.locator(".form-errors")).to_contain_text("vượt quá 20% số HTTNV")
    page.goto(f"{page.base}{Rating.objects.get(campaign=c, member=people.m_a1).get_absolute_url()}")
    page.select_option("#dx_level", "httnv")
    page.fill("#dx_c0", "25")
    page.fill("#dx_c1", "60")
    page.click("button:has-text('Ghi đề xuất')")
    expect(page.locator(".messages")).to_contain_text("Đã ghi mức đề xuất")
    page.goto(f"{page.base}{c.get_absolute_url()}")
    page.click("text=Quyết định xếp loại")
    page.fill("#id_decision_no", "15-QĐ/ĐU")
    page.fill("#id_decision_date", "05/01/2026")
    page.click("button:has-text('Ghi quyết định và khóa đợt đánh giá')")
    expect(page.locator(".messages")).to_contain_text("đợt đánh giá đã khóa")
    expect(page.locator("main")).to_contain_text("Quyết định số 15-QĐ/ĐU ngày 05/01/2026")
    page.screenshot(path=str(ARTIFACTS / "danh-gia-da-quyet-dinh.png"), full_page=True)
    page.click("text=Nguyễn Văn Hùng")
    expect(page.locator("main")).to_contain_text("Đã quyết định: Hoàn thành tốt nhiệm vụ")
    expect(page.locator("button:has-text('Ghi đề xuất')")).to_have_count(0)
    c.refresh_from_db()
    assert c.locked and c.decision_no == "15-QĐ/ĐU"


def test_after_proposing_the_secretary_is_back_on_the_filtered_page(page, tree, people, clock):
    """From the campaign's list filtered by cell and stage, on a later page: the proposal leads back to the same
    filters and page, where the member proposed has left the «chưa đề xuất» list."""
    clock.set(dt.date(2026, 1, 5))
    c = services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )
    hung = Rating.objects.get(campaign=c, member=people.m_a1)
    login(page, "cell_secretary")
    page.goto(f"{page.base}{c.get_absolute_url()}")
    page.select_option("#id_tinh_trang", "chua_de_xuat")
    page.select_option("#id_chi_bo", str(tree.a1.pk))
    page.click("#loc button:has-text('Lọc')")
    expect(page.locator(".result-count")).to_contain_text("2 đảng viên phù hợp")
    # The page after Nguyễn Văn Hùng (the «Trang sau» of a longer list).
    listing = f"{page.url}&sau={hung.pk}"
    page.goto(listing)
    expect(page.locator("#phieu-dang-vien")).not_to_contain_text("Nguyễn Văn Hùng")
    page.click("#phieu-dang-vien >> text=Trần Thị Lan")
    page.select_option("#dx_level", "htnv")
    page.fill("#dx_score", "60")
    page.click("button:has-text('Ghi đề xuất')")
    expect(page.locator(".messages")).to_contain_text("Đã ghi mức đề xuất")
    assert page.url == listing
    expect(page.locator("#id_tinh_trang")).to_have_value("chua_de_xuat")
    expect(page.locator("#phieu-dang-vien")).to_contain_text("Không có phiếu nào phù hợp")
    assert Rating.objects.get(campaign=c, member=people.m_a1b).proposed_level == "htnv"
