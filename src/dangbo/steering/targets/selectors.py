"""Reads of congress targets: the progress of a target against the term's timeline, and the measurement sources
that compute the actual value of a target from data dangbo already keeps.

A target's actual value comes from a measurement source (below) or, for a target without one, from the
latest value entered with its evidence (``TargetValue``) up to the date. Nothing is stored: the table of a term
at any date is computed (``term_view``: one source computation per source used, one query for entered values).

Expected value at a date D of the term [S, E] (E = the term end, or S + 5 years), with s = elapsed share
(D − S)/(E − S) clamped to [0, 1]:
  cumulative targets: goal × s;   level targets: baseline + (goal − baseline) × s (no baseline: the goal).
Status: at least — achieved when actual ≥ goal, on track when actual ≥ expected, at risk when
actual ≥ expected × DANGBO_TARGET_AT_RISK_RATIO, else behind; at most — mirrored (a cumulative "at most" is only
achieved at the term end, and behind as soon as it passes the goal).

A measurement source is a function ``fn(organization, start, on) -> Decimal | None`` giving the figure of the
term's organization (its subtree where that makes sense) counted from the term start ``start`` to the date ``on``
(both included), or None when there is no data to compute it from. Each source declares its unit (``Unit``)
and how it is measured (``Measure``: cumulative over the term, or a level reached at a date); a target can use
a source only with the same unit and measure (``services.target_save`` checks it).

The sources below are registered when this module is imported. Other apps may register more with
``register(key, label, unit, measure, fn)`` — typically from their ``AppConfig.ready()`` — and they appear in
the target form at once. Keys are stored in ``Target.source``: never rename one that is in use.

Each source runs a fixed number of queries (one aggregate, plus the organization's path history where the
subtree *of the time* matters), whatever the size of the subtree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangbo.core.dates import add_months, add_years, today
from dangbo.core.policies import subtree_q
from dangbo.core.registries import TARGET_SOURCES
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import Term
from dangbo.organizations.selectors import valid_on

from ..choices import Measure, ReportKind, TargetDirection, TargetStatus, Unit
from ..models import Target, TargetValue

SourceFn = Callable[[object, dt.date, dt.date], Decimal | None]
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    unit: str
    measure: str
    fn: SourceFn
    do_not_call_in_templates = True  # a Source is callable; templates read its attributes

    @property
    def unit_label(self) -> str:
        return Unit(self.unit).label

    @property
    def choice_label(self) -> str:
        """ "Kết nạp đảng viên mới (đảng viên, cộng dồn)" — how the form lists it."""
        how = "cộng dồn" if self.measure == Measure.CUMULATIVE else "mức đạt"
        return f"{self.label} ({self.unit_label}, {how})"

    def __call__(self, organization, start: dt.date, on: dt.date) -> Decimal | None:
        return self.fn(organization, start, on)


REGISTRY = TARGET_SOURCES


def register(key: str, label: str, unit: str, measure: str, fn: SourceFn) -> Source:
    """Add (or replace) a source. ``unit`` is a ``Unit`` value, ``measure`` a ``Measure`` value."""
    if unit not in Unit.values:
        raise ValueError(f"unknown unit {unit!r}")
    if measure not in Measure.values:
        raise ValueError(f"unknown measure {measure!r}")
    return REGISTRY.register(key, Source(key, label, unit, measure, fn))


def get(key: str) -> Source | None:
    return REGISTRY.get(key) if key else None


def choices() -> list[tuple[str, str]]:
    return [(s.key, s.choice_label) for s in REGISTRY]


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


# --- the windows ---------------------------------------------------------------------------------------------


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def first_full_month(day: dt.date) -> dt.date:
    """The first month lying wholly on or after ``day``."""
    return day if day.day == 1 else add_months(_month_start(day), 1)


def meeting_window(start: dt.date, on: dt.date) -> list[dt.date]:
    """The last 12 full months up to ``on`` (a month is full when ``on`` is its last day or later), not
    before the first full month of the term; first days of the months, oldest first (may be empty)."""
    this_month = _month_start(on)
    month_is_full = add_months(this_month, 1) - dt.timedelta(days=1) == on
    last = this_month if month_is_full else add_months(this_month, -1)
    first = max(add_months(last, -11), first_full_month(start))
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _subtree_of_the_time(organization, date_field: str) -> Q:
    """Rows whose ``org_path`` lies under ``organization``'s path of the row's date (``date_field``)."""
    from dangbo.members.counts.selectors import path_periods

    parts = []
    for valid_from, valid_to, path in path_periods(organization):
        q = subtree_q(path, "org_path")
        if valid_from:
            q &= Q(**{f"{date_field}__gte": _month_start(valid_from)})
        if valid_to:
            q &= Q(**{f"{date_field}__lt": valid_to})
        parts.append(q)
    return reduce(or_, parts) if parts else Q(pk__in=[])


# --- the sources shipped with dangbo -----------------------------------------------------------------------------


def new_members(organization, start: dt.date, on: dt.date) -> Decimal | None:
    """Members admitted (kết nạp mới) in the subtree of the time, ``start`` to ``on``: the stretches on a
    roll that an admission opened (``MemberPeriod.start_kind``), placed by the cell's path of that time."""
    from dangbo.members.choices import EventKind
    from dangbo.members.counts.selectors import in_subtree
    from dangbo.members.models import MemberPeriod

    n = MemberPeriod.objects.filter(
        in_subtree(organization), start_kind=EventKind.ADMISSION, valid_from__gte=start, valid_from__lte=on
    ).count()
    return Decimal(n)


