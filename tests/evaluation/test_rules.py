"""The frames as dated data: which frame judges a period, the 366 bands, the discipline caps, the quota."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangbo.evaluation.choices import Level
from dangbo.evaluation.rules import by_key, rules_for

L = Level


@pytest.mark.parametrize(("end", "key"), [
    (dt.date(2013, 12, 31), "truoc_2018"), (dt.date(2017, 12, 31), "truoc_2018"), (dt.date(2018, 12, 31), "qd132"),
    (dt.date(2022, 12, 31), "qd132"), (dt.date(2023, 12, 31), "qd124"), (dt.date(2024, 12, 31), "qd124"),
    (dt.date(2025, 8, 29), "qd124"), (dt.date(2025, 8, 30), "qd366"), (dt.date(2025, 12, 31), "qd366"),
])  # fmt: skip
def test_the_frame_in_force_on_the_period_end(end, key):
    assert rules_for(end).key == key


@pytest.mark.parametrize(("score", "level"), [
    ("100", L.EXCELLENT), ("90", L.EXCELLENT), ("89.99", L.GOOD), ("70", L.GOOD), ("69.99", L.DONE), ("50", L.DONE),
    ("49.99", L.FAILED), ("0", L.FAILED),
])  # fmt: skip
def test_366_bands(score, level):
    r = by_key("qd366")
    assert r.scored and r.common_points + r.task_points == 100
    assert r.level_for_score(Decimal(score)) == level


def test_older_frames_are_not_scored_and_keep_their_labels():
    assert not by_key("qd124").scored and not by_key("qd132").scored
    old = by_key("truoc_2018")
    assert old.label(L.EXCELLENT) == "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ"
    assert old.label(L.FAILED, organization=True) == "Yếu kém"
    assert by_key("qd366").label(L.GOOD) == "Hoàn thành tốt nhiệm vụ"


def test_discipline_caps(settings):
    q124, q366 = by_key("qd124"), by_key("qd366")
    assert q124.highest_allowed(disciplined=False) is None
    assert q124.highest_allowed(disciplined=True) == L.FAILED
    assert q124.highest_allowed(disciplined=True, remedied=True) == L.DONE
    assert q366.highest_allowed(disciplined=True) == L.DONE
    settings.DANGBO_EVALUATION_366_DISCIPLINE_CAP = "khtnv"
    assert q366.highest_allowed(disciplined=True) == L.FAILED
    assert not q366.allows(L.DONE, L.FAILED) and q366.allows(L.FAILED, L.FAILED)
    # QĐ 124 only lifts the automatic KHTNV of a self-detected, remedied violation: the cap then is a setting [I].
    settings.DANGBO_EVALUATION_124_REMEDIED_CAP = "httnv"
    assert q124.highest_allowed(disciplined=True, remedied=True) == L.GOOD
    settings.DANGBO_EVALUATION_124_REMEDIED_CAP = ""
    assert q124.highest_allowed(disciplined=True, remedied=True) is None
    assert q124.highest_allowed(disciplined=True) == L.FAILED


@given(good=st.integers(0, 10_000), excellent=st.integers(0, 10_000))
def test_quota_is_at_most_twenty_percent_of_httnv(good, excellent):
    r = by_key("qd366")
    assert r.within_quota(good, excellent) == (excellent * 100 <= 20 * good)


def test_quota_setting(settings):
    r = by_key("qd124")
    settings.DANGBO_EVALUATION_EXCELLENT_QUOTA_PERCENT = 30
    assert r.quota_allowed(10) == 3
    settings.DANGBO_EVALUATION_QUOTA_BASE = "httnv_tro_len"
    assert r.quota_allowed(10, 5) == 4
    assert not by_key("truoc_2018").quota and by_key("truoc_2018").within_quota(0, 5)
