"""Main journeys in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dangbo.audit.selectors import history_for

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grassroots_secretary_finds_and_edits_a_member(page, tree, people):
    login(page, "secretary_a")
    expect(page.locator("main")).to_contain_text("Đảng bộ Sở Y tế")
    expect(page.locator("main")).not_to_contain_text("Sở Tư pháp")

    # The tree: open the organization and see its cells with member counts (loaded by htmx).
    page.click("text=Tổ chức đảng")
    page.locator("summary", has_text="Đảng bộ Sở Y tế").locator("xpath=..").locator("summary").click(
        position={"x": 2, "y": 8}
    )
    expect(page.locator(".kids")).to_contain_text("Chi bộ Văn phòng")
    expect(page.locator(".kids .node", has_text="Chi bộ Văn phòng").locator(".count")).to_have_text("2")

    # Search without accents; results update in place.
    page.click("nav.mainnav >> text=Đảng viên")
    page.fill("#id_q", "nguyen van hung")
    expect(page.locator("table.members tbody tr")).to_have_count(1)
    expect(page.locator("table.members")).to_contain_text("Nguyễn Văn Hùng")
    expect(page).to_have_url(re.compile(r"q=nguyen(\+|%20)van(\+|%20)hung"))

    page.click("text=Nguyễn Văn Hùng")
    page.click("text=Sửa hồ sơ")
    page.fill("#id_occupation", "Chuyên viên Phòng Tổ chức")
    page.fill("#id_official_date", "31/02/2006")
    page.click("text=Lưu hồ sơ")
    expect(page.locator(".form-errors")).to_contain_text("Ngày chính thức: ngày không hợp lệ")
    page.fill("#id_official_date", "02/03/2006")
    page.click("text=Lưu hồ sơ")
    expect(page.locator(".messages")).to_contain_text("Đã lưu hồ sơ đảng viên.")
    expect(page.locator("section", has_text="Lịch sử thay đổi")).to_contain_text("Chuyên viên Phòng Tổ chức")
    assert history_for(people.m_a1).filter(action="update", actor=people.secretary_a).count() == 1

    # A member of the sibling organization is "not found", the same as a missing one.
    page.goto(f"{page.base}/dang-vien/{people.m_b.pk}/")
    expect(page.locator("h1")).to_have_text("Không tìm thấy trang")


def test_cell_secretary_adds_a_member_and_sees_field_errors(page, tree, people):
    login(page, "cell_secretary")
    page.goto(f"{page.base}/dang-vien/them/")
    page.fill("#id_full_name", "Lữ Thị Hằng")
    page.select_option("#id_gender", "nu")
    page.fill("#id_birth_date", "12/04/2010")
    page.select_option("#id_ethnicity", "Thái")
    page.fill("#id_joined_date", "03/02/2024")
    page.fill("#id_citizen_id", "04019000")
    page.click("text=Lưu hồ sơ")
    errors = page.locator(".form-errors")
    expect(errors).to_contain_text("Ngày vào Đảng: khi đó đảng viên mới 13 tuổi, chưa đủ 18 tuổi.")
    expect(errors).to_contain_text("Số CCCD: phải gồm đúng 12 chữ số.")
    page.fill("#id_birth_date", "12/04/1990")
    page.fill("#id_citizen_id", "040190001234")
    page.click("text=Lưu hồ sơ")
    expect(page.locator("h1")).to_have_text("Lữ Thị Hằng")
    expect(page.locator("main")).to_contain_text("12/04/1990")


def test_phone_layout_has_a_menu(page, tree, people):
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, "staff")
    expect(page.locator("nav.mainnav")).to_be_hidden()
    page.click(".nav-toggle-label")
    page.click("nav.mainnav >> text=Đảng viên")
    expect(page.locator("h1")).to_have_text("Đảng viên")
    # No horizontal scrolling of the page itself on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
