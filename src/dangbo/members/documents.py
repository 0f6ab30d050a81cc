"""The member import file: its XLSX template, and reading an uploaded XLSX/CSV into rows of form values.

openpyxl reads the workbook directly (already a dependency for every export; tablib would add a layer whose only
use here would be the same openpyxl call, and it evaluates nothing either). A cell holding a formula is read as
its text and refused for that row — nothing is ever evaluated. Headers are matched accent- and case-insensitively
(``core.text.fold``) to the member form's labels and common aliases; other columns are listed and ignored.

Text is stored NFC with Đ for the legacy Ð (``core.text``). Text typed in the old TCVN3 (ABC) or VNI fonts — which
arrives as Latin-1 symbols ("V¨n", "§inh") or as tone marks written after the vowel ("Vaên", "Huøng") — is not
guessed at: the row is refused with a message to convert the file to Unicode (Unikey's "Chuyển mã").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dangbo.core.errors import ApplicationError
from dangbo.core.text import clean_text, fold, nfc
from dangbo.core.uploads import check_upload, max_bytes
from dangbo.core.xlsx import BOX, FONT, FORMATS, append, put

from .choices import (
    ETHNICITY_CHOICES,
    RELIGION_CHOICES,
    Degree,
    Gender,
    GeneralEducation,
    MemberStatus,
    PoliticalTheory,
)
from .models import Member

CODE = "organization_code"  # the column choosing the cell of each row
SINCE = "since"
# The import's columns in the template's order: (key, label, kind). Labels are the member form's.
_DATE_FIELDS = {"birth_date", "joined_date", "admission_decision_date", "official_date", "youth_union_date"}
_FIELDS = (
    "full_name", "other_names", "gender", "birth_date", "birth_place", "native_place", "residence", "ethnicity",
    "religion", "occupation", "citizen_id", "phone", "status", "card_number", "cv_number", "joined_date",
    "joined_cell", "admission_decision_date", "official_date", "official_cell", "introducer_1", "introducer_2",
    "youth_union_date", "general_education", "professional_education", "degree", "academic_title", "political_theory",
)  # fmt: skip


def _label(name: str) -> str:
    return str(Member._meta.get_field(name).verbose_name)


COLUMNS: list[tuple[str, str]] = [(CODE, "Mã chi bộ"), *((n, _label(n)) for n in _FIELDS[:12]),
                                  (SINCE, "Sinh hoạt tại chi bộ từ ngày"), *((n, _label(n)) for n in _FIELDS[12:])]  # fmt: skip
LABELS = dict(COLUMNS)
REQUIRED = {"full_name", "gender", "birth_date"}
# Headers of other files (the former registry software, hand-made lists) that mean the same column.
ALIASES = {
    CODE: ["Mã tổ chức", "Mã chi bộ", "Mã đơn vị", "Chi bộ"],
    "full_name": ["Họ tên", "Họ và tên đảng viên", "Tên đảng viên"],
    "other_names": ["Tên khác", "Bí danh"],
    "gender": ["Giới", "Nam/Nữ"],
    "birth_date": ["Ngày tháng năm sinh", "Sinh ngày"],
    "residence": ["Thường trú", "Địa chỉ thường trú", "Địa chỉ", "Nơi ở hiện nay"],
    "citizen_id": [
        "CCCD",
        "Số căn cước",
        "Số căn cước công dân",
        "Căn cước công dân",
        "Số CMND/CCCD",
        "Số định danh",
    ],
    "phone": ["Số điện thoại", "SĐT", "Điện thoại di động"],
    "status": ["Trạng thái", "Loại đảng viên"],
    "card_number": ["Số thẻ", "Số thẻ Đảng", "Số thẻ đảng viên"],
    "cv_number": ["Số LL", "Số hồ sơ"],
    "joined_date": ["Ngày kết nạp", "Ngày vào đảng"],
    "official_date": ["Ngày công nhận chính thức", "Ngày chuyển chính thức"],
    "general_education": ["Trình độ văn hóa", "Văn hóa", "Trình độ giáo dục phổ thông"],
    "professional_education": ["Trình độ chuyên môn", "Chuyên môn"],
    "political_theory": ["Trình độ lý luận chính trị", "LLCT", "Lý luận"],
    SINCE: ["Ngày sinh hoạt tại chi bộ", "Ngày bắt đầu sinh hoạt"],
}
HEADERS: dict[str, str] = {fold(label): key for key, label in COLUMNS}
for _key, _names in ALIASES.items():
    for _name in _names:
        HEADERS.setdefault(fold(_name), _key)

# Choice columns: what a cell may hold (the label, or the stored value; compared folded).
STATUS_CHOICES = [(MemberStatus.OFFICIAL, "Chính thức"), (MemberStatus.PROBATIONARY, "Dự bị")]
CHOICES: dict[str, list[tuple[str, str]]] = {
    "gender": list(Gender.choices),
    "status": STATUS_CHOICES,
    "ethnicity": ETHNICITY_CHOICES,
    "religion": RELIGION_CHOICES,
    "general_education": list(GeneralEducation.choices),
    "degree": [(v, lbl) for v, lbl in Degree.choices if v],
    "political_theory": list(PoliticalTheory.choices),
}
_CHOICE_KEYS = {
    name: {**{fold(v): v for v, _ in pairs}, **{fold(lbl): v for v, lbl in pairs}}
    for name, pairs in CHOICES.items()
}
_CHOICE_KEYS["status"].update({fold(lbl): v for v, lbl in MemberStatus.choices if v in dict(STATUS_CHOICES)})

EXAMPLE = {
    CODE: "SYT-01", "full_name": "Nguyễn Văn Hùng", "gender": "Nam", "birth_date": dt.date(1980, 5, 17),
    "birth_place": "Xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An", "native_place": "Nghệ An", "ethnicity": "Kinh",
    "religion": "Không", "occupation": "Bác sĩ", "citizen_id": "040080000001", "phone": "0912345678",
    SINCE: dt.date(2015, 1, 1), "status": "Chính thức", "joined_date": dt.date(2005, 3, 2),
    "official_date": dt.date(2006, 3, 2), "general_education": "12/12", "professional_education": "Bác sĩ đa khoa",
    "degree": "Đại học", "political_theory": "Trung cấp",
}  # fmt: skip


def max_rows() -> int:
    """The most rows one file may have."""
    return int(getattr(settings, "DANGBO_IMPORT_MAX_ROWS", 50000))


def sync_rows() -> int:
    """Files with more rows than this are checked and imported in the background (``members.jobs``)."""
    return int(getattr(settings, "DANGBO_IMPORT_SYNC_ROWS", 500))


# -- the template ----------------------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """The import template: the headers, one example row, and a sheet "Ghi chú" with each choice column's values."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Đảng viên"
    append(ws, [label for _, label in COLUMNS])
    append(ws, [EXAMPLE.get(key) for key, _ in COLUMNS])
    for i, (key, label) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(14, min(len(label) + 4, 40))
        head = ws[f"{letter}1"]
        head.font = Font(name=FONT, bold=True)
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = BOX
        kind = "date" if key in _DATE_FIELDS or key == SINCE else "text"
        for row in range(2, 1002):  # typed citizen IDs and phones keep their leading zero
            ws[f"{letter}{row}"].number_format = FORMATS[kind]
        ws[f"{letter}2"].font = Font(name=FONT, italic=True)
    ws.freeze_panes = "B2"
    notes = wb.create_sheet("Ghi chú")
    put(notes, "A1", "Cách điền")
    notes["A1"].font = Font(name=FONT, bold=True)
    lines = [
        "Mỗi dòng của trang «Đảng viên» là một đảng viên; dòng 2 là ví dụ, xóa hoặc ghi đè trước khi nhập.",
        "Bắt buộc: Họ và tên, Giới tính, Ngày sinh, và Mã chi bộ (mã tổ chức ghi trên trang của chi bộ) nếu không"
        " chọn chi bộ trên trang nhập.",
        "Ngày ghi dd/mm/yyyy. Số CCCD gồm 12 chữ số, ghi dạng văn bản để giữ số 0 ở đầu.",
        "Đảng viên đã có (cùng Số CCCD) được bỏ qua: nhập lại cùng một tệp không thay đổi gì.",
        "Không dùng công thức; chữ tiếng Việt phải là Unicode (tệp gõ bằng phông TCVN3/VNI phải chuyển mã trước).",
    ]
    for i, line in enumerate(lines, start=2):
        put(notes, f"A{i}", line)
    row = len(lines) + 3
    put(notes, f"A{row}", "Cột")
    put(notes, f"B{row}", "Giá trị được nhận")
    notes[f"A{row}"].font = notes[f"B{row}"].font = Font(name=FONT, bold=True)
    for name, pairs in CHOICES.items():
        row += 1
        put(notes, f"A{row}", LABELS[name])
        put(notes, f"B{row}", "; ".join(lbl for _, lbl in pairs))
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


