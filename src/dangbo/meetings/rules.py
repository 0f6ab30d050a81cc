"""The criteria of a quality cell meeting as data with effective dates (DOMAIN §3, "Rules are data with effective
dates"): ``quality.py``, the committee's grid and the demo read the thresholds from the rule set in force on the
meeting's date (``rules_on``), never from numbers written in their code.

Hướng dẫn 12-HD/BTCTW (06/7/2018) is the only instrument we hold [C, DOMAIN-SOURCES §2]: a meeting before it is
judged by it too (the oldest set we hold, as ``core.rulesets.in_force`` does). Whether the Central Organization
Commission replaced it after Chỉ thị 50-CT/TW (23/7/2025) is [U]; a new guidance is a new entry below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangbo.core.rulesets import RuleSet, in_force


@dataclass(frozen=True)
class MeetingQualityRules(RuleSet):
    min_attendance_percent: float = 85.0  # members present, strictly more than this share of those expected
    max_unexcused: int = 0  # no member absent without a reason
    max_excused_in_a_row: int = (
        3  # nobody absent with a reason more than this many regular meetings in a row, in the year
    )
    min_minutes: int = 90  # the meeting lasts at least this long


# Newest last.
RULE_SETS = [
    MeetingQualityRules(source="Hướng dẫn 12-HD/BTCTW, 06/7/2018", valid_from=dt.date(2018, 7, 6)),
]


def rules_on(day: dt.date) -> MeetingQualityRules:
    return in_force(RULE_SETS, day)
