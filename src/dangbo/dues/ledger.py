"""Pure reads of the ledger's facts used by services and selectors (no scope: callers scope): a cell's roll for a
month, what a member owes for a month, what a level collected and may still remit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, Sum

from dangbo.core.dates import add_months, full_years
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member, MemberPeriod

from .models import DuesBasis, DuesPayment, Remittance
from .rules import rules_on, split


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return add_months(first_of(month), 1)


def month_roll(organization, month: dt.date) -> list[Member]:
    """Members on the cell's roll in ``month`` (official or probationary at any day of it). A member on two rolls
    in one month (moved mid-month) owes that month to the first of them — dues are paid up to the month of the
    transfer letter (DOMAIN §2, transfers)."""
    month, end = first_of(month), next_month(month)
    overlapping = Q(valid_from__lt=end) & (Q(valid_to__isnull=True) | Q(valid_to__gt=month))
    ids = set(
        MemberPeriod.objects.filter(
            overlapping, organization=organization, status__in=ACTIVE_STATUSES
        ).values_list("member_id", flat=True)
    )
    if not ids:
        return []
    first_cell: dict[int, int] = {}
    for member_id, org_id in (
        MemberPeriod.objects.filter(overlapping, member_id__in=ids, status__in=ACTIVE_STATUSES)
        .order_by("member_id", "valid_from").values_list("member_id", "organization_id")
    ):  # fmt: skip
        first_cell.setdefault(member_id, org_id)
    keep = [m for m, o in first_cell.items() if o == organization.pk]
    return list(Member.objects.filter(pk__in=keep).order_by("name_sort", "id"))


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


def cell_collected(organization, month: dt.date) -> int:
    return int(
        DuesPayment.objects.filter(organization=organization, month=first_of(month)).aggregate(s=Sum("paid"))[
            "s"
        ]
        or 0
    )


def received(organization, month: dt.date) -> int:
    """What the organization's lower levels remitted to it for ``month`` and it confirmed received."""
    rows = Remittance.objects.filter(
        to_organization=organization, month=first_of(month), received_on__isnull=False
    )
    return int(rows.aggregate(s=Sum("amount"))["s"] or 0)


def collected(organization, month: dt.date) -> int:
    """A level's takings for a month: its own members' dues (a cell) plus what its lower levels remitted."""
    own = cell_collected(organization, month) if organization.is_cell else 0
    return own + received(organization, month)


@dataclass(frozen=True)
class Position:
    collected: int
    keep_percent: int
    kept: int
    to_remit: int
    remitted: int  # recorded as sent (received or not)

    @property
    def remaining(self) -> int:
        return self.to_remit - self.remitted


def position(organization, month: dt.date, *, exclude_pk: int | None = None) -> Position:
    month = first_of(month)
    rules = rules_on(month)
    total = collected(organization, month)
    percent = rules.keep_percent(organization)
    kept, to_remit = split(total, percent)
    sent = Remittance.objects.filter(from_organization=organization, month=month)
    if exclude_pk:
        sent = sent.exclude(pk=exclude_pk)
    return Position(total, percent, kept, to_remit, int(sent.aggregate(s=Sum("amount"))["s"] or 0))


def unpaid_months(member_id: int, year: int, before: dt.date) -> list[DuesPayment]:
    """The member's months of ``year`` before ``before`` (a month not yet over is not late) whose sheet was saved
    with less paid than owed."""
    return list(DuesPayment.objects.filter(member_id=member_id, month__year=year, month__lt=first_of(before),
                                           owed__gt=0, paid__lt=F("owed")).order_by("month"))  # fmt: skip
