"""The bloc's staff assign a dissemination task; a grassroots secretary sees the reminder on the home page and
files the report; the staff see it counted."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dangbo.core.dates import today
from dangbo.steering.models import Assignment

from .conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_files_a_task_report(page, tree, people):
    now = today()
    login(page, "staff")
    page.click("nav.mainnav >> text=Lãnh đạo, chỉ đạo")
    page.click("text=Giao nhiệm vụ")
    page.fill("#id_title", "Học tập, quán triệt Nghị quyết Đại hội")
    page.fill("#id_deadline", (now + dt.timedelta(days=5)).strftime("%d/%m/%Y"))
    page.check("input[name=report_kind][value=quan_triet]")
    page.check("input[name=mode][value=tat_ca_co_so]")
    page.click("button:has-text('Giao nhiệm vụ')")
    expect(page.locator(".messages")).to_contain_text("Đã giao nhiệm vụ cho 2 tổ chức")
    expect(page.locator(".headline")).to_contain_text("0/2 tổ chức đã học tập, quán triệt")
    page.click("form.inline >> button:has-text('Đăng xuất')")

    login(page, "secretary_a")
    reminder = page.locator("#nhac-viec li", has_text="Học tập, quán triệt Nghị quyết Đại hội")
    expect(reminder).to_contain_text(f"trước {(now + dt.timedelta(days=5)):%d/%m/%Y}")
    reminder.locator("a").click()
    page.fill("#id_session_date", now.strftime("%d/%m/%Y"))
    page.fill("#id_attended", "9")
    page.click("button:has-text('Gửi báo cáo')")
    expect(page.locator(".error").first).to_contain_text(
        "Số đảng viên tham dự: 9 nhiều hơn số đảng viên của tổ chức"
    )
    page.fill("#id_attended", "2")
    page.fill("#id_content", "Học tập tập trung tại hội trường cơ quan.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "bao-cao-nhiem-vu.png"), full_page=True)
    page.click("button:has-text('Gửi báo cáo')")
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo của Đảng bộ Sở Y tế")
    expect(page.locator("#tinh-trang")).to_contain_text("Đã báo cáo")
    a = Assignment.objects.get(organization=tree.a)
    assert (a.attended, a.member_total, a.reported_by.username) == (2, 3, "secretary_a")
    page.click("form.inline >> button:has-text('Đăng xuất')")

    login(page, "staff")
    page.goto(f"{page.base}{a.task.get_absolute_url()}")
    expect(page.locator(".headline")).to_contain_text("1/2 tổ chức đã học tập, quán triệt")
    expect(page.locator(".headline")).to_contain_text("66,7% đảng viên tham dự (2/3)")
    page.screenshot(path=str(ARTIFACTS / "nhiem-vu-tong-hop.png"), full_page=True)
