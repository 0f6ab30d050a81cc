"""One import framework for every kind of row a province brings from its spreadsheets (members, organizations,
member history, committee seats, dues bases, evaluation results).

An app describes a kind — its columns (label, aliases, how a cell is read), its natural key, and what one row
does (a call to the app's own service, so every rule applies) — and registers it in
``core.registries.IMPORT_KINDS`` from its ``AppConfig.ready()``. Everything else is here and the same for all kinds:
the downloadable template (Vietnamese headers, an example row, a sheet «Ghi chú» with the accepted values), reading
an uploaded XLSX/CSV, the dry run, the all-or-nothing commit, the table of errors; the page and the background job
are in ``dangbo.jobs`` (``jobs/imports.py``, ``jobs/views_data.py``).

openpyxl reads the workbook directly (already a dependency for every export; tablib would add a layer whose only
use here would be the same openpyxl call, and it evaluates nothing either). A cell holding a formula is read as
its text and refused for that row — nothing is ever evaluated. Headers are matched accent- and case-insensitively
(``core.text.fold``) to the columns' labels and aliases; other columns are listed and ignored.

Text is stored NFC with Đ for the legacy Ð (``core.text``). Text typed in the old TCVN3 (ABC) or VNI fonts — which
arrives as Latin-1 symbols ("V¨n", "§inh") or as tone marks written after the vowel ("Vaên", "Huøng") — is not
guessed at: the row is refused with a message to convert the file to Unicode (Unikey's "Chuyển mã").

Every audit event written while an import runs carries the import as its source (``SOURCE``, read by
``audit.services.record``); a row whose natural key is already there is skipped, so importing the same file again
changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG as _DATA_TAG
from openpyxl.worksheet._reader import DIMENSION_TAG as _DIMENSION_TAG
from openpyxl.xml.functions import iterparse

from .errors import ApplicationError
from .middleware import changes_from
from .spool import Spool
from .text import clean_text, fold
from .uploads import check_upload
from .xlsx import BOX, FONT, FORMATS, Letterhead, Table, append, put, table_xlsx
from .xlsx import Column as TableColumn

EXISTING = "existing"  # what a kind's ``apply`` returns for a row already there (skipped)


class RowError(Exception):
    """Raised by a kind's ``apply``/``prepare`` for one row: (column label, problem)."""

    def __init__(self, label: str, problem: str):
        super().__init__(problem)
        self.label, self.problem = label, problem


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text | date | month | choice | int
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label) for kind "choice"
    required: bool = False
    example: Any = None
    zfill: int = 0  # a number cell that lost its leading zeros (citizen IDs): pad to this length


@dataclass(frozen=True)
class ImportKind:
    """One kind of import. ``apply(actor, values, context)`` writes one row through the owning app's service and
    returns ``EXISTING`` when the row's natural key is already there (nothing changed); it raises
    ``ApplicationError`` (its ``field_errors`` keys are column keys, or ``labels`` names them) or ``RowError``.
    ``prepare(actor, rows, options)`` → the context (lookups read once for the whole file, in the actor's scope).
    ``top(actor)`` → the organization the import runs over for this actor (None: the actor may not import it);
    ``allowed(actor, organization)`` → may the actor import over it (the background job checks it again)."""

    key: str  # the URL and job key: "to_chuc", "dang_vien" (job "nhap_<key>")
    noun: str  # "tổ chức đảng": "Nhập tổ chức đảng từ tệp"
    sheet: str  # the template's sheet title
    columns: Sequence[Column]
    natural_key: tuple[str, ...]  # the columns that identify a row: twice in one file is an error
    apply: Callable[..., Any]
    top: Callable[[Any], Any]
    allowed: Callable[[Any, Any], bool]
    prepare: Callable[..., Any] | None = None
    # The bulk path: ``apply_many(actor, [(row number, values)], context, progress)`` → {row number: outcome or
    # the RowError/ApplicationError refusing it}, every row checked by the owning service's bulk function and
    # written in bulk only when all pass; ``progress(done, step)`` (or None) reports how far it got, rows of the
    # batch. It is called once per ``BATCH_ROWS`` rows of the file, in the one transaction of the import (a batch
    # may see what the batches before it wrote). Without it, ``apply`` runs row by row.
    apply_many: Callable[..., dict] | None = None
    notes: tuple[str, ...] = ()  # lines of the template's «Ghi chú» sheet, after the general ones
    labels: dict[str, str] = field(default_factory=dict)  # service field names → column labels
    general: str = ""  # the column label of an error that names no field (default: the first key column's)
    header: str = ""  # a column the header row must have (default: the first required one)
    back: str = ""  # URL name of the page the import belongs to ("organizations:tree")
    form: str = (
        ""  # dotted path of fn(actor, data, files) → a Form with a "file" field and the kind's options
    )
    filename: str = ""  # the template's file name

    @property
    def job_key(self) -> str:
        return f"nhap_{self.key}"

    @property
    def title(self) -> str:
        return f"Nhập {self.noun} từ tệp"

    def label(self, key: str) -> str:
        for c in self.columns:
            if c.key == key:
                return c.label
        return self.labels.get(key, key)

    def headers(self) -> dict[str, str]:
        out = {fold(c.label): c.key for c in self.columns}
        for c in self.columns:
            for alias in c.aliases:
                out.setdefault(fold(alias), c.key)
        return out


