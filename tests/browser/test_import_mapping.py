"""Importing a file exported by other software in a real browser: upload, map its columns (the required fields
marked, a wrong choice explained), dry run, then import the same file without choosing it again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangbo.audit.models import AuditEvent
from dangbo.members.models import Member

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = ("STT;Tên đầy đủ;Phái;Sinh năm;Mã CB;Số căn cước;Ghi chú riêng\n"
       "1;Phạm Thị Mai;Nữ;02/04/1985;SYT-1;040185009301;x\n"
       "2;Hoàng Văn Nam;Nam;03/05/1986;SYT-1;040186009302;\n").encode()  # fmt: skip


def test_upload_map_dry_run_and_commit(page, tree, people):
    login(page, "secretary_a")
    page.goto(f"{page.base}/cong-viec/nhap/dang_vien/")
    before = Member.objects.count()
    page.set_input_files(
        "#id_file", files=[{"name": "phan-mem-cu.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.click("button:has-text('Kiểm tra (chưa ghi)')")

    expect(page.locator("#mapping h2")).to_contain_text("Ghép cột của tệp «phan-mem-cu.csv»")
    expect(page.get_by_label("Số căn cước")).to_have_value("citizen_id")  # from the aliases
    expect(page.get_by_label("Tên đầy đủ").locator("option", has_text="Họ và tên (bắt buộc)")).to_have_count(
        1
    )
    page.get_by_label("Tên đầy đủ").select_option(label="Họ và tên (bắt buộc)")
    page.get_by_label("Sinh năm").select_option(label="Ngày sinh (bắt buộc)")
    page.get_by_label("Mã CB").select_option(label="Mã chi bộ")
    page.click("button:has-text('Ghép cột và kiểm tra')")
    expect(page.locator(".form-errors")).to_contain_text("Chưa ghép trường bắt buộc «Giới tính»")

    page.get_by_label("Phái").select_option(label="Giới tính (bắt buộc)")
    page.click("button:has-text('Ghép cột và kiểm tra')")
    expect(page.locator("section.card h2")).to_have_text("Kiểm tra xong: không có lỗi")
    expect(page.locator("section.card")).to_contain_text("2 đảng viên sẽ được thêm")
    assert Member.objects.count() == before

    page.click("button:has-text('Nhập tệp «phan-mem-cu.csv»')")
    expect(page.locator(".messages")).to_contain_text("Đã nhập 2 đảng viên")
    assert Member.objects.count() == before + 2
    made = Member.objects.get(citizen_id="040185009301")
    assert made.organization == tree.a1
    assert AuditEvent.objects.filter(object_id=str(made.pk), changes__source__isnull=False).exists()
