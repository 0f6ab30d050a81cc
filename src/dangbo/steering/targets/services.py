"""Congress targets (chỉ tiêu nghị quyết đại hội): the services that set them and enter their values, and the
selectors that compare the actual value with what the term's timeline requires.

A target's actual value comes from a measurement source (``sources.py``) or, for a target without one, from the
latest value entered with its evidence (``TargetValue``) up to the date. Nothing is stored: the table of a term
at any date is computed (``term_view``: one source computation per source used, one query for entered values).

Expected value at a date D of the term [S, E] (E = the term end, or S + 5 years), with s = elapsed share
(D − S)/(E − S) clamped to [0, 1]:
  cumulative targets: goal × s;   level targets: baseline + (goal − baseline) × s (no baseline: the goal).
Status: at least — achieved when actual ≥ goal, on track when actual ≥ expected, at risk when
actual ≥ expected × DANGBO_TARGET_AT_RISK_RATIO, else behind; at most — mirrored (a cumulative "at most" is only
achieved at the term end, and behind as soon as it passes the goal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import add_years, today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay, tien
from dangbo.core.text import clean_text, parse_vn_number, read_number
from dangbo.organizations.models import Term
from dangbo.organizations.policies import STEER, work_scope

from ..choices import Measure, TargetDirection, TargetStatus, Unit
from ..models import Target, TargetValue
from . import selectors as sources

TARGET_FIELDS = ("number", "text", "unit", "direction", "measure", "baseline", "goal", "source")
# The edit page's version token (audit.concurrency): a save over someone else's change is refused.
TARGET_VERSION = Tracked(TARGET_FIELDS, noun="Chỉ tiêu này")
WHOLE_UNITS = (Unit.MEMBERS, Unit.ORGANIZATIONS, Unit.COUNT, Unit.MONEY)
MAX_VALUE = Decimal("99999999999999")  # what the column holds (16 digits, 2 of them decimals)
INTEGER_DIGITS, DECIMAL_PLACES = 14, 2  # the columns: DecimalField(max_digits=16, decimal_places=2)
HUNDREDTH = Decimal("0.01")
MANUAL_LABEL = "Nhập theo kỳ"


# --- rules ----------------------------------------------------------------------------------------------------


def to_decimal(value) -> Decimal | None:
    """A figure given to the targets' services (a form's Decimal, a number or typed text) through the one reader
    of numbers (``core.text.parse_vn_number``: "1.250" is 1250 here as in every form), at most the column's two
    decimals; None for empty; raises ValueError (its text the problem, in Vietnamese)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_vn_number(value, decimal_places=DECIMAL_PLACES)


def money_max() -> Decimal:
    """The sanity bound of a money figure of a term: a hundred times the largest single contribution."""
    return Decimal(settings.DANGBO_CONTRIBUTION_MAX) * 100


def check_value(unit: str, value, label: str) -> str | None:
    """The problem with ``value`` as a figure in ``unit`` ("Nhãn: vấn đề."), or None when it is valid.

    % → 0 to 100; đảng viên, tổ chức, số lượng → a whole number ≥ 0; đồng → a whole number ≥ 0 and not above
    ``money_max()``. At most two decimals anywhere (the column keeps two: ``to_decimal``). Exponent notation, NaN,
    infinity and absurd digits are refused by the reader, and the range is checked before anything is rounded."""
    try:
        v = to_decimal(value)
    except ValueError as error:
        return f"{label}: {error}"
    if v is None:
        return f"{label}: không được để trống."
    # The range first, on the number as read: only a number the column holds is rounded or compared further.
    if v < 0:
        return f"{label}: không được âm."
    if unit == Unit.PERCENT:
        if v > 100:
            return f"{label}: tỷ lệ phần trăm phải từ 0 đến 100."
    elif unit in WHOLE_UNITS:
        if unit == Unit.MONEY and v > money_max():
            return f"{label}: số tiền quá lớn (tối đa {tien(int(money_max()))}), xin kiểm tra lại."
        if v > MAX_VALUE:
            return f"{label}: số quá lớn."
        if v != v.to_integral_value():
            what = {
                Unit.MEMBERS: "số đảng viên",
                Unit.ORGANIZATIONS: "số tổ chức",
                Unit.MONEY: "số tiền (đồng)",
            }
            return f"{label}: {what.get(unit, 'số lượng')} phải là số nguyên."
    else:
        return f"{label}: đơn vị tính không hợp lệ."
    return None


def term_end(term: Term) -> dt.date:
    """The term's end date, or five years after its start when not recorded (a congress term is 5 years)."""
    return term.end_date or add_years(term.start_date, 5)


