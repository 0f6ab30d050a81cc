"""Dues rule sets: each set's amounts for each group, the switch at 03/02/2026, the split up the tree."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.dues.choices import Group
from dangbo.dues.rules import round_half_up, rules_on, split
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization

OLD = rules_on(dt.date(2025, 6, 1))
NEW = rules_on(dt.date(2026, 3, 1))


def test_rule_set_is_chosen_by_the_month_owed():
    assert "342" in rules_on(dt.date(2011, 4, 1)).source
    assert "342" in rules_on(dt.date(2026, 1, 1)).source
    assert (
        "01-QĐ/TW" in rules_on(dt.date(2026, 2, 1)).source
    )  # QĐ 01 from 03/02/2026: February is owed under it
    assert "01-QĐ/TW" in rules_on(dt.date(2031, 12, 1)).source
    assert "342" in rules_on(dt.date(2005, 1, 1)).source  # before every set: the oldest we hold


def test_amounts_of_qd_342():
    assert OLD.owed(Group.SALARY, 8_450_000) == 84_500
    assert OLD.owed(Group.ALLOWANCE, 5_000_000) == 50_000
    assert OLD.owed(Group.PENSION, 6_123_500) == 30_618  # 30.617,5 rounded half up
    assert OLD.owed(Group.OTHER, 20_000) == 20_000
    assert OLD.owed(Group.OTHER_ELDER, 15_000) == 7_500
    assert OLD.owed(Group.STUDENT, 3_000) == 3_000  # students are "other" members under QĐ 342
    assert OLD.other_range == (2000, 30000)
    assert OLD.party_age_exempt_years is None


def test_amounts_of_qd_01():
    assert NEW.owed(Group.SALARY, 8_450_000) == 84_500
    assert NEW.owed(Group.PENSION, 7_000_001) == 35_000
    assert NEW.owed(Group.STUDENT, 0) == 5_000
    assert NEW.owed(Group.OTHER, 10_000) == 10_000
    assert NEW.owed(Group.SALARY, 8_000_000, exempt=True) == 0
    assert NEW.owed(Group.SALARY, 8_000_000, reduction=30) == 56_000
    assert NEW.owed(Group.SALARY, 8_000_000, reduction=70) == 24_000
    assert NEW.party_age_exempt_years == 50


def test_uncertain_values_are_settings(settings):
    settings.DANGBO_DUES_OTHER_RANGE = (5000, 50000)
    settings.DANGBO_DUES_SHARES_2026 = {"commune": 80}
    settings.DANGBO_DUES_ROUNDING = 1000
    assert NEW.other_range == (5000, 50000) and OLD.other_range == (2000, 30000)
    assert NEW.shares["commune"] == 80 and OLD.shares["commune"] == 90
    assert NEW.owed(Group.SALARY, 8_450_000) == 85_000


def test_keep_share_by_level(settings):
    def org(kind, code="X"):
        return Organization(kind=kind, code=code)

    assert OLD.keep_percent(org(OrgKind.SUBORDINATE_CELL)) == 30
    assert OLD.keep_percent(org(OrgKind.GRASSROOTS_COMMITTEE)) == 70
    assert OLD.keep_percent(org(OrgKind.GRASSROOTS_CELL)) == 70
    assert OLD.keep_percent(org(OrgKind.DIRECT)) == 50
    assert OLD.keep_percent(org(OrgKind.PROVINCE)) == 50
    settings.DANGBO_DUES_COMMUNE_ORG_CODES = ["XA1"]
    assert OLD.keep_percent(org(OrgKind.GRASSROOTS_COMMITTEE, "XA1")) == 90


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=100))
def test_split_keeps_every_dong(collected, percent):
    kept, remitted = split(collected, percent)
    assert kept + remitted == collected and kept >= 0 and remitted >= 0


# A tree: each node keeps its share of (own collection + what its children remitted) and remits the rest.
trees = st.recursive(
    st.tuples(st.integers(0, 10**9), st.sampled_from([0, 30, 50, 70, 90]), st.just(())),
    lambda children: st.tuples(st.integers(0, 10**9), st.sampled_from([0, 30, 50, 70, 90]),
                               st.lists(children, max_size=4).map(tuple)),
    max_leaves=25,
)  # fmt: skip


def _flow(node) -> tuple[int, int, int]:
    """(collected from members in the subtree, kept in the subtree, remitted out of its top)."""
    own, percent, children = node
    members, kept = own, 0
    takings = own
    for child in children:
        m, k, r = _flow(child)
        members, kept, takings = members + m, kept + k, takings + r
    k, r = split(takings, percent)
    return members, kept + k, r


@settings(max_examples=200)
@given(trees)
def test_nothing_created_or_lost_between_levels(tree):
    members, kept, remitted = _flow(tree)
    assert kept + remitted == members


def test_round_half_up():
    assert round_half_up(2.5) == 3 and round_half_up(2.4999) == 2 and round_half_up(12_500, 1000) == 13_000
