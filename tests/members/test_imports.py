"""Importing members from a file: the template, the dry run, the all-or-nothing commit, bad files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError
from dangbo.members import documents, services
from dangbo.members.models import Member
from tests.sheets import filled

pytestmark = pytest.mark.django_db


def _row(name, citizen_id, code="SYT-1", **over):
    row = {"Mã chi bộ": code, "Họ và tên": name, "Giới tính": "Nữ", "Ngày sinh": dt.date(1985, 4, 2),
           "Số CCCD": citizen_id, "Sinh hoạt tại chi bộ từ ngày": dt.date(2020, 1, 1),
           "Tình trạng": "Chính thức", "Ngày vào Đảng": dt.date(2010, 5, 19), "Ngày chính thức": dt.date(2011, 5, 19),
           "Lý luận chính trị": "Sơ cấp"}  # fmt: skip
    row.update(over)
    return row


def filled_template(rows, name="danh-sach.xlsx"):
    """The downloaded template with its example row replaced by ``rows`` ({header: value})."""
    return filled(documents.template_xlsx(), rows, name)


def run(actor, upload, *, commit, cell=None):
    return services.member_import(actor=actor, sheet=documents.read_upload(upload), cell=cell, commit=commit,
                                  source="Nhập từ tệp")  # fmt: skip


THREE = [_row("Phạm Thị Mai", "040185000101"), _row("Hoàng Văn Nam", "040185000102", **{"Giới tính": "Nam"}),
         _row("Đỗ Thị Thu", "040185000103", code="SYT-2")]  # fmt: skip


def test_template_round_trip(people, tree):
    before = Member.objects.count()
    dry = run(people.secretary_a, filled_template(THREE), commit=False)
    assert dry.ok and dry.created == 3 and not dry.committed
    assert Member.objects.count() == before
    done = run(people.secretary_a, filled_template(THREE), commit=True)
    assert done.committed and done.created == 3
    assert Member.objects.count() == before + 3
    thu = Member.objects.get(citizen_id="040185000103")
    assert thu.organization == tree.a2 and thu.status == "chinh_thuc" and thu.gender == "nu"
    event = AuditEvent.objects.filter(
        object_id=str(thu.pk), content_type__model="member", action="create"
    ).get()
    assert "Nhập từ tệp" in str(event.changes)
    again = run(people.secretary_a, filled_template(THREE), commit=True)
    assert again.created == 0 and len(again.existing) == 3 and again.ok
    assert Member.objects.count() == before + 3


def test_template_has_headers_example_and_notes():
    wb = load_workbook(io.BytesIO(documents.template_xlsx()))
    ws = wb["Đảng viên"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Mã chi bộ", "Họ và tên", "Tên gọi khác"] and "Số CCCD" in headers
    assert ws["B2"].value == "Nguyễn Văn Hùng"
    notes = "\n".join(str(c.value) for row in wb["Ghi chú"].iter_rows() for c in row if c.value)
    assert "Cao cấp" in notes and "Khơ-me" in notes and "Chính thức; Dự bị" in notes


def test_one_bad_row_writes_nothing_and_names_row_and_column(people):
    rows = [_row(f"Người Số {i}", f"0401850002{i:02d}") for i in range(12)]
    rows[7]["Ngày sinh"] = dt.date(2030, 1, 1)  # after today
    before = Member.objects.count()
    result = run(people.secretary_a, filled_template(rows), commit=True)
    assert not result.committed and Member.objects.count() == before
    assert [(n, col) for n, col, _ in result.errors] == [(9, "Ngày sinh")]  # row 1 is the header
    assert "sau ngày hôm nay" in result.errors[0][2]


def test_a_file_of_several_batches_is_still_all_or_nothing(people, monkeypatch):
    """A large file goes to the bulk service in batches (``core.imports.BATCH_ROWS``, so that memory does not grow
    with the file): a bad row in the last batch writes nothing of the batches before it; a number repeated in two
    batches is refused; a good file writes every row, each audited once."""
    from dangbo.core import imports

    monkeypatch.setattr(imports, "BATCH_ROWS", 4)
    rows = [_row(f"Người Số {i}", f"0401850003{i:02d}") for i in range(11)]
    before, audited = Member.objects.count(), AuditEvent.objects.filter(content_type__model="member").count()
    rows[10]["Ngày sinh"] = dt.date(2030, 1, 1)
    result = run(people.secretary_a, filled_template(rows), commit=True)
    assert not result.committed and Member.objects.count() == before
    assert [(n, col) for n, col, _ in result.errors] == [(12, "Ngày sinh")]
    rows[10]["Ngày sinh"] = dt.date(1985, 4, 2)
    rows[9]["Số CCCD"] = rows[1]["Số CCCD"]
    result = run(people.secretary_a, filled_template(rows), commit=True)
    assert not result.committed and Member.objects.count() == before
    assert [(n, col) for n, col, _ in result.errors] == [(11, "Số CCCD")]
    rows[9]["Số CCCD"] = "040185000399"
    dry = run(people.secretary_a, filled_template(rows), commit=False)
    assert dry.ok and dry.created == 11 and Member.objects.count() == before
    done = run(people.secretary_a, filled_template(rows), commit=True)
    assert done.committed and done.created == 11 and Member.objects.count() == before + 11
    assert AuditEvent.objects.filter(content_type__model="member").count() == audited + 11
    again = run(people.secretary_a, filled_template(rows), commit=True)
    assert again.created == 0 and len(again.existing) == 11


def test_a_large_file_is_never_held_whole_and_stays_all_or_nothing(people, monkeypatch):
    """A province's file (250,000 rows) is read into a temporary file, not kept in memory (``core.imports.Rows``):
    while the rows are checked and written, no more than the one in hand exists as a row object — and yet every
    row's problem is listed, a citizen ID repeated far apart in the file is caught, nothing is half written, and
    the same file imported again changes nothing. (The spool is made small so that 23 rows behave as 250,000.)"""
    import gc

    from dangbo.core import imports, spool

    monkeypatch.setattr(spool, "MEMORY_BYTES", 1)  # onto the disk at once
    monkeypatch.setattr(spool, "CHUNK", 3)  # read back three rows at a time
    monkeypatch.setattr(imports, "BATCH_ROWS", 5)
    held: list[int] = []
    create_many = services.member_create_many

    def watched(**kwargs):
        held.append(sum(type(o) is imports.Row for o in gc.get_objects()))
        return create_many(**kwargs)

    monkeypatch.setattr(services, "member_create_many", watched)
    rows = [_row(f"Người Số {i}", f"0401850004{i:02d}") for i in range(23)]
    rows[2]["Ngày sinh"] = dt.date(2030, 1, 1)
    rows[21]["Số CCCD"] = rows[0]["Số CCCD"]
    rows[22]["Giới tính"] = "Không rõ"
    before = Member.objects.count()
    sheet = documents.read_upload(filled_template(rows))
    assert sheet.rows.on_disk and len(sheet.rows) == 23
    result = services.member_import(actor=people.secretary_a, sheet=sheet, commit=True)
    assert [(n, col) for n, col, _ in result.errors] == [(4, "Ngày sinh"), (23, "Số CCCD"), (24, "Giới tính")]
    assert "trùng với dòng 2" in result.errors[1][2]
    assert not result.committed and Member.objects.count() == before
    assert len(held) == 5 and max(held) <= 1, held  # five batches; at most the row in hand
    rows[2]["Ngày sinh"], rows[21]["Số CCCD"], rows[22]["Giới tính"] = (
        dt.date(1985, 4, 2),
        "040185000499",
        "Nam",
    )
    done = services.member_import(actor=people.secretary_a, sheet=documents.read_upload(filled_template(rows)),
                                  commit=True)  # fmt: skip
    assert done.committed and done.created == 23 and Member.objects.count() == before + 23
    again = services.member_import(actor=people.secretary_a, sheet=documents.read_upload(filled_template(rows)),
                                   commit=True)  # fmt: skip
    assert again.ok and again.created == 0 and len(again.existing) == 23
    assert Member.objects.count() == before + 23


def test_errors_do_not_echo_personal_data(people):
    rows = [_row("Lê Thị Gấm", "04018500ABCD", **{"Điện thoại": "0912000111"})]
    result = run(people.secretary_a, filled_template(rows), commit=False)
    assert result.errors and all("04018500ABCD" not in p for _, _, p in result.errors)
    assert result.errors[0][1] == "Số CCCD"


def test_cell_outside_the_scope_is_an_error(people, tree):
    rows = [_row("Phạm Thị Mai", "040185000301"), _row("Vũ Văn Sơn", "040185000302", code="STP")]
    before = Member.objects.count()
    result = run(people.secretary_a, filled_template(rows), commit=True)
    assert Member.objects.count() == before and not result.committed
    assert result.errors == [
        (3, "Mã chi bộ", "không có chi bộ mã «STP» trong phạm vi bạn được thêm đảng viên.")
    ]


def test_the_page_cell_for_rows_without_code(people, tree):
    rows = [_row("Phạm Thị Mai", "040185000401", code=None)]
    assert run(people.secretary_a, filled_template(rows), commit=False).errors[0][1] == "Mã chi bộ"
    result = run(people.secretary_a, filled_template(rows), commit=True, cell=tree.a2)
    assert result.committed and Member.objects.get(citizen_id="040185000401").organization == tree.a2


def test_headers_are_matched_without_accents_and_by_alias(people):
    text = ("ma chi bo;HO TEN;gioi tinh;Ngay sinh;so cccd;Cột lạ;Trình độ lý luận chính trị\n"
            "SYT-1;Trần Văn Bình;nam;02/04/1985;040185000501;x;sơ cấp\n")  # fmt: skip
    sheet = documents.read_upload(SimpleUploadedFile("ds.csv", text.encode()))
    assert sheet.unknown == ["Cột lạ"]
    assert sheet.rows[0].values["full_name"] == "Trần Văn Bình"
    assert sheet.rows[0].values["political_theory"] == "so_cap"
    result = services.member_import(actor=people.secretary_a, sheet=sheet, commit=True)
    assert result.committed and Member.objects.filter(citizen_id="040185000501").exists()


def test_a_csv_file_is_read_a_piece_at_a_time(people, monkeypatch):
    """A CSV file is decoded a piece at a time, never read whole (a province's file: ~100 MB): the rows are the same
    however the pieces cut it — inside a letter of two bytes, inside a quoted cell on two lines, between the \\r
    and the \\n of a line end — and a byte that is not UTF-8 near the end refuses the file before any row."""
    from dangbo.core import imports

    monkeypatch.setattr(imports, "CSV_PIECE", 7)
    text = ("\ufeffHọ và tên;Nơi thường trú;Ngày sinh\r\n"
            + "".join(f'Nguyễn Văn Ánh {i};"Thôn {i}\r\nxã Nghi Phong";01/01/1980\r\n' for i in range(100))
            + "Ðặng Thị Lư;;31/02/1990\r\n")  # fmt: skip
    asked: list[int] = []

    class Watched(io.BytesIO):
        def read(self, size=-1):
            asked.append(size)
            return super().read(size)

    upload = SimpleUploadedFile("ds.csv", text.encode())
    upload.file = Watched(text.encode())
    sheet = documents.read_upload(upload)
    assert len(text.encode()) > 6000 and all(0 < n <= 4096 for n in asked)  # 4096: the first bytes, looked at
    rows = list(sheet.rows)
    assert [r.number for r in rows] == list(range(2, 103))
    assert (
        rows[99].values["full_name"] == "Nguyễn Văn Ánh 99"
        and rows[99].values["residence"] == "Thôn 99 xã Nghi Phong"
    )
    assert rows[100].values["full_name"] == "Đặng Thị Lư" and rows[100].errors == [
        ("Ngày sinh", "không đọc được ngày; ghi theo dạng dd/mm/yyyy.")
    ]
    with pytest.raises(ApplicationError, match="UTF-8"):
        documents.read_upload(
            SimpleUploadedFile("ds.csv", text.encode() + b"L\xea V\xe3n T\xe1m;Hu\xe9;01/01/1980\r\n")
        )


def test_legacy_d_is_normalised(people):
    sheet = documents.read_upload(
        SimpleUploadedFile("ds.csv", "Họ và tên;Ngày sinh\nÐặng Văn Ba;01/01/1980\n".encode())
    )
    assert sheet.rows[0].values["full_name"] == "Đặng Văn Ba"


@pytest.mark.parametrize("name", ["NguyÔn V¨n Hïng", "§inh ThÞ Lan", "Nguyeãn Vaên Huøng", "Nguyeãn Vaên"])
def test_tcvn3_and_vni_text_is_refused(people, name):
    result = run(people.secretary_a, filled_template([_row(name, "040185000601")]), commit=False)
    assert result.errors[0][:2] == (2, "Họ và tên") and "TCVN3/VNI" in result.errors[0][2]


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Văn Hùng", "Đinh Thị Lan", "Huỳnh Ngọc Thủy", "Lê «Ba» Văn", "Hà Xuân Ngoãn", "Quãng Đức Quân"],
)
def test_unicode_names_are_not_taken_for_legacy(name):
    assert not documents.legacy_encoded(name)


def test_formula_cell_is_refused_never_evaluated(people):
    rows = [_row('=HYPERLINK("http://x","Bấm")', "040185000701", _formula=True)]
    result = run(people.secretary_a, filled_template(rows), commit=True)
    assert not result.committed
    assert result.errors[0][:2] == (2, "Họ và tên") and "công thức" in result.errors[0][2]


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("ds.pdf", b"%PDF-1.4", "chỉ nhận tệp Excel"),
    ("ds.xlsx", b"MZ\x90\x00 not a workbook", "không phải là tệp XLSX"),
    ("ds.csv", b"H\xf4 t\xean\nAn\n", "UTF-8"),
    ("ds.csv", "Họ và tên\nAn\n".encode("utf-16"), "không phải là tệp CSV"),
    ("ds.csv", b"", "rỗng"),
])  # fmt: skip
def test_wrong_files_are_refused(name, content, problem):
    with pytest.raises(ApplicationError) as caught:
        documents.read_upload(SimpleUploadedFile(name, content))
    assert problem in caught.value.field_errors["file"]


def test_oversized_and_too_many_rows(settings):
    settings.DANGBO_IMPORT_MAX_MB = 1
    with pytest.raises(ApplicationError, match="vượt giới hạn"):
        documents.read_upload(SimpleUploadedFile("ds.csv", b"Ho ten;Ngay sinh\n" + b"a;01/01/1980\n" * 90000))
    settings.DANGBO_IMPORT_MAX_ROWS = 3
    with pytest.raises(ApplicationError, match="hơn 3 dòng"):
        documents.read_upload(SimpleUploadedFile("ds.csv", b"Ho ten;Ngay sinh\n" + b"a;01/01/1980\n" * 4))


def test_a_large_file_runs_in_the_background(client, people, settings, tmp_path, monkeypatch):
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job

    # On PostgreSQL the progress of a job inside its transaction goes through a second connection, which cannot see
    # this test's uncommitted job row (tests/jobs covers that path with a worker); here it counts as written.
    monkeypatch.setattr(runner.Progress, "_write_apart", lambda self: 1)
    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"
    settings.DANGBO_IMPORT_SYNC_ROWS = 2
    client.force_login(people.secretary_a)
    url = reverse("members:import")
    bad = [*THREE, _row("Người Sai", "040185000901", code="STP")]
    response = client.post(url, {"action": "commit", "file": filled_template(bad)})
    job = Job.objects.get(kind="nhap_dang_vien")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert runner.execute(job.pk) == "xong"
    job.refresh_from_db()
    assert "1 lỗi" in job.message and job.result_file and not Member.objects.filter(citizen_id="040185000101")
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 200
    assert [p.name for p in settings.DANGBO_JOB_FILES_DIR.iterdir()] == [
        job.result_file
    ]  # the upload is gone
    again = client.post(url, {"action": "commit", "file": filled_template(THREE)})
    second = Job.objects.filter(kind="nhap_dang_vien").latest("pk")
    assert again.status_code == 302 and second != job, (again.status_code, second.state, second.error)
    assert runner.execute(second.pk) == "xong", (second.state, second.error)
    second.refresh_from_db()
    assert (
        second.message == "Đã nhập 3 đảng viên." and Member.objects.filter(citizen_id="040185000101").exists()
    )


def test_the_page_reads_no_more_of_a_large_file_than_it_handles_itself(client, people, settings, tmp_path,
                                                                      monkeypatch):  # fmt: skip
    """A province's file (250,000 rows) would keep the request minutes just to count its rows: the page reads
    the first ``DANGBO_IMPORT_SYNC_ROWS`` rows and hands the file to the job as soon as there is one more."""
    from dangbo.core import imports
    from dangbo.jobs.models import Job

    read = []
    convert = imports._convert
    monkeypatch.setattr(imports, "_convert", lambda column, value, row, keys: (read.append(row.number), convert(column, value, row, keys)))  # fmt: skip
    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"
    settings.DANGBO_IMPORT_SYNC_ROWS = 2
    client.force_login(people.secretary_a)
    rows = [_row(f"Người Thứ {i}", f"04018500{i:04d}") for i in range(1, 11)]
    response = client.post(
        reverse("members:import"), {"action": "check", "file": filled_template(rows)}, follow=True
    )
    job = Job.objects.get(kind="nhap_dang_vien")
    assert response.redirect_chain[0][0] == job.get_absolute_url()
    assert "Tệp có hơn 2 dòng: đang kiểm tra ở chế độ chạy nền." in response.content.decode()
    assert len(set(read)) == 2  # the first two rows of ten


def test_a_large_file_reports_its_progress_while_read_checked_and_written(client, people, settings, tmp_path,
                                                                         monkeypatch):  # fmt: skip
    """The job's page moves while a large file is read, checked and written: progress every ``PROGRESS_ROWS``
    rows of each stage, not one step for the whole bulk write (a province: minutes without a sign of life)."""
    from dangbo.core import imports
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job

    steps: list[tuple] = []
    monkeypatch.setattr(runner.Progress, "_write_apart", lambda self: 1)
    monkeypatch.setattr(runner, "PROGRESS_INTERVAL", 0)
    monkeypatch.setattr(imports, "PROGRESS_ROWS", 2)
    original = runner.Progress.__call__

    def watched(self, done=None, total=None, step=None):
        steps.append((done, total, step))
        return original(self, done, total, step)

    monkeypatch.setattr(runner.Progress, "__call__", watched)
    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"
    settings.DANGBO_IMPORT_SYNC_ROWS = 2
    client.force_login(people.secretary_a)
    client.post(reverse("members:import"), {"action": "commit", "file": filled_template(THREE)})
    job = Job.objects.get(kind="nhap_dang_vien")
    assert runner.execute(job.pk) == "xong"
    job.refresh_from_db()
    assert job.message == "Đã nhập 3 đảng viên."
    texts = [text for _, _, text in steps]
    for expected in ("Đang đọc tệp: 2 dòng", "Đang kiểm tra dòng 3 của 3", "Đang tính lịch sử sinh hoạt: 2 của 3 hồ sơ",
                     "Đang ghi 3 hồ sơ, sự kiện và thời kỳ sinh hoạt", "Đang cập nhật số liệu tổng hợp của báo cáo",
                     "Đang ghi nhật ký thay đổi"):  # fmt: skip
        assert expected in texts, (expected, texts)
    assert texts.index("Đang kiểm tra dòng 3 của 3") < texts.index("Đang ghi nhật ký thay đổi")
    assert all(total in (None, 3) for _, total, _ in steps)


def test_the_page(client, people, tree):
    client.force_login(people.secretary_a)
    assert "Nhập từ tệp" in client.get(reverse("members:list")).content.decode()
    template = client.get(reverse("members:import_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    url = reverse("members:import")
    page = client.post(url, {"action": "check", "file": filled_template(THREE)})
    assert (
        page.status_code == 200
        and page.context["result"].ok
        and not Member.objects.filter(citizen_id="040185000101")
    )
    done = client.post(url, {"action": "commit", "file": filled_template(THREE)})
    assert (
        done.status_code == 302
        and Member.objects.filter(citizen_id__in=["040185000101", "040185000103"]).count() == 2
    )
    bad = client.post(url, {"action": "commit", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert "chỉ nhận tệp Excel" in bad.content.decode()


def test_the_page_is_for_those_who_may_add_members(client, people):
    client.force_login(people.member_user)
    assert client.get(reverse("members:import")).status_code == 404
    assert client.get(reverse("members:import_template")).status_code == 404
    assert "Nhập từ tệp" not in client.get(reverse("members:list")).content.decode()


def test_a_file_without_its_size_is_not_parsed_whole_just_to_be_opened(people, monkeypatch):
    """The files of openpyxl's write-only mode (the export «để nhập lại» of a province) do not say their size
    (no ``<dimension>``): opening one no longer reads the whole sheet to find it (it was half of reading 241,186
    rows) — and its rows are read all the same; a file that says its size keeps it."""
    from openpyxl import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from dangbo.core import imports

    streamed = Workbook(write_only=True)
    sheet = streamed.create_sheet("Đảng viên")
    sheet.append(["Họ và tên", "Ngày sinh", "Giới tính"])
    for i in range(3000):
        sheet.append([f"Nguyễn Văn {i}", dt.date(1980, 5, 17), "Nam"])
    out = io.BytesIO()
    streamed.save(out)
    read: list[int] = []
    get_source = ReadOnlyWorksheet._get_source

    def counted(self):
        source = get_source(self)
        original = source.read
        source.read = lambda size=-1: (lambda data: (read.append(len(data)), data)[1])(original(size))
        return source

    monkeypatch.setattr(ReadOnlyWorksheet, "_get_source", counted)
    opened = imports._open_xlsx(SimpleUploadedFile("ds.xlsx", out.getvalue()))
    assert sum(read) < 100_000 and opened.worksheets[0].max_row is None
    opened.close()
    read.clear()
    rows = list(documents.read_upload(SimpleUploadedFile("ds.xlsx", out.getvalue())).rows)
    assert sum(read) > 200_000  # the sheet, read once to get its rows
    assert len(rows) == 3000
    assert rows[2999].values == {
        "full_name": "Nguyễn Văn 2999",
        "birth_date": dt.date(1980, 5, 17),
        "gender": "nam",
    }
    sized = imports._open_xlsx(filled_template(THREE))
    assert sized.worksheets[0].max_row >= 4
    sized.close()
