"""Party dues as dated rule sets (DOMAIN §5): what a member owes for a month, who is exempt, and what share of
what each level collects it keeps — chosen by the **month owed** (``rules_on(month)``), so a month of 2025 is
judged by QĐ 342-QĐ/TW even when it is recorded in 2026.

* QĐ 342-QĐ/TW (28/12/2010, in force 01/4/2011) [C]: 1% of salary (BHXH basis), 0,5% of a pension, other members
  a monthly amount from 2.000 to 30.000 đ decided locally (members past working age 50% of it). Retention: a cell
  under a grassroots committee keeps 30–50%, a commune/ward grassroots organization 90%, other grassroots
  organizations 70%, each level above 50%.
* QĐ 01-QĐ/TW (03/02/2026) [C]: 1% of the previous month's BHXH salary (or of the BHXH allowance), 0,5% of a
  pension, 5.000 đ for pupils and students; exempt: ≥ 50 years of party age, social pension, poor or near-poor
  households, serious illness; hardship: exemption or a reduction of 30/50/70% for up to 12 months.
  Amounts of the other non-BHXH groups and the split between levels were not retrieved [U]: settings below.

Settings (README, config table): ``DANGBO_DUES_OTHER_RANGE`` (min, max đồng of the locally decided amount under
QĐ 01, default 2.000–30.000 as QĐ 342), ``DANGBO_DUES_ELDER_PERCENT`` (share of that amount for members past
working age under QĐ 01, default 50), ``DANGBO_DUES_CELL_KEEP_PERCENT`` (30–50, default 30),
``DANGBO_DUES_SUB_COMMITTEE_KEEP_PERCENT`` (a đảng bộ bộ phận, default 0: it passes everything on [I]),
``DANGBO_DUES_COMMUNE_ORG_CODES`` (codes of the grassroots organizations of communes and wards: keep 90%),
``DANGBO_DUES_SHARES_2026`` (a dict over the keys of ``SHARE_KEYS``: the QĐ 01 split once known; default the
QĐ 342 shares), ``DANGBO_DUES_ROUNDING`` (the amount owed is rounded half up to a multiple of this many đồng,
default 1).

Rounding: every amount is whole đồng. A percentage is computed exactly and rounded half up (to
``DANGBO_DUES_ROUNDING``); the share a level keeps is rounded half up to the đồng and the rest is remitted, so
kept + remitted is always exactly what was collected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from dangbo.core.rulesets import RuleSet, in_force
from dangbo.organizations.choices import OrgKind

from .choices import Exemption, Group

SHARE_KEYS = ("cell", "sub_committee", "commune", "grassroots", "upper")
SHARES_342 = {"cell": 30, "sub_committee": 0, "commune": 90, "grassroots": 70, "upper": 50}


def round_half_up(value: Decimal, step: int = 1) -> int:
    step = max(1, int(step))
    return int((Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


def _setting(name: str, default):
    return getattr(settings, name, default)


@dataclass(frozen=True)
class DuesRules(RuleSet):
    salary_percent: Decimal = Decimal("1")
    pension_percent: Decimal = Decimal("0.5")
    student_amount: int | None = None  # None: students are "other" members (an amount decided locally)
    party_age_exempt_years: int | None = (
        None  # exempt from this party age on (counted from the admission decision)
    )
    exemptions: tuple[str, ...] = ()  # grounds this instrument names
    relief_percents: tuple[int, ...] = (30, 50, 70)
    relief_max_months: int = 12
    is_2026: bool = False

    # --- amounts the sources leave uncertain: settings ---
    @property
    def other_range(self) -> tuple[int, int]:
        if not self.is_2026:
            return (2000, 30000)
        low, high = _setting("DANGBO_DUES_OTHER_RANGE", (2000, 30000))
        return int(low), int(high)

    @property
    def elder_percent(self) -> int:
        return int(_setting("DANGBO_DUES_ELDER_PERCENT", 50)) if self.is_2026 else 50

    @property
    def shares(self) -> dict[str, int]:
        base = dict(SHARES_342)
        base["cell"] = int(_setting("DANGBO_DUES_CELL_KEEP_PERCENT", 30))
        base["sub_committee"] = int(_setting("DANGBO_DUES_SUB_COMMITTEE_KEEP_PERCENT", 0))
        if self.is_2026:
            base.update(
                {
                    k: int(v)
                    for k, v in (_setting("DANGBO_DUES_SHARES_2026", None) or {}).items()
                    if k in SHARE_KEYS
                }
            )
        return base

    # --- what a member owes ---
    def full_amount(self, group: str, basis: int | None) -> int:
        """The month's amount before exemption and reduction."""
        basis = int(basis or 0)
        step = int(_setting("DANGBO_DUES_ROUNDING", 1))
        if group in (Group.SALARY, Group.ALLOWANCE):
            return round_half_up(Decimal(basis) * self.salary_percent / 100, step)
        if group == Group.PENSION:
            return round_half_up(Decimal(basis) * self.pension_percent / 100, step)
        if group == Group.STUDENT and self.student_amount is not None:
            return self.student_amount
        if group == Group.OTHER_ELDER:
            return round_half_up(Decimal(basis) * self.elder_percent / 100, step)
        return basis  # other members (and students under QĐ 342): the amount decided, within ``other_range``

    def owed(self, group: str, basis: int | None, *, exempt: bool = False, reduction: int = 0) -> int:
        if exempt:
            return 0
        full = self.full_amount(group, basis)
        if reduction:
            return full - round_half_up(Decimal(full) * reduction / 100)
        return full

    def fixed_basis(self, group: str) -> bool:
        """Whether the basis typed for ``group`` is the monthly amount itself (bounded by ``other_range``)."""
        return group in (Group.OTHER, Group.OTHER_ELDER) or (
            group == Group.STUDENT and self.student_amount is None
        )

    # --- what a level keeps ---
    def keep_percent(self, organization) -> int:
        kind = organization.kind
        shares = self.shares
        if kind == OrgKind.SUBORDINATE_CELL:
            return shares["cell"]
        if kind == OrgKind.SUB_COMMITTEE:
            return shares["sub_committee"]
        if kind in (OrgKind.GRASSROOTS_CELL, OrgKind.GRASSROOTS_COMMITTEE):
            communes = set(_setting("DANGBO_DUES_COMMUNE_ORG_CODES", ()) or ())
            return shares["commune"] if organization.code in communes else shares["grassroots"]
        return shares["upper"]


def split(collected: int, keep_percent: int) -> tuple[int, int]:
    """(kept, to remit) of a level's collection: kept rounded half up to the đồng, the rest remitted."""
    kept = round_half_up(Decimal(int(collected)) * int(keep_percent) / 100)
    return kept, int(collected) - kept


ALL_GROUNDS = tuple(Exemption.values)

# Newest last.
RULE_SETS = [
    DuesRules(source="Quy định 342-QĐ/TW, 28/12/2010", valid_from=dt.date(2011, 4, 1),
              exemptions=(Exemption.POOR, Exemption.ILLNESS, Exemption.HARDSHIP)),
    DuesRules(source="Quy định 01-QĐ/TW, 03/02/2026", valid_from=dt.date(2026, 2, 3), student_amount=5000,
              party_age_exempt_years=50, exemptions=ALL_GROUNDS, is_2026=True),
]  # fmt: skip


def rules_on(month: dt.date) -> DuesRules:
    """The rule set of a month owed. A month is judged by the set in force on its last day, so February 2026
    (QĐ 01 from the 3rd) is owed under QĐ 01 [I: the instrument's transition wording was not retrieved]."""
    last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return in_force(RULE_SETS, last)
