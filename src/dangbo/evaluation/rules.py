"""The frames of the annual quality evaluation as data with effective dates (DOMAIN §4, DOMAIN-SOURCES §1).

A campaign is judged by the frame in force on the *last day of the period it evaluates* (``rules_for``): the
2025 round uses QĐ 366-QĐ/TW (from 30/08/2025), 2023–2024 QĐ 124-QĐ/TW, 2018–2022 QĐ 132-QĐ/TW, earlier years
the pre-2018 labels. What the sources leave uncertain is a setting read here (README, config table):

- the HTXSNV quota, ``DANGBO_EVALUATION_EXCELLENT_QUOTA_PERCENT`` (20: "số HTXSNV ≤ 20 % số được xếp loại HTTNV",
  [C] under QĐ 132/HD 21, [I] under 366) and whether its base counts the HTXSNV themselves
  (``DANGBO_EVALUATION_QUOTA_BASE``: ``httnv`` — those rated HTTNV, DOMAIN's wording — or ``httnv_tro_len``);
- the highest level a member disciplined in the period may reach under 366
  (``DANGBO_EVALUATION_366_DISCIPLINE_CAP``, default ``htnv``): 366 only says HTXSNV needs nobody disciplined
  [C]; its KHTNV list was not retrieved [U];
- who is "chưa xếp loại": members admitted fewer than ``DANGBO_EVALUATION_MIN_MONTHS`` months before the period
  ends (6) [U], exempted members unless ``DANGBO_EVALUATION_RATE_EXEMPTED`` [U].

QĐ 124: a member disciplined in the year is KHTNV, unless the violation was self-detected and remedied [C] —
then, we assume, at most HTNV [I]. QĐ 132 and the pre-2018 frame: labels for history; their conditions are not
encoded [I — DOMAIN §4].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from dangbo.core.rulesets import RuleSet, in_force

from .choices import RANK, Level, PeriodKind

L = Level
BANDS_366 = ((Decimal(90), L.EXCELLENT), (Decimal(70), L.GOOD), (Decimal(50), L.DONE), (Decimal(0), L.FAILED))
MAX_SCORE = Decimal(100)


@dataclass(frozen=True)
class EvaluationRules(RuleSet):
    key: str = ""
    short: str = ""  # "QĐ 366-QĐ/TW"
    periods: tuple[str, ...] = (PeriodKind.YEAR,)
    # Points: the total 0–100 and the band of each level (lowest score of the band, level), highest first.
    bands: tuple[tuple[Decimal, str], ...] = ()
    common_points: int = 0  # of the total: common criteria
    task_points: int = 0  # task results
    # Discipline in the period: the highest level reachable, and (QĐ 124) the one when self-detected and remedied.
    discipline_cap: str | None = None
    discipline_cap_setting: str = ""  # uncertain: the cap is this setting's value (empty: no cap)
    remedied_cap: str | None = None
    quota: bool = True  # the HTXSNV quota applies
    conditions: tuple[str, ...] = ()  # shown to the reviewer
    member_labels: dict[str, str] = field(
        default_factory=dict
    )  # older frames' names of the levels, for members
    org_labels: dict[str, str] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        return bool(self.bands)

    def label(self, level: str, *, organization: bool = False) -> str:
        names = self.org_labels if organization else self.member_labels
        return names.get(level) or Level(level).label

    def level_for_score(self, score: Decimal) -> str:
        for low, level in self.bands:
            if score >= low:
                return level
        return L.FAILED

    def band_text(self, level: str) -> str:
        """ "từ 70 đến dưới 90 điểm"."""
        lows = [low for low, lv in self.bands]
        for i, (low, lv) in enumerate(self.bands):
            if lv == level:
                if i == 0:
                    return f"từ {low} điểm trở lên"
                if low == 0:
                    return f"dưới {lows[i - 1]} điểm"
                return f"từ {low} đến dưới {lows[i - 1]} điểm"
        return ""

    @property
    def quota_percent(self) -> int:
        return int(settings.DANGBO_EVALUATION_EXCELLENT_QUOTA_PERCENT)

    @property
    def quota_base_includes_excellent(self) -> bool:
        return settings.DANGBO_EVALUATION_QUOTA_BASE == "httnv_tro_len"

    def quota_allowed(self, good: int, excellent: int = 0) -> int:
        """How many HTXSNV the quota allows given ``good`` rated HTTNV (and ``excellent`` HTXSNV, counted in the
        base when the setting says so): ⌊percent × base / 100⌋."""
        base = good + (excellent if self.quota_base_includes_excellent else 0)
        return (self.quota_percent * base) // 100

    def within_quota(self, good: int, excellent: int) -> bool:
        return not self.quota or excellent <= self.quota_allowed(good, excellent)

    def highest_allowed(self, *, disciplined: bool, remedied: bool = False) -> str | None:
        """The highest level a member may reach given discipline in the period (None: no cap)."""
        if not disciplined:
            return None
        if remedied and self.remedied_cap:
            return self.remedied_cap
        if self.discipline_cap_setting:
            return getattr(settings, self.discipline_cap_setting) or None
        return self.discipline_cap

    def allows(self, level: str, cap: str | None) -> bool:
        return cap is None or RANK[level] >= RANK[cap]


_LEGACY_MEMBER = {
    L.EXCELLENT: "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ",
    L.GOOD: "Đủ tư cách, hoàn thành tốt nhiệm vụ",
    L.DONE: "Đủ tư cách, hoàn thành nhiệm vụ",
    L.FAILED: "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ",
}
_LEGACY_ORG = {
    L.EXCELLENT: "Trong sạch vững mạnh tiêu biểu",
    L.GOOD: "Hoàn thành tốt nhiệm vụ",
    L.DONE: "Hoàn thành nhiệm vụ",
    L.FAILED: "Yếu kém",
}

# Newest last.
RULE_SETS: list[EvaluationRules] = [
    EvaluationRules(
        source="Hướng dẫn 27-HD/BTCTW, 2014 (nhãn trước năm 2018)",
        valid_from=dt.date(2014, 1, 1),
        key="truoc_2018",
        short="Trước 2018",
        quota=False,
        member_labels=_LEGACY_MEMBER,
        org_labels=_LEGACY_ORG,
        conditions=(
            "Nhãn xếp loại trước năm 2018, giữ để tra cứu lịch sử; điều kiện từng mức không kiểm tra tự động.",
        ),
    ),
    EvaluationRules(
        source="Quy định 132-QĐ/TW, 08/3/2018; Hướng dẫn 21-HD/BTCTW, 18/10/2019",
        valid_from=dt.date(2018, 3, 8),
        key="qd132",
        short="QĐ 132-QĐ/TW",
        conditions=(
            "Số HTXSNV không quá tỷ lệ quy định trên số được xếp loại HTTNV trong mỗi tổ chức cơ sở đảng.",
        ),
    ),
    EvaluationRules(
        source="Quy định 124-QĐ/TW, 04/10/2023",
        valid_from=dt.date(2023, 10, 4),
        key="qd124",
        short="QĐ 124-QĐ/TW",
        discipline_cap=L.FAILED,
        remedied_cap=L.DONE,
        conditions=(
            "Bị kỷ luật trong năm → Không hoàn thành nhiệm vụ (trừ trường hợp tự phát hiện và khắc phục hậu quả).",
            "Số HTXSNV không quá tỷ lệ quy định trên số được xếp loại HTTNV.",
        ),
    ),
    EvaluationRules(
        source="Quy định 366-QĐ/TW, 30/8/2025",
        valid_from=dt.date(2025, 8, 30),
        key="qd366",
        short="QĐ 366-QĐ/TW",
        discipline_cap_setting="DANGBO_EVALUATION_366_DISCIPLINE_CAP",
        periods=(PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.TERM, PeriodKind.AD_HOC),
        bands=BANDS_366,
        common_points=30,
        task_points=70,
        conditions=(
            "Thang 100 điểm: tiêu chí chung 30 điểm, kết quả thực hiện nhiệm vụ 70 điểm.",
            "HTXSNV từ 90 điểm; HTTNV từ 70 đến dưới 90; HTNV từ 50 đến dưới 70; KHTNV dưới 50.",
            "HTXSNV: hoàn thành 100% nhiệm vụ đúng tiến độ, ít nhất 30% vượt yêu cầu, không bị kỷ luật trong kỳ.",
            "Số HTXSNV không quá tỷ lệ quy định trên số được xếp loại HTTNV.",
        ),
    ),
]
BY_KEY = {r.key: r for r in RULE_SETS}


def rules_for(period_end: dt.date) -> EvaluationRules:
    """The frame a period is judged by: the one in force on its last day."""
    return in_force(RULE_SETS, period_end)


def by_key(key: str) -> EvaluationRules:
    return BY_KEY[key]