def max_rows() -> int:
    """The most rows one file may have."""
    return int(getattr(settings, "DANGBO_IMPORT_MAX_ROWS", 300000))


def max_bytes() -> int:
    """The largest file (``DANGBO_IMPORT_MAX_MB``; attachments have their own limit, ``DANGBO_UPLOAD_MAX_MB``)."""
    return int(getattr(settings, "DANGBO_IMPORT_MAX_MB", 100)) * 1024 * 1024


def sync_rows() -> int:
    """Files with more rows than this are checked and imported in the background (``jobs.imports``)."""
    return int(getattr(settings, "DANGBO_IMPORT_SYNC_ROWS", 500))


# -- the template ----------------------------------------------------------------------------------------------

GENERAL_NOTES = (
    "Dòng 2 là ví dụ, xóa hoặc ghi đè trước khi nhập.",
    "Ngày ghi dd/mm/yyyy. Số CCCD gồm 12 chữ số, ghi dạng văn bản để giữ số 0 ở đầu.",
    "Không dùng công thức; chữ tiếng Việt phải là Unicode (tệp gõ bằng phông TCVN3/VNI phải chuyển mã trước).",
    "Nhập là tất cả hoặc không: một dòng lỗi thì không dòng nào được ghi. Bấm «Kiểm tra» trước để xem lỗi.",
)


def template_xlsx(kind: ImportKind) -> bytes:
    """The import template: the headers, one example row, and a sheet "Ghi chú" with each choice column's values."""
    wb = Workbook()
    ws = wb.active
    ws.title = kind.sheet[:31]
    append(ws, [c.label for c in kind.columns])
    append(ws, [c.example for c in kind.columns])
    for i, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(14, min(len(column.label) + 4, 40))
        head = ws[f"{letter}1"]
        head.font = Font(name=FONT, bold=True)
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = BOX
        number_format = FORMATS["date"] if column.kind in ("date", "month") else FORMATS["text"]
        if column.kind == "int":
            number_format = "General"
        for row in range(2, 1002):  # typed citizen IDs and phones keep their leading zero
            ws[f"{letter}{row}"].number_format = number_format
        ws[f"{letter}2"].font = Font(name=FONT, italic=True)
    ws.freeze_panes = "B2"
    notes = wb.create_sheet("Ghi chú")
    put(notes, "A1", "Cách điền")
    notes["A1"].font = Font(name=FONT, bold=True)
    required = ", ".join(c.label for c in kind.columns if c.required)
    lines = [
        f"Mỗi dòng của trang «{kind.sheet}» là một {kind.noun}.",
        *kind.notes,
        *([f"Bắt buộc: {required}."] if required else []),
        *GENERAL_NOTES,
    ]
    for i, line in enumerate(lines, start=2):
        put(notes, f"A{i}", line)
    row = len(lines) + 3
    put(notes, f"A{row}", "Cột")
    put(notes, f"B{row}", "Giá trị được nhận")
    notes[f"A{row}"].font = notes[f"B{row}"].font = Font(name=FONT, bold=True)
    for column in kind.columns:
        if column.kind != "choice":
            continue
        row += 1
        put(notes, f"A{row}", column.label)
        put(notes, f"B{row}", "; ".join(lbl for _, lbl in column.choices))
        notes[f"B{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- reading a file --------------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # the row number in the file (as the spreadsheet shows it)
    values: dict = field(default_factory=dict)  # column key → converted value
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, problem)


