"""The print style of every table export (``core.xlsx``): the write-only workbook of ``table_xlsx`` (rows streamed,
bounded memory) is the same sheet as ``write_table`` writes into an ordinary workbook — cell by cell, style by
style, merged ranges, row heights and print setup; and the print style as LibreOffice and Excel lay it out."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from dangbo.core.xlsx import Column, Letterhead, Signature, Table, table_xlsx, write_table

COLUMNS = [
    Column("STT", 6, "stt"),
    Column("Họ và tên", 24),
    Column("Ngày sinh", 12, "date"),
    Column("Số tiền", 14, "money", total=True),
    Column("Tỷ lệ", 10, "percent"),
    Column("Ghi chú", 30),
]
ROWS = [
    [
        1,
        "Nguyễn Văn Hùng",
        dt.date(1980, 5, 17),
        Decimal("150000"),
        Decimal("92.4"),
        "=1+1 (gõ như công thức)",
    ],
    [2, "Trần Thị Lan", None, Decimal("0"), None, "Một ghi chú rất dài " * 8],
    [3, "Lê Văn Nam", dt.date(1975, 1, 2), 1200, 50, ""],
]


def _table(rows) -> Table:
    return Table(title="Danh sách thử", columns=COLUMNS, rows=rows, lines=["Chi bộ A", "Tổng số: 3 dòng"],
                 total_label="Cộng", notes=["Người xuất: thử."], landscape=True, sheet="Danh sách")  # fmt: skip


HEAD = Letterhead(issuer="Đảng ủy Sở Y tế", superior="Đảng bộ tỉnh Nghệ An", place="Vinh", day=dt.date(2026, 12, 7),
                  number="Số 12-BC/ĐU")  # fmt: skip
SIGN = Signature(on_behalf="T/M ĐẢNG ỦY", role="BÍ THƯ", name="Nguyễn Văn A")


def _ordinary() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    write_table(ws, _table(ROWS), letterhead=HEAD, signature=SIGN)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cells(ws) -> dict:
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[c.coordinate] = (c.value, c.data_type, c.number_format, repr(c.font), repr(c.alignment),
                                 repr(c.border))  # fmt: skip
    return out


def _sheet(ws) -> dict:
    return {
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "freeze": ws.freeze_panes,
        "titles": ws.print_title_rows,
        "setup": (
            ws.page_setup.orientation,
            ws.page_setup.paperSize,
            ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight,
            ws.sheet_properties.pageSetUpPr.fitToPage,
        ),  # fmt: skip
        "margins": (ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom),
        "centered": ws.print_options.horizontalCentered,
    }


def test_the_streamed_workbook_is_the_ordinary_one_cell_by_cell():
    before = load_workbook(io.BytesIO(_ordinary())).worksheets[0]
    after_book = load_workbook(io.BytesIO(table_xlsx(_table(iter(ROWS)), letterhead=HEAD, signature=SIGN)))
    after = after_book.worksheets[0]
    assert after.title == "Danh sách"
    cells_before, cells_after = _cells(before), _cells(after)
    # The ordinary sheet also writes the empty covered cells of its merged ranges; they hold nothing.
    covered = {k for k, v in cells_before.items() if k not in cells_after and v[0] is None}
    assert {k: v for k, v in cells_before.items() if k not in covered} == cells_after
    assert _sheet(before) == _sheet(after)
    # What a reader relies on, said plainly: typed text stays text, our sums are formulas, the header repeats.
    values = {c.coordinate: c.value for row in after.iter_rows() for c in row}
    assert "=1+1 (gõ như công thức)" in values.values()
    assert next(c for c in after["F"] if c.value == "=1+1 (gõ như công thức)").data_type == "s"
    total = next(row for row in after.iter_rows() if row[0].value == "Cộng")
    assert total[3].value.startswith("=SUM(D") and total[3].data_type == "f"
    assert after.print_title_rows is not None


def test_the_streamed_workbook_reports_its_progress_and_takes_a_generator():
    seen = []
    rows = ([i, f"Người {i}", None, i, None, ""] for i in range(1, 2501))
    content = table_xlsx(_table(rows), letterhead=HEAD, progress=seen.append)
    assert seen == [1000, 2000]
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    numbered = [r[0].value for r in ws.iter_rows() if isinstance(r[0].value, int)]
    assert numbered == list(range(1, 2501))


def _header(ws):
    return next(row[0].row for row in ws.iter_rows() if row[0].value == "STT")


def test_the_header_of_a_narrow_number_column_gets_the_height_of_its_wrapped_title():
    """Seen rendered (issue 13): «Số tổ chức được giao» over a number column of 11 wraps to two lines, and a row of
    one line's height cut both lines in half — numbers do not wrap, their titles do."""
    table = Table(
        title="Nhiệm vụ cấp ủy đã giao",
        columns=[Column("STT", 5, "stt"), Column("Nhiệm vụ", 40), Column("Số tổ chức được giao", 11, "int")],
        rows=[[1, "Học tập, quán triệt nghị quyết", 51]],
    )
    ws = load_workbook(io.BytesIO(table_xlsx(table, letterhead=Letterhead(issuer="Đảng bộ Sở Y tế")))).active
    header = _header(ws)
    assert ws.cell(row=header, column=3).value == "Số tổ chức được giao"
    assert ws.row_dimensions[header].height >= 2 * 16  # two lines of 12pt Times
    assert (
        ws.row_dimensions[header + 1].height < 2 * 16
    )  # the row under it: one line, its number does not wrap


