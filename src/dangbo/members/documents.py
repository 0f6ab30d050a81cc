"""The member import file: its XLSX template, and reading an uploaded XLSX/CSV into rows of form values — the
member kind (``imports.MEMBERS``) of the one import framework, ``core.imports``."""

from __future__ import annotations

from dangbo.core import imports as framework
from dangbo.core.imports import LEGACY_MESSAGE, Row, Sheet, legacy_encoded, max_rows, sync_rows  # noqa: F401

from .imports import CODE, LABELS, MEMBERS, SINCE  # noqa: F401

COLUMNS = [(c.key, c.label) for c in MEMBERS.columns]


def template_xlsx() -> bytes:
    """The import template: the headers, one example row, and a sheet "Ghi chú" with each choice column's values."""
    return framework.template_xlsx(MEMBERS)


def read_upload(upload) -> Sheet:
    """Check the uploaded file (kind, size, content) and read its rows. Raises ApplicationError naming the file."""
    return framework.read_upload(MEMBERS, upload)


def own_record_xlsx(member, *, actor) -> bytes:
    """A member's own record as they may download it ("Tải hồ sơ của tôi"): every field of the record (their own
    citizen ID, address and phone included), their history events and committee seats, in the print style, with
    who downloaded it and when under each table."""
    import io

    from openpyxl import Workbook

    from dangbo.audit.services import snapshot
    from dangbo.core.dates import now
    from dangbo.core.exports import stamp
    from dangbo.core.xlsx import Column, Letterhead, Table, write_table

    from .services import MEMBER_FIELDS

    shown = snapshot(member)
    head = Letterhead(issuer=member.organization.name if member.organization_id else "", day=now().date())
    note = [stamp(actor)]
    record = Table(
        title=f"Hồ sơ đảng viên: {member.full_name}", columns=[Column("Mục", 34), Column("Nội dung", 60)],
        rows=[shown[name] for name in MEMBER_FIELDS if name in shown], notes=note, sheet="Hồ sơ",
    )  # fmt: skip
    events = Table(
        title="Lịch sử đảng viên",
        columns=[Column("Ngày", 12, "date"), Column("Sự kiện", 34), Column("Tổ chức", 30), Column("Quyết định", 30)],
        rows=[[e.date, e.get_kind_display(), e.organization.name if e.organization_id else "",
               " ".join(p for p in (e.decision_no, e.decision_issuer) if p)]
              for e in member.events.select_related("organization").order_by("date", "pk")],
        notes=note, sheet="Lịch sử", landscape=True,
    )  # fmt: skip
    seats = Table(
        title="Tham gia cấp ủy",
        columns=[Column("Tổ chức", 34), Column("Nhiệm kỳ", 14), Column("Chức vụ", 24), Column("Từ ngày", 12, "date"),
                 Column("Đến ngày", 12, "date")],
        rows=[[s.term.organization.name, s.term.name, s.get_position_display(), s.start_date, s.end_date]
              for s in member.committee_seats.select_related("term__organization").order_by("start_date", "pk")],
        notes=note, sheet="Cấp ủy",
    )  # fmt: skip
    wb = Workbook()
    for i, table in enumerate((record, events, seats)):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = table.sheet
        write_table(ws, table, letterhead=head)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