def review_dates(term: Term, *, until: dt.date | None = None) -> list[dt.date]:
    """The usual reporting dates inside the term up to ``until`` (today): every 30/06 (six-month review, and
    the mid-term review's cut-off, e.g. 30/06/2013 for the 2010–2015 term) and every 31/12 (annual review)."""
    until = min(until or today(), term_end(term))
    out = []
    for year in range(term.start_date.year, until.year + 1):
        for day in (dt.date(year, 6, 30), dt.date(year, 12, 31)):
            if term.start_date < day <= until:
                out.append(day)
    return out


def midterm_date(term: Term) -> dt.date:
    """The mid-term date (sơ kết giữa nhiệm kỳ): start + half the term."""
    start = term.start_date
    return start + (term_end(term) - start) / 2


def _can_set(actor, term: Term) -> None:
    if not policies.can(actor, "direct", term.organization):
        raise PermissionDenied("Bạn không có quyền đặt chỉ tiêu cho nhiệm kỳ này.")


# --- services -------------------------------------------------------------------------------------------------


def next_number(term) -> int:
    """The number a new target of ``term`` gets unless the committee writes another: after the last one."""
    return (term.targets.order_by("-number").values_list("number", flat=True).first() or 0) + 1


@transaction.atomic
def target_save(
    *, actor, term: Term, data: dict, target: Target | None = None, expected_version: str | None = None
) -> Target:
    """Create (or, with ``target``, change) a numbered target of the term. Every problem is reported at once,
    each naming its field; nothing is saved unless all is valid."""
    _can_set(actor, term)
    if target is not None:
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.term_id != term.pk:
            raise ApplicationError("Chỉ tiêu không thuộc nhiệm kỳ này.")
        TARGET_VERSION.check(
            target, expected_version
        )  # the edit page's token: never over someone else's change
    before = snapshot(target) if target is not None else None
    t = target or Target(term=term)
    errors: dict[str, str] = {}

    number, problem = read_number(data.get("number", t.number if target else None), "Chỉ tiêu số", required=True,
                                  whole=True)  # fmt: skip
    if problem:
        errors["number"] = problem
    elif number < 1 or number > 999:
        errors["number"] = "Chỉ tiêu số: phải từ 1 đến 999."
    elif Target.objects.filter(term=term, number=number).exclude(pk=t.pk).exists():
        errors["number"] = f"Chỉ tiêu số: nhiệm kỳ {term.name} đã có chỉ tiêu số {number}."
    t.number = number

    text = clean_text(data.get("text", t.text))
    if not text:
        errors["text"] = "Nội dung chỉ tiêu: không được để trống."
    elif len(text) > 500:
        errors["text"] = "Nội dung chỉ tiêu: tối đa 500 ký tự."
    t.text = text

    unit = data.get("unit", t.unit) or ""
    if unit not in Unit.values:
        errors["unit"] = "Đơn vị tính: " + (
            "không được để trống." if not unit else "giá trị đã chọn không hợp lệ."
        )
    elif target is not None and unit != target.unit and target.values.exists():
        errors["unit"] = "Đơn vị tính: chỉ tiêu đã có số liệu nhập theo đơn vị cũ, không đổi được."
    t.unit = unit

    direction = data.get("direction") or t.direction or TargetDirection.AT_LEAST
    if direction not in TargetDirection.values:
        errors["direction"] = "Yêu cầu: giá trị đã chọn không hợp lệ."
    t.direction = direction
    measure = data.get("measure") or t.measure or Measure.LEVEL
    if measure not in Measure.values:
        errors["measure"] = "Cách tính: giá trị đã chọn không hợp lệ."
    t.measure = measure

    key = clean_text(data.get("source", t.source))
    source = sources.get(key)
    if key and source is None:
        errors["source"] = "Nguồn số liệu: nguồn đã chọn không có trong hệ thống."
    elif source is not None and "unit" not in errors:
        if source.unit != unit:
            errors["source"] = (f"Đơn vị tính: nguồn «{source.label}» tính theo {source.unit_label}, "
                                f"không theo {Unit(unit).label}.")  # fmt: skip
        elif source.measure != measure and "measure" not in errors:
            errors["source"] = (f"Cách tính: nguồn «{source.label}» là "
                                f"{Measure(source.measure).label.lower()}, chọn cách tính đó.")  # fmt: skip
    t.source = key

    for field, label, required in (
        ("goal", "Mục tiêu cuối nhiệm kỳ", True),
        ("baseline", "Mức đầu nhiệm kỳ", False),
    ):
        raw = data.get(field, getattr(t, field))
        if raw in (None, "") and not required:
            setattr(t, field, None)
            continue
        if "unit" in errors:
            continue
        problem = check_value(unit, raw, label)
        if problem:
            errors[field] = problem
        else:
            setattr(t, field, to_decimal(raw))
    if errors:
        raise ApplicationError("Chưa lưu được chỉ tiêu, xin xem các ô được đánh dấu.", field_errors=errors)
    try:
        with transaction.atomic():
            t.save()
    except IntegrityError:  # the same number saved concurrently
        raise ApplicationError("Chưa lưu được chỉ tiêu.", field_errors={
            "number": f"Chỉ tiêu số: nhiệm kỳ {term.name} đã có chỉ tiêu số {number}."}) from None  # fmt: skip
    record(actor=actor, action=Action.UPDATE if target else Action.CREATE, obj=t, before=before,
           scope_path=term.organization.path)  # fmt: skip
    return t