def test_an_export_writes_every_row_as_read_through_its_spool():
    """``exports.build`` keeps the rows in a temporary file between reading and writing: the file has every row,
    in order, with its repeated values (dates, names) each in its place."""
    from dangbo.core import exports

    people = [(f"Người {i % 3}", dt.date(1980, 1, 1 + i % 28), dt.date(1980, 1, 1 + i % 28), Decimal(i)) for i in range(2500)]  # fmt: skip
    spec = exports.ExportList(
        key="thu", title="Danh sách thử", queryset=lambda actor, params: people, row=lambda p: list(p),
        columns=[Column("Họ và tên"), Column("Ngày sinh", kind="date"), Column("Ngày vào Đảng", kind="date"),
                 Column("Số", kind="int")],
    )  # fmt: skip
    seen = []
    content, count = exports.build(spec, actor=None, params={}, progress=lambda *a: seen.append(a))
    assert count == 2500
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows() if isinstance(r[0].value, int)]
    expected = [[i + 1, name, born.strftime("%Y-%m-%d"), joined.strftime("%Y-%m-%d"), int(n)]
                for i, (name, born, joined, n) in enumerate(people)]  # fmt: skip
    assert [
        [r[0], r[1], r[2].strftime("%Y-%m-%d"), r[3].strftime("%Y-%m-%d"), r[4]] for r in rows
    ] == expected
    assert "Tổng số: 2500 dòng" in [c.value for r in ws.iter_rows(max_row=12) for c in r]
    assert (2500, 2500, "Đang ghi tệp Excel: 2500 của 2500 dòng") not in seen  # reported every 1,000 rows
    assert (2000, 2500, "Đang ghi tệp Excel: 2000 của 2500 dòng") in seen


def test_numbers_print_with_vietnamese_separators_whatever_the_readers_locale(tmp_path):
    """Issue 13: LibreOffice in English printed «9,999,250,000 đ» and «95.3%». The number formats carry the
    Vietnamese locale, so LibreOffice run in en_US shows 9.999.250.000 đ and 95,3% — and the cells stay numbers,
    the total a sum. (Excel takes separators from Windows whatever the tag: see ``core.xlsx.FORMATS``.)"""
    import os
    import shutil
    import subprocess

    import pytest

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    table = Table(
        title="Thử định dạng",
        columns=[Column("Tổ chức", 20), Column("Đã thu", 20, "money", True), Column("Tỷ lệ", 10, "percent"),
                 Column("Đảng viên", 12, "int", True), Column("Bình quân", 12, "decimal")],
        rows=[["A", 9_999_250_000, 95.3, 7380, 1234.5], ["B", 750_000, 100, 20, 2.5]],
        total_label="Cộng",
    )  # fmt: skip
    source = tmp_path / "thu.xlsx"
    source.write_bytes(table_xlsx(table, letterhead=HEAD))
    ws = load_workbook(source).active
    column = [c.value for c in ws["B"]]
    assert 9_999_250_000 in column and 750_000 in column  # numbers, not text
    assert any(isinstance(v, str) and v.startswith("=SUM(B") for v in column)
    english = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8", "HOME": str(tmp_path)}
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true',  # UTF-8, as shown
                    "--outdir", str(tmp_path), str(source)], env=english, check=True, capture_output=True,
                   timeout=180)  # fmt: skip
    shown = (tmp_path / "thu.csv").read_text(encoding="utf-8", errors="replace")
    assert "9.999.250.000 đ" in shown and "95,3%" in shown and "7.380" in shown and "1.234,5" in shown
    assert "10.000.000.000 đ" in shown  # the total row: a sum of numbers, shown the same way
    assert "9,999,250,000" not in shown and "95.3%" not in shown
