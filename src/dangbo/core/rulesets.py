"""Rules as data with effective dates (DOMAIN: "Rules are data with effective dates").

Every set of thresholds, quotas, deadlines or rates that a party instrument fixes is a frozen dataclass derived
from ``RuleSet`` (its ``source`` — the instrument — and the day it takes effect), kept in a list newest last.
A case is judged by the set in force on *its* date (``in_force``), so a past period is always judged by the
rules of its time. A future change is a new entry; the older entries stay.

Values that the sources leave uncertain are read from a setting inside the rule set (a property), named in the
README's configuration table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True)
class RuleSet:
    source: str  # the instrument, as users cite it: "Hướng dẫn 12-HD/BTCTW, 06/7/2018"
    valid_from: dt.date


R = TypeVar("R", bound=RuleSet)


def in_force(rule_sets: Sequence[R], day: dt.date) -> R:
    """The rule set in force on ``day``: the newest one that took effect on or before it (the oldest for a day
    before every set — older cases are judged by the first rules we hold)."""
    current = rule_sets[0]
    for rules in rule_sets:
        if rules.valid_from <= day:
            current = rules
    return current