@transaction.atomic
def target_value_enter(*, actor, target: Target, data: dict) -> TargetValue:
    """Enter the value of a target without a measurement source, up to a date, with its evidence."""
    target = Target.objects.select_for_update().select_related("term__organization").get(pk=target.pk)
    term = target.term
    _can_set(actor, term)
    if target.source:
        source = sources.get(target.source)
        label = source.label if source else target.source
        raise ApplicationError(f"Chỉ tiêu này tính tự động từ nguồn «{label}», không nhập số liệu.")
    errors: dict[str, str] = {}
    period_end = data.get("period_end")
    if isinstance(period_end, str):
        try:
            period_end = dt.datetime.strptime(period_end.strip(), "%d/%m/%Y").date()
        except ValueError:
            errors["period_end"] = "Tính đến ngày: ngày không hợp lệ, cần có dạng dd/mm/yyyy."
            period_end = None
    if "period_end" in errors:
        pass
    elif not isinstance(period_end, dt.date):
        errors["period_end"] = "Tính đến ngày: không được để trống."
    elif period_end > today():
        errors["period_end"] = f"Tính đến ngày: sau hôm nay ({ngay(today())})."
    elif period_end < term.start_date or period_end > term_end(term):
        errors["period_end"] = (f"Tính đến ngày: ngoài nhiệm kỳ {term.name} "
                                f"({ngay(term.start_date)} – {ngay(term_end(term))}).")  # fmt: skip
    elif target.values.filter(period_end=period_end).exists():
        errors["period_end"] = f"Tính đến ngày: đã có số liệu tính đến ngày {ngay(period_end)}."
    problem = check_value(target.unit, data.get("value"), "Giá trị")
    if problem:
        errors["value"] = problem
    evidence = clean_text(data.get("evidence"))
    if not evidence:
        errors["evidence"] = "Căn cứ: không được để trống (ví dụ: Báo cáo số 12-BC/ĐU ngày 10/7/2023)."
    elif len(evidence) > 500:
        errors["evidence"] = "Căn cứ: tối đa 500 ký tự."
    if errors:
        raise ApplicationError("Chưa lưu được số liệu, xin xem các ô được đánh dấu.", field_errors=errors)
    try:
        with transaction.atomic():
            value = TargetValue.objects.create(target=target, period_end=period_end, value=to_decimal(data["value"]),
                                               evidence=evidence)  # fmt: skip
    except IntegrityError:
        raise ApplicationError("Chưa lưu được số liệu.", field_errors={
            "period_end": f"Tính đến ngày: đã có số liệu tính đến ngày {ngay(period_end)}."}) from None  # fmt: skip
    record(actor=actor, action=Action.CREATE, obj=value, scope_path=term.organization.path)
    return value


# --- selectors ------------------------------------------------------------------------------------------------


@dataclass
class Progress:
    actual: Decimal | None
    expected: Decimal
    percent_of_goal: Decimal | None
    status: str
    as_of: dt.date | None = None  # for entered values: the date the value was counted to

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label


def elapsed_share(term: Term, on: dt.date) -> Decimal:
    start, end = term.start_date, term_end(term)
    if on <= start:
        return Decimal(0)
    if on >= end:
        return Decimal(1)
    return Decimal((on - start).days) / Decimal((end - start).days)


