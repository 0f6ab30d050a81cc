"""Measurement sources of congress targets: figures computed from data already kept by dangbo.

A source is a function ``fn(organization, start, on) -> Decimal | None`` giving the figure of the term's
organization (its subtree where that makes sense) counted from the term start ``start`` to the date ``on``
(both included), or None when there is no data to compute it from. Each source declares its unit (``Unit``)
and how it is measured (``Measure``: cumulative over the term, or a level reached at a date); a target can use
a source only with the same unit and measure (``targets.target_save`` checks it).

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
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangbo.core.dates import add_months
from dangbo.core.policies import subtree_q
from dangbo.core.registries import TARGET_SOURCES
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.selectors import valid_on

from ..choices import Measure, ReportKind, Unit

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
    meeting of the subtree is recorded in the window at all."""
    from dangbo.meetings.choices import MeetingKind, MeetingState
    from dangbo.meetings.models import Meeting
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
        due = len(months) if not founded else sum(1 for m in months if m >= first_full_month(founded))
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
