"""Documents of party dues: the signed report of a level (báo cáo thu, nộp đảng phí — DOCX from
``docx_templates/bao_cao_dang_phi.docx``, HD 36 format, built by ``docx_templates/build_templates.py``) and the
grassroots organization's dues book (sổ theo dõi thu, nộp đảng phí: every cell of its subtree by month, XLSX in the
print style of ``core.xlsx.table_xlsx``). Figures come from the selectors (the totals per organization and month,
the positions of each level); nothing is counted twice here."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum

from dangbo.core import policies
from dangbo.core.dates import add_months, today
from dangbo.core.docx import render_docx
from dangbo.core.formats import ngay, ngay_van_ban, phantram, so, tien
from dangbo.core.policies import subtree_q
from dangbo.core.xlsx import Column, Letterhead, Signature, Table, table_xlsx
from dangbo.meetings.documents import names_on
from dangbo.members.letters.selectors import _place
from dangbo.organizations.choices import CELL_KINDS, OrgKind
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import signer_on
from dangbo.steering.documents.selectors import suggested_issuer

from . import selectors
from .models import DuesSheet, DuesTotal, Remittance
from .rules import rules_on

TEMPLATE = "bao_cao_dang_phi.docx"
NUMBER_BLANK = "\u00a0" * 6  # the number is written by hand once the report is entered in the register
QUARTERS = ("I", "II", "III", "IV")
# A cell of an export with no underlying data (``selectors.paid_measured``), and its legend.
NO_DATA = "—"
NO_DATA_NOTE = ("—: chưa có số liệu (tháng chưa lập bảng thu; tháng đang thu chưa ghi khoản nào đã đóng, chưa nộp "
                "cấp trên). Tháng đã qua không ai đóng ghi 0 đ.")  # fmt: skip


@dataclass(frozen=True)
class Period:
    """Months [start, end) of a report: a month, a quarter or a year."""

    start: dt.date
    end: dt.date
    label: str  # "tháng 03/2026", "quý I năm 2026", "năm 2026"
    key: str  # for file names: "2026-03", "2026-q1", "2026"

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def last_month(self) -> dt.date:
        return add_months(self.end, -1)


def month_period(month: dt.date) -> Period:
    return Period(month, add_months(month, 1), f"tháng {month:%m/%Y}", f"{month:%Y-%m}")


def quarter_period(year: int, quarter: int) -> Period:
    start = dt.date(year, 3 * quarter - 2, 1)
    return Period(
        start, add_months(start, 3), f"quý {QUARTERS[quarter - 1]} năm {year}", f"{year}-q{quarter}"
    )


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), f"năm {year}", str(year))


def _on_behalf(org: Organization) -> str:
    if org.kind in (OrgKind.PROVINCE, OrgKind.DIRECT):
        return "T/M BAN THƯỜNG VỤ"
    return "T/M CHI BỘ" if org.kind in CELL_KINDS else "T/M ĐẢNG ỦY"


def report_context(actor, org: Organization, period: Period, *, day: dt.date | None = None) -> dict:
    """Everything the report prints, as plain values (the actor may see ``org``'s dues: the caller checked)."""
    day = day or today()
    name, superior = names_on(org, period.last_day)
    named = copy.copy(org)
    named.name = name
    code, issuer = suggested_issuer(named)
    superior_committee = ""
    if org.parent_id:
        parent = copy.copy(org.parent)
        parent.name = superior or parent.name
        superior_committee = suggested_issuer(parent)[1]
    # Collection of the whole subtree: the organization's own totals per month (one row a month).
    own = list(
        DuesTotal.objects.filter(organization=org, month__gte=period.start, month__lt=period.end)
        .exclude(members=0, owed=0, paid=0).order_by("month").values_list("month", "members", "owed", "paid")
    )  # fmt: skip
    owed, paid = sum(r[2] for r in own), sum(r[3] for r in own)
    # Members: those of the period's last month with a sheet (a year still running: the last month collected).
    latest = own[-1][:2] if own else None
    members_month, members = latest or (period.last_month, 0)
    # The level's own money: what it took (its members' dues if a cell, plus what its lower levels remitted and it
    # confirmed), the share it kept by the rules of each month, what it sent up.
    months = selectors.period_positions([org], period.start, period.end)
    measured = any(selectors.paid_measured(m, recorded=True, paid=p) for m, _, _, p in own) or any(
        p.remitted for p in months.values()
    )
    if latest is None:  # no month sheet in the period: «chưa có số liệu», not zeros
        collection = [f"Đảng phí {period.label}: chưa có số liệu (các chi bộ chưa lập bảng thu)."]
    elif not measured:
        collection = [
            f"Số đảng viên phải đóng đảng phí tháng {members_month:%m/%Y}: {so(members)} đồng chí.",
            f"Đảng phí phải thu {period.label}: {tien(owed)}; đã thu: chưa có số liệu (đang thu, chưa ghi khoản "
            "nào đã đóng).",
        ]
    else:
        collection = [
            f"Số đảng viên phải đóng đảng phí tháng {members_month:%m/%Y}: {so(members)} đồng chí.",
            f"Đảng phí phải thu {period.label}: {tien(owed)}; đã thu: {tien(paid)}"
            + (f", đạt {phantram(100 * paid / owed)}" if owed else "")
            + f"; còn phải thu: {tien(max(owed - paid, 0))}.",
        ]
    took = sum(p.collected for p in months.values())
    kept = sum(p.kept for p in months.values())
    to_remit = sum(p.to_remit for p in months.values())
    sent = sum(p.remitted for p in months.values())
    confirmed = int(
        Remittance.objects.filter(from_organization=org, month__gte=period.start, month__lt=period.end,
                                  received_on__isnull=False).aggregate(s=Sum("amount"))["s"] or 0
    )  # fmt: skip
    percents = sorted({p.keep_percent for p in months.values()})
    share = " và ".join(f"{p}%" for p in percents)
    source = (
        "thu trực tiếp của đảng viên" if org.is_cell else "nhận của các tổ chức đảng cấp dưới (đã xác nhận)"
    )
    remittance = [
        f"Tổng số đảng phí {issuer} {source}: {tien(took)}.",
        f"Trích giữ lại ({share} theo quy định của từng tháng): {tien(kept)}; phải nộp cấp trên: {tien(to_remit)}.",
    ]
    if not any(
        p.measured for p in months.values()
    ):  # a running month, nothing taken nor sent: no figures yet
        remittance = [f"Tổng số đảng phí {issuer} {source}: chưa có số liệu ({period.label} đang thu)."]
    elif org.parent_id:
        remittance.append(
            f"Đã nộp lên {superior_committee}: {tien(sent)} (cấp trên đã xác nhận nhận {tien(confirmed)}); "
            f"còn phải nộp: {tien(max(to_remit - sent, 0))}."
        )
    rows, total = [], ["", "Cộng", 0, 0, 0, "", 0, 0]
    if not org.is_cell:
        by_child = selectors.overview(actor, org, period.start, period.end)
        last = dict(
            DuesTotal.objects.filter(organization_id__in=[r.organization.pk for r in by_child], month=members_month)
            .values_list("organization_id", "members")
        )  # fmt: skip
        for i, r in enumerate(by_child, start=1):
            n = int(last.get(r.organization.pk) or 0)
            rows.append([i, r.organization.name, so(n) if r.recorded else NO_DATA,
                         so(r.owed) if r.recorded else NO_DATA, so(r.paid) if r.measured else NO_DATA,
                         phantram(r.rate) if r.rate is not None else NO_DATA, so(r.remitted), so(r.received)])  # fmt: skip
            for k, v in ((2, n), (3, r.owed), (4, r.paid), (6, r.remitted), (7, r.received)):
                total[k] += v
        known, recorded = any(r.measured for r in by_child), any(r.recorded for r in by_child)
        total = [*total[:2], *(so(v) if recorded else NO_DATA for v in total[2:4]), so(total[4]) if known else NO_DATA,
                 phantram(100 * total[4] / total[3]) if total[3] and known else NO_DATA, so(total[6]),
                 so(total[7])]  # fmt: skip
    signer = signer_on(org, day)
    return {
        "superior_body": superior.upper(), "issuing_body": issuer.upper(),
        "number_symbol": f"{NUMBER_BLANK}-BC/{code}", "place_date": ngay_van_ban(day, _place(org)),
        "period": period.label,
        "period_line": f"(Số liệu từ ngày {ngay(period.start)} đến ngày {ngay(period.last_day)})",
        "intro": f"{issuer} báo cáo tình hình thu, nộp đảng phí {period.label} như sau:",
        "collection": collection, "remittance": remittance, "rows": rows, "total": total,
        "rows_note": NO_DATA_NOTE if any(NO_DATA in row for row in [*rows, total]) else "",
        "signer_on_behalf": _on_behalf(org), "signer_title": signer[0], "signer_name": signer[1],
        "recipients": [r for r in (f"- {superior_committee} (để báo cáo)," if superior_committee else "",
                                   "- Lưu Văn phòng.") if r],
    }  # fmt: skip


def report_docx(actor, org: Organization, period: Period) -> bytes:
    return render_docx(__package__, TEMPLATE, report_context(actor, org, period))


BOOK_KINDS = (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.SUB_COMMITTEE)


def grassroots_book(actor, org: Organization, year: int) -> bytes:
    """Sổ theo dõi thu, nộp đảng phí of a grassroots committee (or a sub-committee) for a year: one row per cell
    whose month sheets lay under it that year, the amount collected each month, the year's collection, what was
    owed, the rate and what the cell sent up; then the committee's own months: received from the cells, kept,
    sent to the level above."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    sheets = policies.scope(actor, policies.VIEW, DuesSheet.objects.all()).filter(
        subtree_q(org.path, "org_path"), month__gte=start, month__lt=end
    )
    by_cell: dict[int, dict] = {}
    for cell_id, month, owed, paid in sheets.values_list("organization_id", "month", "owed", "paid"):
        r = by_cell.setdefault(cell_id, {"months": [None] * 12, "owed": 0, "paid": 0})
        if selectors.paid_measured(
            month, recorded=True, paid=paid
        ):  # else «chưa có số liệu»: the month is running
            r["months"][month.month - 1] = (r["months"][month.month - 1] or 0) + paid
        r["owed"] += owed
        r["paid"] += paid
    cells = {o.pk: o for o in Organization.objects.filter(pk__in=list(by_cell))}
    sent = dict(
        Remittance.objects.filter(from_organization_id__in=list(by_cell), month__gte=start, month__lt=end)
        .values("from_organization").annotate(s=Sum("amount")).values_list("from_organization", "s").order_by()
    )  # fmt: skip
    rows, sums = [], [None] * 12 + [0] * 4
    order = sorted(by_cell, key=lambda pk: (cells[pk].path, cells[pk].name))
    for i, pk in enumerate(order, start=1):
        r = by_cell[pk]
        line = [*r["months"], r["paid"], r["owed"], round(100 * r["paid"] / r["owed"], 1) if r["owed"] else None,
                int(sent.get(pk) or 0)]  # fmt: skip
        rows.append([i, cells[pk].name, *line])
        for k, v in enumerate(line):
            if k != 14 and v is not None:
                sums[k] = (sums[k] or 0) + v
    sums[14] = round(100 * sums[12] / sums[13], 1) if sums[13] else None
    rows.append(["", "Cộng các chi bộ", *sums])
    months = selectors.period_positions([org], start, end)
    mine = [months[(org.pk, dt.date(year, m, 1))] for m in range(1, 13)]
    for label, values in (
        ("Đảng ủy nhận của chi bộ (đã xác nhận)", [p.collected if p.measured else None for p in mine]),
        ("Đảng ủy trích giữ lại", [p.kept if p.measured else None for p in mine]),
        ("Đảng ủy đã nộp cấp trên", [p.remitted if p.measured else None for p in mine]),
    ):
        rows.append(["", label, *values, sum(v or 0 for v in values), None, None, None])
    rows = [[NO_DATA if v is None and 2 <= k < 14 else v for k, v in enumerate(row)] for row in rows]
    name, superior = names_on(org, end - dt.timedelta(days=1))
    table = Table(
        title=f"Sổ theo dõi thu, nộp đảng phí năm {year}",
        lines=[name, "Số đảng phí đã thu theo tháng (đồng)."],
        columns=[Column("STT", 5, "stt"), Column("Chi bộ", 36),
                 *(Column(f"T{m}", 11, "int") for m in range(1, 13)),
                 Column("Cả năm đã thu", 13, "int"), Column("Phải thu", 13, "int"), Column("Tỷ lệ", 8, "percent"),
                 Column("Đã nộp lên", 13, "int")],
        rows=rows, landscape=True, sheet="Sổ đảng phí",
        notes=[NO_DATA_NOTE,
               f"Tỷ lệ trích giữ lại theo quy định của từng tháng ({rules_on(end - dt.timedelta(days=1)).source})."],
    )  # fmt: skip
    head = Letterhead(issuer=suggested_issuer(org)[1].upper(), superior=superior.upper(), day=today())
    return table_xlsx(table, letterhead=head, signature=Signature(on_behalf="T/M ĐẢNG ỦY", role="BÍ THƯ"))
