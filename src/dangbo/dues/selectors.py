"""Reads of party dues, always scoped by the models' policies: a cell's month sheet, a member's history and
arrears, an organization's collection by child organization, the alerts (Charter: unpaid 3 months in a year)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.urls import reverse

from dangbo.core import policies
from dangbo.core.policies import subtree_q
from dangbo.organizations.models import Organization

from .ledger import Owed, bases_of, first_of, month_roll, next_month, owed_for, position
from .models import DuesPayment, DuesSheet, Remittance

UNPAID_MONTHS_FLAG = 3  # Charter: not paying dues 3 months in a year without a valid reason


def payments(actor, action: str = policies.VIEW):
    return policies.scope(actor, action, DuesPayment.objects.all())


def remittances(actor):
    return policies.scope(actor, policies.VIEW, Remittance.objects.all())


@dataclass
class SheetLine:
    member: object
    owed: Owed
    row: DuesPayment | None

    @property
    def state(self) -> str:
        if self.row is not None:
            return self.row.state
        return "mien" if self.owed.amount == 0 else "chua_ghi"


@dataclass
class Sheet:
    organization: Organization
    month: dt.date
    version: int
    lines: list[SheetLine] = field(default_factory=list)
    saved: DuesSheet | None = None

    @property
    def owed(self) -> int:
        return sum(line.owed.amount or 0 for line in self.lines)

    @property
    def paid(self) -> int:
        return sum(line.row.paid for line in self.lines if line.row)


def month_sheet(organization, month: dt.date) -> Sheet:
    """Every member on the cell's roll that month with what they owe and the row recorded (the caller has checked
    the actor may see the cell's dues)."""
    month = first_of(month)
    roll = month_roll(organization, month)
    bases = bases_of(m.pk for m in roll)
    rows = {
        p.member_id: p for p in DuesPayment.objects.filter(member_id__in=[m.pk for m in roll], month=month)
    }
    saved = (
        DuesSheet.objects.select_related("updated_by").filter(organization=organization, month=month).first()
    )
    lines = [SheetLine(m, owed_for(m, month, bases.get(m.pk, [])), rows.get(m.pk)) for m in roll]
    return Sheet(organization, month, saved.version if saved else 0, lines, saved)


def member_history(actor, member, year: int | None = None) -> list[DuesPayment]:
    rows = payments(actor).filter(member=member).select_related("organization").order_by("-month")
    return list(rows.filter(month__year=year) if year else rows[:120])


def arrears(member, on: dt.date) -> list[DuesPayment]:
    """The months of ``on``'s year, before ``on``'s month, that the member's cell recorded as not fully paid
    (a month whose sheet was never saved is not counted: nothing is guessed)."""
    return list(DuesPayment.objects.filter(member=member, month__year=on.year, month__lt=first_of(on), owed__gt=0,
                                           paid__lt=F("owed")).order_by("month"))  # fmt: skip


def paid_up_to(member) -> dt.date | None:
    """The last month up to which every recorded month is fully paid (the transfer letter's "đã đóng đến hết
    tháng"): the month before the first month owed and not fully paid, else the last month recorded."""
    rows = DuesPayment.objects.filter(member=member).order_by("month").values_list("month", "owed", "paid")
    last = None
    for month, owed, paid in rows:
        if paid < owed:
            break
        last = month
    return last


def arrears_alerts(actor, on: dt.date):
    """Removal-candidate alerts (REMOVAL_SIGNALS): members with 3 or more months of the year not fully paid."""
    from dangbo.members.selectors_history import Alert

    rows = (
        payments(actor, policies.CHANGE)
        .filter(month__year=on.year, month__lt=first_of(on), owed__gt=0, paid__lt=F("owed"))
        .values("member_id", "member__full_name").annotate(n=Count("id")).filter(n__gte=UNPAID_MONTHS_FLAG)
        .order_by("-n", "member__name_sort")[:200]
    )  # fmt: skip
    return [
        Alert("warn", f"{r['member__full_name']}: chưa đóng đủ đảng phí {r['n']} tháng trong năm {on.year} — chi bộ "
                      "xem xét, đề nghị xóa tên nếu không có lý do chính đáng",
              reverse("dues:member", args=[r["member_id"]]), None)
        for r in rows
    ]  # fmt: skip


def remittance_alerts(actor, on: dt.date):
    """ALERT_SOURCES: dues remitted to an organization where the actor works, not yet confirmed received."""
    from dangbo.members.selectors_history import Alert

    orgs = policies.scope(actor, "place_members", Organization.objects.all())
    rows = Remittance.objects.filter(received_on__isnull=True, to_organization__in=orgs).select_related(
        "from_organization", "to_organization").order_by("sent_on")[:50]  # fmt: skip
    return [
        Alert("info", f"{r.from_organization} đã nộp đảng phí tháng {r.month:%m/%Y} — {r.to_organization} xác nhận đã nhận",
              reverse("dues:overview") + f"?to_chuc={r.to_organization_id}&thang={r.month:%m/%Y}", r.sent_on)
        for r in rows
    ]  # fmt: skip


@dataclass
class OverviewRow:
    organization: Organization
    owed: int
    paid: int
    members: int
    remitted: int = 0
    received: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.paid / self.owed, 1) if self.owed else None


def overview(actor, organization, start: dt.date, end: dt.date) -> list[OverviewRow]:
    """Collection per child organization (the organization itself when it is a cell) over months [start, end):
    owed and paid from the ledger rows of each subtree, remitted by each child to the organization (sent,
    and confirmed received)."""
    children = list(Organization.objects.filter(parent=organization).order_by("path")) or [organization]
    if organization.is_cell:
        children = [organization]
    base = payments(actor).filter(month__gte=start, month__lt=end)
    remits = remittances(actor).filter(month__gte=start, month__lt=end, to_organization=organization)
    out = []
    for child in children:
        agg = base.filter(subtree_q(child.path, "org_path")).aggregate(o=Sum("owed"), p=Sum("paid"),
                                                                        n=Count("member", distinct=True))  # fmt: skip
        sent = remits.filter(from_organization=child).aggregate(
            s=Sum("amount"), r=Sum("amount", filter=Q(received_on__isnull=False)))  # fmt: skip
        out.append(OverviewRow(child, int(agg["o"] or 0), int(agg["p"] or 0), int(agg["n"] or 0),
                               int(sent["s"] or 0), int(sent["r"] or 0)))  # fmt: skip
    return out


def months_of(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    return first_of(month), next_month(month)


__all__ = ["position", "month_sheet", "overview", "arrears", "paid_up_to"]
