"""Charter thresholds (admission, probation, transfers) as data with effective dates (DOMAIN: "Rules are
data with effective dates").

A case is judged by the rule set in force on its date (``rules_on``). Values marked uncertain in
DOMAIN-SOURCES.md are settings an operator can change without a code change:

* ``DANGBO_COURSE_CERTIFICATE_MONTHS`` — validity of the party-awareness course certificate (60 months appears
  only in a low-quality source [U]); 0 disables the check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from dangbo.core.dates import add_months  # noqa: F401 - re-exported: rules are read in calendar months
from dangbo.core.rulesets import RuleSet, in_force


@dataclass(frozen=True)
class AdmissionRules(RuleSet):
    min_age: int = 18  # full years, counted in months, on the day the cell considers the case
    max_age: int = 60  # over 60 only by exception of a committee directly under the Centre
    min_general_education: tuple[str, ...] = ("9/12", "12/12")  # lower-secondary diploma or higher
    introducer_months: int = 12  # each introducer an official member knowing the applicant ≥ 12 months
    vote_share: tuple[int, int] = (2, 3)  # the cell's resolution: at least two-thirds of official members
    ceremony_working_days: int = 30  # ceremony within 30 working days of the decision
    probation_months: int = 12  # from the ceremony
    review_working_days: int = 30  # official recognition considered within 30 working days after probation
    # Transfers (DOMAIN §2), judged by the rule set in force on the letter's date.
    transfer_letter_working_days: int = 30  # present the introduction letter within 30 working days
    transfer_start_working_days: int = 60  # start the transfer within 60 working days of the move

    @property
    def course_certificate_months(self) -> int:
        return int(getattr(settings, "DANGBO_COURSE_CERTIFICATE_MONTHS", 60))


# Newest last. The values have not changed between these instruments (DOMAIN-SOURCES §3); a future change is a
# new entry, and older cases keep being judged by the older one.
RULE_SETS = [
    AdmissionRules(source="Hướng dẫn 01-HD/TW, 2011 (Điều lệ Đảng khóa XI)", valid_from=dt.date(2011, 9, 5)),
    AdmissionRules(source="Quy định 24-QĐ/TW, 30/7/2021", valid_from=dt.date(2021, 7, 30)),
    AdmissionRules(source="Quy định 294-QĐ/TW, 26/5/2025", valid_from=dt.date(2025, 5, 26)),
]


def rules_on(day: dt.date) -> AdmissionRules:
    return in_force(RULE_SETS, day)


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months