@dataclass
class Sheet:
    rows: list[Row]
    columns: list[str]  # keys of the recognised columns
    unknown: list[str]  # headers not recognised, ignored


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


def _refuse(problem: str):
    raise ApplicationError(f"Tệp nhập: {problem}", field_errors={"file": f"Tệp nhập: {problem}"})


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _convert(key: str, value, row: Row) -> None:
    label = LABELS[key]
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    if key in _DATE_FIELDS or key == SINCE:
        try:
            row.values[key] = _date(value)
        except ValueError:
            row.errors.append((label, "không đọc được ngày; ghi theo dạng dd/mm/yyyy."))
        return
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.strftime("%d/%m/%Y")
    text = clean_text(str(value))
    if legacy_encoded(text):
        row.errors.append((label, LEGACY_MESSAGE))
        return
    if key == "citizen_id" and isinstance(value, int) and len(text) < 12:
        text = text.zfill(12)  # a number cell lost the leading zero of the province code
    if key in _CHOICE_KEYS:
        chosen = _CHOICE_KEYS[key].get(fold(text))
        if chosen is None:
            allowed = "; ".join(lbl for _, lbl in CHOICES[key])
            row.errors.append((label, f"giá trị không có trong danh sách ({allowed})." if len(allowed) < 200
                               else "giá trị không có trong danh sách (xem trang «Ghi chú» của tệp mẫu)."))  # fmt: skip
            return
        text = chosen
    row.values[key] = text