def cells_meeting_every_month(organization, start: dt.date, on: dt.date) -> Decimal | None:
    """Share of the cells of the subtree (on ``on``) that held their regular meeting (state "đã họp") in every
    month of the window (``meeting_window``); a cell founded inside the window is held to the months after its
    founding. One query: the cells with the number of months they met. None ("chưa có số liệu") when no regular
    meeting of the subtree is recorded in the window at all; a month in which nobody in the system recorded a meeting
    (``meetings.selectors.months_on_record``: a gap in the records) is not due."""
    from dangbo.meetings.choices import MeetingKind, MeetingState
    from dangbo.meetings.models import Meeting
    from dangbo.meetings.selectors import months_on_record
    from dangbo.members.counts.selectors import path_on
    from dangbo.organizations.models import OrganizationLink

    months = meeting_window(start, on)
    path = path_on(organization, on)
    if not months or path is None:
        return None
    recorded = Meeting.objects.filter(_subtree_of_the_time(organization, "month"), kind=MeetingKind.REGULAR,
                                      month__gte=months[0], month__lte=months[-1])  # fmt: skip
    if not recorded.exclude(state=MeetingState.CANCELLED).exists():
        return None  # no meeting recorded in the term: no data, not 0 %
    covered = sorted(months_on_record(months))
    met = (
        Meeting.objects.filter(organization_id=OuterRef("organization_id"), kind=MeetingKind.REGULAR,
                               state=MeetingState.HELD, month__gte=months[0], month__lte=months[-1])
        .order_by()
        .values("organization_id")
        .annotate(n=Count("month", distinct=True))
        .values("n")
    )  # fmt: skip
    cells = (
        OrganizationLink.objects.filter(subtree_q(path, "path"), organization__kind__in=CELL_KINDS)
        .filter(valid_on(on))
        .annotate(n=Coalesce(Subquery(met, output_field=IntegerField()), Value(0)))
        .values_list("organization__founding_date", "n")
    )
    total = regular = 0
    for founded, n in cells:
        due = len(covered) if not founded else sum(1 for m in covered if m >= first_full_month(founded))
        if due == 0:
            continue
        total += 1
        regular += n >= due
    return percent(regular, total)


