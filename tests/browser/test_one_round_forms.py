"""A form's problems in one round, as the user sees them: the summary at the top lists the form's and the
service's problems together, each under its field's label, and the page keeps what was typed."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import ARTIFACTS, login


def test_a_new_login_shows_every_problem_at_the_top(page, tree, people):
    login(page, "staff")
    page.goto(f"{page.base}/tai-khoan/nguoi-dung/them/")
    page.fill("#id_username", "Bí Thư")
    page.fill("#id_password", "123")
    page.select_option("#id_role", "dang_vien")
    # the picker's own <select> holds the offered organizations (picker.js makes it a search box)
    page.locator("#id_organization").evaluate("(s, pk) => { s.value = pk; }", str(tree.a2.pk))
    page.locator("#id_full_name").evaluate("e => e.removeAttribute('required')")
    page.click("form button[type=submit]")
    summary = page.locator("#loi-bieu-mau")
    expect(summary).to_contain_text("Họ và tên: không được để trống.")
    expect(summary).to_contain_text("Tên đăng nhập: 3–40 ký tự")
    expect(summary).to_contain_text("Hồ sơ đảng viên: vai trò «Đảng viên» cần gắn với hồ sơ")
    expect(summary).to_contain_text("Mật khẩu ban đầu: Mật khẩu quá ngắn")
    expect(page.locator("#id_username")).to_have_value("Bí Thư")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "one_round_user_create.png"), full_page=True)
