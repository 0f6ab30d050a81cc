"""Spreadsheets (openpyxl) in the project's one print style, and the rule that typed text stays text.

Every table export (lists, follow-up tables, report appendices, books) is built with ``table_xlsx``: the party
header of HD 36 (superior body, issuing body, "*" — "ĐẢNG CỘNG SẢN VIỆT NAM", the place and date line), the title
and its lines, one bordered table in Times New Roman with number, money, percentage and date formats and column
widths, an optional total row, the signature block, A4 fitted to the page width with the header row repeated on
every printed page.

Text typed by users is written as text, never as a formula: openpyxl turns any string starting with "=" into a
formula, which Excel would run when the file is opened.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .formats import ngay_van_ban

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Number formats: the separators shown are the reader's locale's (Vietnamese Windows shows 2.150.000.000).
FORMATS = {
    "stt": "0",  # the row number column, centred
    "int": "#,##0",
    "money": '#,##0" đ"',
    "decimal": "#,##0.0",
    "percent": '0.0"%"',  # values are already per cent (92.4 → 92,4%)
    "date": "DD/MM/YYYY",
    "text": "@",
}
NUMERIC = {"int", "money", "decimal", "percent"}


def as_text(cell) -> None:
    """Keep a string cell a string even when it looks like a formula."""
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"


def put(ws, ref: str, value) -> None:
    ws[ref] = value
    as_text(ws[ref])


def append(ws, values) -> None:
    """``ws.append(values)`` with every text cell kept as text."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        as_text(cell)


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 16  # characters
    kind: str = "text"  # a key of FORMATS
    total: bool = False  # summed in the total row


@dataclass(frozen=True)
class Letterhead:
    """The HD 36 header: ``superior`` over ``issuer`` (upper case, bold) at the left, the party's name and the
    place-and-date line at the right."""

    issuer: str
    superior: str = ""
    place: str = ""
    day: dt.date | None = None
    number: str = ""  # "Số 12-BC/ĐU", when the table is an issued document


@dataclass(frozen=True)
class Signature:
    """ "T/M ĐẢNG ỦY" / "BÍ THƯ" / name; or "NGƯỜI LẬP BẢNG" alone."""

    on_behalf: str = ""
    role: str = "NGƯỜI LẬP BẢNG"
    name: str = ""


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    lines: Sequence[str] = ()  # under the title: scope, period, "số liệu đến ngày …"
    total_label: str = ""  # a total row when any column has total=True
    notes: Sequence[str] = ()  # under the table
    landscape: bool = False
    sheet: str = "Bảng"


def _font(**kw) -> Font:
    return Font(name=FONT, size=kw.pop("size", 12), **kw)


