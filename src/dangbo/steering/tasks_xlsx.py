"""The follow-up table of a task as an XLSX file (openpyxl): one row per organization, the combined line on top."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dangbo.core.xlsx import append, put

from .choices import ReportKind
from .tasks import state_of, summary


def follow_up_xlsx(task, assignments, *, on: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo dõi báo cáo"
    put(ws, "A1", task.organization.name.upper())
    ws["A1"].font = Font(bold=True)
    put(ws, "A2", task.title)
    ws["A2"].font = Font(bold=True, size=13)
    ws["A3"] = f"Giao ngày {task.assigned_date:%d/%m/%Y}, hạn báo cáo {task.deadline:%d/%m/%Y}; số liệu đến ngày {on:%d/%m/%Y}."
    put(ws, "A4", summary(task, on=on, assignments=assignments).line)
    header = ["STT", "Tổ chức", "Tình trạng", "Ngày báo cáo"]
    kind = task.report_kind
    if kind == ReportKind.DISSEMINATION:
        header += ["Ngày học tập, quán triệt", "Số đảng viên", "Số tham dự", "Tỷ lệ (%)"]
    elif kind == ReportKind.PROGRAMME:
        header += ["Số, ký hiệu chương trình/kế hoạch", "Ngày ban hành"]
    elif kind == ReportKind.FIGURE:
        header += [task.figure_label or "Số liệu"]
    header += ["Nội dung"]
    ws.append([])
    append(ws, header)
    for cell in ws[6]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, a in enumerate(assignments, start=1):
        _level, label = state_of(a, task, on)
        row = [i, a.organization.name, label,
               timezone.localtime(a.reported_at).date() if a.reported_at else None]  # fmt: skip
        if kind == ReportKind.DISSEMINATION:
            rate = round(100 * a.attended / a.member_total, 1) if a.attended is not None and a.member_total else None
            row += [a.session_date, a.member_total, a.attended, rate]
        elif kind == ReportKind.PROGRAMME:
            row += [a.programme_symbol, a.programme_date]
        elif kind == ReportKind.FIGURE:
            row += [a.figure]
        row += [a.content]
        append(ws, row)
    for r in ws.iter_rows(min_row=7):
        for cell in r:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    widths = [6, 45, 26, 14] + [18] * (len(header) - 5) + [60]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A7"
    # Printed on A4 landscape, all columns on one page wide, the header row repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "6:6"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
