"""Reads of cell meetings, scoped: a cell's calendar, the month × organization grid of the directing
committee, and members absent without reason 3 months in a year (a removal-candidate signal, DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, StrIndex, Substr
from django.urls import reverse
from django.utils import timezone

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.policies import subtree_q
from dangbo.core.text import fold
from dangbo.members.choices import TransferKind, TransferState
from dangbo.members.counts.selectors import on_roll, path_on, rows_on
from dangbo.members.models import Member, MemberPeriod, Transfer
from dangbo.members.rules import removal_rules_on
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.selectors import tree_version, valid_on

from .choices import MeetingKind, MeetingState, Presence
from .models import Attendance, Meeting
from .rules import rules_on

HELD, NOT_RECORDED, NOT_HELD, FUTURE = "hop", "chua_nhap", "khong_hop", "sap_toi"
NO_DATA = "chua_co_so_lieu"
CELL_LABELS = {HELD: "Đã họp", NOT_RECORDED: "Chưa nhập kết quả", NOT_HELD: "Không họp", FUTURE: "",
               NO_DATA: "Chưa có số liệu"}  # fmt: skip


_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$", re.ASCII)


def month_param(raw: str) -> dt.date | None:
    """The "?thang=mm/yyyy" of the calendar: the first day of that month, None when it is not one."""
    found = _MONTH.match(raw)
    if not found or not 1 <= int(found[1]) <= 12:
        return None
    return dt.date(int(found[2]), int(found[1]), 1) if int(found[2]) >= 1 else None


def calendar_rows(actor):
    """The meetings the calendar may show — those ``actor`` may see (``MeetingPolicy``), cancelled ones left out —
    in time order; ``filters.CalendarFilter`` picks the month for the page and its export (``meetings/exports.py``)."""
    meetings = policies.scope(actor, policies.VIEW, Meeting.objects.all()).exclude(
        state=MeetingState.CANCELLED
    )
    return meetings.select_related("organization__parent").order_by("planned_at", "id")


def calendar_meetings(actor, month: dt.date):
    """The meetings the calendar shows for ``month``."""
    return calendar_rows(actor).filter(month=month)


CALENDAR_AHEAD_MONTHS = 12  # the calendar goes this many months past this month (plans are made ahead)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def calendar_range(actor) -> tuple[dt.date, dt.date]:
    """The first and last month the meeting calendar shows to ``actor``: from the earliest meeting or the founding
    year of the earliest organization in their scope (at the latest January of last year, so past meetings can
    still be looked up and recorded where no founding date is known) to 12 months ahead (or the latest meeting
    planned, if later). Its month links stop there, so a crawler or a careless click ends."""
    this_month = today().replace(day=1)
    meetings = policies.scope(actor, policies.VIEW, Meeting.objects.all()).aggregate(
        first=Min("month"), last=Max("month")
    )
    founded = policies.scope(actor, policies.VIEW, Organization.objects.all()).aggregate(
        first=Min("founding_date")
    )["first"]
    floor = dt.date(this_month.year - 1, 1, 1)
    starts = [d for d in (meetings["first"], founded and dt.date(founded.year, 1, 1), floor) if d]
    ends = [d for d in (meetings["last"], add_months(this_month, CALENDAR_AHEAD_MONTHS)) if d]
    return min(starts), max(ends)


def first_free_month(organization: Organization, since: dt.date) -> dt.date:
    """The first month from ``since``'s on in which ``organization`` has no regular meeting (planned or held;
    cancelled ones do not count): where a new plan's default date goes."""
    start = since.replace(day=1)
    taken = set(
        Meeting.objects.filter(organization=organization, kind=MeetingKind.REGULAR, month__gte=start,
                               month__lt=add_months(start, 25))
        .exclude(state=MeetingState.CANCELLED)
        .values_list("month", flat=True)
    )  # fmt: skip
    return next(
        (m for m in (add_months(start, i) for i in range(25)) if m not in taken), add_months(start, 25)
    )