class _Sheet:
    """Writes rows top to bottom with an explicit cursor (openpyxl's ``append`` and ``cell`` keep two different
    ideas of the last row)."""

    def __init__(self, ws: Worksheet, ncols: int):
        self.ws, self.ncols, self.row = ws, ncols, 0

    def skip(self, n: int = 1) -> None:
        self.row += n

    def values(self, values: Sequence) -> int:
        self.row += 1
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(row=self.row, column=col, value=value)
            as_text(cell)
        return self.row

    def merged(
        self, text: str, first: int, last: int, *, row: int | None = None, align="center", **font
    ) -> None:
        r = row or self.row
        if last > first:
            self.ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
        cell = self.ws.cell(row=r, column=first, value=text or None)
        as_text(cell)
        cell.font = _font(**font)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)

    def line(self, text: str, **font) -> None:
        """A line across the whole table, its height grown for the wrapped text (Excel does not grow merged rows)."""
        self.row += 1
        self.merged(text, 1, self.ncols, **font)
        chars = sum(
            self.ws.column_dimensions[get_column_letter(i)].width or 10 for i in range(1, self.ncols + 1)
        )
        self.ws.row_dimensions[self.row].height = 18 * max(1, -(-len(text) // max(int(chars * 0.9), 1)))


def _write_letterhead(sheet: _Sheet, head: Letterhead) -> None:
    ncols = sheet.ncols
    left = max(1, ncols // 2)
    rows = []
    if head.superior:
        rows.append((head.superior.upper(), False))
    rows.append((head.issuer.upper(), True))
    rows.append(("*", False))
    if head.number:
        rows.append((head.number, False))
    right = [("ĐẢNG CỘNG SẢN VIỆT NAM", True, False)]
    if head.day:
        right += [("", False, False), (ngay_van_ban(head.day, head.place), False, True)]
    start = sheet.row + 1
    for i in range(max(len(rows), len(right))):
        r = start + i
        if i < len(rows):
            text, bold = rows[i]
            sheet.merged(text, 1, left, row=r, bold=bold, size=13)
        if i < len(right) and ncols > left:
            text, bold, italic = right[i]
            sheet.merged(text, left + 1, ncols, row=r, bold=bold, italic=italic, size=13)
    sheet.row = start + max(len(rows), len(right)) - 1


def _lines(text, width: float) -> int:
    """How many lines a text takes in a column of ``width`` characters (12pt Times: about 1.15 characters per
    width unit)."""
    if text is None:
        return 1
    per_line = max(int(width * 1.15), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def _fit_height(ws: Worksheet, row: int, columns: Sequence[Column], *, header: bool = False) -> None:
    """Excel and LibreOffice do not grow a row for wrapped text written by openpyxl: give it its height. Numbers
    do not wrap, but the header of a number column is text ("Số tổ chức được giao" over a column of 11), and bold
    (about a tenth wider)."""
    lines = max(_lines(ws.cell(row=row, column=i).value, c.width * (0.9 if header else 1))
                for i, c in enumerate(columns, start=1) if header or c.kind not in NUMERIC)  # fmt: skip
    ws.row_dimensions[row].height = 16 * lines + 2


def _value(value, kind: str):
    if value is None or value == "":
        return None
    if kind in NUMERIC and isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def table_xlsx(table: Table, *, letterhead: Letterhead, signature: Signature | None = None) -> bytes:
    """The whole workbook of one table, as bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = table.sheet[:31]
    write_table(ws, table, letterhead=letterhead, signature=signature)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_table(
    ws: Worksheet, table: Table, *, letterhead: Letterhead, signature: Signature | None = None
) -> None:
    columns = list(table.columns)
    ncols = len(columns)
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    sheet = _Sheet(ws, ncols)
    _write_letterhead(sheet, letterhead)
    sheet.skip()
    sheet.line(table.title.upper(), bold=True, size=14)
    for line in table.lines:
        sheet.line(line, italic=True)
    sheet.skip()
    header_row = sheet.values([c.title for c in columns])
    for cell in ws[header_row]:
        cell.font = _font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    first = header_row + 1
    for row in table.rows:
        sheet.values([_value(v, c.kind) for v, c in zip(row, columns, strict=True)])
    last = sheet.row
    total_row = None
    if table.total_label and any(c.total for c in columns):
        values: list = [None] * ncols
        for i, c in enumerate(columns, start=1):
            if c.total and last >= first:
                letter = get_column_letter(i)
                values[i - 1] = f"=SUM({letter}{first}:{letter}{last})"  # the only formulas: our own sums
        values[0] = table.total_label
        total_row = sheet.row = sheet.row + 1
        for col, value in enumerate(values, start=1):
            ws.cell(row=total_row, column=col, value=value)
        last = total_row
    _fit_height(ws, header_row, columns, header=True)
    for row in range(first, last + 1):
        _fit_height(ws, row, columns)
    # Each column's style is built once and copied to its other cells: a province's list is millions of cells,
    # and styling each one afresh (new Font and Alignment, looked up by hash in the workbook) took most of the time.
    styles: dict[tuple[int, bool], StyleArray] = {}
    for r in ws.iter_rows(min_row=first, max_row=last, max_col=ncols):
        for cell, col in zip(r, columns, strict=True):
            key = (cell.column, cell.row == total_row)
            if (style := styles.get(key)) is not None:
                cell._style = copy(style)
                continue
            cell.border = BOX
            cell.font = _font(bold=cell.row == total_row)
            cell.number_format = FORMATS.get(col.kind, "General")
            numeric = col.kind in NUMERIC
            cell.alignment = Alignment(
                horizontal="right" if numeric else ("center" if col.kind in ("date", "stt") else "left"),
                vertical="top", wrap_text=not numeric,
            )  # fmt: skip
            styles[key] = copy(cell._style)
    for note in table.notes:
        sheet.line(note, italic=True, size=11)
    if signature is not None:
        sheet.skip()
        left = max(1, ncols // 2)
        for text, bold in ((signature.on_behalf, True), (signature.role, True), ("", False), ("", False),
                           ("", False), (signature.name, True)):  # fmt: skip
            sheet.skip()
            sheet.merged(text, left + 1, ncols, bold=bold, size=13)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape" if table.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left, ws.page_margins.right = 0.6, 0.4  # inches
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    ws.print_options.horizontalCentered = True