class Rows:
    """The rows read from a file, in file order, kept compact in a ``core.spool.Spool`` (a temporary file past a few
    MB): a row is its number, its values in the order of the file's recognised columns (None: blank) and its
    problems. Going through them (a kind's ``prepare``, then ``run``) reads them back one at a time as ``Row``s,
    so a province's file (250,000 rows) is never held in memory; only the keys that ``prepare`` collects and
    ``run``'s duplicate check are."""

    def __init__(self, keys: Sequence[str]):
        self.keys = tuple(keys)
        self._spool = Spool()

    def append(self, row: Row) -> None:
        values = tuple(row.values.get(k) for k in self.keys)
        self._spool.append((row.number, values, tuple(row.errors)))

    def __len__(self) -> int:
        return len(self._spool)

    def __iter__(self) -> Iterator[Row]:
        keys = self.keys
        for number, values, errors in self._spool:
            yield Row(number, {k: v for k, v in zip(keys, values) if v is not None}, list(errors))  # noqa: B905

    def __getitem__(self, index: int) -> Row:
        if not 0 <= index < len(self):
            raise IndexError(index)
        return next(islice(iter(self), index, None))

    @property
    def on_disk(self) -> bool:
        return self._spool.on_disk


@dataclass
class Sheet:
    rows: Rows
    columns: list[str]  # keys of the recognised columns
    unknown: list[str]  # headers not recognised, ignored
    more: bool = False  # read with ``stop_after``: the file has more rows than were read


# TCVN3 (ABC) puts Vietnamese letters at Latin-1 symbol codes: "V¨n" (ă), "§inh" (Đ), "Hïng"… A symbol of
# U+00A1–U+00BF touching a letter never occurs in Unicode Vietnamese. VNI writes the marks as letters after the
# vowel: "Vaên", "Huøng", "Nguyeãn" — ø ï û ö ä never occur in Vietnamese, nor ù/õ after a vowel, ã after e/i/y,
# â/ê after a/e/o ("Ngoãn", "Xuân" are Unicode).
_TCVN3 = re.compile(
    r"[^\W\d_][\u00a1-\u00aa\u00ac-\u00ba\u00bc-\u00bf]|[\u00a1-\u00aa\u00ac-\u00ba\u00bc-\u00bf][^\W\d_]"
    r"|[^\W\d_][\u00ab\u00bb][^\W\d_]"
)  # « » alone are quotes; between letters, ô and ơ
_VNI = re.compile(r"[øïûöäØÏÛÖÄ]|[aeiouyAEIOUY][ùõÙÕ]|[eiyEIY][ãÃ]|[aeoAEO][âêÂÊ]")


def legacy_encoded(text: str) -> bool:
    """Whether ``text`` looks typed in a TCVN3 or VNI font rather than Unicode."""
    return bool(_TCVN3.search(text) or _VNI.search(text))


LEGACY_MESSAGE = "chữ được gõ bằng phông cũ (TCVN3/VNI), không phải Unicode; xin chuyển mã tệp sang Unicode (ví dụ bằng Unikey) rồi nhập lại."


def refuse(problem: str):
    raise ApplicationError(f"Tệp nhập: {problem}", field_errors={"file": f"Tệp nhập: {problem}"})


def read_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _choice_keys(column: Column) -> dict[str, str]:
    return {**{fold(v): v for v, _ in column.choices}, **{fold(lbl): v for v, lbl in column.choices}}


