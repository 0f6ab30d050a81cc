"""Column mapping of an import (``core.imports.check_mapping`` and the import page): a file whose headers are not
the template's gets a page with one select per file column, pre-filled from the labels and aliases; the choice is
checked (each required field once, no field twice); the dry run and the commit read the file the same way; the
choice is remembered per user and kind, so the next file with the same headers goes straight to the dry run."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from dangbo.audit.models import AuditEvent
from dangbo.core import imports
from dangbo.core.registries import IMPORT_KINDS
from dangbo.jobs.models import ImportMapping
from dangbo.members.imports import MEMBERS
from dangbo.members.models import Member

from .test_import_kinds import CASES, case  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

OTHER = ["STT", "Tên đầy đủ", "Phái", "Sinh năm", "Mã CB", "Số căn cước", "Ghi chú riêng"]


def _csv(rows, header=OTHER, name="xuat-tu-phan-mem-cu.csv"):
    lines = [";".join(header)] + [";".join(r) for r in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


ROWS = [["1", "Phạm Thị Mai", "Nữ", "02/04/1985", "SYT-1", "040185009101", "x"],
        ["2", "Hoàng Văn Nam", "Nam", "03/05/1986", "SYT-1", "040186009102", ""]]  # fmt: skip
CHOICE = {"Tên đầy đủ": "full_name", "Phái": "gender", "Sinh năm": "birth_date", "Mã CB": "organization_code",
          "Số căn cước": "citizen_id", "Ghi chú riêng": "", "STT": ""}  # fmt: skip


def _post_mapping(client, url, choice: dict[str, str], header=OTHER):
    data = {"action": "map"}
    for i, name in enumerate(header):
        data[f"cot_{i}"] = choice.get(name, "")
    return client.post(url, data)


# -- the rules --------------------------------------------------------------------------------------------------


def test_a_template_file_needs_no_mapping_and_a_row_number_column_is_not_a_question():
    labels = [c.label for c in MEMBERS.columns]
    assert not imports.needs_mapping(MEMBERS, labels)
    assert not imports.needs_mapping(MEMBERS, ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD"])
    assert imports.needs_mapping(MEMBERS, ["Họ và tên", "Giới tính", "Ngày sinh", "Cột lạ"])  # unknown header
    assert imports.needs_mapping(MEMBERS, ["Họ và tên", "Giới tính"])  # a required column missing


def test_suggestions_come_from_labels_and_aliases_and_each_field_once():
    assert imports.suggest(MEMBERS, ["HO TEN", "Sinh ngày", "Họ và tên", "Phái"]) == {
        "ho ten": "full_name", "sinh ngay": "birth_date", "ho va ten": "", "phai": ""
    }  # fmt: skip


def test_each_required_field_mapped_once_with_messages_naming_them():
    ok = {"Tên": "full_name", "Phái": "gender", "Sinh": "birth_date", "Khác": ""}
    assert imports.check_mapping(MEMBERS, ok) == {}
    errors = imports.check_mapping(MEMBERS, {"Tên": "full_name", "Phái": "", "Sinh": "birth_date"})
    assert errors == {"": "Chưa ghép trường bắt buộc «Giới tính»: chọn cột của tệp chứa trường đó."}
    errors = imports.check_mapping(MEMBERS, {"Tên": "full_name", "Tên khác": "full_name", "Phái": "gender",
                                             "Sinh": "birth_date"})  # fmt: skip
    assert errors["Tên"].startswith(
        "Tên: trường «Họ và tên» đã được chọn cho 2 cột của tệp («Tên», «Tên khác»)"
    )
    assert set(errors) == {"Tên", "Tên khác"}
    assert "không có trong" in imports.check_mapping(MEMBERS, {**ok, "Khác": "password"})["Khác"]


def test_a_mapped_file_is_read_by_the_mapping_and_ignored_columns_are_not_read():
    mapping = {imports.fold(k): v for k, v in CHOICE.items()}
    sheet = imports.read_upload(MEMBERS, _csv(ROWS), mapping)
    assert sheet.unknown == [] and sheet.rows[0].values == {
        "full_name": "Phạm Thị Mai", "gender": "nu", "birth_date": sheet.rows[0].values["birth_date"],
        "organization_code": "SYT-1", "citizen_id": "040185009101",
    }  # fmt: skip
    headers = imports.read_headers(MEMBERS, _csv(ROWS))
    assert headers.names == OTHER and headers.samples[1] == "Phạm Thị Mai"


# -- the page ---------------------------------------------------------------------------------------------------


def test_upload_mapping_dry_run_commit_and_the_next_file_goes_straight_through(client, people, tree):
    client.force_login(people.secretary_a)
    url = reverse("jobs:import", args=["dang_vien"])
    before, audited = Member.objects.count(), AuditEvent.objects.count()
    page = client.post(url, {"action": "check", "file": _csv(ROWS)})
    assert page.status_code == 200 and page.context["mapping_form"] is not None
    form = page.context["mapping_form"]
    # pre-filled from the aliases: "Số căn cước" is an alias of «Số CCCD»; the others are left to choose
    assert [form[f"cot_{i}"].value() for i in range(len(OTHER))] == ["", "", "", "", "", "citizen_id", ""]
    html = page.content.decode()
    assert "Họ và tên (bắt buộc)" in html and "bỏ qua" in html

    wrong = _post_mapping(client, url, {**CHOICE, "Phái": ""})
    assert wrong.status_code == 200 and "Chưa ghép trường bắt buộc «Giới tính»" in wrong.content.decode()
    twice = _post_mapping(client, url, {**CHOICE, "Ghi chú riêng": "full_name"})
    assert "mỗi trường chỉ ghép với một cột" in twice.content.decode()
    assert Member.objects.count() == before and AuditEvent.objects.count() == audited

    dry = _post_mapping(client, url, CHOICE)
    result = dry.context["result"]
    assert result.ok and result.created == 2 and not result.committed
    assert Member.objects.count() == before and AuditEvent.objects.count() == audited
    assert "Nhập tệp «xuat-tu-phan-mem-cu.csv»" in dry.content.decode()

    done = client.post(url, {"action": "commit_staged"})
    assert done.status_code == 302
    made = Member.objects.get(citizen_id="040186009102")
    assert made.full_name == "Hoàng Văn Nam" and made.organization == tree.a1
    assert AuditEvent.objects.filter(object_id=str(made.pk), changes__source__isnull=False).exists()
    assert (
        client.post(url, {"action": "commit_staged"}).status_code == 302
    )  # the kept file is gone: upload again
    assert Member.objects.count() == before + 2

    saved = ImportMapping.objects.get(user=people.secretary_a, kind="dang_vien")
    assert saved.columns["ten day du"] == "full_name"
    nxt = [["1", "Đỗ Thị Thu", "Nữ", "01/01/1990", "SYT-1", "040190009103", ""]]
    again = client.post(url, {"action": "check", "file": _csv(nxt)})
    assert again.context["mapping_form"] is None and again.context["result"].created == 1
    assert "lần trước" in again.content.decode()
    client.force_login(people.secretary_b)  # another user's choice is theirs
    other = client.post(reverse("jobs:import", args=["dang_vien"]), {"action": "check", "file": _csv(nxt)})
    assert other.status_code in (200, 404)
    if other.status_code == 200:
        assert other.context["mapping_form"] is not None


def test_a_template_file_goes_straight_to_the_dry_run_and_commits_without_choosing_it_again(
    client, people, tree
):
    client.force_login(people.secretary_a)
    url = reverse("jobs:import", args=["dang_vien"])
    header = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Mã chi bộ", "Số CCCD"]
    rows = [["1", "Phạm Thị Mai", "Nữ", "02/04/1985", "SYT-1", "040185009201"]]
    dry = client.post(url, {"action": "check", "file": _csv(rows, header)})
    assert dry.context["mapping_form"] is None and dry.context["result"].ok
    assert client.post(url, {"action": "commit_staged"}).status_code == 302
    assert Member.objects.filter(citizen_id="040185009201").exists()


def _renamed(rows: list[dict], kind) -> SimpleUploadedFile:
    """The rows under other headers ("Cột …" + the label): no label or alias matches."""
    wb = Workbook()
    ws = wb.active
    labels = [c.label for c in kind.columns]
    ws.append([f"Cột {label}" for label in labels])
    for row in rows:
        ws.append([row.get(label) for label in labels])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("khac.xlsx", out.getvalue())


def test_every_kind_imports_a_file_with_other_headers_through_the_mapping(client, case, tree, people):  # noqa: F811
    key, c = case
    kind = IMPORT_KINDS.get(key)
    client.force_login(getattr(people, c.actor))
    url = reverse("jobs:import", args=[key])
    rows = c.rows(tree, people)
    before = c.count()
    page = client.post(url, {"action": "check", "file": _renamed(rows, kind)})
    assert page.context["mapping_form"] is not None, page.content.decode()[:1500]
    data = {"action": "map", **{f"cot_{i}": col.key for i, col in enumerate(kind.columns)}}
    dry = client.post(url, data)
    assert dry.context["result"].ok and dry.context["result"].created == len(rows), dry.context[
        "result"
    ].errors
    assert c.count() == before
    assert client.post(url, {"action": "commit_staged"}).status_code == 302
    assert c.count() == before + len(rows)


def test_a_large_mapped_file_is_committed_in_the_background_with_the_same_mapping(
    client, people, tree, settings, tmp_path, monkeypatch
):
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job

    monkeypatch.setattr(runner.Progress, "_write_apart", lambda self: 1)  # see tests/members/test_imports.py
    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"
    client.force_login(people.secretary_a)
    url = reverse("jobs:import", args=["dang_vien"])
    client.post(url, {"action": "check", "file": _csv(ROWS)})
    assert _post_mapping(client, url, CHOICE).context["result"].ok
    settings.DANGBO_IMPORT_SYNC_ROWS = 1  # now the commit goes to the background
    response = client.post(url, {"action": "commit_staged"})
    job = Job.objects.get(kind="nhap_dang_vien")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.params["mapping"]["ten day du"] == "full_name" and job.params["commit"] is True
    assert runner.execute(job.pk) == "xong"
    job.refresh_from_db()
    assert job.message == "Đã nhập 2 đảng viên." and Member.objects.filter(citizen_id="040186009102").exists()
    assert list(settings.DANGBO_JOB_FILES_DIR.glob("tam-*")) == []  # the kept file is gone
