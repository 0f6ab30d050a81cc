"""Exports of lists (core.exports): each list's file holds exactly the rows its page shows for the same filters
(all pages), in the actor's scope, with who exported it and when under the table and an audit event; a long list
runs as a background job; a member downloads their own record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core.registries import EXPORT_LISTS
from tests.sheets import all_text, table_rows

pytestmark = pytest.mark.django_db


def _export(client, name, params=None):
    response = client.get(reverse("jobs:export", args=[name]), params or {})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def _column(content, title) -> list:
    headers, rows = table_rows(content)
    i = headers.index(title)
    return [row[i] for row in rows]


def test_every_list_page_has_an_export():
    assert set(EXPORT_LISTS.keys()) >= {
        "dang_vien",
        "to_chuc",
        "sinh_hoat",
        "van_ban",
        "nhiem_vu",
        "chuong_trinh_ho_tro",
    }


@pytest.mark.parametrize(
    "params", [{}, {"gender": "nu"}, {"q": "nguyen"}, {"status": "tat_ca", "organization": "A1"}]
)
def test_members_export_equals_the_filtered_page(client, tree, people, params):
    params = {k: (tree.a1.pk if v == "A1" else v) for k, v in params.items()}
    client.force_login(people.staff)
    page = client.get(reverse("members:list"), params)
    shown = [m.full_name for m in page.context["page"].rows]
    assert shown and f'href="{reverse("jobs:export", args=["dang_vien"])}' in page.content.decode()
    assert _column(_export(client, "dang_vien", params), "Họ và tên") == shown


def test_documents_and_tasks_exports_equal_their_pages(client, tree, people, seat, history_of_a):
    from tests.factories import DocumentFactory

    DocumentFactory(register=tree.a, number=8, summary="Kế hoạch khác", issued_date=dt.date(2023, 5, 1))
    client.force_login(people.staff)
    for params in ({}, {"q": "nghi quyet"}, {"nam": "2023"}, {"nam": "x"}):
        page = client.get(reverse("steering:documents"), params)
        shown = [d.symbol for d in page.context["page"].object_list]
        assert _column(_export(client, "van_ban", params), "Số, ký hiệu") == shown, params
    for params in ({}, {"nam": "1999"}):
        page = client.get(reverse("steering:tasks"), params)
        shown = [t.title for t in page.context["held"]]
        assert _column(_export(client, "nhiem_vu", params), "Nhiệm vụ") == shown, params


def test_organizations_meetings_and_programmes_exports_equal_their_pages(
    client, tree, people, seat, history_of_a
):
    from dangbo.organizations.models import Organization

    client.force_login(people.staff)
    codes = _column(_export(client, "to_chuc"), "Mã tổ chức")
    # Tree order: each organization right before its subtree, siblings in the order of their paths compared as text
    # (as the export's page reads them) — "1.2.10." before "1.2.9.", so not always the order they were made in.
    paths = dict(Organization.objects.values_list("code", "path"))
    assert codes == sorted(["KCQ", "SYT", "SYT-1", "SYT-2", "STP"], key=paths.__getitem__)
    i = codes.index("SYT")
    assert codes[0] == "KCQ" and set(codes[i + 1 : i + 3]) == {"SYT-1", "SYT-2"}  # SYT's cells right under it
    page = client.get(reverse("meetings:calendar"), {"thang": "03/2024"})
    assert (
        len(_column(_export(client, "sinh_hoat", {"thang": "03/2024"}), "Chi bộ"))
        == len(page.context["meetings"])
        == 1
    )
    page = client.get(reverse("steering:programmes"))
    assert _column(_export(client, "chuong_trinh_ho_tro"), "Tên chương trình") == [
        p.name for p, _ in page.context["rows"]
    ]


def test_an_export_says_who_and_when_and_is_audited(client, tree, people, clock):
    clock.set(dt.datetime(2025, 6, 2, 9, 30))
    client.force_login(people.secretary_a)
    content = _export(client, "dang_vien", {"gender": "nu"})
    text = all_text(content)
    assert "Người xuất: secretary_a; thời điểm xuất: 09:30 ngày 02/06/2025." in text
    assert "ĐẢNG BỘ SỞ Y TẾ" in text and "Lọc theo Giới tính: Nữ" in text
    event = AuditEvent.objects.filter(event="jobs.list.export").get()
    assert event.actor == people.secretary_a and event.scope_path == tree.a.path
    assert "Danh sách đảng viên: 1 dòng" in event.changes["export"]["after"]


def test_exports_stay_in_the_scope(client, tree, people, seat, history_of_a):
    client.force_login(people.secretary_b)
    names = _column(
        _export(client, "dang_vien", {"organization": tree.a.pk, "status": "tat_ca"}), "Họ và tên"
    )
    assert names == []  # A's subtree is not the secretary's: the filter refuses it, nothing of A
    assert _column(_export(client, "dang_vien", {"status": "tat_ca"}), "Họ và tên") == ["Đặng Thị Hoa"]
    assert _column(_export(client, "to_chuc"), "Mã tổ chức") == ["STP"]
    client.force_login(people.nobody)
    assert client.get(reverse("jobs:export", args=["dang_vien"])).status_code == 404
    assert client.get(reverse("jobs:export", args=["khong_co"])).status_code == 404


def test_a_long_list_is_exported_in_the_background(client, tree, people, settings, tmp_path, monkeypatch):
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job

    monkeypatch.setattr(runner.Progress, "_write_apart", lambda self: 1)
    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"
    settings.DANGBO_EXPORT_SYNC_ROWS = 1
    client.force_login(people.staff)
    response = client.get(reverse("jobs:export", args=["dang_vien"]), {"gender": "nam"})
    job = Job.objects.get(kind="xuat_danh_sach")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert runner.execute(job.pk) == "xong"
    job.refresh_from_db()
    assert job.message == "Đã xuất 2 dòng."
    content = client.get(reverse("jobs:file", args=[job.pk])).getvalue()
    assert _column(content, "Họ và tên") == [
        "Lê Văn An",
        "Nguyễn Văn Hùng",
    ]  # the page's order: by given name
    assert AuditEvent.objects.filter(event="jobs.list.export", actor=people.staff).count() == 1


def test_a_member_downloads_their_own_record(client, tree, people, seat):
    client.force_login(people.member_user)
    page = client.get(reverse("members:detail", args=[people.m_a1.pk])).content.decode()
    assert "Tải hồ sơ của tôi" in page
    response = client.get(reverse("members:own_record"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    text = all_text(response.content)
    assert "Nguyễn Văn Hùng" in text and people.m_a1.citizen_id in text and "Bí thư" in text
    assert "Người xuất: member_user" in text
    event = AuditEvent.objects.filter(event="members.record.export_own").get()
    assert event.actor == people.member_user and event.object_id == str(people.m_a1.pk)
    client.force_login(people.staff)  # no record of their own
    assert client.get(reverse("members:own_record")).status_code == 404
    assert (
        "Tải hồ sơ của tôi"
        not in client.get(reverse("members:detail", args=[people.m_a1.pk])).content.decode()
    )


def test_the_organization_export_imports_back_changing_nothing(client, tree, people):
    """Round trip: the exported tree read by the organization import finds every organization already there."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangbo.core import imports
    from dangbo.organizations.imports import ORGANIZATIONS
    from dangbo.organizations.models import Organization

    client.force_login(people.staff)
    content = _export(client, "to_chuc")
    before, audited = Organization.objects.count(), AuditEvent.objects.count()
    sheet = imports.read_upload(ORGANIZATIONS, SimpleUploadedFile("to-chuc.xlsx", content))
    result = imports.run(ORGANIZATIONS, actor=people.staff, sheet=sheet, commit=True)
    assert result.ok and result.created == 0 and len(result.existing) == 5, result.errors
    assert Organization.objects.count() == before and AuditEvent.objects.count() == audited