def _convert(column: Column, value, row: Row, choice_keys: dict[str, str]) -> None:
    if _blank(value):
        return
    if column.kind in ("date", "month"):
        try:
            day = read_date(value)
        except ValueError:
            row.errors.append((column.label, "không đọc được ngày; ghi theo dạng dd/mm/yyyy."))
            return
        row.values[column.key] = day.replace(day=1) if column.kind == "month" else day
        return
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.strftime("%d/%m/%Y")
    text = clean_text(str(value))
    if legacy_encoded(text):
        row.errors.append((column.label, LEGACY_MESSAGE))
        return
    if column.zfill and isinstance(value, int) and len(text) < column.zfill:
        text = text.zfill(column.zfill)  # a number cell lost the leading zero of the province code
    if column.kind == "int":
        digits = text.replace(".", "").replace(" ", "")
        if not re.fullmatch(r"-?\d{1,15}", digits):
            row.errors.append((column.label, "phải là một số nguyên."))
            return
        row.values[column.key] = int(digits)
        return
    if column.kind == "choice":
        chosen = choice_keys.get(fold(text))
        if chosen is None:
            allowed = "; ".join(lbl for _, lbl in column.choices)
            row.errors.append((column.label, f"giá trị không có trong danh sách ({allowed})." if len(allowed) < 200
                               else "giá trị không có trong danh sách (xem trang «Ghi chú» của tệp mẫu)."))  # fmt: skip
            return
        text = chosen
    row.values[column.key] = text


def _name(header) -> str:
    return clean_text(header if isinstance(header, str) else ("" if header is None else str(header)))


# A column of row numbers (exports and hand-made lists start with one) is never data: it needs no mapping.
ROW_NUMBER_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu"})


def _header_map(
    kind: ImportKind, headers: list, mapping: dict[str, str] | None = None
) -> tuple[dict[int, str], list[str]]:
    """Column index → column key for a header row; ``mapping`` (folded header → key, "" to ignore) replaces the
    labels and aliases when the user chose how the file's columns map (``check_mapping``)."""
    known = kind.headers() if mapping is None else mapping
    found, unknown = {}, []
    for i, header in enumerate(headers):
        name = _name(header)
        if not name:
            continue
        key = known.get(fold(name))
        if key and key not in found.values():
            found[i] = key
        elif key is None if mapping is not None else fold(name) not in ROW_NUMBER_HEADERS:
            unknown.append(name)  # with a mapping, "" is a column the user chose to ignore
    return found, unknown


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _needed_header(kind: ImportKind) -> Column:
    key = kind.header or next((c.key for c in kind.columns if c.required), kind.columns[0].key)
    return next(c for c in kind.columns if c.key == key)


def _build(kind: ImportKind, records, formula_rows: dict[int, set[int]] | None = None,
           mapping: dict[str, str] | None = None, progress=None, stop_after: int | None = None) -> Sheet:  # fmt: skip
    """``records``: iterator of (row number, list of values); the header is the first row that names at least two
    known columns (exports with a letterhead above the table are read too). ``mapping``: the user's choice of
    column for each header (``check_mapping``), instead of the labels and aliases. ``progress``: the background
    job's callback, told every ``PROGRESS_ROWS`` rows read. ``stop_after``: read no further than that many rows
    (``Sheet.more`` says whether there were more)."""
    found: dict[int, str] = {}
    unknown: list[str] = []
    rows = Rows(())
    columns = {c.key: c for c in kind.columns}
    choice_keys = {c.key: _choice_keys(c) for c in kind.columns if c.kind == "choice"}
    needed = _needed_header(kind)
    wanted = min(2, len(columns) if mapping is None else max(1, len({k for k in mapping.values() if k})))
    more = False
    for number, values in records:
        if not found:
            hit, others = _header_map(kind, list(values), mapping)
            if len(hit) >= wanted:
                found, unknown = hit, others
                rows = Rows(found.values())
                if mapping is None and needed.key not in found.values():
                    refuse(f"không thấy cột «{needed.label}» ở dòng tiêu đề.")
            elif number > HEADER_ROWS:
                break
            continue
        if all(_blank(values[i] if i < len(values) else None) for i in found):
            continue  # an empty row, or a line under a table (an export's footer) outside the known columns
        if stop_after is not None and len(rows) >= stop_after:
            more = True
            break
        if len(rows) >= max_rows():
            refuse(f"có hơn {max_rows():,} dòng; xin chia thành nhiều tệp nhỏ hơn.".replace(",", "."))
        if progress is not None and len(rows) % PROGRESS_ROWS == 0 and rows:
            progress(len(rows), None, f"Đang đọc tệp: {len(rows)} dòng")
        row = Row(number=number)
        for i, key in found.items():
            value = values[i] if i < len(values) else None
            if formula_rows and i in formula_rows.get(number, ()):
                row.errors.append(
                    (columns[key].label, "ô chứa công thức; hệ thống không tính công thức, xin ghi giá trị.")
                )
                continue
            _convert(columns[key], value, row, choice_keys.get(key, {}))
        rows.append(row)
    if not found:
        if mapping is not None:
            refuse("không thấy dòng tiêu đề với các cột đã ghép; xin tải tệp lên lại.")
        names = ", ".join(c.label for c in list(kind.columns)[:3])
        refuse(f"không thấy dòng tiêu đề với các cột của tệp mẫu ({names} …).")
    return Sheet(rows=rows, columns=list(found.values()), unknown=unknown, more=more)


