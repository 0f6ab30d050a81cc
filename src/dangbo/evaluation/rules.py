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
- under QĐ 124, the highest level of a member disciplined in the year whose violation was self-detected and remedied
  (``DANGBO_EVALUATION_124_REMEDIED_CAP``, default ``htnv``): QĐ 124 only exempts them from the automatic KHTNV [C];
- who is "chưa xếp loại": members admitted fewer than ``DANGBO_EVALUATION_MIN_MONTHS`` months before the period
  ends (6) [U], exempted members unless ``DANGBO_EVALUATION_RATE_EXEMPTED`` [U];
- the full title of each regulation cited in the decision's «Căn cứ» line (``title``; the sources give number and
  date only [U]): ``DANGBO_EVALUATION_REGULATION_TITLES`` replaces it.

QĐ 124: a member disciplined in the year is KHTNV, unless the violation was self-detected and remedied [C] —
then at most the setting above [I]; a criterion graded «Kém» means KHTNV [C] (``poor_grade_fails``). QĐ 132 (with
HD 21-HD/BTCTW) and the pre-2018 frame: labels for history; HD 21's conditions are shown to the reviewer, not
checked [C for the text, DOMAIN-SOURCES §1.3]. The default criteria of QĐ 124/132 are group headings as summarised
[I]: each authority defines its own catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from dangbo.core.rulesets import RuleSet, in_force
from dangbo.core.text import clean_text, read_number

from .choices import RANK, Grade, Level, Part, PeriodKind

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
    remedied_cap_setting: str = ""  # uncertain: the cap when remedied is this setting's value (empty: no cap)
    poor_grade_fails: bool = False  # QĐ 124: a criterion graded «Kém» → KHTNV
    # Cited in the decision (``documents``): the regulation ("Quy định 124-QĐ/TW, 04/10/2023"), its subject (the
    # words of its title after "Quy định", read through ``regulation_title``: a setting may replace it) and its
    # guidance.
    regulation: str = ""
    title: str = ""
    guidance: str = ""
    quota: bool = True  # the HTXSNV quota applies
    conditions: tuple[str, ...] = ()  # shown to the reviewer
    graded: bool = False  # criteria graded Xuất sắc / Tốt / Trung bình / Kém (QĐ 124, 132)
    # The frame's criteria when the authority defined none (``catalogue.criteria_for``): {subject: ((part, text,
    # points), …)}. A frame without (the pre-2018 labels) has no catalogue.
    default_criteria: dict[str, tuple[tuple[str, str, int | None], ...]] = field(default_factory=dict)
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
            if self.remedied_cap_setting:
                return getattr(settings, self.remedied_cap_setting) or None
            return self.remedied_cap
        if self.discipline_cap_setting:
            return getattr(settings, self.discipline_cap_setting) or None
        return self.discipline_cap

    @property
    def regulation_title(self) -> str:
        """The regulation's subject as cited in the decision's «Căn cứ» line: ``title`` — the sources at hand
        (DOMAIN §4, DOMAIN-SOURCES §1) give the numbers and dates, not the full titles [U] — unless
        ``DANGBO_EVALUATION_REGULATION_TITLES`` ({key: title}) gives the text checked against the document."""
        return settings.DANGBO_EVALUATION_REGULATION_TITLES.get(self.key, self.title)

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

# The frames' own criteria, the default catalogue of an authority that defined none. QĐ 366: its two parts as
# whole blocks (the authority splits them into its own criteria, DOMAIN §4). QĐ 124 and 132: the groups of criteria
# commonly listed for members and organizations [I — the headings as summarised, not the texts' wording].
_CRITERIA_366 = {
    "dang_vien": (
        ("chung", "Tiêu chí chung: chính trị tư tưởng; đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc", 30),
        ("nhiem_vu", "Kết quả thực hiện chức trách, nhiệm vụ được giao trong kỳ", 70),
    ),
    "to_chuc": (
        ("chung", "Tiêu chí chung: xây dựng Đảng về chính trị, tư tưởng, đạo đức, tổ chức và cán bộ; kiểm tra, giám sát", 30),
        ("nhiem_vu", "Kết quả thực hiện nhiệm vụ chính trị, các chỉ tiêu, nhiệm vụ được giao trong kỳ", 70),
    ),
}  # fmt: skip
_CRITERIA_GRADED = {
    "dang_vien": (
        ("", "Về tư tưởng chính trị", None),
        ("", "Về phẩm chất đạo đức, lối sống", None),
        ("", "Về ý thức tổ chức kỷ luật", None),
        ("", "Về tác phong, lề lối làm việc", None),
        ("", "Về kết quả thực hiện chức trách, nhiệm vụ được giao", None),
    ),
    "to_chuc": (
        ("", "Về xây dựng Đảng về chính trị, tư tưởng, đạo đức", None),
        ("", "Về xây dựng Đảng về tổ chức và cán bộ", None),
        ("", "Về công tác kiểm tra, giám sát và kỷ luật đảng", None),
        ("", "Về lãnh đạo thực hiện nhiệm vụ chính trị", None),
    ),
}

