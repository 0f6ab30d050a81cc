"""Reading the rollups (design: ``reports/rollups/services.py``): the headcount, composition and movement of any subtree
from the per-cell rows, for the days they describe — the last day of a covered month; the ``*_on`` functions count
live for any other day. They return what ``members.counts.selectors`` returns, and must equal it (tests, ``dangbo rollups check``).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Count, Max, Min, Q, Sum

from dangbo.core import memo
from dangbo.core.policies import subtree_q
from dangbo.meetings import selectors as meeting_selectors
from dangbo.meetings.choices import MeetingKind, MeetingState
from dangbo.meetings.models import Meeting
from dangbo.members.choices import AgeBand, Gender, MemberStatus, PoliticalTheory
from dangbo.members.counts import selectors as asof
from dangbo.members.models import MemberPeriod
from dangbo.organizations.models import Organization
from dangbo.organizations.tree.selectors import path_on, path_periods

from ..models import MeetingMonth, MeetingTotal, MemberMonth, MemberMove, RollupMonth, RollupState

ONE_DAY = dt.timedelta(days=1)

# MemberMonth column → SQL condition on the period ``p``, the member ``mm`` and the month ``m`` (params inline as
# %s, values in COLUMN_PARAMS).
AGE_COLUMNS = {
    AgeBand.UNDER_30: ("age_under_30", "mm.birth_date <= m.last AND mm.birth_date > m.born_30"),
    AgeBand.FROM_30: ("age_30_40", "mm.birth_date <= m.born_30 AND mm.birth_date > m.born_41"),
    AgeBand.FROM_41: ("age_41_50", "mm.birth_date <= m.born_41 AND mm.birth_date > m.born_51"),
    AgeBand.FROM_51: ("age_51_60", "mm.birth_date <= m.born_51 AND mm.birth_date > m.born_61"),
    AgeBand.OVER_60: ("age_over_60", "mm.birth_date <= m.born_61"),
}
THEORY_COLUMNS = {
    PoliticalTheory.NONE: "theory_none",
    PoliticalTheory.ELEMENTARY: "theory_elementary",
    PoliticalTheory.INTERMEDIATE: "theory_intermediate",
    PoliticalTheory.ADVANCED: "theory_advanced",
    PoliticalTheory.BACHELOR: "theory_bachelor",
}
GENDER_COLUMNS = {Gender.MALE: "male", Gender.FEMALE: "female"}


def counted_columns() -> list[tuple[str, str, list]]:
    """(column, SQL condition, params) of every counted column of ``MemberMonth``."""
    cols = [
        ("official", "p.status = %s", [MemberStatus.OFFICIAL]),
        ("probationary", "p.status = %s", [MemberStatus.PROBATIONARY]),
        ("exempted", "p.exempted", []),
        *[(col, "mm.gender = %s", [g]) for g, col in GENDER_COLUMNS.items()],
        ("kinh", "mm.ethnicity = %s", ["Kinh"]),
        *[(col, cond, []) for col, cond in AGE_COLUMNS.values()],
        *[(col, "mm.political_theory = %s", [t]) for t, col in THEORY_COLUMNS.items()],
    ]
    return cols


COUNTED = [c for c, _, _ in counted_columns()]


def _state_row() -> RollupState | None:
    """The one ``RollupState`` row (``rebuild`` writes it, ``rebuild_meetings`` updates it), read once in a
    ``core.memo.reading`` block: ``state`` and ``meetings_built`` both read it (one statement a page)."""
    return memo.once("rollups-state", lambda: RollupState.objects.order_by("pk").first())


def state() -> RollupState | None:
    """The rollups' state when they have been built, else None (every figure is then counted live). Read once in
    a ``core.memo.reading`` block (a page's sections are of one state)."""
    s = _state_row()
    return s if s is not None and s.through is not None else None


def meetings_built() -> bool:
    """``MeetingMonth`` has been written whole (and is kept current since): the meetings are read from it."""
    s = _state_row()
    return s is not None and s.meetings_built_at is not None


# --- Reading -------------------------------------------------------------------------------------------------------


def hold(on: dt.date) -> bool:
    """The rollups hold the figures of ``on``: the last day of a month they cover."""
    if (on + ONE_DAY).day != 1:
        return False
    s = state()
    return s is not None and on.replace(day=1) <= s.through


def _month_rows(org: Organization, on: dt.date):
    path = path_on(org, on)
    if path is None:
        return MemberMonth.objects.none()
    return MemberMonth.objects.filter(subtree_q(path, "org_path"), month=on.replace(day=1))


def _sums(org: Organization, on: dt.date) -> dict[str, int]:
    agg = _month_rows(org, on).aggregate(rows_sum=Sum("rows"), **{c: Sum(c) for c in COUNTED})
    agg["rows"] = agg.pop("rows_sum")
    return {k: v or 0 for k, v in agg.items()}


def headcount(org: Organization, on: dt.date) -> dict[str, int]:
    """``members.counts.selectors.headcount`` from the rollups (``on`` the last day of a covered month)."""
    return _headcount(_sums(org, on))


def _headcount(s: dict[str, int]) -> dict[str, int]:
    return {"chinh_thuc": s["official"], "du_bi": s["probationary"], "mien": s["exempted"],
            "tong": s["official"] + s["probationary"]}  # fmt: skip


def composition(org: Organization, on: dt.date) -> asof.Composition:
    """``members.counts.selectors.composition`` from the rollups (``on`` the last day of a covered month)."""
    return _composition(_sums(org, on))


def _composition(s: dict[str, int]) -> asof.Composition:
    total = s["rows"]
    return asof.Composition(
        total=total,
        rows=[
            ("Loại đảng viên", [(MemberStatus.OFFICIAL.label, s["official"]),
                                (MemberStatus.PROBATIONARY.label, s["probationary"])]),
            ("Giới tính", [(g.label, s[GENDER_COLUMNS[g]]) for g in Gender]),
            ("Độ tuổi", [(b.label, s[AGE_COLUMNS[b][0]]) for b in AgeBand]),
            ("Dân tộc", [("Kinh", s["kinh"]), ("Dân tộc thiểu số và khác", total - s["kinh"])]),
            ("Lý luận chính trị", [(t.label, s[THEORY_COLUMNS[t]]) for t in PoliticalTheory]),
        ],
    )  # fmt: skip


def headcount_on(org: Organization, on: dt.date) -> dict[str, int]:
    """The headcount of a day: from the rollups when they hold it, else counted live."""
    return headcount(org, on) if hold(on) else asof.headcount(org, on)


def composition_on(org: Organization, on: dt.date) -> asof.Composition:
    return composition(org, on) if hold(on) else asof.composition(org, on)


def headcount_and_composition_on(org: Organization, on: dt.date) -> tuple[dict[str, int], asof.Composition]:
    """``headcount_on`` and ``composition_on`` of the same day, from one read of the month's rows when the rollups
    hold the day (the headcount section of the reporting layer needs both), else counted live."""
    if hold(on):
        s = _sums(org, on)
        return _headcount(s), _composition(s)
    return asof.headcount(org, on), asof.composition(org, on)


def _in_subtree(periods, field: str, shift: int) -> Q:
    """Q: the row's ``field`` lies under the subtree's path of the day ``day − shift``."""
    parts = []
    for since, until, path in periods:
        q = subtree_q(path, field)
        if since:
            q &= Q(day__gte=since + dt.timedelta(days=shift))
        if until:
            q &= Q(day__lt=until + dt.timedelta(days=shift))
        parts.append(q)
    return reduce(or_, parts) if parts else Q(pk__in=[])


def movement(
    org: Organization, start: dt.date, end: dt.date, *, built: RollupState | None = None
) -> asof.Movement:
    """``members.counts.selectors.movement`` from the step rows: a step up on day X counts when the period is in the subtree
    on X and its predecessor (ending on X) was not in it on X − 1; a step down when the period was in it on X − 1
    and its successor (beginning on X) is not in it on X. Both are summed by the database in one query grouped by
    direction and kind (the ``member_move_day`` index: the period's days, then the subtree's path range). Opening
    and closing are the headcounts of the day before ``start`` and of ``end``: one query over the two months'
    rows when the days are month ends the rollups cover (``series``), else counted live. Four queries in all
    (the organization's paths, the state, the steps, the two months)."""
    periods = path_periods(org)
    built = built if built is not None else state()
    up = Q(direction=1) & _in_subtree(periods, "org_path", 0) & ~_in_subtree(periods, "other_path", 1)
    down = Q(direction=-1) & _in_subtree(periods, "org_path", 1) & ~_in_subtree(periods, "other_path", 0)
    ups: dict[str, int] = {}
    downs: dict[str, int] = {}
    steps = (
        MemberMove.objects.filter(up | down, day__gte=start, day__lte=end)
        .values_list("direction", "kind")
        .annotate(total=Sum("n"))
        .order_by()
    )
    for direction, kind, total in steps:
        into = ups if direction == 1 else downs
        into[kind] = into.get(kind, 0) + total
    heads = _series(org, [start - ONE_DAY, end], periods, built)
    opening, closing = heads[start - ONE_DAY], heads[end]
    increases = [(key, label, sum(ups.pop(k, 0) for k in kinds)) for key, label, kinds in asof.INCREASES]
    decreases = [(key, label, sum(downs.pop(k, 0) for k in kinds)) for key, label, kinds in asof.DECREASES]
    if ups:  # pragma: no cover - every opening kind is classified
        increases.append(("khac", "Khác", sum(ups.values())))
    if downs:  # pragma: no cover
        decreases.append(("khac", "Khác", sum(downs.values())))
    return asof.Movement(org, start, end, opening, closing, increases, decreases)


def movement_on(org: Organization, start: dt.date, end: dt.date) -> asof.Movement:
    """The movement table of a period: from the rollups when they are built, else counted live."""
    built = state()
    return movement(org, start, end, built=built) if built is not None else asof.movement(org, start, end)


def coverage() -> dict:
    """What the rollups hold (for the check command and the operator)."""
    s = state()
    months = RollupMonth.objects.aggregate(first=Min("month"), last=Max("month"))
    return {"built": s is not None, "through": s and s.through, "built_at": s and s.built_at, **months}


def series(org: Organization, ends: list[dt.date]) -> dict[dt.date, int]:
    """The headcount (official + probationary) of the subtree on each day of ``ends`` — one query over the rollups
    for the month ends they cover (with the subtree's path of each month), one live count for the other days."""
    return _series(org, ends, path_periods(org), state())


def _series(org: Organization, ends: list[dt.date], periods, s: RollupState | None) -> dict[dt.date, int]:
    """``series``; in a ``core.memo.reading`` block each day's headcount is counted once (the dashboard asks the
    twelve month ends and the day before them in one query, then the movement table's opening and closing are
    among them)."""
    known = {d: n for d in ends if (n := memo.kept(("rollups-heads", org.pk, d))) is not None}
    missing = [d for d in ends if d not in known]
    counted = _series_counted(org, missing, periods, s) if missing else {}
    for d, n in counted.items():
        memo.keep(("rollups-heads", org.pk, d), n)
    return {d: known[d] if d in known else counted[d] for d in ends}


def _series_counted(
    org: Organization, ends: list[dt.date], periods, s: RollupState | None
) -> dict[dt.date, int]:
    covered = [d for d in ends if s is not None and (d + ONE_DAY).day == 1 and d.replace(day=1) <= s.through]

    def path_of(d):
        return next((p for since, until, p in periods if (since is None or since <= d) and (until is None or until > d)),
                    None)  # fmt: skip

    out = dict.fromkeys(ends, 0)
    by_path: dict[str, list[dt.date]] = {}
    for d in covered:
        if (p := path_of(d)) is not None:
            by_path.setdefault(p, []).append(d.replace(day=1))
    if by_path:
        parts = [subtree_q(p, "org_path") & Q(month__in=months) for p, months in by_path.items()]
        rows = (
            MemberMonth.objects.filter(reduce(or_, parts))
            .values_list("month")
            .annotate(n=Sum("official") + Sum("probationary"))
            .order_by()
        )
        found = dict(rows)
        out |= {d: found.get(d.replace(day=1), 0) for d in covered}
    live = {d: p for d in ends if d not in covered and (p := path_of(d)) is not None}
    if live:
        counted = Q(status__in=[MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY])
        aggregates = {f"d{i}": Count("id", filter=subtree_q(p, "org_path") & asof.on_roll(d) & counted)
                      for i, (d, p) in enumerate(live.items())}  # fmt: skip
        result = MemberPeriod.objects.filter(
            reduce(or_, [subtree_q(p, "org_path") for p in set(live.values())])
        )
        result = result.aggregate(**aggregates)
        out |= {d: result[f"d{i}"] or 0 for i, d in enumerate(live)}
    return out


# --- Meetings ------------------------------------------------------------------------------------------------------


def meeting_counts(q: meeting_selectors.GridQuery) -> tuple[dict, dict, dict]:
    """``meetings.selectors.live_counts`` from the totals of every level (``MeetingTotal``): the same three answers,
    reading ≈ 12 rows per grid row and grade pair — the rows of the grid rows' own paths of the year — whatever the
    number of cells under them. Two or three queries: the year's figures with the quarters' thematic counts, where
    each row's records begin, and (this year, or rows with one cell) the cell rows (``MeetingMonth``) for two
    details — the planned meetings of this month still to come and the link to a one-cell row's held meeting."""
    row_of = {path: row for row, path in q.row_paths}
    if not row_of:
        return {}, {}, {}
    first_day, last_day = q.months[0], q.months[-1]
    totals = MeetingTotal.objects.filter(org_path__in=sorted(row_of))
    regular = Q(regular_held__gt=0) | Q(regular_planned__gt=0)
    # The thematic counts are per path: when the root moved during the year an organization may have held thematic
    # meetings under two paths of one row in a quarter, which they would count twice — then counted from the cells.
    per_path = len(q.root_paths) <= 1
    figures = (
        totals.filter(regular | Q(thematic_cells__gt=0) if per_path else regular, month__gte=first_day,
                      month__lte=last_day)
        .values_list("org_path", "month")
        .annotate(held=Sum("regular_held"), planned=Sum("regular_planned"), base=Sum("base_count"),
                  present=Sum("present_count"), thematic=Sum("thematic_cells"))
        .order_by()
    )  # fmt: skip
    ahead, last = _cell_details(q)
    by_key: dict[tuple[int, int], dict] = {}
    planned_in: dict[tuple[int, int], int] = {}
    thematic: dict[tuple[int, int], int] = {}
    for (
        path,
        month,
        held,
        planned,
        base,
        present,
        cells,
    ) in figures:  # a row with two paths in a year: added up
        row = row_of[path]
        if per_path and cells:
            key = (row, (month.month - 1) // 3)
            thematic[key] = thematic.get(key, 0) + cells
        if not (held or planned):
            continue
        slot = by_key.setdefault((row, month.month), dict(meeting_selectors.EMPTY_SLOT))
        slot[meeting_selectors.HELD] += held
        slot["base"] += base or 0
        slot["present"] += present or 0
        planned_in[(row, month.month)] = planned_in.get((row, month.month), 0) + planned
    for (row, month_number), slot in by_key.items():
        month = dt.date(first_day.year, month_number, 1)
        planned = planned_in[(row, month_number)]
        later = planned if month > q.this_month else ahead.get(row, 0) if month == q.this_month else 0
        slot[meeting_selectors.NOT_RECORDED] = planned - later
        slot[meeting_selectors.FUTURE] = later
        slot["last"] = last.get((row, month_number)) if slot[meeting_selectors.HELD] else None
    first_month: dict[int, dt.date] = {}
    for path, first in (
        totals.filter(regular, month__lte=q.last_month)
        .values_list("org_path")
        .annotate(first=Min("month"))
        .order_by()
    ):
        row = row_of[path]
        first_month[row] = min(first_month.get(row, first), first)
    if not per_path:  # month IN (…): one index range of (month, org_path) per month
        rows = MeetingMonth.objects.filter(q.inside, month__in=q.months, thematic_held__gt=0)
        thematic = dict(
            ((row, quarter), n)
            for row, quarter, n in rows.annotate(
                row=q.row_case("org_path"), quarter=meeting_selectors.quarter_case(first_day.year)
            )
            .values_list("row", "quarter")
            .annotate(n=Count("organization_id", distinct=True))
            .order_by()
            if row is not None
        )
    return by_key, first_month, thematic


def _cell_details(q: meeting_selectors.GridQuery) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """From the cell rows (``MeetingMonth``), in one query: {row: planned regular meetings of this month still to
    come} (this month's rows of the subtree: one index range) and {(row, month number): the held regular meeting}
    of the rows that have one cell (the grid links it) — a row that is that cell reads its own rows (the
    (organization, month) index), another its subtree month by month (``month IN``: an index range a month)."""
    parts, upcoming, linked = [], None, None
    if q.months[0] <= q.this_month <= q.months[-1]:
        upcoming = (
            Q(month=q.this_month, regular_planned__gt=0, regular_planned_at__gte=q.ahead_from) & q.inside
        )
        parts.append(upcoming)
    cells = [row for row, is_cell in q.single.items() if is_cell]
    held = [Q(organization_id__in=cells)] if cells else []
    for row, path in q.row_paths:
        if row in q.single and not q.single[row]:
            held.append(Q(month__in=q.months) & subtree_q(path, "org_path"))
    if held:
        linked = reduce(or_, held) & Q(regular_held__gt=0, month__gte=q.months[0], month__lte=q.months[-1])
        parts.append(linked)
    if not parts:
        return {}, {}
    counted = {}
    if upcoming is not None:
        counted["ahead"] = Count("pk", filter=upcoming)
    if linked is not None:
        counted["last"] = Max("regular_last", filter=linked)
    rows = (
        MeetingMonth.objects.filter(reduce(or_, parts))
        .annotate(row=q.row_case("org_path"))
        .values("row", "month")
        .annotate(**counted)
        .order_by()
    )
    ahead: dict[int, int] = {}
    last: dict[tuple[int, int], int] = {}
    for r in rows:
        if r["row"] is None:
            continue
        if r.get("ahead") and r["month"] == q.this_month:
            ahead[r["row"]] = ahead.get(r["row"], 0) + r["ahead"]
        if r.get("last") is not None and r["row"] in q.single:
            last[(r["row"], r["month"].month)] = r["last"]
    return ahead, last


def meeting_grid(
    actor, root: Organization, year: int, *, months: list[dt.date] | None = None, on_record=None
):
    """The month × organization meeting grid (``meetings.selectors.grid``; ``months``: only those of the year;
    ``on_record``: the months on record when the caller asked them already), read from the rollups once they are
    built, else from the meetings."""
    source = meeting_counts if meetings_built() else meeting_selectors.live_counts
    return meeting_selectors.grid(actor, root, year, source=source, months=months, on_record=on_record)


def meeting_grades(actor, organization: Organization, start: dt.date, end: dt.date) -> dict:
    """The grades of the regular meetings held in the subtree in the months of a period (by the upper level and by
    the cell: {GradeLevel id: n}) and the thematic meetings held — from the totals of every level once built (the
    rows of the organization's own paths), else counted from the meetings. The subtree is that of every path the
    organization had during the period; a meeting counts where its organization was on the day (as in the grid)."""
    paths = [p for since, until, p in path_periods(organization)
             if (since is None or since <= end) and (until is None or until > start)]  # fmt: skip
    out = {"upper": {}, "self": {}, "thematic": 0}
    if not paths:
        return out
    inside = reduce(or_, [subtree_q(p, "org_path") for p in paths])
    if meetings_built():  # the organization's own totals: its paths of the period are keys
        rows = MeetingTotal.objects.filter(
            org_path__in=paths, month__gte=start.replace(day=1), month__lte=end
        )
        graded = rows.filter(Q(regular_held__gt=0) | Q(thematic_held__gt=0))
        for upper, own, n, thematic in (
            graded.values_list("upper_grade", "self_grade")
            .annotate(n=Sum("regular_held"), thematic=Sum("thematic_held"))
            .order_by()
        ):  # one query: the grade pairs (few), added up by each grade here
            if n:
                out["upper"][upper or None] = out["upper"].get(upper or None, 0) + n
                out["self"][own or None] = out["self"].get(own or None, 0) + n
            out["thematic"] += thematic
        return out
    qs = Meeting.objects.filter(inside, month__gte=start.replace(day=1), month__lte=end).exclude(
        state=MeetingState.CANCELLED
    )
    qs = qs.filter(state=MeetingState.HELD)
    regular = qs.filter(kind=MeetingKind.REGULAR)
    out["upper"] = dict(regular.values_list("upper_grade").annotate(n=Count("id")).order_by())
    out["self"] = dict(regular.values_list("self_grade").annotate(n=Count("id")).order_by())
    out["thematic"] = qs.filter(kind=MeetingKind.THEMATIC).count()
    return out