HEADER_ROWS = 20  # the header row is looked for among the first rows (a letterhead may stand above it)
PROGRESS_ROWS = 1000  # a large file reports its progress every this many rows (reading, checking, writing)
# ``apply_many`` is given the rows in batches of this many, in the import's one transaction: the objects of a batch
# (records, events, periods, audit events: ~10 kB a row) are let go once it is written, so a province's file does
# not hold them all at once. Every batch is checked; the transaction is rolled back when any row of any batch is
# refused, or on a dry run — all or nothing as before.
BATCH_ROWS = 10000


CSV_PIECE = 1 << 16  # a CSV file is decoded this many bytes at a time


def _check_csv(upload):
    """The CSV file's text, decoded a piece at a time (UTF-8, with or without BOM), never the whole file at once.
    The whole file is decoded once first (and let go), so that a bad byte anywhere refuses it before a row is read.
    (Each cell is made NFC with Đ for Ð as it is read: ``clean_text``.)"""
    if not upload.size:
        refuse("tệp rỗng.")
    if upload.size > max_bytes():
        refuse(f"tệp vượt giới hạn {max_bytes() // 1024 // 1024} MB.")
    upload.seek(0)
    if b"\x00" in upload.read(4096):
        refuse("nội dung tệp không phải là tệp CSV (văn bản).")
    for _ in _decoded(upload):
        pass
    return _decoded(upload)


def _decoded(upload):
    upload.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        while piece := upload.read(CSV_PIECE):
            yield decoder.decode(piece)
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        refuse("tệp CSV phải được lưu với bảng mã UTF-8 (Excel: «CSV UTF-8»).")


def _lines(pieces):
    """The lines of the decoded pieces, each with its line end (\\n, \\r\\n or \\r, as ``csv`` wants them)."""
    carry = ""
    for piece in pieces:
        lines = io.StringIO(carry + piece, newline="").readlines()
        # the last line, unless complete, waits for the next piece (a last \\r may be half of a \\r\\n)
        carry = lines.pop() if lines and not lines[-1].endswith("\n") else ""
        yield from lines
    if carry:
        yield carry


def _suffix(upload) -> str:
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        refuse("chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv); tệp .xls cũ xin lưu lại thành .xlsx.")
    return suffix


