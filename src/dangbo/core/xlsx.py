"""Spreadsheets (openpyxl) in the project's one print style, and the rule that typed text stays text.

Every table export (lists, follow-up tables, report appendices, books) is built with ``table_xlsx``: the party
header of HD 36 (superior body, issuing body, "*" — "ĐẢNG CỘNG SẢN VIỆT NAM", the place and date line), the title
and its lines, one bordered table in Times New Roman with number, money, percentage and date formats and column
widths, an optional total row, the signature block, A4 fitted to the page width with the header row repeated on
every printed page.

Text typed by users is written as text, never as a formula: openpyxl turns any string starting with "=" into a
formula, which Excel would run when the file is opened.

A whole workbook of one table (``table_xlsx``) is written in openpyxl's write-only mode, row by row as the rows come
(a generator is fine): its memory does not grow with the rows (a province's member list, 250,000 rows × 34
columns, kept every cell until it was saved: several GB). ``write_table`` writes the same layout into a sheet of an
ordinary workbook (books of several sheets); a test compares the two cell by cell.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .formats import ngay_van_ban

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Number formats. Without a locale a format's "," and "." are the reader's separators (LibreOffice in English showed
# "9,999,250,000 đ", "95.3%"). The locale tag [$-42A] (Vietnamese, LCID 0x042A) makes LibreOffice use Vietnamese
# separators whatever its own locale: 2.150.000.000 đ, 95,3% (rendered in en_US and vi_VN, issue 13); the values
# stay numbers (sums work). Excel reads the tag for date names and calendars, but per ECMA-376 (language info: LID,
# calendar, number system) it still takes the separators from Windows or its own options: a Vietnamese Windows
# shows ours, an English one 2,150,000,000 — no format code changes that without turning numbers into text.
VI = "[$-42A]"
FORMATS = {
    "stt": "0",  # the row number column, centred
    "int": VI + "#,##0",
    "money": VI + '#,##0" đ"',
    "decimal": VI + "#,##0.0",
    "percent": VI + '0.0"%"',  # values are already per cent (92.4 → 92,4%)
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


def _letterhead_lines(head: Letterhead) -> tuple[list, list]:
    """The letterhead's two columns: (text, bold) lines of the issuing committee on the left, (text, bold, italic)
    lines of the Party's name and the place and date on the right."""
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
    return rows, right


