"""Reads of party dues, always scoped by the models' policies: a cell's month sheet, a member's history and
arrears, an organization's collection by child organization, the alerts (Charter: unpaid 3 months in a year)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.urls import reverse

from dangbo.core import policies
from dangbo.core.dates import add_months, full_years, today
from dangbo.core.db import prepared
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member, MemberPeriod
from dangbo.organizations.models import Organization, OrganizationLink

from .models import DuesBasis, DuesPayment, DuesSheet, DuesTotal, Remittance
from .rules import rules_on, split

# --- the ledger's facts (not scoped: callers scope) ---


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return add_months(first_of(month), 1)


def month_roll(organization, month: dt.date) -> list[Member]:
    """Members on the cell's roll in ``month`` (official or probationary at any day of it). A member on two rolls
    in one month (moved mid-month) owes that month to the first of them — dues are paid up to the month of the
    transfer letter (DOMAIN §2, transfers)."""
    return month_rolls([organization.pk], month).get(organization.pk, [])


def month_rolls(cell_ids, month: dt.date, *, only: tuple[str, ...] = ()) -> dict[int, list[Member]]:
    """``month_roll`` of several cells in three queries: {cell id: members in name order} (cells with nobody
    left out). ``only``: the member fields to load (all when empty)."""
    month, end = first_of(month), next_month(month)
    overlapping = Q(valid_from__lt=end) & (Q(valid_to__isnull=True) | Q(valid_to__gt=month))
    cell_ids = set(cell_ids)
    ids = set(
        MemberPeriod.objects.filter(
            overlapping, organization_id__in=cell_ids, status__in=ACTIVE_STATUSES
        ).values_list("member_id", flat=True)
    )
    if not ids:
        return {}
    first_cell: dict[int, int] = {}
    for member_id, org_id in (
        MemberPeriod.objects.filter(overlapping, member_id__in=ids, status__in=ACTIVE_STATUSES)
        .order_by("member_id", "valid_from").values_list("member_id", "organization_id")
    ):  # fmt: skip
        first_cell.setdefault(member_id, org_id)
    keep = [m for m, o in first_cell.items() if o in cell_ids]
    members = Member.objects.filter(pk__in=keep).order_by("name_sort", "id")
    if only:
        members = members.only(*only)
    out: dict[int, list[Member]] = {}
    for m in members:
        out.setdefault(first_cell[m.pk], []).append(m)
    return out


def month_over(month: dt.date) -> bool:
    """The month has ended (today is in a later month)."""
    return next_month(month) <= today()


def paid_measured(month: dt.date, *, recorded: bool, paid: int, remitted: int = 0) -> bool:
    """Whether a month's collection is a figure or «chưa có số liệu» (issue 13; the sources say nothing of it,
    this is the project's choice, stated in the CHANGELOG): nothing recorded (no month sheet saved or made) is no
    data; a month still running with nothing paid and nothing sent up is no data either (collection is under way:
    a 0 would read as a result); a payment, a remittance, or the month being over makes it a figure — an ended
    month whose members owed and paid nothing is a real 0."""
    return recorded and (paid > 0 or remitted > 0 or month_over(month))


@dataclass(frozen=True)
class Owed:
    amount: int | None  # None: no basis recorded for the month (unknown, never guessed)
    basis: DuesBasis | None
    exempt: str = ""  # the ground, when exempt
    reduction: int = 0
    source: str = ""


def bases_of(member_ids) -> dict[int, list[DuesBasis]]:
    out: dict[int, list[DuesBasis]] = {}
    for b in DuesBasis.objects.filter(member_id__in=list(member_ids)).order_by("member_id", "valid_from"):
        out.setdefault(b.member_id, []).append(b)
    return out


def owed_for(member: Member, month: dt.date, bases: list[DuesBasis] | None = None) -> Owed:
    """What ``member`` owes for ``month`` under the rules of that month."""
    month = first_of(month)
    rules = rules_on(month)
    if bases is None:
        bases = list(DuesBasis.objects.filter(member=member, valid_from__lte=month).order_by("valid_from"))
    basis = None
    for b in bases:
        if b.valid_from <= month:
            basis = b
    if basis is None:
        return Owed(None, None, source=rules.source)
    relief_on = basis.relief_until is None or month <= basis.relief_until
    exempt = basis.exemption if basis.exemption and relief_on else ""
    last_day = next_month(month) - dt.timedelta(days=1)
    if (not exempt and rules.party_age_exempt_years and member.admission_decision_date
            and full_years(member.admission_decision_date, last_day) >= rules.party_age_exempt_years):  # fmt: skip
        exempt = "tuoi_dang"
    reduction = basis.reduction_percent if (basis.reduction_percent and relief_on and not exempt) else 0
    amount = rules.owed(basis.group, basis.basis, exempt=bool(exempt), reduction=reduction)
    return Owed(amount, basis, exempt, reduction, rules.source)


@dataclass(frozen=True)
class Position:
    collected: int
    keep_percent: int
    kept: int
    to_remit: int
    remitted: int  # recorded as sent (received or not)
    measured: bool = True  # False: «chưa có số liệu» (``paid_measured``)

    @property
    def remaining(self) -> int:
        return self.to_remit - self.remitted


def position(organization, month: dt.date) -> Position:
    """A level's month: what it collected (its members' dues if a cell, plus what its lower levels remitted and it
    confirmed), the share it keeps by the rules of the month and its level, what it must remit and has sent."""
    return positions([organization], month)[organization.pk]


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

    @property
    def measured(self) -> bool:
        """Whether "đã thu" is a figure (``paid_measured``): the sheet saved (or made), and something paid or the
        month over."""
        return paid_measured(self.month, recorded=self.saved is not None, paid=self.paid)


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
    """Removal-candidate alerts (REMOVAL_SIGNALS): members with 3 or more months of the year not fully paid, each
    under the cell the member is on the roll of (the home page groups by it)."""
    from dangbo.members.history.selectors import Alert, org_label

    rows = list(
        payments(actor, policies.CHANGE)
        .filter(month__year=on.year, month__lt=first_of(on), owed__gt=0, paid__lt=F("owed"))
        .values("member_id", "member__full_name", "member__organization_id").annotate(n=Count("id"))
        .filter(n__gte=UNPAID_MONTHS_FLAG).order_by("-n", "member__name_sort")[:200]
    )  # fmt: skip
    cells = Organization.objects.select_related("parent").in_bulk(
        {r["member__organization_id"] for r in rows}
    )
    return [
        Alert("warn", f"{r['member__full_name']}: chưa đóng đủ đảng phí {r['n']} tháng trong năm {on.year} — chi bộ "
                      "xem xét, đề nghị xóa tên nếu không có lý do chính đáng",
              reverse("dues:member", args=[r["member_id"]]), None,
              org=org_label(cells.get(r["member__organization_id"])))
        for r in rows
    ]  # fmt: skip


def remittance_alerts(actor, on: dt.date):
    """ALERT_SOURCES: dues remitted to an organization where the actor works, not yet confirmed received."""
    from dangbo.members.history.selectors import Alert, org_label

    orgs = policies.scope(actor, "place_members", Organization.objects.all())
    rows = Remittance.objects.filter(received_on__isnull=True, to_organization__in=orgs).select_related(
        "from_organization", "to_organization__parent").order_by("sent_on")[:50]  # fmt: skip
    return [
        Alert("info", f"{r.from_organization} đã nộp đảng phí tháng {r.month:%m/%Y} — {r.to_organization} xác nhận đã nhận",
              reverse("dues:overview") + f"?to_chuc={r.to_organization_id}&thang={r.month:%m/%Y}", r.sent_on,
              org=org_label(r.to_organization), paths=(r.to_organization.path,))
        for r in rows
    ]  # fmt: skip


@dataclass
class OverviewRow:
    organization: Organization
    owed: int
    paid: int
    members: int | None  # on the rolls that month (none for a year)
    remitted: int = 0
    received: int = 0
    due: int | None = (
        None  # what the child should have remitted for the month (its collection minus its share)
    )
    recorded: bool = True  # a month sheet of the child's subtree in the period (else owed: «chưa có số liệu»)
    measured: bool = True  # "đã thu" is a figure (``paid_measured`` of some month of the period)
    owed_measured: int = 0  # owed in the months whose collection is a figure (a rate's base)

    @property
    def missing(self) -> int | None:
        return None if self.due is None or not self.measured else max(self.due - self.remitted, 0)

    @property
    def rate(self) -> float | None:
        return round(100 * self.paid / self.owed, 1) if self.owed and self.measured else None


def positions(organizations, month: dt.date) -> dict[int, Position]:
    """``position`` of several organizations for one month (three queries, not three per organization)."""
    month = first_of(month)
    return {pk: p for (pk, _), p in period_positions(organizations, month, next_month(month)).items()}


def period_positions(organizations, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], Position]:
    """``position`` of each organization for each month in [start, end), keyed (organization id, month): each
    month split by the rules of that month (three queries)."""
    orgs = list(organizations)
    ids = [o.pk for o in orgs]
    months = []
    month = first_of(start)
    while month < end:
        months.append(month)
        month = next_month(month)
    period = {"month__gte": first_of(start), "month__lt": end}

    def by_org_month(rows, org_field):
        return {(r[org_field], r["month"]): int(r["s"] or 0)
                for r in rows.values(org_field, "month").annotate(s=Sum("amount")).order_by()}  # fmt: skip

    own = {
        (o, m): int(p or 0)
        for o, m, p in DuesSheet.objects.filter(organization_id__in=[o.pk for o in orgs if o.is_cell], **period)
        .values_list("organization_id", "month", "paid")
    }  # fmt: skip
    got = by_org_month(
        Remittance.objects.filter(to_organization_id__in=ids, received_on__isnull=False, **period),
        "to_organization",
    )
    sent = by_org_month(
        Remittance.objects.filter(from_organization_id__in=ids, **period), "from_organization"
    )
    out = {}
    for month in months:
        rules = rules_on(month)
        for o in orgs:
            key = (o.pk, month)
            total = own.get(key, 0) + got.get(key, 0)
            percent = rules.keep_percent(o)
            kept, to_remit = split(total, percent)
            # A cell's collection is recorded by its sheet; a committee's by what its lower levels send (none
            # sent in a month that is over: a real 0).
            recorded = key in own if o.is_cell else True
            measured = paid_measured(month, recorded=recorded, paid=total, remitted=sent.get(key, 0))
            out[key] = Position(total, percent, kept, to_remit, sent.get(key, 0), measured)
    return out


def overview(actor, organization, start: dt.date, end: dt.date) -> list[OverviewRow]:
    """Collection per child organization (the organization itself when it is a cell) over months [start, end):
    owed and paid from the totals per organization and month (``DuesTotal``, kept by ``services.totals_add``: ≈ one row per
    child and month, whatever the size of its subtree), remitted by each child to the organization (sent, and
    confirmed received)."""
    # The children of the period (``OrganizationLink``), each for the months it sat under the organization: a
    # child moved away on 13/02 counts here up to February (its sheets from March on follow it, see ``services.totals_move``).
    spans: dict[int, list[tuple[dt.date | None, dt.date | None]]] = {}
    if not organization.is_cell:
        for pk, since, until in OrganizationLink.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lt=end), Q(valid_to__isnull=True) | Q(valid_to__gt=start),
            parent=organization,
        ).values_list("organization_id", "valid_from", "valid_to"):  # fmt: skip
            spans.setdefault(pk, []).append((since, until))
    children = list(Organization.objects.filter(pk__in=list(spans)).order_by("path")) or [organization]
    # Scope by ``can`` on each child (the grants are in memory): a join of the totals with the organizations'
    # paths makes PostgreSQL hash the whole organization table (25 ms at province scale, more for a nation).
    seen = [c.pk for c in children if policies.can(actor, policies.VIEW, DuesTotal(organization=c))]
    totals = DuesTotal.objects.filter(organization_id__in=seen, month__gte=start, month__lt=end)
    by_org: dict[int, dict[str, int]] = {}
    for pk, month, owed, paid, members in totals.values_list(
        "organization_id", "month", "owed", "paid", "members"
    ):
        if pk in spans and not any(
            (a is None or a <= month) and (b is None or month < b) for a, b in spans[pk]
        ):
            continue
        if not (owed or paid or members):
            continue  # a total emptied by a move: nothing recorded
        t = by_org.setdefault(pk, {"o": 0, "p": 0, "n": 0, "m": False, "om": 0})
        t["o"], t["p"], t["n"] = t["o"] + owed, t["p"] + paid, t["n"] + members
        if paid_measured(month, recorded=True, paid=paid):
            t["m"], t["om"] = True, t["om"] + owed
    one_month = next_month(start) == end
    remits = remittances(actor).filter(month__gte=start, month__lt=end, to_organization=organization)
    sent_by = {
        r["from_organization"]: r
        for r in remits.values("from_organization").annotate(s=Sum("amount"), r=Sum("amount", filter=Q(received_on__isnull=False))).order_by()
    }  # fmt: skip
    dues = positions([c for c in children if c != organization], start) if one_month else {}
    out = []
    for child in children:
        t, sent = by_org.get(child.pk, {}), sent_by.get(child.pk, {})
        due = dues[child.pk].to_remit if child.pk in dues and dues[child.pk].measured else None
        remitted = int(sent.get("s") or 0)
        out.append(OverviewRow(child, int(t.get("o") or 0), int(t.get("p") or 0),
                               int(t.get("n") or 0) if one_month else None, remitted,
                               int(sent.get("r") or 0), due, recorded=bool(t),
                               measured=bool(t) and (t["m"] or remitted > 0),
                               owed_measured=int(t.get("om") or 0)))  # fmt: skip
    return out


def months_of(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    return first_of(month), next_month(month)


def arrears_evidence(member_ids: list[int], start: dt.date, end: dt.date) -> dict:
    """EVIDENCE_SOURCES (read by ``evaluation.evidence``): the months of a rating's period the member's cell recorded
    as not fully paid, with the shortfall; or that every recorded month was paid. A month whose sheet was never
    saved says nothing (nothing is guessed). One query for many members."""
    from dangbo.core.formats import tien
    from dangbo.evaluation.evidence.selectors import Item

    since = first_of(start)
    # Compiled once per process for the period and the number of members (``core.db.prepared``).
    rows = prepared(("dues-arrears", since, end, len(member_ids)), lambda *ids: DuesPayment.objects.filter(
        member_id__in=ids, month__gte=since, month__lte=end).values_list("member_id", "month", "owed", "paid")
        .order_by("member_id", "month"), *member_ids)  # fmt: skip
    months: dict[int, list] = {}
    recorded: dict[int, int] = {}
    for member_id, month, owed, paid in rows:
        recorded[member_id] = recorded.get(member_id, 0) + 1
        if owed > 0 and paid < owed:
            months.setdefault(member_id, []).append((month, owed - paid))
    out: dict[int, list] = {}
    for member_id, n in recorded.items():
        url = reverse("dues:member", args=[member_id])
        unpaid = months.get(member_id)
        if not unpaid:
            out[member_id] = [Item("dang_phi", f"Đảng phí: đóng đủ {n} tháng đã ghi sổ trong kỳ", url)]
            continue
        listed = ", ".join(f"{m:%m/%Y}" for m, _ in unpaid)
        text = (f"Đảng phí: chưa đóng đủ {len(unpaid)} tháng trong kỳ ({listed}), còn thiếu "
                f"{tien(sum(s for _, s in unpaid))}")  # fmt: skip
        if len(unpaid) >= UNPAID_MONTHS_FLAG:
            text += f" — từ {UNPAID_MONTHS_FLAG} tháng trong năm không có lý do chính đáng: xem xét xóa tên (Điều lệ)"
        out[member_id] = [Item("dang_phi", text, url, True)]
    return out


# --- totals per organization and month at every level (``DuesTotal``) ---------------------------------------------
# What they are and how they are kept: ``services`` (section "totals"). These are the reads: the table as stored,
# and a recount from the month sheets (``dangbo dues_rollup --check`` and the tests compare the two).

Totals = tuple[int, int, int]  # members, owed, paid


def ancestors(path: str) -> list[int]:
    """The organizations a path passes through, root first ("1.7.42." → [1, 7, 42])."""
    return [int(part) for part in path.split(".") if part]


def totals_recount(months: Iterable[dt.date] | None = None) -> dict[tuple[int, dt.date], Totals]:
    """The totals of every organization and month added up again from the sheets (one pass, grouped by path)."""
    sheets = DuesSheet.objects.all()
    if months is not None:
        sheets = sheets.filter(month__in=list(months))
    out: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    grouped = (
        sheets.values("org_path", "month").annotate(n=Sum("members"), o=Sum("owed"), p=Sum("paid")).order_by()
    )
    for r in grouped.iterator(chunk_size=20000):
        for org_id in ancestors(r["org_path"]):
            t = out[(org_id, r["month"])]
            t[0], t[1], t[2] = t[0] + (r["n"] or 0), t[1] + (r["o"] or 0), t[2] + (r["p"] or 0)
    return {k: tuple(v) for k, v in out.items() if any(v)}


def totals_stored(months: Iterable[dt.date] | None = None) -> dict[tuple[int, dt.date], Totals]:
    rows = DuesTotal.objects.all()
    if months is not None:
        rows = rows.filter(month__in=list(months))
    return {
        (o, m): (n, ow, p)
        for o, m, n, ow, p in rows.values_list(
            "organization_id", "month", "members", "owed", "paid"
        ).iterator()
        if n or ow or p
    }


def totals_differences(
    months: Iterable[dt.date] | None = None,
) -> list[tuple[int, dt.date, Totals | None, Totals | None]]:
    """(organization, month, stored, recounted) for every row where the table and a recount disagree."""
    months = list(months) if months is not None else None
    have, want = totals_stored(months), totals_recount(months)
    return sorted(
        (org, month, have.get((org, month)), want.get((org, month)))
        for org, month in set(have) | set(want)
        if have.get((org, month)) != want.get((org, month))
    )
