"""The print style of table exports (``core.xlsx``) as LibreOffice and Excel lay it out."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from dangbo.core.xlsx import Column, Letterhead, Table, table_xlsx


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
