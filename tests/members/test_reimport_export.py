"""The member list «để nhập lại»: the member import's columns with the citizen ID, for those who may edit the
members only, recorded; exported then imported again, the dry run finds nothing to change. The ordinary export
keeps carrying no personal data."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.audit.models import AuditEvent
from dangbo.members.models import Member

REIMPORT = "dang_vien_nhap_lai"


def _cells(content: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _export(client, name, params=None):
    return client.get(reverse("jobs:export", args=[name]), params or {})


def test_export_then_import_again_changes_nothing(client, tree, people, make_member):
    make_member(
        tree.a1, "Ngô Văn Chưa", citizen_id=None
    )  # no citizen ID: it would be added again, so left out
    client.force_login(people.secretary_a)
    response = _export(client, REIMPORT)
    assert response.status_code == 200
    rows = _cells(response.content)
    text = "\n".join(str(c) for row in rows for c in row if c is not None)
    mine = Member.objects.filter(org_path__startswith=tree.a.path).exclude(citizen_id=None)
    assert mine.count() == 3
    for m in mine:
        assert m.citizen_id in text  # as text: the leading zero kept
    assert people.m_b.citizen_id not in text and "Ngô Văn Chưa" not in text
    assert "Số CCCD" in text and "Mã chi bộ" in text and "SYT-1" in text

    # The same file through the member import page: the dry run finds every member already there.
    upload = SimpleUploadedFile("danh-sach-dang-vien-de-nhap-lai.xlsx", response.content)
    before = Member.objects.count()
    page = client.post(reverse("members:import"), {"file": upload})
    assert page.status_code == 200
    result = page.context["result"]
    assert result is not None and result.errors == [] and not result.committed
    assert (result.created, len(result.existing)) == (0, 3)
    assert "3 dòng: 0 đảng viên sẽ được thêm, 3 dòng đã có, bỏ qua." in page.content.decode()
    assert Member.objects.count() == before

    # Recorded as an export of personal data: who, how many, never a value.
    event = AuditEvent.objects.get(event="members.personal_data.export")
    assert event.actor == people.secretary_a
    assert event.changes["export"]["after"].startswith("3 đảng viên, gồm Số CCCD")
    assert not any(m.citizen_id in str(event.changes) for m in mine)


def test_only_for_those_who_may_edit_the_members(client, tree, people):
    client.force_login(people.member_user)  # a member: sees the list, edits nobody
    assert _export(client, REIMPORT).status_code == 404
    assert "Xuất để nhập lại" not in client.get(reverse("members:list")).content.decode()
    client.force_login(people.cell_secretary)
    assert "Xuất để nhập lại" in client.get(reverse("members:list")).content.decode()
    rows = _cells(_export(client, REIMPORT).content)
    text = "\n".join(str(c) for row in rows for c in row if c is not None)
    assert people.m_a1.citizen_id in text and people.m_a2.citizen_id not in text  # their cell only


def test_the_ordinary_export_has_no_personal_data(client, tree, people):
    client.force_login(people.secretary_a)
    response = _export(client, "dang_vien")
    assert response.status_code == 200
    text = "\n".join(str(c) for row in _cells(response.content) for c in row if c is not None)
    assert people.m_a1.full_name in text
    assert people.m_a1.citizen_id not in text and "Số CCCD" not in text
    assert not AuditEvent.objects.filter(event="members.personal_data.export").exists()


@pytest.mark.django_db(transaction=True)
def test_a_long_list_to_import_again_is_exported_by_the_background_job(
    client, tree, people, settings, tmp_path
):
    """The job runs outside any request's transaction (a worker): the export and its record of personal data are
    written there too (the record once failed outside a transaction, so every province-sized export failed)."""
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job

    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"
    settings.DANGBO_EXPORT_SYNC_ROWS = 1
    client.force_login(people.secretary_a)
    response = _export(client, REIMPORT)
    job = Job.objects.get(kind="xuat_danh_sach")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert runner.execute(job.pk) == "xong"
    job.refresh_from_db()
    mine = Member.objects.filter(org_path__startswith=tree.a.path).exclude(citizen_id=None)
    assert job.message == f"Đã xuất {mine.count()} dòng."
    text = str(_cells(client.get(reverse("jobs:file", args=[job.pk])).getvalue()))
    assert all(m.citizen_id in text for m in mine)
    event = AuditEvent.objects.get(event="members.personal_data.export")
    assert event.actor == people.secretary_a and event.changes["export"]["after"].startswith(
        f"{mine.count()} đảng viên"
    )