def _csv_records(pieces):
    lines = _lines(pieces)
    head, size = [], 0  # the first lines, for the sniffer
    for line in lines:
        head.append(line)
        size += len(line)
        if size >= 4096:
            break
    try:
        dialect = csv.Sniffer().sniff("".join(head)[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return enumerate(csv.reader(chain(head, lines), dialect), start=1)


def read_upload(kind: ImportKind, upload, mapping: dict[str, str] | None = None, progress=None,
                stop_after: int | None = None) -> Sheet:  # fmt: skip
    """Check the uploaded file (kind, size, content) and read its rows. Raises ApplicationError naming the file.
    ``mapping``: folded header → column key ("" ignores the column), as ``check_mapping`` accepted it;
    ``progress``: the background job's callback; ``stop_after``: read at most that many rows — the page reads no
    more than it handles itself (``sync_rows``) and leaves a larger file to the background job, which reads it all."""
    if _suffix(upload) == ".xlsx":
        check_upload(upload, field="file", label="Tệp nhập", limit=max_bytes())
        return _read_xlsx(kind, upload, mapping, progress, stop_after)
    return _build(
        kind, _csv_records(_check_csv(upload)), mapping=mapping, progress=progress, stop_after=stop_after
    )


def _sheet_size_from_its_head(self) -> None:
    """The read-only sheet's size from its ``<dimension>``, looked for before ``<sheetData>`` only.

    openpyxl 3.1 (``ReadOnlyWorksheet._get_size``, run for every sheet when a workbook is opened) looks for it by
    parsing the sheet until the *end* of ``<sheetData>`` — the whole sheet when it has none, as in the files of
    openpyxl's write-only mode (our exports «để nhập lại»): a province's file (241,186 rows) was parsed once more
    just to be opened, on the page and in the job — about half of reading it. ``<dimension>`` comes before
    ``<sheetData>`` (ECMA-376, CT_Worksheet), so the start of ``<sheetData>`` ends the search; without it the size
    stays unknown, which reading row by row does not need."""
    with self._get_source() as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == _DIMENSION_TAG:
                ref = element.get("ref")
                if ref:
                    self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(ref)
                return
            if element.tag == _DATA_TAG:
                return


ReadOnlyWorksheet._get_size = _sheet_size_from_its_head


def _open_xlsx(upload):
    upload.seek(0)
    try:
        return load_workbook(upload, read_only=True, data_only=False)  # formulas come back as their text
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a malformed workbook
        refuse("tệp XLSX bị hỏng, không mở được.")


def _read_xlsx(kind: ImportKind, upload, mapping=None, progress=None, stop_after=None) -> Sheet:
    wb = _open_xlsx(upload)
    try:
        ws = wb.worksheets[0]
        formulas: dict[int, set[int]] = {}

        def records():
            for number, cells in enumerate(ws.iter_rows(), start=1):
                values = []
                for i, cell in enumerate(cells):
                    if getattr(cell, "data_type", None) == "f":
                        formulas.setdefault(number, set()).add(i)
                    values.append(getattr(cell, "value", None))
                yield number, values

        return _build(kind, records(), formulas, mapping, progress, stop_after)
    finally:
        wb.close()


# -- mapping a file's columns to a kind's columns --------------------------------------------------------------


@dataclass
class Headers:
    """The header row of an uploaded file, for the column mapping page."""

    number: int  # its row number
    names: list[str]  # the non-blank headers, in file order
    samples: list[str]  # the value under each in the first data row (shown to help choose)


def read_headers(kind: ImportKind, upload) -> Headers:
    """The file's header row: the first of the first rows naming two of the kind's columns, else the first of them
    with the most filled cells (a letterhead line above the table has fewer)."""
    if _suffix(upload) == ".xlsx":
        check_upload(upload, field="file", label="Tệp nhập", limit=max_bytes())
        wb = _open_xlsx(upload)
        try:
            rows = wb.worksheets[0].iter_rows(max_row=HEADER_ROWS + 1)
            top = [(n, [c.value for c in cells]) for n, cells in enumerate(rows, start=1)]
        finally:
            wb.close()
    else:
        top = list(islice(_csv_records(_check_csv(upload)), HEADER_ROWS + 1))
    known = kind.headers()
    chosen = next((i for i, (_, values) in enumerate(top)
                   if len({known[f] for v in values if (f := fold(_name(v))) in known}) >= 2), None)  # fmt: skip
    if chosen is None:
        counts = [sum(1 for v in values if _name(v)) for _, values in top[:HEADER_ROWS]]
        if not counts or max(counts) == 0:
            refuse("tệp không có dòng tiêu đề.")
        chosen = counts.index(max(counts))
    number, values = top[chosen]
    below = next((v for _, v in top[chosen + 1 :] if any(not _blank(x) for x in v)), [])
    names, samples, seen = [], [], set()
    for i, value in enumerate(values):
        name = _name(value)
        if not name or fold(name) in seen:
            continue
        seen.add(fold(name))
        names.append(name)
        sample = below[i] if i < len(below) else None
        if isinstance(sample, (dt.date, dt.datetime)):
            sample = sample.strftime("%d/%m/%Y")
        samples.append("" if _blank(sample) else clean_text(str(sample))[:40])
    return Headers(number=number, names=names, samples=samples)


def suggest(kind: ImportKind, names: Sequence[str]) -> dict[str, str]:
    """Folded header → the column its label or an alias names ("" when none, or when an earlier header took it)."""
    known, out, taken = kind.headers(), {}, set()
    for name in names:
        key = known.get(fold(name), "")
        if key in taken:
            key = ""
        taken.add(key)
        out[fold(name)] = key
    return out


def needs_mapping(kind: ImportKind, names: Sequence[str]) -> bool:
    """Whether the user must say how the file's columns map: a header the kind does not know (a column of row
    numbers aside), or a required column no header names."""
    chosen = suggest(kind, names)
    unknown = any(not key and f not in ROW_NUMBER_HEADERS for f, key in chosen.items())
    return unknown or any(c.required and c.key not in chosen.values() for c in kind.columns)


def check_mapping(kind: ImportKind, chosen: dict[str, str]) -> dict[str, str]:
    """The problems of a mapping (file header → column key, "" to ignore), by file header ("" for the whole; each
    message starts with the header, as the page's fields are labelled):
    every required column mapped once, no column mapped twice, only the kind's columns."""
    columns = {c.key: c for c in kind.columns}
    errors: dict[str, str] = {}
    by_key: dict[str, list[str]] = {}
    for header, key in chosen.items():
        if not key:
            continue
        if key not in columns:
            errors[header] = f"{header}: trường đã chọn không có trong tệp nhập {kind.noun}."
            continue
        by_key.setdefault(key, []).append(header)
    for key, headers in by_key.items():
        if len(headers) > 1:
            listed = ", ".join(f"«{h}»" for h in headers)
            for header in headers:
                errors[header] = (f"{header}: trường «{columns[key].label}» đã được chọn cho {len(headers)} cột của "
                                  f"tệp ({listed}); mỗi trường chỉ ghép với một cột.")  # fmt: skip
    missing = [c.label for c in kind.columns if c.required and c.key not in by_key]
    if missing:
        names = ", ".join(f"«{m}»" for m in missing)
        errors[""] = (f"Chưa ghép trường bắt buộc {names}: chọn cột của tệp chứa "
                      f"{'trường' if len(missing) == 1 else 'từng trường'} đó.")  # fmt: skip
    return errors


# -- running an import -----------------------------------------------------------------------------------------


class ImportResult:
    """What an import did or would do: rows created, rows skipped as already there, every row's problems."""

    def __init__(self, *, total: int, committed: bool):
        self.total, self.committed = total, committed
        self.created = 0
        self.existing = array("l")  # row numbers whose natural key is already there (a province's: 250,000)
        self.errors: list[tuple[int, str, str]] = []  # (row number, column label, problem)

    @property
    def ok(self) -> bool:
        return not self.errors


def _strip_label(message: str, label: str) -> str:
    prefix = f"{label}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def run(kind: ImportKind, *, actor, sheet: Sheet, commit: bool = False, source: str = "", options=None,
        progress=None) -> ImportResult:  # fmt: skip
    """Apply every row of ``sheet`` through ``kind.apply`` in one transaction. Dry run (``commit=False``) and commit
    run the same code; the dry run, or a commit with any row in error, is rolled back whole: one bad row, nothing
    written. ``progress``: the background job's callback, called for every row (``apply``) or every
    ``PROGRESS_ROWS`` rows (``apply_many``, given ``BATCH_ROWS`` rows at a time: rows of the file done)."""
    result = ImportResult(total=len(sheet.rows), committed=False)
    general = kind.general or kind.label(kind.natural_key[0])
    seen: dict = {}  # natural key → the row number it was first on
    batch: list[tuple[int, dict]] = []
    applied = 0  # rows of the file given to ``apply_many`` so far

    def flush(batch: list, applied: int) -> int:
        """``apply_many`` for one batch: its outcomes counted, the batch emptied (its rows' objects let go)."""

        where = f"Dòng {batch[0][0]}–{batch[-1][0]} của tệp: " if total > BATCH_ROWS else ""

        def step(done: int, text: str) -> None:  # the service's steps count the rows of the batch
            if progress is not None:
                progress(applied + done, total, where + text)

        step(0, f"Đang kiểm tra {len(batch)} dòng theo quy tắc")
        outcomes = kind.apply_many(actor, batch, context, step)
        for number, _ in batch:
            _count(kind, result, number, outcomes.get(number), general)
        applied += len(batch)
        batch.clear()
        return applied

    total = len(sheet.rows)
    with transaction.atomic(), changes_from(source or kind.title):
        context = kind.prepare(actor, sheet.rows, options or {}) if kind.prepare else dict(options or {})
        for i, row in enumerate(sheet.rows):
            if progress is not None and kind.apply_many is None:  # (the batches report their own)
                progress(i, total, f"Đang {'nhập' if commit else 'kiểm tra'} dòng {row.number}")
            for label, problem in row.errors:
                result.errors.append((row.number, label, problem))
            if row.errors:
                continue
            missing = [c for c in kind.columns if c.required and row.values.get(c.key) in (None, "")]
            for column in missing:
                result.errors.append((row.number, column.label, "không được để trống."))
            if missing:
                continue
            key = tuple(row.values.get(k) for k in kind.natural_key)
            if all(part not in (None, "") for part in key):
                key = key[0] if len(key) == 1 else key  # (a province's citizen IDs: no tuple around each)
                if key in seen:
                    result.errors.append(
                        (row.number, kind.label(kind.natural_key[-1]), f"trùng với dòng {seen[key]}.")
                    )
                    continue
                seen[key] = row.number
            if kind.apply_many is not None:
                batch.append((row.number, dict(row.values)))
                if len(batch) >= BATCH_ROWS:
                    applied = flush(batch, applied)
                continue
            try:
                outcome = kind.apply(actor, dict(row.values), context)
            except (RowError, ApplicationError) as error:
                outcome = error
            _count(kind, result, row.number, outcome, general)
        if batch:
            flush(batch, applied)
        if kind.apply_many is not None:
            result.errors.sort(key=lambda e: e[0])
        if result.errors or not commit:
            transaction.set_rollback(True)
        else:
            result.committed = True
    return result


def _count(kind: ImportKind, result: ImportResult, number: int, outcome, general: str) -> None:
    """Add one row's outcome to ``result``: created, already there, or its errors by column."""
    if isinstance(outcome, RowError):
        result.errors.append((number, outcome.label, outcome.problem))
    elif isinstance(outcome, ApplicationError):
        if not outcome.field_errors:
            result.errors.append((number, general, outcome.message))
        for name, message in outcome.field_errors.items():
            label = kind.label(name)
            result.errors.append((number, label, _strip_label(message, label)))
    elif outcome == EXISTING:
        result.existing.append(number)
    else:
        result.created += 1


def errors_xlsx(kind: ImportKind, result: ImportResult, *, issuer: str) -> bytes:
    """The table of a file's errors (row, column, problem), in the print style."""
    table = Table(
        title=f"Lỗi của tệp nhập {kind.noun}",
        columns=[TableColumn("Dòng", 8, "int"), TableColumn("Cột", 26), TableColumn("Lỗi", 70)],
        rows=result.errors, lines=[f"{result.total} dòng, {len(result.errors)} lỗi"], landscape=True, sheet="Lỗi",
    )  # fmt: skip
    return table_xlsx(table, letterhead=Letterhead(issuer=issuer))


def summary(kind: ImportKind, result: ImportResult) -> str:
    """The one-line outcome shown on the page and as the job's message."""
    skipped = f", {len(result.existing)} dòng đã có bỏ qua" if result.existing else ""
    if result.errors:
        return (
            f"Có {len(result.errors)} lỗi trong {result.total} dòng — chưa ghi gì. Tải bảng lỗi để sửa tệp."
        )
    if result.committed:
        return f"Đã nhập {result.created} {kind.noun}{skipped}."
    return f"Kiểm tra xong, không có lỗi: {result.created} {kind.noun} sẽ được thêm{skipped}. Tải tệp lên lại và bấm «Nhập»."
