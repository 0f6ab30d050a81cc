"""Documents of the reports app: the review report (báo cáo sơ kết, tổng kết) as DOCX and the member statistics
form as XLSX.

The review report is rendered from ``docx_templates/bao_cao_so_ket.docx`` (built by
``docx_templates/build_templates.py``; users may adapt it in Word) with ``core.docx.render_docx``. Its figures
are those of the sections of ``selectors`` — nothing is counted here; this module writes them as the sentences of
a report ("… có 59 tổ chức cơ sở đảng …", "… 47 cơ quan, đơn vị nhận giúp đỡ 35 xã …, trị giá … đồng") and the
rows of its tables. The variables the template may use are the keys of :func:`review_context`.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook

from dangbo.core.docx import render_docx
from dangbo.core.formats import ngay, ngay_van_ban, phantram, so
from dangbo.core.xlsx import Column, Letterhead, Signature, Table, table_xlsx, write_table
from dangbo.meetings.documents import names_on
from dangbo.members.letters.selectors import _place
from dangbo.organizations.choices import CELL_KINDS, OrgKind
from dangbo.organizations.models import Organization
from dangbo.steering.choices import ReportKind
from dangbo.steering.documents.selectors import suggested_issuer

from .choices import ReviewKind
from .selectors import Period, Section

TEMPLATE = "bao_cao_so_ket.docx"
# The number of a report not yet entered in the register: written by hand ("Số     -BC/ĐU").
NUMBER_BLANK = "\u00a0" * 6
# A table of the report lists at most this many rows (the weakest organizations, the largest support); the full
# lists are on the pages and in the sections' rows.
MAX_TABLE_ROWS = 20


# Column titles of the tables, for the page (the Word template has its own, editable, in the same order).
TABLE_TITLES = {
    "movement": ("Nội dung", "Số đảng viên"),
    "meetings": ("Tổ chức", "Số chi bộ", "Đã họp", "Phải họp", "Tỷ lệ"),
    "targets": ("Số", "Chỉ tiêu", "Mục tiêu", "Thực hiện", "Đánh giá"),
    "support": ("Xã được giúp đỡ", "Huyện", "Số cơ quan, đơn vị", "Trị giá (đồng)"),
}


@dataclass
class Part:
    key: str
    heading: str
    lines: list[str] = field(default_factory=list)
    table: str = ""  # which table of the template follows the lines ("" none)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def titles(self) -> tuple[str, ...]:
        return TABLE_TITLES.get(self.table, ())


def _pct(value) -> str:
    return phantram(value) if value is not None else "—"


def _join(items: list[str]) -> str:
    return ", ".join(items)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _billions(value: int) -> str:
    """ "hơn 2 tỷ đồng" beside a total of 2.150.000.000 đồng; "" under a billion."""
    billions = value // 1_000_000_000
    if not billions:
        return ""
    return f" ({'hơn ' if value % 1_000_000_000 else ''}{so(billions)} tỷ đồng)"


# --- The sentences of each section ---------------------------------------------------------------------------------


def headcount_part(s: Section, name: str, organization: Organization) -> Part:
    f = s.figures
    lines = []
    if organization.kind in CELL_KINDS:
        text = f"Tính đến ngày {ngay(f['on'])}, {name} có {so(f['tong'])} đảng viên"
    else:
        cells_at_grassroots = f["to_chuc_co_so"] - f["to_chuc_dang_bo_co_so"]
        text = f"Tính đến ngày {ngay(f['on'])}, {name} có "
        if organization.kind in (OrgKind.PROVINCE, OrgKind.DIRECT):
            text += (f"{so(f['to_chuc_co_so'])} tổ chức cơ sở đảng ({so(f['to_chuc_dang_bo_co_so'])} đảng bộ cơ sở, "
                     f"{so(cells_at_grassroots)} chi bộ cơ sở), ")  # fmt: skip
        text += f"{so(f['to_chuc_chi_bo'])} chi bộ với {so(f['tong'])} đảng viên"
    text += f" ({so(f['chinh_thuc'])} đảng viên chính thức, {so(f['du_bi'])} đảng viên dự bị)."
    lines.append(text)
    if f["tong"]:
        lines.append(
            f"Đảng viên nữ {so(f['nu'])} đồng chí ({_pct(100 * f['nu'] / f['tong'])}); đảng viên là người dân tộc "
            f"thiểu số {so(f['dan_toc_thieu_so'])} đồng chí; đảng viên dưới 30 tuổi {so(f['duoi_30'])} đồng chí "
            f"({_pct(100 * f['duoi_30'] / f['tong'])}); được miễn công tác và sinh hoạt đảng {so(f['mien'])} đồng chí."
        )  # fmt: skip
    return Part(s.key, "1. Tình hình tổ chức đảng và đảng viên", lines)


def movement_part(s: Section, name: str, period: Period) -> Part:
    f = s.figures
    done = [f"kết nạp {so(f['ket_nap'])} đảng viên mới"]
    for key, label in (("chuyen_den", "tiếp nhận {} đảng viên chuyển đến"), ("chuyen_di", "chuyển đi {} đảng viên"),
                       ("tu_tran", "{} đồng chí từ trần"), ("xoa_ten", "xóa tên {} đảng viên"),
                       ("khai_tru", "khai trừ {} đảng viên"), ("ra_khoi_dang", "{} đảng viên xin ra khỏi Đảng")):  # fmt: skip
        if f[key]:
            done.append(label.format(so(f[key])))
    lines = [
        f"Từ ngày {ngay(period.start)} đến ngày {ngay(period.end)}, {name} {_join(done)}. Số đảng viên đầu kỳ "
        f"{so(f['dau_ky'])}, tăng {so(f['tang'])}, giảm {so(f['giam'])}, cuối kỳ {so(f['cuoi_ky'])} đảng viên."
    ]  # fmt: skip
    rows = [["Đảng viên đầu kỳ", so(f["dau_ky"])]]
    rows += [[("Tăng: " if r["group"] == "Tăng" else "Giảm: ") + _lower_first(r["label"]), so(r["count"])]
             for r in s.rows if r["count"]]  # fmt: skip
    rows += [
        ["Cộng tăng", so(f["tang"])],
        ["Cộng giảm", so(f["giam"])],
        ["Đảng viên cuối kỳ", so(f["cuoi_ky"])],
    ]
    return Part(s.key, "2. Biến động đảng viên", lines, "movement", rows)


def meetings_part(s: Section) -> Part:
    f = s.figures
    lines = []
    if f["phai_hop"]:
        lines.append(
            f"Các chi bộ duy trì sinh hoạt thường kỳ: {so(f['da_hop'])}/{so(f['phai_hop'])} buổi sinh hoạt chi bộ "
            f"thường kỳ đã được tổ chức ({_pct(f['ty_le'])}) ở {so(f['chi_bo'])} chi bộ; {so(f['chuyen_de'])} buổi "
            "sinh hoạt chuyên đề."
        )  # fmt: skip
    else:
        lines.append("Chưa có số liệu sinh hoạt chi bộ trong kỳ.")
    if f["cap_tren_xep_loai"]:
        grades = [f"{so(n)} buổi {label.lower()}" for label, n in f["xep_loai"].items() if n]
        lines.append(
            f"Cấp trên đã xếp loại chất lượng {so(f['cap_tren_xep_loai'])} buổi sinh hoạt: {_join(grades)}."
        )
    listed = s.rows
    if len(listed) > MAX_TABLE_ROWS:
        listed = sorted(
            listed, key=lambda r: (r["percent"] if r["percent"] is not None else 101, r["organization"])
        )
        listed = listed[:MAX_TABLE_ROWS]
        lines.append(f"Bảng dưới đây nêu {MAX_TABLE_ROWS} tổ chức có tỷ lệ sinh hoạt thường kỳ thấp nhất trong "
                     f"{so(len(s.rows))} tổ chức.")  # fmt: skip
    rows = [
        [r["organization"], so(r["cells"]), so(r["held"]), so(r["expected"]), _pct(r["percent"])]
        for r in listed
    ]
    return Part(s.key, "3. Sinh hoạt chi bộ", lines, "meetings", rows)


def tasks_part(s: Section, issuer: str) -> Part:
    f = s.figures
    if not f["nhiem_vu"]:
        return Part(s.key, "4. Học tập, quán triệt và thực hiện nhiệm vụ cấp ủy giao",
                    [f"Trong kỳ, {issuer} chưa giao nhiệm vụ có yêu cầu báo cáo cho các tổ chức đảng trực thuộc."])  # fmt: skip
    lines = [
        f"Trong kỳ, {issuer} giao {so(f['nhiem_vu'])} nhiệm vụ có yêu cầu báo cáo cho các tổ chức đảng trực thuộc"
        + (f" (trong đó {so(f['quan_triet'])} nhiệm vụ học tập, quán triệt)" if f["quan_triet"] else "")
        + f"; {so(f['luot_bao_cao'])}/{so(f['luot_giao'])} lượt tổ chức đã báo cáo ({_pct(f['ty_le_bao_cao'])})."
    ]  # fmt: skip
    # The combined line names the document or the task, except for written and figure reports.
    lines += [f"- {r['title']}: {_lower_first(r['line'])}" if r["kind"] in (ReportKind.WRITTEN, ReportKind.FIGURE)
              else f"- {r['line']}" for r in s.rows]  # fmt: skip
    return Part(s.key, "4. Học tập, quán triệt và thực hiện nhiệm vụ cấp ủy giao", lines)


def targets_part(s: Section, period: Period) -> Part:
    f = s.figures
    heading = "5. Thực hiện các chỉ tiêu nghị quyết đại hội"
    if not f["chi_tieu"]:
        return Part(s.key, heading, ["Chưa có số liệu chỉ tiêu nghị quyết đại hội của nhiệm kỳ."])
    lines = [
        f"Nghị quyết Đại hội nhiệm kỳ {f['nhiem_ky']} đề ra {so(f['chi_tieu'])} chỉ tiêu; tính đến ngày "
        f"{ngay(period.end)}, {so(f['dat_tien_do'])}/{so(f['chi_tieu'])} chỉ tiêu đã đạt hoặc đúng tiến độ "
        f"(trong đó {so(f['hoan_thanh'])} chỉ tiêu đã đạt)."
    ]  # fmt: skip

    def number(value) -> str:
        if value is None:
            return "—"
        return so(value) if value == int(value) else str(value).replace(".", ",")

    rows = [
        [str(r["number"]), r["text"], number(r["goal"]), number(r["actual"]), r["status_label"]]
        for r in s.rows
    ]
    return Part(s.key, heading, lines, "targets", rows)


def support_part(s: Section, name: str) -> Part:
    f = s.figures
    heading = "6. Giúp đỡ các xã nghèo, xã đặc biệt khó khăn"
    if not f["dong_gop"]:
        return Part(s.key, heading, ["Chưa có số liệu giúp đỡ các xã trong kỳ."])
    poor = f" (trong đó {so(f['xa_ngheo'])} xã nghèo)" if f["xa_ngheo"] else ""
    lines = [
        f"Trong kỳ, {so(f['to_chuc'])} cơ quan, đơn vị thuộc {name} nhận giúp đỡ {so(f['xa'])} xã{poor} với "
        f"{so(f['dong_gop'])} lượt hỗ trợ, tổng trị giá {so(f['gia_tri'])} đồng{_billions(f['gia_tri'])}."
    ]  # fmt: skip
    if len(s.rows) > MAX_TABLE_ROWS:
        lines.append(
            f"Bảng dưới đây nêu {MAX_TABLE_ROWS} xã nhận giúp đỡ trị giá lớn nhất trong {so(len(s.rows))} xã."
        )
    rows = [
        [r["commune"], r["district"], so(r["supporters"]), so(r["value"])] for r in s.rows[:MAX_TABLE_ROWS]
    ]
    return Part(s.key, heading, lines, "support", rows)


def generic_part(s: Section, number: int) -> Part:
    """A section registered by another app, written as its figures (its own sentences when it gives them)."""
    lines = list(s.figures.get("lines", [])) or [
        f"{k}: {so(v) if isinstance(v, int) and not isinstance(v, bool) else v}" for k, v in s.figures.items()
    ]
    return Part(s.key, f"{number}. {s.title}", lines)


def parts(
    sections: dict[str, Section], *, name: str, issuer: str, organization: Organization, period: Period
) -> list[Part]:
    out = []
    for key, s in sections.items():
        if key == "headcount":
            out.append(headcount_part(s, name, organization))
        elif key == "movement":
            out.append(movement_part(s, name, period))
        elif key == "meetings":
            out.append(meetings_part(s))
        elif key == "tasks":
            out.append(tasks_part(s, issuer))
        elif key == "targets":
            out.append(targets_part(s, period))
        elif key == "support":
            out.append(support_part(s, name))
        elif s.figures or s.rows:  # a section without data (no evaluation, no dues recorded) is left out
            out.append(generic_part(s, len(out) + 1))
    return out


# --- The review report ---------------------------------------------------------------------------------------------


def titles(period: Period, name: str) -> tuple[str, str, str]:
    """(the summary line under "BÁO CÁO", the period line, the heading of the next period's tasks)."""
    y = period.year
    if not period.preset:
        subtitle = f"Kết quả công tác xây dựng Đảng từ ngày {ngay(period.start)} đến ngày {ngay(period.end)}"
        following = "II. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"
    elif period.kind == ReviewKind.HALF_YEAR:
        subtitle = (
            f"Sơ kết công tác xây dựng Đảng 6 tháng đầu năm {y}, phương hướng, nhiệm vụ 6 tháng cuối năm {y}"
        )
        following = f"II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM {y}"
    elif period.kind == ReviewKind.YEAR:
        subtitle = f"Tổng kết công tác xây dựng Đảng năm {y}, phương hướng, nhiệm vụ năm {y + 1}"
        following = f"II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {y + 1}"
    else:
        subtitle = (f"Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội {name}, nhiệm kỳ {period.term_name}; "
                    "phương hướng, nhiệm vụ nửa cuối nhiệm kỳ")  # fmt: skip
        following = "II. PHƯƠNG HƯỚNG, NHIỆM VỤ NỬA CUỐI NHIỆM KỲ"
    period_line = f"(Số liệu từ ngày {ngay(period.start)} đến ngày {ngay(period.end)})"
    return subtitle, period_line, following


def _on_behalf(organization: Organization) -> str:
    if organization.kind in (OrgKind.PROVINCE, OrgKind.DIRECT):
        return "T/M BAN THƯỜNG VỤ"
    if organization.kind in CELL_KINDS:
        return "T/M CHI BỘ"
    return "T/M ĐẢNG ỦY"


def review_context(organization: Organization, period: Period, sections: dict[str, Section], *, next_tasks: str = "",
                   day: dt.date) -> dict:  # fmt: skip
    """Everything the template prints, as plain values. The names are those of the period's last day (a report of
    a past period keeps the names of its time); ``day`` is the date of the report."""
    name, superior = names_on(organization, period.end)
    named = copy.copy(organization)
    named.name = name
    code, issuer = suggested_issuer(named)
    subtitle, period_line, following = titles(period, name)
    superior_committee = ""
    if organization.parent_id:
        parent = copy.copy(organization.parent)
        parent.name = superior or parent.name
        superior_committee = suggested_issuer(parent)[1]
    return {
        "superior_body": superior.upper(), "issuing_body": issuer.upper(),
        "number_symbol": f"{NUMBER_BLANK}-BC/{code}", "place_date": ngay_van_ban(day, _place(organization)),
        "subtitle": subtitle, "period_line": period_line,
        "intro": [f"Thực hiện chương trình công tác, {issuer} báo cáo kết quả công tác xây dựng Đảng "
                  f"từ ngày {ngay(period.start)} đến ngày {ngay(period.end)} như sau:"],
        "results_heading": "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
        "parts": [{**p.__dict__, "titles": p.titles}
                  for p in parts(sections, name=name, issuer=issuer, organization=organization, period=period)],
        "next_heading": following,
        "next_tasks": [line.strip() for line in (next_tasks or "").splitlines() if line.strip()],
        "signer_on_behalf": _on_behalf(organization), "signer_title": "BÍ THƯ", "signer_name": "",
        "recipients": [r for r in (f"- {superior_committee} (để báo cáo)," if superior_committee else "",
                                   "- Các đồng chí cấp ủy viên,", "- Các tổ chức đảng trực thuộc,", "- Lưu Văn phòng.") if r],
    }  # fmt: skip


def review_docx(context: dict) -> bytes:
    return render_docx("dangbo.reports", TEMPLATE, context)


def review_filename(organization: Organization, period: Period) -> str:
    return f"bao-cao-{period.kind}-{period.start:%Y%m%d}-{period.end:%Y%m%d}-{organization.pk}.docx"


# --- The member statistics form ------------------------------------------------------------------------------------


def statistics_xlsx(organization: Organization, on: dt.date, rows: list[dict], total: int) -> bytes:
    """The statistics form of a subtree on a date in the print style (``core.xlsx``)."""
    name, superior = names_on(organization, on)
    named = copy.copy(organization)
    named.name = name
    table = Table(
        title="Thống kê số lượng, chất lượng đảng viên",
        columns=[Column("STT", 6, "stt"), Column("Tiêu chí", 30), Column("Nhóm", 36), Column("Số đảng viên", 12, "int"),
                 Column("Tỷ lệ", 10, "percent")],
        rows=[[i, r["dimension"], r["label"], r["count"], r["percent"]] for i, r in enumerate(rows, start=1)],
        lines=[f"{name} — số liệu tại ngày {ngay(on)}; tổng số {so(total)} đảng viên."],
        notes=["Độ tuổi, tuổi đảng tính tại ngày thống kê; các tiêu chí khác theo hồ sơ hiện tại của đảng viên."],
        sheet="Thống kê đảng viên",
    )  # fmt: skip
    return table_xlsx(table, letterhead=Letterhead(issuer=suggested_issuer(named)[1], superior=superior),
                      signature=Signature(role="NGƯỜI LẬP BẢNG"))  # fmt: skip


# --- The headcount and movement reports ----------------------------------------------------------------------------


def _letterhead(organization: Organization, on: dt.date) -> tuple[str, Letterhead]:
    name, superior = names_on(organization, on)
    named = copy.copy(organization)
    named.name = name
    return name, Letterhead(issuer=suggested_issuer(named)[1], superior=superior)


def headcount_xlsx(organization: Organization, on: dt.date, headcount: dict, composition) -> bytes:
    """The headcount and composition of a subtree on a date (the page ``reports:index``) in the print style."""
    name, letterhead = _letterhead(organization, on)
    total = composition.total
    rows = [[i, dim if first else "", label, n, (100 * n / total) if total else None]
            for i, (dim, label, n, first) in enumerate(
                ((dim, label, n, j == 0) for dim, group in composition.rows for j, (label, n) in enumerate(group)),
                start=1)]  # fmt: skip
    table = Table(
        title="Số lượng, cơ cấu đảng viên",
        columns=[Column("STT", 6, "stt"), Column("Cơ cấu", 26), Column("Nhóm", 36), Column("Số đảng viên", 12, "int"),
                 Column("Tỷ lệ", 10, "percent")],
        rows=rows,
        lines=[f"{name} — số liệu tại ngày {ngay(on)}: {so(headcount['tong'])} đảng viên ({so(headcount['chinh_thuc'])} "
               f"chính thức, {so(headcount['du_bi'])} dự bị; {so(headcount['mien'])} được miễn công tác và sinh hoạt đảng)."],
        notes=["Tính từ quá trình sinh hoạt của từng đảng viên. Độ tuổi tính tại ngày đã chọn; giới tính, dân tộc, lý luận "
               "chính trị theo hồ sơ hiện tại."],
        sheet="Số lượng, cơ cấu",
    )  # fmt: skip
    return table_xlsx(table, letterhead=letterhead, signature=Signature(role="NGƯỜI LẬP BẢNG"))


def movement_xlsx(mv) -> bytes:
    """The movement table (``members.counts.selectors.Movement``) of a subtree over a period in the print style."""
    name, letterhead = _letterhead(mv.organization, mv.end)
    rows = [["Đảng viên đầu kỳ", mv.opening], ["Tăng trong kỳ", None],
            *[[f"    {label}", n] for _, label, n in mv.increases], ["Cộng tăng", mv.increase_total],
            ["Giảm trong kỳ", None], *[[f"    {label}", n] for _, label, n in mv.decreases],
            ["Cộng giảm", mv.decrease_total], ["Đảng viên cuối kỳ", mv.closing]]  # fmt: skip
    table = Table(
        title="Biến động đảng viên",
        columns=[Column("Nội dung", 48), Column("Số đảng viên", 14, "int")],
        rows=rows,
        lines=[f"{name} — từ ngày {ngay(mv.start)} đến ngày {ngay(mv.end)}."],
        notes=[f"Đầu kỳ {so(mv.opening)} + tăng {so(mv.increase_total)} − giảm {so(mv.decrease_total)} = "
               f"{so(mv.closing)}.",
               "Đang chuyển sinh hoạt (đã giới thiệu đi, chưa được tiếp nhận) không thuộc danh sách bên nào."],
        sheet="Biến động đảng viên",
    )  # fmt: skip
    return table_xlsx(table, letterhead=letterhead, signature=Signature(role="NGƯỜI LẬP BẢNG"))


# --- The headcount and movement reports as Word documents -----------------------------------------------------------


def _statement_context(organization: Organization, on: dt.date, *, subtitle: str, period_line: str, intro: str,
                       parts: list[dict], day: dt.date) -> dict:  # fmt: skip
    """The review template's blocks for a statistics report: the names of ``on``, no next period."""
    name, superior = names_on(organization, on)
    named = copy.copy(organization)
    named.name = name
    code, issuer = suggested_issuer(named)
    return {
        "superior_body": superior.upper(), "issuing_body": issuer.upper(),
        "number_symbol": f"{NUMBER_BLANK}-BC/{code}", "place_date": ngay_van_ban(day, _place(organization)),
        "subtitle": subtitle, "period_line": period_line, "intro": [intro.format(name=name)], "results_heading": "",
        "parts": parts, "next_heading": "", "next_tasks": [], "signer_on_behalf": _on_behalf(organization),
        "signer_title": "BÍ THƯ", "signer_name": "", "recipients": ["- Lưu Văn phòng."],
    }  # fmt: skip


def headcount_docx(
    organization: Organization, on: dt.date, headcount: dict, composition, *, day: dt.date
) -> bytes:
    """The headcount and composition of a subtree on a date as a report in the party format (the page
    ``reports:index``; the same figures as its XLSX)."""
    total = composition.total
    rows = [[dim if j == 0 else "", label, so(n), phantram(100 * n / total) if total else "—"]
            for dim, group in composition.rows for j, (label, n) in enumerate(group)]  # fmt: skip
    intro = (f"Tính đến ngày {ngay(on)}, {{name}} có {so(headcount['tong'])} đảng viên ({so(headcount['chinh_thuc'])} "
             f"chính thức, {so(headcount['du_bi'])} dự bị); {so(headcount['mien'])} đồng chí được miễn công tác và "
             f"sinh hoạt đảng.")  # fmt: skip
    parts = [{"heading": "Cơ cấu đảng viên", "lines": [], "table": "composition", "rows": rows}]
    return render_docx("dangbo.reports", TEMPLATE, _statement_context(
        organization, on, subtitle=f"Số lượng, cơ cấu đảng viên tại ngày {ngay(on)}",
        period_line=f"(Số liệu tại ngày {ngay(on)})", intro=intro, parts=parts, day=day))  # fmt: skip


def movement_docx(mv, *, day: dt.date) -> bytes:
    """The movement table of a subtree over a period as a report in the party format (the page
    ``reports:movement``)."""
    rows = [["Đảng viên đầu kỳ", so(mv.opening)], ["Tăng trong kỳ", so(mv.increase_total)],
            *[[f"- {label}", so(n)] for _, label, n in mv.increases], ["Giảm trong kỳ", so(mv.decrease_total)],
            *[[f"- {label}", so(n)] for _, label, n in mv.decreases], ["Đảng viên cuối kỳ", so(mv.closing)]]  # fmt: skip
    intro = (f"Từ ngày {ngay(mv.start)} đến ngày {ngay(mv.end)}, số đảng viên của {{name}} tăng {so(mv.increase_total)}, "
             f"giảm {so(mv.decrease_total)}; đầu kỳ có {so(mv.opening)}, cuối kỳ có {so(mv.closing)} đảng viên.")  # fmt: skip
    parts = [{"heading": "Biến động đảng viên", "lines": [], "table": "movement", "rows": rows}]
    return render_docx("dangbo.reports", TEMPLATE, _statement_context(
        mv.organization, mv.end, subtitle=f"Biến động đảng viên từ ngày {ngay(mv.start)} đến ngày {ngay(mv.end)}",
        period_line=f"(Số liệu từ ngày {ngay(mv.start)} đến ngày {ngay(mv.end)})", intro=intro, parts=parts,
        day=day))  # fmt: skip


# --- The appendices of a review report ------------------------------------------------------------------------------

APPENDIX_KINDS = {"count": "int", "cells": "int", "held": "int", "expected": "int", "total": "int", "reported": "int",
                  "supporters": "int", "value": "money", "percent": "percent", "assigned": "date", "goal": "decimal",
                  "actual": "decimal", "htxsnv": "int", "httnv": "int", "htnv": "int", "khtnv": "int",
                  "not_rated": "int", "owed": "money", "paid": "money", "remitted": "money"}  # fmt: skip


def appendices_xlsx(organization: Organization, start: dt.date, end: dt.date, sections: dict) -> bytes:
    """The tables of a review report's sections (headcount, movement, meetings, tasks, targets, support …), one sheet
    each, in the print style — the appendices ("phụ lục") sent with the report."""
    name, letterhead = _letterhead(organization, end)
    wb = Workbook()
    wb.remove(wb.active)
    number = 0
    for section in sections.values():
        if not section.rows or not section.columns:
            continue
        number += 1
        columns = [Column("STT", 6, "stt")] + [
            Column(title, 14 if key in APPENDIX_KINDS else 34, APPENDIX_KINDS.get(key, "text"))
            for key, title in section.columns
        ]
        rows = [[i, *(r.get(key) for key, _ in section.columns)] for i, r in enumerate(section.rows, start=1)]
        table = Table(title=f"Phụ lục {number}: {section.title}", columns=columns, rows=rows,
                      lines=[f"{name} — từ ngày {ngay(start)} đến ngày {ngay(end)}."],
                      sheet=f"{number}. {section.title}"[:31])  # fmt: skip
        write_table(
            wb.create_sheet(table.sheet),
            table,
            letterhead=letterhead,
            signature=Signature(role="NGƯỜI LẬP BẢNG"),
        )
    if not number:
        wb.create_sheet("Phụ lục")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Charts drawn on the server as SVG (the dashboard) ---------------------------------------------------------------
# Plain values (label, number, link) in, safe markup out: no JavaScript, nothing from the network; labels escaped,
# numbers in the Vietnamese format; colours and sizes are SVG attributes (the CSP allows no inline CSS); a bar with a
# link opens the rows behind it.

BAR = "#b3261e"  # the party red of app.css
BAR_2 = "#6b7280"
TEXT = "#1f2937"


def _link(url: str | None, inner: str) -> str:
    return f'<a href="{escape(url)}">{inner}</a>' if url else inner


LABEL_CHAR_W = 7.2  # an average character of the 13 px chart font, Vietnamese diacritics included


def hbars(
    items: list[tuple[str, int, str | None]], *, title: str, width: int = 560, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per (label, value, url); the value is written after the bar, followed by `unit`."""
    if not items:
        return mark_safe("")
    # The label column grows with the longest label up to 60 % of the chart; a label still longer is cut with «…» and
    # keeps its whole text as a tooltip (an organization's name is often 40 characters).
    longest = max(len(label) for label, _, _ in items)
    label_w = max(190, min(round(longest * LABEL_CHAR_W) + 16, width * 6 // 10))
    fits = int((label_w - 12) / LABEL_CHAR_W)  # the text ends 8 px before the bars, 4 px from the edge
    row_h, value_w = 26, 70
    top = max((v for _, v, _ in items), default=0) or 1
    bar_w = width - label_w - value_w
    height = row_h * len(items) + 8
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]  # fmt: skip
    for i, (label, value, url) in enumerate(items):
        y = 4 + i * row_h
        w = round(bar_w * value / top) if value else 0
        bar = (f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1)}" height="{row_h - 10}" fill="{BAR}"/>'
               f'<text x="{label_w + max(w, 1) + 6}" y="{y + row_h - 9}" font-size="13" fill="{TEXT}">{so(value)}{escape(unit)}</text>')  # fmt: skip
        shown = label if len(label) <= fits else label[: fits - 1].rstrip() + "…"
        tip = f"<title>{escape(label)}</title>" if shown != label else ""
        parts.append(f'<text x="{label_w - 8}" y="{y + row_h - 9}" font-size="13" text-anchor="end" fill="{TEXT}">'
                     f"{tip}{escape(shown)}</text>{_link(url, bar)}")  # fmt: skip
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(items: list[tuple[str, int | None, str | None]], *, title: str, width: int = 560,
            height: int = 200) -> SafeString:  # fmt: skip
    """Vertical columns over a time axis (label under each column; None: no data, drawn as a dash)."""
    if not items:
        return mark_safe("")
    values = [v for _, v, _ in items if v is not None]
    top = max(values, default=0) or 1
    low = min(values, default=0)
    floor = (
        max(0, low - (top - low) * 0.5) if top > low else 0
    )  # the columns show the change, not only the level
    base_y, plot_h = height - 24, height - 48
    step = width / len(items)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<line x1="0" y1="{base_y}" x2="{width}" y2="{base_y}" stroke="{BAR_2}" stroke-width="1"/>']  # fmt: skip
    for i, (label, value, url) in enumerate(items):
        x = i * step + step * 0.15
        w = step * 0.7
        cx = i * step + step / 2
        parts.append(f'<text x="{cx:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" fill="{TEXT}">'
                     f"{escape(label)}</text>")  # fmt: skip
        if value is None:
            parts.append(
                f'<text x="{cx:.1f}" y="{base_y - 6}" font-size="12" text-anchor="middle" fill="{BAR_2}">—</text>'
            )
            continue
        h = max(2, round(plot_h * (value - floor) / (top - floor))) if top > floor else 2
        col = (f'<rect x="{x:.1f}" y="{base_y - h}" width="{w:.1f}" height="{h}" fill="{BAR}"><title>{escape(label)}: '
               f'{so(value)}</title></rect>'
               f'<text x="{cx:.1f}" y="{base_y - h - 4}" font-size="10" text-anchor="middle" fill="{TEXT}">{so(value)}</text>')  # fmt: skip
        parts.append(_link(url, col))
    parts.append("</svg>")
    return mark_safe("".join(parts))