def good_meetings(organization, start: dt.date, on: dt.date) -> Decimal | None:
    """Share of the graded regular meetings held in the window (``meeting_window``) in the subtree of their
    time that were graded Tốt or Khá — the levels of the province's scale (``GradeLevel``, data) whose rank is at
    most ``DANGBO_GOOD_GRADE_RANK`` (2: the two highest levels) — the upper level's grade when given, else the
    cell's own. Meetings not graded yet are left out (no grade is not a poor grade); None when none is graded."""
    from django.db.models import F

    from dangbo.meetings.choices import MeetingKind, MeetingState
    from dangbo.meetings.models import Meeting

    months = meeting_window(start, on)
    if not months:
        return None
    agg = (
        Meeting.objects.filter(_subtree_of_the_time(organization, "month"), kind=MeetingKind.REGULAR,
                               state=MeetingState.HELD, month__gte=months[0], month__lte=months[-1])
        .annotate(rank=Coalesce(F("upper_grade__rank"), F("self_grade__rank")))
        .aggregate(graded=Count("rank"), good=Count("id", filter=Q(rank__lte=settings.DANGBO_GOOD_GRADE_RANK)))
    )  # fmt: skip
    return percent(agg["good"], agg["graded"])


def dissemination_attendance(organization, start: dt.date, on: dt.date) -> Decimal | None:
    """Share of members attending the study and dissemination sessions (học tập, quán triệt) of the tasks the
    organization assigned from ``start`` to ``on``: attended / members over the reports filed by ``on``."""
    from ..models import Assignment

    end = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    agg = Assignment.objects.filter(
        task__organization=organization, task__report_kind=ReportKind.DISSEMINATION,
        task__assigned_date__gte=start, task__assigned_date__lte=on,
        reported_at__isnull=False, reported_at__lt=end, attended__isnull=False, member_total__isnull=False,
    ).aggregate(attended=Sum("attended"), total=Sum("member_total"))  # fmt: skip
    return percent(agg["attended"], agg["total"])


def support_value(organization, start: dt.date, on: dt.date) -> Decimal | None:
    """Value (đồng) of the contributions to the support programmes the organization runs, dated ``start`` to
    ``on``; None when it runs no programme."""
    from ..models import Programme

    agg = Programme.objects.filter(organization=organization).aggregate(
        programmes=Count("id", distinct=True),
        value=Sum(
            "contributions__value", filter=Q(contributions__date__gte=start, contributions__date__lte=on)
        ),
    )
    if not agg["programmes"]:
        return None
    return Decimal(agg["value"] or 0)


register("ket_nap", "Kết nạp đảng viên mới", Unit.MEMBERS, Measure.CUMULATIVE, new_members)
register("chi_bo_sinh_hoat_deu", "Tỷ lệ chi bộ sinh hoạt thường kỳ đều hằng tháng (12 tháng gần nhất)",
         Unit.PERCENT, Measure.LEVEL, cells_meeting_every_month)  # fmt: skip
register("sinh_hoat_tot_kha", "Tỷ lệ buổi sinh hoạt chi bộ xếp loại tốt, khá (12 tháng gần nhất)",
         Unit.PERCENT, Measure.LEVEL, good_meetings)  # fmt: skip
register("hoc_tap_nghi_quyet", "Tỷ lệ đảng viên tham gia học tập, quán triệt nghị quyết", Unit.PERCENT,
         Measure.LEVEL, dissemination_attendance)  # fmt: skip
register(
    "ho_tro_xa", "Giá trị hỗ trợ xã (chương trình của cấp ủy)", Unit.MONEY, Measure.CUMULATIVE, support_value
)


WHOLE_UNITS = (Unit.MEMBERS, Unit.ORGANIZATIONS, Unit.COUNT, Unit.MONEY)


MANUAL_LABEL = "Nhập theo kỳ"


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
    source = get(target.source)
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
        source = get(key)
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
            source = get(t.source)
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