def _write_letterhead(sheet: _Sheet, head: Letterhead) -> None:
    ncols = sheet.ncols
    left = max(1, ncols // 2)
    rows, right = _letterhead_lines(head)
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
    """Excel and LibreOffice do not grow a row for wrapped text written by openpyxl: give it its height."""
    values = [ws.cell(row=row, column=i).value for i in range(1, len(columns) + 1)]
    ws.row_dimensions[row].height = _height(values, columns, header=header)


def _value(value, kind: str):
    if value is None or value == "":
        return None
    if kind in NUMERIC and isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def table_xlsx(
    table: Table, *, letterhead: Letterhead, signature: Signature | None = None, progress=None
) -> bytes:
    """The whole workbook of one table, as bytes: the layout of ``write_table``, written in write-only mode (each
    row goes to the file as it is made; ``table.rows`` may be a generator). ``progress(rows written)``: called
    every ``PROGRESS_ROWS`` rows of the table."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.sheet[:31])
    _stream_table(ws, table, letterhead=letterhead, signature=signature, progress=progress)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PROGRESS_ROWS = 1000


def _data_style(ws, col: Column, *, total: bool) -> StyleArray:
    """The style of a table cell of ``col`` (``write_table``'s), as a StyleArray of the workbook's styles."""
    numeric = col.kind in NUMERIC
    cell = Cell(ws)
    cell.border = BOX
    cell.font = _font(bold=total)
    cell.number_format = FORMATS.get(col.kind, "General")
    cell.alignment = Alignment(
        horizontal="right" if numeric else ("center" if col.kind in ("date", "stt") else "left"),
        vertical="top", wrap_text=not numeric,
    )  # fmt: skip
    return cell._style


class _Rows:
    """``_Sheet`` for a write-only sheet: each row is a list of cells sent to the file once complete (merged
    ranges and row heights are recorded as the ordinary sheet records them)."""

    def __init__(self, ws, columns: Sequence[Column]):
        self.ws, self.ncols = ws, len(columns)
        self.row = 0  # the last row made
        self.sent = 0  # the last row written to the file
        # Our rows are lists of cells (None: no cell there): sent as they are. openpyxl's own conversion would
        # try each cell as a value first and take it as a cell on the ValueError (millions of exceptions).
        ws._values_to_row = _placed
        # (row, cells, height) of the rows made but not yet written (above the table, under it).
        self.pending: list[tuple[int, list, float | None]] = []
        self.widths = sum(c.width or 10 for c in columns)

    def cell(self, value, style: StyleArray | None = None, *, text: bool = True) -> Cell:
        cell = Cell(self.ws, value=value)
        if text:
            as_text(cell)
        if style is not None:
            cell._style = style  # shared by the column's cells, never changed once built
        return cell

    def put(self, row: int, cells: dict[int, Cell], height: float | None = None) -> None:
        """Row ``row`` (after the last one kept) with these cells by column."""
        line = [cells.get(i) for i in range(1, max(cells, default=0) + 1)]
        self.pending.append((row, line, height))

    def merged_cell(self, text: str, first: int, last: int, *, align="center", **font) -> Cell:
        if last > first:
            self.ws.merged_cells.add(
                f"{get_column_letter(first)}{self.row}:{get_column_letter(last)}{self.row}"
            )
        cell = self.cell(text or None)
        cell.font = _font(**font)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        return cell

    def line(self, text: str, **font) -> None:
        self.row += 1
        cell = self.merged_cell(text, 1, self.ncols, **font)
        self.put(self.row, {1: cell}, 18 * max(1, -(-len(text) // max(int(self.widths * 0.9), 1))))

    def flush(self) -> None:
        """Send the rows kept so far (rows never sent stay empty, as the ordinary sheet leaves them)."""
        for row, cells, height in self.pending:
            self.send(row, cells, height)
        self.pending = []

    def send(self, row: int, cells: list, height: float | None = None) -> None:
        dims = self.ws.row_dimensions
        while self.sent < row - 1:  # the skipped rows
            self.ws.append([])
            self.sent += 1
        if height is not None:
            dims[row].height = height
        self.ws.append(cells)
        self.sent = row
        dims.pop(row, None)  # written with its row: kept, one per row, it would grow with the table


def _stream_table(
    ws, table: Table, *, letterhead: Letterhead, signature: Signature | None, progress=None
) -> None:
    """``write_table`` for a write-only sheet (``table_xlsx``): the same cells, styles, merged ranges, row heights
    and print setup, each row written as it comes."""
    columns = list(table.columns)
    ncols = len(columns)
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    sheet = _Rows(ws, columns)
    # The letterhead (``_write_letterhead``).
    left = max(1, ncols // 2)
    rows, right = _letterhead_lines(letterhead)
    for i in range(max(len(rows), len(right))):
        sheet.row += 1
        cells = {}
        if i < len(rows):
            text, bold = rows[i]
            cells[1] = sheet.merged_cell(text, 1, left, bold=bold, size=13)
        if i < len(right) and ncols > left:
            text, bold, italic = right[i]
            cells[left + 1] = sheet.merged_cell(text, left + 1, ncols, bold=bold, italic=italic, size=13)
        sheet.put(sheet.row, cells)
    sheet.row += 1
    sheet.line(table.title.upper(), bold=True, size=14)
    for line in table.lines:
        sheet.line(line, italic=True)
    sheet.row += 1
    header_row = sheet.row = sheet.row + 1
    head = Cell(ws)
    head.font = _font(bold=True)
    head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    head.border = BOX
    titles = [sheet.cell(c.title, head._style) for c in columns]
    sheet.put(
        header_row,
        dict(enumerate(titles, start=1)),
        _height([c.title for c in columns], columns, header=True),
    )
    # Set before the first row goes out (the sheet's views and properties are written at its top).
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.flush()
    styles = [_data_style(ws, c, total=False) for c in columns]
    first = header_row + 1
    for n, row in enumerate(table.rows, start=1):
        sheet.row += 1
        values = [_value(v, c.kind) for v, c in zip(row, columns, strict=True)]
        cells = [sheet.cell(v, style) for v, style in zip(values, styles, strict=True)]
        sheet.send(sheet.row, cells, _height(values, columns))
        if progress is not None and n % PROGRESS_ROWS == 0:
            progress(n)
    last = sheet.row
    if table.total_label and any(c.total for c in columns):
        values = _total_values(table, columns, first, last)
        sheet.row += 1
        cells = [
            sheet.cell(v, _data_style(ws, c, total=True), text=False)
            for v, c in zip(values, columns, strict=True)
        ]
        sheet.send(sheet.row, cells, _height(values, columns))
    for note in table.notes:
        sheet.line(note, italic=True, size=11)
    if signature is not None:
        sheet.row += 1
        for text, bold in ((signature.on_behalf, True), (signature.role, True), ("", False), ("", False),
                           ("", False), (signature.name, True)):  # fmt: skip
            sheet.row += 1
            sheet.put(sheet.row, {left + 1: sheet.merged_cell(text, left + 1, ncols, bold=bold, size=13)})
    sheet.flush()
    _page_setup(ws, table)


def _placed(cells, row: int):
    """The cells of row ``row`` of a write-only sheet, placed in their columns."""
    for col, cell in enumerate(cells, start=1):
        if cell is not None:
            cell.row, cell.column = row, col
            yield cell


def _total_values(table: Table, columns: Sequence[Column], first: int, last: int) -> list:
    """The total row: its label, then a SUM over rows ``first``–``last`` under each column that has a total (the
    only formulas in our files: our own sums)."""
    values: list = [None] * len(columns)
    for i, c in enumerate(columns, start=1):
        if c.total and last >= first:
            letter = get_column_letter(i)
            values[i - 1] = f"=SUM({letter}{first}:{letter}{last})"
    values[0] = table.total_label
    return values


def _height(values: Sequence, columns: Sequence[Column], *, header: bool = False) -> float:
    """The height of a row of these values (16 points a line, 12pt Times). Numbers do not wrap, but the header of a
    number column is text ("Số tổ chức được giao" over a column of 11), and bold (about a tenth wider)."""
    lines = max(_lines(v, c.width * (0.9 if header else 1)) for v, c in zip(values, columns, strict=True)
                if header or c.kind not in NUMERIC)  # fmt: skip
    return 16 * lines + 2


def _page_setup(ws, table: Table) -> None:
    ws.page_setup.orientation = "landscape" if table.landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left, ws.page_margins.right = 0.6, 0.4  # inches
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    ws.print_options.horizontalCentered = True


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
        values = _total_values(table, columns, first, last)
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
    _page_setup(ws, table)