# Newest last.
RULE_SETS: list[EvaluationRules] = [
    EvaluationRules(
        source="Hướng dẫn 27-HD/BTCTW, 2014 (nhãn trước năm 2018)",
        valid_from=dt.date(2014, 1, 1),
        key="truoc_2018",
        short="Trước 2018",
        guidance="Hướng dẫn 27-HD/BTCTW, 2014",
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
        regulation="Quy định 132-QĐ/TW, 08/3/2018",
        title="về kiểm điểm, đánh giá, xếp loại chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị",  # [U] not in the sources: DANGBO_EVALUATION_REGULATION_TITLES
        guidance="Hướng dẫn 21-HD/BTCTW, 18/10/2019",
        graded=True,
        default_criteria=_CRITERIA_GRADED,
        conditions=(
            "Đảng viên HTXSNV: các tiêu chí về kết quả thực hiện nhiệm vụ đạt «Xuất sắc», các tiêu chí khác từ «Tốt» "
            "trở lên (HD 21-HD/BTCTW; không kiểm tra tự động).",
            "Tổ chức đảng HTXSNV: 100% tổ chức đảng trực thuộc (chi bộ: đảng viên) từ HTNV trở lên, ít nhất 80% từ "
            "HTTNV trở lên (HD 21-HD/BTCTW).",
            "Số HTXSNV không quá tỷ lệ quy định trên số được xếp loại HTTNV trong mỗi tổ chức cơ sở đảng.",
        ),
    ),
    EvaluationRules(
        source="Quy định 124-QĐ/TW, 04/10/2023",
        valid_from=dt.date(2023, 10, 4),
        key="qd124",
        short="QĐ 124-QĐ/TW",
        regulation="Quy định 124-QĐ/TW, 04/10/2023",
        title="về kiểm điểm, đánh giá, xếp loại chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị",  # [U] not in the sources: DANGBO_EVALUATION_REGULATION_TITLES
        graded=True,
        default_criteria=_CRITERIA_GRADED,
        discipline_cap=L.FAILED,
        remedied_cap=L.DONE,
        remedied_cap_setting="DANGBO_EVALUATION_124_REMEDIED_CAP",
        poor_grade_fails=True,
        conditions=(
            "Có tiêu chí xếp loại «Kém» → Không hoàn thành nhiệm vụ.",
            "Bị kỷ luật trong năm → Không hoàn thành nhiệm vụ (trừ trường hợp tự phát hiện và khắc phục hậu quả).",
            "Số HTXSNV không quá tỷ lệ quy định trên số được xếp loại HTTNV.",
        ),
    ),
    EvaluationRules(
        source="Quy định 366-QĐ/TW, 30/8/2025",
        valid_from=dt.date(2025, 8, 30),
        key="qd366",
        short="QĐ 366-QĐ/TW",
        regulation="Quy định 366-QĐ/TW, 30/8/2025",
        title="về kiểm điểm, đánh giá, xếp loại chất lượng đối với tập thể, cá nhân trong hệ thống chính trị",  # [U] not in the sources: DANGBO_EVALUATION_REGULATION_TITLES
        discipline_cap_setting="DANGBO_EVALUATION_366_DISCIPLINE_CAP",
        periods=(PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.TERM, PeriodKind.AD_HOC),
        bands=BANDS_366,
        common_points=30,
        task_points=70,
        default_criteria=_CRITERIA_366,
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


# --- Criteria catalogues ---------------------------------------------------------------------------------------
# What a rating authority's catalogue may hold inside its frame (writes: ``services.catalogue_save``; reads:
# ``selectors.criteria_for``), and a rating's criteria as filled:
# * QĐ 366: each criterion has its points; the common criteria add up to the frame's 30, the task results to its 70
#   (``common_points``/``task_points``). A rating filled criterion by criterion gets the sum as its score.
# * QĐ 124 and 132: criteria without points, each graded Xuất sắc / Tốt / Trung bình / Kém.
# * The pre-2018 labels: no catalogue.

MAX_ITEMS = 40
MAX_TEXT = 500


@dataclass(frozen=True)
class Criterion:
    part: str  # Part ("chung", "nhiem_vu") under QĐ 366; "" when graded
    text: str
    points: int | None = None

    @property
    def part_label(self) -> str:
        return Part(self.part).label if self.part else ""


def criteria_default(rules, subject: str) -> list[Criterion]:
    return [Criterion(part, text, points) for part, text, points in rules.default_criteria.get(subject, ())]


def criteria_from_items(items) -> list[Criterion]:
    return [Criterion(i.get("part", ""), i.get("text", ""), i.get("points")) for i in items or []]


def has_catalogue(rules) -> bool:
    return rules.scored or rules.graded


def clean_catalogue(rules, rows) -> tuple[list[dict], dict[str, str]]:
    """The catalogue's items from the rows typed (dicts of part, text, points; blank rows skipped), and the errors
    {field: "Nhãn: vấn đề."} that keep it from fitting the frame."""
    items, errors = [], {}
    for n, row in enumerate(rows or [], start=1):
        text = clean_text(str(row.get("text") or ""))
        raw_points = row.get("points")
        if not text and raw_points in (None, ""):
            continue
        if not text:
            errors.setdefault("items", f"Tiêu chí dòng {n}: chưa ghi nội dung.")
            continue
        if len(text) > MAX_TEXT:
            errors.setdefault("items", f"Tiêu chí dòng {n}: tối đa {MAX_TEXT} ký tự.")
            continue
        if rules.scored:
            part = row.get("part") or ""
            if part not in Part.values:
                errors.setdefault(
                    "items", f"Tiêu chí dòng {n}: chọn phần (tiêu chí chung hoặc kết quả nhiệm vụ)."
                )
                continue
            points, problem = read_number(raw_points, f"Điểm tối đa dòng {n}", required=True, whole=True,
                                          min_value=1, max_value=100)  # fmt: skip
            if problem:
                errors.setdefault("items", problem)
                continue
            items.append({"part": part, "text": text, "points": points})
        else:
            if raw_points not in (None, ""):
                errors.setdefault(
                    "items", f"Điểm tối đa dòng {n}: {rules.short} xếp loại từng tiêu chí, không chấm điểm."
                )
                continue
            items.append({"part": "", "text": text, "points": None})
    if not errors and not items:
        errors["items"] = "Tiêu chí: ghi ít nhất một tiêu chí."
    if not errors and len(items) > MAX_ITEMS:
        errors["items"] = f"Tiêu chí: tối đa {MAX_ITEMS} tiêu chí."
    if not errors and rules.scored:
        for part, want in ((Part.COMMON, rules.common_points), (Part.TASKS, rules.task_points)):
            got = sum(i["points"] for i in items if i["part"] == part)
            if got != want:
                errors["items"] = (f"Tiêu chí: các tiêu chí thuộc «{part.label}» cộng lại {got} điểm, khung "
                                   f"{rules.short} là {want} điểm.")  # fmt: skip
                break
    return items, errors


def fill_criteria(
    rules, criteria: list[Criterion], values: dict
) -> tuple[list[dict], Decimal | None, dict[str, str]]:
    """A rating's criteria from the values typed (``values["c0"]`` … for each criterion, in order): the filled
    list, the total of the points (QĐ 366) and the errors. All blank: nothing filled; some blank: an error."""
    given = {i: values.get(f"c{i}") for i in range(len(criteria))}
    given = {i: v for i, v in given.items() if v not in (None, "")}
    if not given:
        return [], None, {}
    errors = {}
    filled, total = [], Decimal(0)
    for i, c in enumerate(criteria):
        key = f"c{i}"
        if i not in given:
            errors[key] = f"{c.text[:60]}: chưa chấm (chấm đủ mọi tiêu chí hoặc để trống tất cả)."
            continue
        if rules.scored:
            number, problem = read_number(given[i], c.text[:60], min_value=0, max_value=c.points, integer_digits=3,
                                          decimal_places=2)  # fmt: skip
            if problem:
                errors[key] = problem
                continue
            total += Decimal(number)
            filled.append({"part": c.part, "text": c.text, "points": c.points, "value": str(Decimal(number))})
        else:
            if given[i] not in Grade.values:
                errors[key] = f"{c.text[:60]}: giá trị không hợp lệ."
                continue
            filled.append({"part": "", "text": c.text, "points": None, "value": given[i]})
    if errors:
        return [], None, errors
    return filled, (total if rules.scored else None), {}


def criteria_shown(filled: list[dict]) -> list[tuple[str, str]]:
    """(criterion, value as shown) of a filled list: "18 / 20 điểm" or "Tốt"."""
    out = []
    for f in filled or []:
        if f.get("points") is not None:
            value = f"{Decimal(f['value']).normalize():f}".replace(".", ",")
            out.append((f["text"], f"{value} / {f['points']} điểm"))
        else:
            out.append((f["text"], Grade(f["value"]).label if f.get("value") in Grade.values else ""))
    return out
