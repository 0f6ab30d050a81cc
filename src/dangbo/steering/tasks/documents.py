"""The follow-up table of a task as an XLSX file in the project's print style (``core.xlsx``): the committee's
header, the combined line, one row per organization, the signature block."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangbo.core.formats import ngay
from dangbo.core.xlsx import Column, Letterhead, Signature, Table, table_xlsx

from ..choices import ReportKind
from ..documents.selectors import suggested_issuer
from .selectors import state_of, summary


def as_of(task, on: dt.date) -> dt.date:
    """The day the figures are as of: today while reports are taken, the closing day once the task is closed."""
    return min(on, task.closed_date) if task.closed_date else on


def follow_up_xlsx(task, assignments, *, on: dt.date) -> bytes:
    on = as_of(task, on)
    kind = task.report_kind
    columns = [
        Column("STT", 6, "stt"),
        Column("Tổ chức", 40),
        Column("Tình trạng", 24),
        Column("Ngày báo cáo", 13, "date"),
    ]
    if kind == ReportKind.DISSEMINATION:
        columns += [Column("Ngày học tập, quán triệt", 13, "date"), Column("Số đảng viên", 11, "int", total=True),
                    Column("Số tham dự", 11, "int", total=True), Column("Tỷ lệ", 9, "percent")]  # fmt: skip
    elif kind == ReportKind.PROGRAMME:
        columns += [Column("Số, ký hiệu chương trình, kế hoạch", 22), Column("Ngày ban hành", 13, "date")]
    elif kind == ReportKind.FIGURE:
        # Whole numbers (people, organizations, đồng) print as such — "4", not "4.0"; a decimal only when reported.
        whole = all(  # the queryset keeps the rows it read for the table below
            a.figure is None or a.figure == a.figure.to_integral_value() for a in assignments
        )
        columns += [Column(task.figure_label or "Số liệu", 16, "int" if whole else "decimal", total=True)]
    columns += [Column("Nội dung", 48)]

    def rows():
        for i, a in enumerate(assignments, start=1):
            _level, label = state_of(a, task, on)
            row = [
                i,
                a.organization.name,
                label,
                timezone.localtime(a.reported_at).date() if a.reported_at else None,
            ]
            if kind == ReportKind.DISSEMINATION:
                rate = (
                    round(100 * a.attended / a.member_total, 1)
                    if a.attended is not None and a.member_total
                    else None
                )
                row += [a.session_date, a.member_total, a.attended, rate]
            elif kind == ReportKind.PROGRAMME:
                row += [a.programme_symbol, a.programme_date]
            elif kind == ReportKind.FIGURE:
                row += [a.figure]
            yield [*row, a.content]

    lines = [
        f"Giao ngày {ngay(task.assigned_date)}, hạn báo cáo {ngay(task.deadline)}; số liệu đến ngày {ngay(on)}"
        + (" (ngày kết thúc nhận báo cáo)." if task.closed_date and on == task.closed_date else "."),
        summary(task, on=on, assignments=assignments).line,
    ]
    holder = task.organization
    superior = suggested_issuer(holder.parent)[1] if holder.parent_id else ""
    table = Table(
        title=f"Bảng theo dõi báo cáo: {task.title}", columns=columns, rows=rows(), lines=lines,
        total_label="Cộng" if kind in (ReportKind.DISSEMINATION, ReportKind.FIGURE) else "", landscape=True,
        sheet="Theo dõi báo cáo",
    )  # fmt: skip
    return table_xlsx(
        table, letterhead=Letterhead(issuer=suggested_issuer(holder)[1], superior=superior),
        signature=Signature(role="NGƯỜI LẬP BẢNG"),
    )  # fmt: skip