def expected_at(target: Target, on: dt.date) -> Decimal:
    share = elapsed_share(target.term, on)
    goal = Decimal(target.goal)
    if target.measure == Measure.CUMULATIVE:
        value = goal * share
    elif target.baseline is None:
        value = goal
    else:
        value = Decimal(target.baseline) + (goal - Decimal(target.baseline)) * share
    if target.unit in WHOLE_UNITS:  # people, organizations, đồng come whole: "at least 407,9" is 408
        up = target.direction != TargetDirection.AT_MOST
        return value.quantize(Decimal(1), rounding=ROUND_CEILING if up else ROUND_FLOOR)
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def status_of(target: Target, actual: Decimal | None, expected: Decimal, on: dt.date) -> str:
    if actual is None:
        return TargetStatus.NO_DATA
    goal = Decimal(target.goal)
    ratio = Decimal(str(settings.DANGBO_TARGET_AT_RISK_RATIO))
    if target.direction == TargetDirection.AT_MOST:
        if target.measure == Measure.CUMULATIVE:
            if actual > goal:
                return TargetStatus.BEHIND
            if on >= term_end(target.term):
                return TargetStatus.ACHIEVED
        elif actual <= goal:
            return TargetStatus.ACHIEVED
        if actual <= expected:
            return TargetStatus.ON_TRACK
        if actual <= expected * (2 - ratio):
            return TargetStatus.AT_RISK
        return TargetStatus.BEHIND
    if actual >= goal:
        return TargetStatus.ACHIEVED
    if actual >= expected:
        return TargetStatus.ON_TRACK
    if actual >= expected * ratio:
        return TargetStatus.AT_RISK
    return TargetStatus.BEHIND


def progress_of(
    target: Target, on: dt.date, actual: Decimal | None, as_of: dt.date | None = None
) -> Progress:
    expected = expected_at(target, on)
    goal = Decimal(target.goal)
    pct = (
        (actual * 100 / goal).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if actual is not None and goal
        else None
    )
    return Progress(actual, expected, pct, status_of(target, actual, expected, on), as_of)


def _counted_to(term: Term, on: dt.date) -> dt.date:
    """Figures are counted up to ``on``, never past the term end."""
    return min(on, term_end(term))


def computed_value(target: Target, on: dt.date) -> Decimal | None:
    source = sources.get(target.source)
    if source is None:
        return None
    term = target.term
    return source(term.organization, term.start_date, _counted_to(term, on))


def progress(target: Target, on: dt.date) -> Progress:
    """Actual against expected of one target at a date (see the module docstring)."""
    if target.source:
        return progress_of(target, on, computed_value(target, on))
    latest = target.values.filter(period_end__lte=on).order_by("-period_end").first()
    return progress_of(target, on, latest.value if latest else None, latest.period_end if latest else None)


@dataclass
class TargetRow:
    target: Target
    progress: Progress
    source_label: str

    @property
    def good(self) -> bool:
        return self.progress.status in (TargetStatus.ACHIEVED, TargetStatus.ON_TRACK)


@dataclass
class TermView:
    term: Term
    on: dt.date
    end: dt.date
    midterm: dt.date
    rows: list[TargetRow]

    @property
    def good_count(self) -> int:
        return sum(r.good for r in self.rows)


def term_view(term: Term, on: dt.date) -> TermView:
    """Every target of the term at a date: each source used is computed once, the entered values of all the
    manual targets are read in one query."""
    targets = list(term.targets.all().order_by("number"))
    for t in targets:
        t.term = term
    counted_to = _counted_to(term, on)
    by_source: dict[str, Decimal | None] = {}
    for key in {t.source for t in targets if t.source}:
        source = sources.get(key)
        by_source[key] = source(term.organization, term.start_date, counted_to) if source else None
    latest: dict[int, TargetValue] = {}
    manual = [t.pk for t in targets if not t.source]
    if manual:
        for v in TargetValue.objects.filter(target_id__in=manual, period_end__lte=on).order_by(
            "target_id", "period_end"
        ):
            latest[v.target_id] = v
    rows = []
    for t in targets:
        if t.source:
            source = sources.get(t.source)
            p = progress_of(t, on, by_source.get(t.source))
            label = source.label if source else f"{t.source} (nguồn không còn trong hệ thống)"
        else:
            v = latest.get(t.pk)
            p = progress_of(t, on, v.value if v else None, v.period_end if v else None)
            label = MANUAL_LABEL
        rows.append(TargetRow(t, p, label))
    return TermView(term, on, term_end(term), midterm_date(term), rows)


def year_ends(term: Term, on: dt.date) -> list[dt.date]:
    """31/12 of each year of the term up to ``on`` (and the term end), then ``on`` itself."""
    last = _counted_to(term, on)
    days = [dt.date(y, 12, 31) for y in range(term.start_date.year, last.year + 1)]
    days = [d for d in days if term.start_date <= d < last]
    return [*days, last]


def history(target: Target, on: dt.date) -> list[tuple[dt.date, Progress]]:
    """A computed target's value at each 31/12 of the term up to ``on``, and at ``on``."""
    return [(d, progress_of(target, d, computed_value(target, d))) for d in year_ends(target.term, on)]


def target_scope(actor, action: str = policies.VIEW):
    return work_scope(actor, STEER[action], Target.objects.select_related("term__organization"),
                                 field="term__organization")  # fmt: skip


def term_scope(actor, action: str = policies.VIEW):
    return work_scope(actor, STEER[action], Term.objects.select_related("organization"), field="organization")
