"""A cell secretary takes a candidate through admission in a real browser, with the deadlines shown."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dangbo.core.dates import today
from dangbo.members.models import Member

from .conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fmt(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def test_cell_secretary_walks_an_admission(page, tree, people):
    login(page, "cell_secretary")
    page.click("nav.mainnav >> text=Kết nạp")
    page.click("text=Thêm người xin vào Đảng")
    page.fill("#id_full_name", "Phan Thị Ngọc Ánh")
    page.select_option("#id_gender", "nu")
    page.fill("#id_birth_date", "14/08/1999")
    page.click("button:has-text('Lưu')")
    expect(page.locator("h1")).to_have_text("Phan Thị Ngọc Ánh")
    expect(page.locator("ul.problems")).to_contain_text("chưa học lớp bồi dưỡng nhận thức về Đảng")

    decision = today() - dt.timedelta(days=400)
    page.select_option("#id_mentor", str(people.m_a1.pk))
    page.fill("#id_course_date", fmt(decision - dt.timedelta(days=200)))
    page.fill("#id_application_date", fmt(decision - dt.timedelta(days=150)))
    page.fill("#id_cv_verified_date", fmt(decision - dt.timedelta(days=60)))
    page.select_option("#id_introducer_1", str(people.m_a1.pk))
    page.fill("#id_introducer_1_since", fmt(decision - dt.timedelta(days=900)))
    page.select_option("#id_introducer_2", str(people.m_a1b.pk))
    # Too recent: about 3 months before the cell's vote, fewer than 12 (and not after the vote: that is refused).
    page.fill("#id_introducer_2_since", fmt(decision - dt.timedelta(days=130)))
    page.fill("#id_cell_resolution_date", fmt(decision - dt.timedelta(days=30)))
    # An impossible vote (more in favour than the cell's official members) is refused beside its field.
    page.fill("#id_votes_for", "50")
    page.fill("#id_official_members", "43")
    page.fill("#id_grassroots_resolution_date", fmt(decision - dt.timedelta(days=10)))
    page.click("button:has-text('Lưu hồ sơ')")
    expect(page.locator(".field.has-error")).to_contain_text(
        "Số đảng viên chính thức tán thành: 50 lớn hơn tổng số đảng viên chính thức (43)."
    )
    expect(page.locator("ol.steps li.done")).to_have_count(
        1
    )  # the person's standards only: nothing was saved
    page.fill("#id_votes_for", "2")
    page.fill("#id_official_members", "3")
    page.click("button:has-text('Lưu hồ sơ')")
    expect(page.locator("ul.problems")).to_contain_text(
        "Người giới thiệu thứ hai: mới biết người xin vào Đảng"
    )
    # The checklist reads the same evaluation: the introducers' step is not ticked while their condition fails.
    expect(page.locator("ol.steps li", has_text="Hai đảng viên chính thức giới thiệu")).not_to_have_class(
        "done"
    )
    expect(page.locator("ol.steps li", has_text="Chi bộ xét, biểu quyết")).to_have_class("done")
    page.fill("#id_introducer_2_since", fmt(decision - dt.timedelta(days=900)))
    page.click("button:has-text('Lưu hồ sơ')")
    expect(page.locator("button:has-text('Ghi quyết định kết nạp')")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ket-nap-ho-so.png"), full_page=True)

    expect(page.locator("ol.steps li", has_text="Hai đảng viên chính thức giới thiệu")).to_have_class("done")
    page.fill("#id_decision_no", "312-QĐ/ĐU")
    page.fill("#id_decision_date", fmt(decision))
    page.select_option("#id_decision_level", "chi_bo")  # a cell does not admit: refused, nothing recorded
    page.fill("#id_decision_issuer", "Chi bộ Văn phòng")
    page.click("button:has-text('Ghi quyết định kết nạp')")
    expect(page.locator(".messages")).to_contain_text(
        "Cấp ra quyết định: chi bộ không có thẩm quyền «kết nạp vào Đảng»"
    )
    assert not Member.objects.filter(full_name="Phan Thị Ngọc Ánh").exists()
    page.fill("#id_decision_no", "312-QĐ/ĐU")
    page.fill("#id_decision_date", fmt(decision))
    page.select_option("#id_decision_level", "cap_tren_co_so")
    page.fill("#id_decision_issuer", "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh")
    page.click("button:has-text('Ghi quyết định kết nạp')")
    expect(page.locator("h1")).to_have_text("Phan Thị Ngọc Ánh")
    expect(page.locator("#du-bi")).to_contain_text("Quá hạn tổ chức lễ kết nạp")

    ceremony = decision + dt.timedelta(days=14)
    page.fill("#du-bi #id_date", fmt(ceremony))
    page.click("button:has-text('Ghi lễ kết nạp')")
    expect(page.locator("#du-bi")).to_contain_text("Đến hạn xét công nhận chính thức")
    end = ceremony.replace(year=ceremony.year + 1)
    expect(page.locator("#du-bi")).to_contain_text(fmt(end))
    page.screenshot(path=str(ARTIFACTS / "ket-nap-du-bi.png"), full_page=True)

    page.fill("#du-bi #id_decision_no", "401-QĐ/ĐU")
    page.fill("#du-bi #id_decision_date", fmt(today()))
    page.select_option("#du-bi #id_decision_level", "cap_tren_co_so")
    page.fill("#du-bi #id_decision_issuer", "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh")
    page.click("button:has-text('Công nhận đảng viên chính thức')")
    expect(page.locator(".messages")).to_contain_text("Đã công nhận đảng viên chính thức")
    expect(page.locator("#qua-trinh")).to_contain_text("Công nhận đảng viên chính thức")
    member = Member.objects.get(full_name="Phan Thị Ngọc Ánh")
    assert member.status == "chinh_thuc" and member.official_date == end and member.joined_date == ceremony