def suggested_time(organization: Organization) -> dt.datetime | None:
    """Where a new plan of ``organization`` starts: its usual meeting day (``meeting_day``, if it has one) at 14:00
    in the first month from now without a regular meeting of it (this month when the day is still ahead; a day
    past the month's end is its last day)."""
    if not organization.meeting_day:
        return None
    now = today()
    since = now if now.day <= organization.meeting_day else add_months(now.replace(day=1), 1)
    month = first_free_month(organization, since)
    day = month.replace(day=min(organization.meeting_day, monthrange(month.year, month.month)[1]))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))


@dataclass
class GridRow:
    org: Organization
    cells: int = 0  # cells counted under this row
    months: list = field(
        default_factory=list
    )  # per month: dict(held, not_recorded, not_held, rate, url, status)
    thematic: list = field(default_factory=list)  # per quarter: cells with a thematic meeting
    weak: bool = False


def _in_year(year: int) -> Q:
    """OrganizationLink rows valid at some time in ``year``."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=dt.date(year, 12, 31))) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=dt.date(year, 1, 1))
    )


@dataclass
class GridQuery:
    """What the counts of a grid are asked for: the meetings under ``inside`` (a Q over ``org_path``: the root's
    paths of the year), placed in rows by ``row_case("org_path")``, for ``months`` (one year). A meeting counts where
    its organization was on the day (the tree of the year), wherever that organization is today; the rows are the
    organizations the actor sees.

    ``row_paths`` lists each row's paths of the year, ``root_paths`` the root's, ``single`` the rows with one cell
    (row id → whether the row is that cell itself): the rollups read by these keys (``reports.rollups``)."""

    scope: object  # queryset of the organizations the actor sees
    inside: Q
    row_case: object  # field name → Case giving the row's organization id
    months: list
    this_month: dt.date
    ahead_from: dt.datetime  # the start of today: a planned meeting from then on is still to come
    row_paths: list = field(default_factory=list)  # (row id, path of the year)
    root_paths: list = field(default_factory=list)
    single: dict = field(default_factory=dict)
    through: dt.date | None = (
        None  # the year's last month: where each row's records begin is looked for up to it
    )

    @property
    def last_month(self) -> dt.date:
        """Up to which month each row's first recorded regular meeting is looked for: the year's last month, also
        when only some months of it are counted (``grid(months=…)``)."""
        return self.through or self.months[-1]


EMPTY_SLOT = {HELD: 0, NOT_RECORDED: 0, FUTURE: 0, "base": 0, "present": 0, "last": None}


def live_counts(q: GridQuery) -> tuple[dict, dict, dict]:
    """The counts of a grid from the meetings themselves: ({(row, month number): slot}, {row: first month with a
    regular meeting}, {(row, quarter): cells with a thematic meeting held}). ``reports.rollups`` reads the same
    from its totals of every level (and must equal this)."""
    ahead = ExpressionWrapper(Q(planned_at__gte=q.ahead_from), output_field=BooleanField())
    base = Meeting.objects.filter(q.inside, month__gte=q.months[0], month__lte=q.months[-1]).exclude(
        state=MeetingState.CANCELLED
    )
    figures = (
        base.filter(kind=MeetingKind.REGULAR)
        .annotate(row=q.row_case("org_path"), ahead=ahead)
        .values_list("row", "month", "state", "ahead")
        .annotate(n=Count("id"), base=Sum("base_count"), present=Sum("present_count"), last=Max("id"))
        .order_by()
    )
    by_key: dict[tuple[int, int], dict] = defaultdict(lambda: dict(EMPTY_SLOT))
    for row, month, state, is_ahead, n, base_sum, present_sum, last in figures:
        if row is None:
            continue
        slot = by_key[(row, month.month)]
        if state == MeetingState.HELD:
            slot[HELD] += n
            slot["base"] += base_sum or 0
            slot["present"] += present_sum or 0
            slot["last"] = last
        else:
            slot[FUTURE if is_ahead or month > q.this_month else NOT_RECORDED] += n
    recorded = (
        Meeting.objects.filter(q.inside, kind=MeetingKind.REGULAR, month__lte=q.last_month)
        .exclude(state=MeetingState.CANCELLED)
        .annotate(row=q.row_case("org_path"))
        .values_list("row")
        .annotate(first=Min("month"))
        .order_by()
    )
    first_month = {row: first for row, first in recorded if row is not None}
    thematic = dict(
        ((row, quarter), n)
        for row, quarter, n in base.filter(kind=MeetingKind.THEMATIC, state=MeetingState.HELD)
        .annotate(row=q.row_case("org_path"), quarter=quarter_case(q.months[0].year))
        .values_list("row", "quarter")
        .annotate(n=Count("organization_id", distinct=True))
        .order_by()
    )
    return by_key, first_month, thematic


def months_on_record(months: list[dt.date]) -> set[dt.date]:
    """The months among ``months`` in which a regular meeting is recorded anywhere in the system (planned or held, not
    cancelled): the months its records cover. A month in which nobody recorded a meeting — before the system was used,
    or a gap in what was entered, as the demo's 2015–2023 — is a month without data ("chưa có số liệu"), not a month in
    which every cell failed to meet; a cell that skipped a month others recorded stays "không họp". One statement, an
    index probe a month (``meeting_month``), whatever the number of meetings."""
    if not months:
        return set()
    table = Meeting._meta.db_table
    rows = ", ".join(["(%s)"] * len(months))
    sql = (
        f"SELECT column1 FROM (VALUES {rows}) AS wanted WHERE EXISTS (SELECT 1 FROM {table} m "
        f"WHERE m.month = wanted.column1 AND m.kind = %s AND m.state <> %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*months, MeetingKind.REGULAR, MeetingState.CANCELLED])
        found = {row[0] for row in cursor.fetchall()}
    # SQLite answers the dates as text
    return {m for m in months if m in found or m.isoformat() in found}


def quarter_case(year: int, field: str = "month") -> Case:
    """The quarter (0–3) of a month of ``year``."""
    return Case(*[When(Q(**{f"{field}__gte": dt.date(year, 3 * q + 1, 1),
                            f"{field}__lt": dt.date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)}), then=Value(q))
                  for q in range(4)], output_field=IntegerField())  # fmt: skip


def grid(
    actor,
    root: Organization,
    year: int,
    *,
    source=live_counts,
    months: list[dt.date] | None = None,
    on_record: set[dt.date] | None = None,
) -> tuple[list[GridRow], list[dt.date]]:
    """Rows: the organizations under ``root`` *in that year* (its cells' figures added up) or, for a cell, the
    cell itself — the tree of the year, so the bloc's 2013 grid shows its 59 organizations even though they belong
    to other committees today.

    The database does the adding up: meetings are placed by their ``org_path`` (the path on the meeting date)
    with one CASE over the rows' paths of that year, grouped by row and month; one query for thematic meetings by
    quarter, one for the number of cells of each row — whatever the number of cells (~10,000 for a province).
    ``source`` gives the meeting figures (``live_counts``; the report rollups give the same from their rows).

    ``months`` (first days, of ``year``, in order): only these months are counted and returned — the meetings
    section of a report or the dashboard needs the months of its period, not the whole year; each month's figures
    are those of the whole year's grid, the thematic meetings by quarter are then left out (``row.thematic`` []).
    ``on_record``: ``months_on_record`` of (at least) these months, when the caller asked it for several grids at
    once (the grids of a period over two years: one statement)."""
    now = today()
    this_month = now.replace(day=1)
    whole = months is None
    months = [dt.date(year, m, 1) for m in range(1, 13)] if whole else list(months)
    if not months:
        return [], months
    scope = policies.scope(actor, policies.VIEW, Organization.objects.all())
    # The root's links and its children's of the year, with their organizations, in one query (in the order of
    # ``valid_from``: an organization renamed during the year is named by its latest link).
    links = (
        OrganizationLink.objects.filter(_in_year(year), organization__in=scope)
        .filter(Q(organization=root) | Q(parent=root))
        .select_related("organization")
        .order_by("valid_from")
    )
    root_paths, group_paths, by_pk, names = {}, {}, {}, {}
    for link in links:
        if link.organization_id == root.pk:
            root_paths[link.path] = None
        if link.parent_id == root.pk:
            group_paths[(link.organization_id, link.path)] = None
            by_pk[link.organization_id] = link.organization
            names[link.organization_id] = link.name
    root_paths = list(root_paths)
    if not root_paths:
        return [], months
    if root.kind in CELL_KINDS:
        groups = [root]
        group_paths = [(root.pk, p) for p in root_paths]
    else:
        group_paths = list(group_paths)
        groups = list(by_pk.values())
        for g in groups:
            g.name = names.get(g.pk) or g.name
        groups.sort(key=lambda g: (fold(g.name), g.pk))
    if not groups:
        return [], months

    def row_case(field: str) -> Case:
        """The row of a path: the root itself (a cell), else the id written in the path right after the root's
        path of the year (paths are made of ids) — a few WHENs whatever the number of rows (one WHEN per row made
        the SQL long to build and run: ~0,5 s CPU for the 59 organizations of the bloc's mid-term report)."""
        if root.kind in CELL_KINDS:
            return Case(*[When(subtree_q(p, field), then=Value(root.pk)) for p in root_paths],
                        output_field=IntegerField())  # fmt: skip
        whens = []
        for p in root_paths:
            rest = Substr(field, len(p) + 1)
            segment = Substr(field, len(p) + 1, StrIndex(rest, Value(".")) - 1)
            whens.append(
                When(subtree_q(p, field) & Q(**{f"{field}__gt": p}), then=Cast(segment, IntegerField()))
            )
        return Case(*whens, output_field=IntegerField())

    # The cells under each row at some time of the year, wherever they are today (as the meetings are counted): a
    # count over every link of the subtree (~60 ms for a province of 10,000 cells), the same for every actor, so
    # kept in the shared cache under the tree's version (``organizations.selectors.tree_version``: any change of
    # the tree makes a new one).
    key = f"meeting-grid-cells:{tree_version()}:{root.pk}:{year}"
    cell_count = cache.get(key)
    if cell_count is None:
        counted = (
            OrganizationLink.objects.filter(
                _in_year(year),
                reduce(or_, [subtree_q(p, "path") for p in root_paths]),
                organization__kind__in=CELL_KINDS,
            )
            .annotate(row=row_case("path"))
            .exclude(row__isnull=True)
            .values_list("row")
            .annotate(n=Count("organization_id", distinct=True))
            .order_by()
        )
        cell_count = dict(counted)
        cache.set(key, cell_count, 24 * 3600)
    cell_kind = {g.pk: g.kind in CELL_KINDS for g in groups}
    single = {row: cell_kind.get(row, False) for row, n in cell_count.items() if n == 1 and row in cell_kind}
    inside = reduce(or_, [subtree_q(p, "org_path") for p in root_paths])
    ahead_from = timezone.make_aware(dt.datetime.combine(now, dt.time.min))
    by_key, first_month, thematic = source(
        GridQuery(scope, inside, row_case, months, this_month, ahead_from, row_paths=group_paths,
                  root_paths=root_paths, single=single, through=dt.date(year, 12, 1))
    )  # fmt: skip
    rows_of_year = {
        g.pk for g in groups
    }  # an organization under the root in another year is no row of this one
    first_month = {row: first for row, first in first_month.items() if row in rows_of_year}
    empty = EMPTY_SLOT
    # Where meeting records begin: a month before a row's first recorded regular meeting (or, for a row without
    # any, before the first one of the whole scope) has no data — "chưa có số liệu", not "không họp"; so has a month
    # in which nobody in the system recorded a meeting (``months_on_record``).
    scope_first = min(first_month.values(), default=None)
    covered = on_record if on_record is not None else months_on_record([m for m in months if m <= this_month])
    # a held meeting's link, written from one reverse() (a grid of one-cell rows links up to 12 a row)
    before, after = reverse("meetings:detail", args=[987654321]).split("987654321")
    rows = []
    for g in groups:
        cells = cell_count.get(g.pk, 0)
        if not cells:
            continue
        row = GridRow(org=g, cells=cells)
        missed = 0
        begins = first_month.get(g.pk, scope_first)
        for month in months:
            slot = by_key.get((g.pk, month.month)) or empty
            counts = {
                HELD: slot[HELD],
                NOT_RECORDED: slot[NOT_RECORDED],
                FUTURE: slot[FUTURE],
                NOT_HELD: 0,
                NO_DATA: 0,
            }
            if month > this_month:
                counts[FUTURE] = cells
            elif begins is None or month < begins or month not in covered:
                counts[NO_DATA] = cells
            else:
                counts[NOT_HELD] = max(cells - slot[HELD] - slot[NOT_RECORDED] - slot[FUTURE], 0)
            missed += counts[NOT_HELD] + counts[NOT_RECORDED]
            url = f"{before}{int(slot['last'])}{after}" if cells == 1 and slot[HELD] else None
            row.months.append({
                "counts": counts, "rate": 100 * slot["present"] / slot["base"] if slot["base"] else None, "url": url,
                "status": max(counts, key=lambda k: counts[k]) if cells == 1 else None,
            })  # fmt: skip
        row.thematic = [thematic.get((g.pk, q), 0) for q in range(4)] if whole else []
        low = [
            m
            for month, m in zip(months, row.months, strict=True)
            if m["rate"] is not None and m["rate"] <= rules_on(month).min_attendance_percent
        ]  # criterion failed
        row.weak = missed >= 2 * cells or bool(low)
        rows.append(row)
    return rows, months


def absence_rules(year: int):
    """The removal rule set that judges ``year``: the one in force at its end (today for the current year)."""
    return removal_rules_on(min(dt.date(year, 12, 31), today()))


def absentees(
    actor, year: int, *, root: Organization | None = None, action: str = policies.VIEW
) -> list[tuple[int, str, int, str]]:
    """Members absent without reason from regular meetings in as many different months of ``year`` as the
    Charter's removal rule says (``members.rules.RemovalRules.absence_months``, 3): (member id, name, months,
    cell name). The system flags; the cell considers (DOMAIN §2)."""
    members = policies.scope(actor, action, Attendance.member.field.related_model.objects.all())
    qs = Attendance.objects.filter(
        presence=Presence.UNEXCUSED, meeting__kind=MeetingKind.REGULAR, meeting__state=MeetingState.HELD,
        meeting__month__year=year, member__in=members,
    )  # fmt: skip
    if root is not None:  # the root's paths during the year: meetings before a restructuring count too
        paths = list(
            OrganizationLink.objects.filter(_in_year(year), organization=root).values_list("path", flat=True)
        )
        qs = (
            qs.filter(reduce(or_, [subtree_q(p, "meeting__org_path") for p in paths])) if paths else qs.none()
        )
    rows = (
        qs.values("member_id", "member__full_name")
        .annotate(n=Count("meeting__month", distinct=True), cell=Max("meeting__organization__name"))
        .filter(n__gte=absence_rules(year).absence_months)
        .order_by("-n", "member__name_sort")
    )
    return [(r["member_id"], r["member__full_name"], r["n"], r["cell"]) for r in rows[:500]]


def absence_alerts(actor, on: dt.date):
    """Removal-candidate alerts for the home page (registered with ``members.history.selectors.register_removal_signal``),
    each under the member's cell named as the home page names organizations (with its committee: many committees
    have a «Chi bộ Văn phòng»), as the other reminders of the cell are."""
    from django.urls import reverse

    from dangbo.members.history.selectors import Alert, org_label

    rows = absentees(actor, on.year, action=policies.CHANGE)
    members = Member.objects.select_related("organization__parent").in_bulk([r[0] for r in rows])
    out = []
    for pk, name, n, cell in rows:
        m = members.get(pk)
        out.append(Alert("warn", f"{name}: vắng sinh hoạt không lý do {n} tháng trong năm {on.year} — chi bộ xem xét, "
                                 "đề nghị xóa tên nếu không có lý do chính đáng", reverse("members:detail", args=[pk]),
                         None, org=org_label(m.organization) if m and m.organization_id else cell,
                         paths=(m.org_path,) if m else ()))  # fmt: skip
    return out


# Folded from the module «roll» of meetings.
# Who is expected at a cell's meeting on a date (DOMAIN §3).
#
# From the members' roll periods (``MemberPeriod``) and temporary transfers:
# * on the cell's roll that day → counted, unless exempted from party work and meetings ("miễn") or
#   temporarily transferred out ("tạm chuyển đi") — those are shown apart and excluded from the base;
# * temporarily attached to this cell that day ("sinh hoạt tạm thời") → counted.
# Armed-forces members on special duty are also excluded by the rule; the registry does not mark them yet.

BASE, EXEMPTED, AWAY, ATTACHED = "base", "mien", "tam_di", "tam_den"
LABELS = {BASE: "Đảng viên của chi bộ", ATTACHED: "Sinh hoạt tạm thời tại chi bộ", EXEMPTED: "Được miễn công tác và sinh hoạt đảng",
          AWAY: "Đang sinh hoạt tạm thời nơi khác"}  # fmt: skip


@dataclass(frozen=True)
class RollEntry:
    member: Member
    category: str

    @property
    def counted(self) -> bool:
        return self.category in (BASE, ATTACHED)


def _temporary_on(day: dt.date) -> Q:
    return (
        Q(kind=TransferKind.TEMPORARY, sent_date__lte=day)
        & ~Q(state=TransferState.CANCELLED)
        & (Q(ended_date__isnull=True) | Q(ended_date__gt=day))
    )


def roll(cell, day: dt.date) -> list[RollEntry]:
    """The roll of ``cell`` on ``day``, in Vietnamese name order. For a committee (plenary, hội nghị toàn thể)
    the roll is every member of its subtree that day, and the members attached to a cell of that subtree *as the
    tree was on that day* (a cell moved in or out since does not change a past roll)."""
    if cell.kind in CELL_KINDS:
        periods = MemberPeriod.objects.filter(on_roll(day), organization=cell)
        here = Q(received_cell=cell) | Q(received_cell__isnull=True, to_organization=cell)
    else:  # a committee's plenary: every member of its subtree that day
        periods = rows_on(cell, day)
        path = path_on(cell, day)
        in_tree = subtree_q(path, "path") if path else Q(pk__in=[])
        inside = OrganizationLink.objects.filter(valid_on(day), in_tree).values("organization_id")
        here = Q(received_cell__in=inside) | Q(received_cell__isnull=True, to_organization__in=inside)
    own = {p.member_id: p.exempted for p in periods.only("member_id", "exempted")}
    away = set(
        Transfer.objects.filter(_temporary_on(day), member_id__in=own).values_list("member_id", flat=True)
    )
    attached = set(
        Transfer.objects.filter(_temporary_on(day), received_date__lte=day)
        .filter(here)
        .values_list("member_id", flat=True)
    ) - set(own)
    members = Member.objects.filter(pk__in=set(own) | attached).order_by("name_sort", "id")
    out = []
    for m in members:
        if m.pk in attached:
            category = ATTACHED
        elif own[m.pk]:
            category = EXEMPTED
        elif m.pk in away:
            category = AWAY
        else:
            category = BASE
        out.append(RollEntry(m, category))
    return out