def _header_map(headers: list) -> tuple[dict[int, str], list[str]]:
    mapping, unknown = {}, []
    for i, header in enumerate(headers):
        name = clean_text(header if isinstance(header, str) else ("" if header is None else str(header)))
        if not name:
            continue
        key = HEADERS.get(fold(name))
        if key is None or key in mapping.values():
            unknown.append(name)
        else:
            mapping[i] = key
    return mapping, unknown


def _build(records, formula_rows: dict[int, set[int]] | None = None) -> Sheet:
    """``records``: iterator of (row number, list of values); the header is the first row that names at least two
    known columns (exports with a letterhead above the table are read too)."""
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    rows: list[Row] = []
    for number, values in records:
        if not mapping:
            found, others = _header_map(list(values))
            if len(found) >= 2:
                mapping, unknown = found, others
                if "full_name" not in mapping.values():
                    _refuse("không thấy cột «Họ và tên» ở dòng tiêu đề.")
            elif number > 20:
                break
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(rows) >= max_rows():
            _refuse(f"có hơn {max_rows():,} dòng; xin chia thành nhiều tệp nhỏ hơn.".replace(",", "."))
        row = Row(number=number)
        for i, key in mapping.items():
            value = values[i] if i < len(values) else None
            if formula_rows and i in formula_rows.get(number, ()):
                row.errors.append(
                    (LABELS[key], "ô chứa công thức; hệ thống không tính công thức, xin ghi giá trị.")
                )
                continue
            _convert(key, value, row)
        rows.append(row)
    if not mapping:
        _refuse("không thấy dòng tiêu đề với các cột của tệp mẫu (Họ và tên, Ngày sinh …).")
    return Sheet(rows=rows, columns=list(mapping.values()), unknown=unknown)


def read_upload(upload) -> Sheet:
    """Check the uploaded file (kind, size, content) and read its rows. Raises ApplicationError naming the file."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        _refuse("chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv); tệp .xls cũ xin lưu lại thành .xlsx.")
    if suffix == ".xlsx":
        check_upload(upload, field="file", label="Tệp nhập")
        return _read_xlsx(upload)
    if not upload.size:
        _refuse("tệp rỗng.")
    if upload.size > max_bytes():
        _refuse(f"tệp vượt giới hạn {max_bytes() // 1024 // 1024} MB.")
    upload.seek(0)
    raw = upload.read()
    if b"\x00" in raw[:4096]:
        _refuse("nội dung tệp không phải là tệp CSV (văn bản).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse("tệp CSV phải được lưu với bảng mã UTF-8 (Excel: «CSV UTF-8»).")
    text = nfc(text, legacy_d=True) or ""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return _build((n, values) for n, values in enumerate(reader, start=1))


def _read_xlsx(upload) -> Sheet:
    upload.seek(0)
    try:
        wb = load_workbook(upload, read_only=True, data_only=False)  # formulas come back as their text
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a malformed workbook
        _refuse("tệp XLSX bị hỏng, không mở được.")
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

        return _build(records(), formulas)
    finally:
        wb.close()
