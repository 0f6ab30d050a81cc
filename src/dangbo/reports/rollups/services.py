"""Rollups (``reports.models.MemberMonth``, ``MemberMove``): the member roll of every cell at the end of every month, and the steps of every cell's roll, stored, so
the headcount, composition and movement of any subtree are one index range over a few rows per cell — not a count
over every roll period of the subtree (``members.counts.selectors``, the live computation they must equal).

Design (README, "Kiến trúc"):

* **Grain**: one ``MemberMonth`` row per (cell, month) with the cell's path *on the month's last day*, and one
  ``MemberMove`` row per (cell, day, step) with the path of the member's neighbouring period. Rows are per cell,
  never per ancestor, so a restructuring only rewrites the moved cells' rows from its date on, and the rows of a
  past month keep the tree of that month.
* **Kept current in the transaction of the change**: every write of roll periods goes through
  ``members.history.services.rebuild`` (events, record edits, imports, restructuring hand-overs) or
  ``members.history.services.split_periods_at_move`` (a subtree moved); both tell ``core.registries.FACT_CHANGES`` which cells
  changed from which day, and ``refresh`` rewrites those cells' rows from that month on with one INSERT … SELECT
  per table. A backdated event rewrites past months; a record edit (gender, birth date, ethnicity, theory level —
  the composition reads the record) rewrites the member's cells over their whole history. A report never reads a
  figure that the transaction that changed the facts did not also change.
* **The calendar is the only watermark**: ``RollupState.through`` is the last month covered; months after it (a new
  month begins without any change of facts) are counted live until ``extend`` (``dangbo rollups extend``, daily from
  cron or the job queue) adds them. Before the first ``rebuild`` nothing is stored and every figure is live.
* ``check`` recomputes every row and lists the differences (``dangbo rollups check``); ``rebuild`` rewrites all —
  ``MemberMonth`` from the steps of each cell's roll (``_month_delta_select``: its cost is that of the periods and
  of the rows written), where ``refresh``, ``extend`` and ``check`` count the few months of a few cells, or one
  month, period by period (``_month_select``, also the test's oracle).

Figures are read from the rollups only for days they describe: the last day of a covered month (headcount,
composition, the opening and closing of a movement table). Any other day is counted live.
"""

from __future__ import annotations

import datetime as dt
import zlib
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangbo.core.dates import add_months, add_years, now, today
from dangbo.core.policies import ancestor_paths, subtree_q
from dangbo.members.models import Member, MemberPeriod
from dangbo.organizations.models import Organization

from ..models import MeetingMonth, MeetingTotal, MemberMonth, MemberMove, RollupMonth, RollupState
from .selectors import AGE_COLUMNS, COUNTED, ONE_DAY, counted_columns, meetings_built, state

MONTH_FIELDS = ["organization_id", "month", "org_path", "rows", *COUNTED]
MOVE_FIELDS = ["organization_id", "day", "direction", "kind", "org_path", "other_path", "n"]

# --- The calendar --------------------------------------------------------------------------------------------------


def _cells_clause(alias: str, cells, since_col: str, since, between=None) -> tuple[str, list]:
    """WHERE clause restricting to some cells and a first day (None: everything), or to the organizations with ids
    in [between[0], between[1])."""
    parts, params = ["1 = 1"], []
    if between is not None:
        parts.append(f"{alias}.organization_id >= %s AND {alias}.organization_id < %s")
        params += list(between)
    if cells is not None:
        ids = sorted(int(c) for c in cells) or [0]
        parts.append(f"{alias}.organization_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if since is not None:
        parts.append(f"{since_col} >= %s")
        params.append(since)
    return " AND ".join(parts), params


def _month_select(cells=None, since_month=None, between=None) -> tuple[str, list]:
    period, member, month = (MemberPeriod._meta.db_table, Member._meta.db_table, RollupMonth._meta.db_table)
    sums, params = [], []
    for _, cond, ps in counted_columns():
        sums.append(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)")
        params += ps
    where, wparams = _cells_clause("p", cells, "m.month", since_month, between)
    sql = (
        f"SELECT p.organization_id, m.month, p.org_path, COUNT(*), {', '.join(sums)} "
        f"FROM {period} p JOIN {member} mm ON mm.id = p.member_id "
        f"JOIN {month} m ON p.valid_from <= m.last AND (p.valid_to IS NULL OR p.valid_to > m.last) "
        f"WHERE {where} GROUP BY p.organization_id, m.month, p.org_path"
    )
    return sql, params + wparams


def _month_start(expr: str, years: int = 0) -> str:
    """SQL: the first day of the month of the date ``expr`` (PostgreSQL or SQLite), ``years`` later — a 29/02 that
    does not exist ``years`` later rolls on to 01/03, so the month is that of the first day on which a member born on
    ``expr`` is ``years`` old (``core.dates.add_years`` clamps 29/02 to 28/02 the other way round: born 29/02/1992,
    ``born_30`` of February 2022 is 28/02/1992, so the member turns 30 in March 2022)."""
    if connection.vendor == "postgresql":
        if not years:
            return f"CAST(date_trunc('month', CAST({expr} AS timestamp)) AS date)"
        later = f"(CAST({expr} AS timestamp) + interval '{int(years)} years')"
        rolled = f"({later} + (EXTRACT(DAY FROM {expr}) - EXTRACT(DAY FROM {later})) * interval '1 day')"
        return f"CAST(date_trunc('month', {rolled}) AS date)"
    return (
        f"date({expr}, '+{int(years)} years', 'start of month')"
        if years
        else f"date({expr}, 'start of month')"
    )


# The age bands of AGE_COLUMNS as the months a member enters them: (column, years old at its first month).
AGE_STEPS = list(zip([c for c, _ in AGE_COLUMNS.values()], (0, 30, 41, 51, 61), strict=True))


def _month_delta_select(through: dt.date) -> tuple[str, list]:
    """The rows of ``MemberMonth`` up to the month ``through`` (SQL and params, in the order of MONTH_FIELDS),
    computed from the steps of each cell's roll rather than from every (period, month) pair — the cost is that of the
    periods and of the rows written, not of the member-months (``_month_select`` reads every month of every period:
    ~1 billion rows at national scale).

    A period counts on the last day of month M ⟺ ``valid_from ≤ last(M) < valid_to`` ⟺ month(valid_from) ≤ M <
    month(valid_to). So each period adds its columns in the month of ``valid_from`` and takes them away in the month
    of ``valid_to``; its age column changes in the months the member enters the next band (``_month_start``), which
    are steps too. The steps are summed per (cell, path, month), a running sum over each (cell, path)'s steps gives
    its figures from one step to the next, and the calendar fills the months in between; months with no period are
    left out, as the grouping of ``_month_select`` leaves them out."""
    period, member, month = (MemberPeriod._meta.db_table, Member._meta.db_table, RollupMonth._meta.db_table)
    ages = dict(AGE_STEPS)
    static, sparams = [], []
    for col, cond, ps in counted_columns():
        if col not in ages:
            static.append((col, cond))
            sparams += ps
    a, b = _month_start("p.valid_from"), _month_start("p.valid_to")
    enter = {col: _month_start("mm.birth_date", years) for col, years in AGE_STEPS}
    cols = [col for col, _ in static]
    # The periods with their months: a (first counted), b (first not counted, NULL: open), t_<col> (enters the band).
    periods = (
        f"SELECT p.organization_id AS o, p.org_path AS path, {a} AS a, {b} AS b, "
        + ", ".join(f"{enter[col]} AS t_{col}" for col in ages)
        + ", "
        + ", ".join(f"CASE WHEN {cond} THEN 1 ELSE 0 END AS s_{col}" for col, cond in static)
        + f" FROM {period} p JOIN {member} mm ON mm.id = p.member_id WHERE {a} <= %s AND (p.valid_to IS NULL OR {b} > {a})"
    )
    order = list(ages)

    def band_at(col: str, before: str, after: str) -> str:
        """SQL: 1 when the member is in band ``col`` in the month M where ``before`` holds for each entry month
        t (t ≤ M), else 0; ``after(t)`` is M < t."""
        i = order.index(col)
        conds = [before.format(t=f"t_{col}")]
        if i + 1 < len(order):
            conds.append(after.format(t=f"t_{order[i + 1]}"))
        return f"CASE WHEN {' AND '.join(conds)} THEN 1 ELSE 0 END"

    # Starts (+, the band of month a), ends (−, the band of month b − 1), band entries strictly inside (a, b).
    start = (
        "SELECT o, path, a AS month, 1 AS d_rows, "
        + ", ".join(f"s_{c} AS d_{c}" for c in cols)
        + ", "
        + ", ".join(f"{band_at(c, '{t} <= a', 'a < {t}')} AS d_{c}" for c in order)
        + " FROM pm"
    )
    end = (
        "SELECT o, path, b, -1, "
        + ", ".join(f"-s_{c}" for c in cols)
        + ", "
        + ", ".join(f"-{band_at(c, '{t} < b', 'b <= {t}')}" for c in order)
        + " FROM pm WHERE b IS NOT NULL AND b > a AND b <= %s"
    )
    entries = []
    for i, col in enumerate(order):
        d = ["0"] * len(order)
        d[i] = "1"
        if i:
            d[i - 1] = "-1"
        entries.append(
            f"SELECT o, path, t_{col}, 0, {', '.join('0' for _ in cols)}, {', '.join(d)} FROM pm "
            f"WHERE t_{col} > a AND (b IS NULL OR t_{col} < b) AND t_{col} <= %s"
        )
    counted = ["rows", *cols, *order]
    assert set(counted[1:]) == set(COUNTED)
    steps = " UNION ALL ".join([start, end, *entries])
    # Each run joins the months it spans through the calendar's key (a few rows each), then the rows are sorted for
    # the reading index; the fence keeps PostgreSQL from joining the other way round to save the sort (every run
    # against every month: the member-months again).
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    summed = ", ".join(
        f"CAST(SUM(d_{c}) AS integer) AS d_{c}" for c in counted
    )  # integers: SUM OVER stays cheap
    # integers again (SUM gives bigint): the rows to sort for the reading index are ~40 % narrower (at national scale
    # the sort of 45 M rows spills to disk whatever work_mem a small server can give)
    running = ", ".join(f"CAST(SUM(d_{c}) OVER w AS integer) AS n_{c}" for c in counted)
    sql = (
        f"WITH pm AS ({periods}), "
        f"steps AS (SELECT o, path, month, {summed} FROM ({steps}) e GROUP BY o, path, month), "
        f"runs AS (SELECT o, path, month, COALESCE(LEAD(month) OVER w, %s) AS next, {running} FROM steps "
        f"WINDOW w AS (PARTITION BY o, path ORDER BY month ROWS UNBOUNDED PRECEDING)) "
        f"SELECT * FROM (SELECT r.o, m.month, r.path, {', '.join(f'r.n_{c}' for c in ['rows', *COUNTED])} "
        f"FROM runs r CROSS JOIN {month} m WHERE m.month >= r.month AND m.month < r.next AND r.n_rows > 0 "
        f"{fence}) t"
    )
    after = add_months(through, 1)
    return sql, [*sparams, through, through, *[through] * len(order), after]


def _move_select(cells=None, since=None, between=None) -> tuple[str, list]:
    """Steps up (a period begins on its ``valid_from``; its neighbour is the period ending that day) and down (a
    period ends on its ``valid_to``; its neighbour is the period beginning that day). A neighbour in the same cell
    under the same path (official recognition, an exemption) is a step of no subtree: left out."""
    period = MemberPeriod._meta.db_table
    halves, params = [], []
    for day, direction, kind, neighbour, only in (
        ("valid_from", 1, "start_kind", "valid_to", ""),
        ("valid_to", -1, "end_kind", "valid_from", "p.valid_to IS NOT NULL AND "),
    ):
        where, wparams = _cells_clause("p", cells, f"p.{day}", since, between)
        other = "COALESCE(q.org_path, '')"
        halves.append(
            f"SELECT p.organization_id, p.{day}, {direction}, p.{kind}, p.org_path, {other}, COUNT(*) "
            f"FROM {period} p LEFT JOIN {period} q ON q.member_id = p.member_id AND q.{neighbour} = p.{day} "
            f"WHERE {only}(q.org_path IS NULL OR q.org_path <> p.org_path) AND {where} GROUP BY p.organization_id, p.{day}, p.{kind}, p.org_path, {other}"
        )
        params += wparams
    return " UNION ALL ".join(halves), params


def _insert(model, fields: list[str], select: tuple[str, list], *, ordered: bool = False) -> None:
    """INSERT … SELECT; ``ordered``: in the order of the reading index (a full build: the rows a report reads
    together then lie on a few pages — ~150 instead of ~10,000 for a province's month)."""
    sql, params = select
    if ordered:
        sql = f"SELECT * FROM ({sql}) t ORDER BY 2, 5" if model is MemberMove else f"{sql} ORDER BY 2, 3"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(fields)}) {sql}", params)


# PostgreSQL memory of the rebuild's transaction (SET LOCAL: back to the server's at its end): the sorts of the INSERT
# (work_mem, per sort or hash of the plan — a few) and the index builds after it (maintenance_work_mem, one at a time)
# spill less to disk. Amounts a small server (a few GB of RAM) can give one transaction.
BULK_MEMORY = {"work_mem": "128MB", "maintenance_work_mem": "512MB"}


@contextmanager
def _indexes_built_after(model):
    """PostgreSQL: the indexes and the unique and primary key constraints of ``model`` dropped for a bulk INSERT into
    the emptied table and built after it — one sort each, instead of one descent per row in another order than the
    rows come (most of a full rebuild's time) — with the memory of ``BULK_MEMORY`` for the rest of the transaction.
    Inside ``rebuild``'s transaction, after its TRUNCATE (the table is locked)."""
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        for name, amount in BULK_MEMORY.items():
            cursor.execute(f"SET LOCAL {name} = '{amount}'")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype IN ('p', 'u')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _, ddl in indexes:
            cursor.execute(ddl)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def _ensure_months(first: dt.date, through: dt.date) -> list[dt.date]:
    """Add the calendar rows of the months from ``first`` to ``through`` that are missing; returns them."""
    have = set(
        RollupMonth.objects.filter(month__gte=first, month__lte=through).values_list("month", flat=True)
    )
    missing = [m for m in _months(first, through) if m not in have]
    rows = []
    for m in missing:
        last = add_months(m, 1) - ONE_DAY
        rows.append(RollupMonth(month=m, last=last, born_30=add_years(last, -30), born_41=add_years(last, -41),
                                born_51=add_years(last, -51), born_61=add_years(last, -61)))  # fmt: skip
    RollupMonth.objects.bulk_create(rows)
    return missing


# --- Writing -------------------------------------------------------------------------------------------------------


@transaction.atomic
def rebuild(*, through: dt.date | None = None) -> dict:
    """Rewrite every rollup row from the roll periods, covering the months from the first period to ``through``
    (default: this month). Returns the number of rows written."""
    through = (through or today()).replace(day=1)
    first = MemberPeriod.objects.aggregate(first=Min("valid_from"))["first"]
    tables = [m._meta.db_table for m in (MemberMonth, MemberMove, RollupMonth)]
    if connection.vendor == "postgresql":  # no dead rows left behind for the readers' index scans to visit
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
    else:
        for model in (MemberMonth, MemberMove, RollupMonth):
            model.objects.all().delete()
    if first is not None and first.replace(day=1) <= through:
        _ensure_months(first.replace(day=1), through)
    with _indexes_built_after(MemberMonth):
        _insert(MemberMonth, MONTH_FIELDS, _month_delta_select(through), ordered=True)
    _insert(MemberMove, MOVE_FIELDS, _move_select(), ordered=True)
    RollupState.objects.all().delete()
    RollupState.objects.create(through=through, built_at=now())
    rebuild_meetings()
    if connection.vendor == "postgresql":  # fresh statistics, or the planner guesses a handful of rows
        with connection.cursor() as cursor:
            for model in (RollupMonth, MemberMonth, MemberMove):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {"member_month": MemberMonth.objects.count(), "member_move": MemberMove.objects.count(),
            "meeting_month": MeetingMonth.objects.count(), "meeting_total": MeetingTotal.objects.count()}  # fmt: skip


def refresh(cells, since: dt.date) -> None:
    """Rewrite the rows of ``cells`` from ``since`` on (called in the transaction that changed their roll)."""
    s = state()
    cells = {c for c in cells if c}
    if s is None or not cells:
        return
    # Two transactions rewriting the same cell would each insert its rows: they take the cell's row lock in turn.
    list(
        Organization.objects.select_for_update()
        .filter(pk__in=cells)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    since_month = since.replace(day=1)
    if since_month <= s.through:
        _ensure_months(since_month, s.through)
    MemberMonth.objects.filter(organization_id__in=cells, month__gte=since_month).delete()
    _insert(MemberMonth, MONTH_FIELDS, _month_select(cells, since_month))
    MemberMove.objects.filter(organization_id__in=cells, day__gte=since).delete()
    _insert(MemberMove, MOVE_FIELDS, _move_select(cells, since))


def facts_changed(area: str, cells, since: dt.date) -> None:
    """``core.registries.FACT_CHANGES`` entry: the roll (``members``) or the meetings (``meetings``) of ``cells``
    changed from ``since`` on."""
    if area == "members":
        refresh(cells, since)
    elif area == "meetings":
        refresh_meetings(cells, since)


def repath(old_path: str, new_path: str, date: dt.date) -> None:
    """``PATH_TABLES`` entry: a subtree moved on ``date`` (its roll periods were cut first, by members): its cells'
    rows from that month on are rewritten with the paths of their time."""
    if state() is None:
        return
    live = Q(valid_to__isnull=True) | Q(valid_to__gte=date)
    moved = MemberPeriod.objects.filter(
        live, subtree_q(new_path, "org_path") | subtree_q(old_path, "org_path")
    )
    # the moved cells, and the cells of the same members' neighbouring periods (their steps name the moved path)
    members = moved.values("member_id")
    cells = set(
        MemberPeriod.objects.filter(live, member_id__in=members)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    refresh(cells, date)


# --- Meetings --------------------------------------------------------------------------------------------------------
#
# ``MeetingMonth``: one row per (organization, month, path) that has a meeting not cancelled — no calendar, no
# watermark: a month without meetings has no row, and a meeting planned ahead has its row as soon as it is planned.
# Every write of a meeting goes through ``meetings.services`` (plan, plan change, cancellation, roll call, minutes,
# grade), which tells ``FACT_CHANGES`` ("meetings", the organization, the first month touched); a restructuring
# re-paths the meetings from its date (``PATH_TABLES``) and then ``repath_meetings`` rewrites the rows of the moved
# organizations from that month.

MEETING_FIELDS = [
    "organization_id", "month", "org_path", "regular_held", "regular_planned", "regular_planned_at", "regular_last",
    "base_count", "present_count", "unexcused_count", "criteria_passed", "criteria_total", "upper_grade_id",
    "self_grade_id", "thematic_held", "other_held",
]  # fmt: skip
MEETING_KEY = 3


def _meeting_select(cells=None, since_month=None, organizations=None, until_month=None) -> tuple[str, list]:
    """The rows of ``MeetingMonth`` counted from the meetings (SQL and params), in the order of MEETING_FIELDS:
    of some cells from a month on (up to ``until_month``), or of the organizations with ids in [organizations[0],
    organizations[1])."""
    from dangbo.meetings.choices import MeetingKind, MeetingState
    from dangbo.meetings.models import Meeting

    def held(kind) -> Q:
        return Q(kind=kind, state=MeetingState.HELD)

    regular = held(MeetingKind.REGULAR)
    planned = Q(kind=MeetingKind.REGULAR, state=MeetingState.PLANNED)
    qs = Meeting.objects.exclude(state=MeetingState.CANCELLED)
    if cells is not None:
        qs = qs.filter(organization_id__in=sorted(cells) or [0])
    if since_month is not None:
        qs = qs.filter(month__gte=since_month)
    if until_month is not None:
        qs = qs.filter(month__lte=until_month)
    if organizations is not None:
        qs = qs.filter(organization_id__gte=organizations[0], organization_id__lt=organizations[1])
    qs = (
        qs.values("organization_id", "month", "org_path")
        .annotate(
            r_held=Count("id", filter=regular),
            r_planned=Count("id", filter=planned),
            r_planned_at=Max("planned_at", filter=planned),
            r_last=Max("id", filter=regular),
            r_base=Coalesce(Sum("base_count", filter=regular), 0),
            r_present=Coalesce(Sum("present_count", filter=regular), 0),
            r_unexcused=Coalesce(Sum("unexcused_count", filter=regular), 0),
            r_passed=Coalesce(Sum("criteria_passed", filter=regular), 0),
            r_total=Coalesce(Sum("criteria_total", filter=regular), 0),
            r_upper=Max("upper_grade_id", filter=regular),
            r_self=Max("self_grade_id", filter=regular),
            t_held=Count("id", filter=held(MeetingKind.THEMATIC)),
            o_held=Count(
                "id",
                filter=Q(state=MeetingState.HELD) & ~Q(kind__in=[MeetingKind.REGULAR, MeetingKind.THEMATIC]),
            ),
        )
        .order_by()
    )
    return qs.query.sql_with_params()


def vacuum() -> bool:
    """After ``rebuild``, on PostgreSQL and outside a transaction: VACUUM (ANALYZE) the tables it rewrote. VACUUM sets
    the visibility map, without which the reports' index-only reads (``member_month_heads``) fetch every row from the
    table until autovacuum comes — the twelve month ends of a province on the national database just loaded: 179,049
    heap fetches, 100–470 ms instead of ~25 ms (07/12/2026). ``rebuild`` is one transaction, where VACUUM cannot run:
    its callers that own the connection (``dangbo rollups rebuild``, ``dangbo synth``) call this after it. False:
    nothing done (another database, or inside a transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        for model in (RollupMonth, MemberMonth, MemberMove, MeetingMonth, MeetingTotal):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    return True


def rebuild_meetings() -> int:
    """Rewrite every ``MeetingMonth`` row from the meetings (part of ``rebuild``); the rows written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {MeetingMonth._meta.db_table}")
        else:
            MeetingMonth.objects.all().delete()
        sql, params = _meeting_select()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {MeetingMonth._meta.db_table} ({', '.join(MEETING_FIELDS)}) "
                f"SELECT * FROM ({sql}) t ORDER BY 2, 3",
                params,
            )
        rebuild_totals()
        s = RollupState.objects.order_by("pk").first()
        if s is None:
            RollupState.objects.create(meetings_built_at=now())
        else:
            RollupState.objects.filter(pk=s.pk).update(meetings_built_at=now())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {MeetingMonth._meta.db_table}")
            cursor.execute(f"ANALYZE {MeetingTotal._meta.db_table}")
    return MeetingMonth.objects.count()


def refresh_meetings(cells, since: dt.date) -> None:
    """Rewrite the ``MeetingMonth`` rows of ``cells`` from the month of ``since`` on (called in the transaction
    that changed their meetings)."""
    cells = {c for c in cells if c}
    if not cells or not meetings_built():
        return
    list(  # two transactions rewriting the same organization's rows take its row lock in turn
        Organization.objects.select_for_update()
        .filter(pk__in=cells)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    since_month = since.replace(day=1)
    # The totals of every level move by the difference of these rows (read from the quarter's first month: the
    # organizations with a thematic meeting are counted per quarter).
    before = list(_cell_rows(cells, quarter_start(since_month)))
    MeetingMonth.objects.filter(organization_id__in=cells, month__gte=since_month).delete()
    sql, params = _meeting_select(cells, since_month)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MeetingMonth._meta.db_table} ({', '.join(MEETING_FIELDS)}) {sql}", params
        )
    after = _cell_rows(cells, quarter_start(since_month))
    totals_add(_difference(_totals_of(before), _totals_of(after)))


def repath_meetings(old_path: str, new_path: str, date: dt.date) -> None:
    """``PATH_TABLES`` entry, after ``meetings.Meeting``'s (registered later): the meetings of the moved subtree
    from ``date`` on carry its new path; the rows of its organizations from that month on are rewritten."""
    if not meetings_built():
        return
    from dangbo.meetings.models import Meeting

    month = date.replace(day=1)
    cells = set(
        Meeting.objects.filter(subtree_q(new_path, "org_path"), month__gte=month)
        .values_list("organization_id", flat=True)
        .distinct()
    ) | set(
        MeetingMonth.objects.filter(subtree_q(old_path, "org_path"), month__gte=month)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    refresh_meetings(cells, month)


# --- Meetings at every level (``MeetingTotal``) ---------------------------------------------------------------------
#
# The grid of a province sums ~14,000 cells' ``MeetingMonth`` rows a month; ``MeetingTotal`` holds the same sums for
# every subtree (one row per organization path, month and grade pair), as the dues do (``dues.DuesTotal``):
#
# * **kept in the same transaction** as the meeting write, not rebuilt from a watermark: a secretary records a
#   meeting and the committee's grid shows it at once; the change is small and known at the write — the
#   ``MeetingMonth`` rows that ``refresh_meetings`` rewrote, read before and after, give the difference, added to
#   the rows of every prefix of their path with one ``INSERT … ON CONFLICT DO UPDATE`` (in key order, root first:
#   two writes under one province wait for each other a moment and never deadlock);
# * **keyed by path, not by organization id**: a meeting counts under the path its organization had on the day
#   (``Meeting.org_path``), so the subtree of a past year is the key of that year's path, whatever was restructured
#   since — the grid's rows are the paths of the year (``OrganizationLink``), as the live count places them. A
#   restructuring re-paths the meetings (``meetings``), then ``repath_meetings`` rewrites the moved organizations'
#   rows: the totals follow by the same difference;
# * the thematic meetings of a quarter are counted as organizations (distinct), so that column is per quarter and
#   the difference is taken over whole quarters.
#
# ``rebuild_totals`` writes the table from ``MeetingMonth`` in SQL (part of ``rebuild_meetings``), ``check_totals``
# compares it with a recount from the meetings done by the database (``dangbo rollups check``; «Checking» below).

TOTAL_SUMS = ["regular_held", "regular_planned", "base_count", "present_count", "unexcused_count",
              "criteria_passed", "criteria_total", "thematic_held", "other_held"]  # fmt: skip
TOTAL_COLUMNS = [*TOTAL_SUMS, "thematic_cells"]
_THEMATIC = TOTAL_SUMS.index("thematic_held")

TotalKey = tuple[str, dt.date, int, int]  # org_path, month, upper grade, self grade


def quarter_start(month: dt.date) -> dt.date:
    return month.replace(month=3 * ((month.month - 1) // 3) + 1, day=1)


def _cell_rows(cells, since_month: dt.date, until_month: dt.date | None = None):
    """``MeetingMonth`` rows as (organization, month, path, upper grade, self grade, *TOTAL_SUMS)."""
    rows = MeetingMonth.objects.filter(month__gte=since_month)
    if cells is not None:
        rows = rows.filter(organization_id__in=sorted(cells) or [0])
    if until_month is not None:
        rows = rows.filter(month__lte=until_month)
    return rows.values_list(
        "organization_id", "month", "org_path", "upper_grade_id", "self_grade_id", *TOTAL_SUMS
    )


def _totals_of(rows) -> tuple[dict[TotalKey, list[int]], set[tuple[int, str, dt.date]]]:
    """The sums of some ``MeetingMonth`` rows along their paths, and the (organization, path prefix, quarter)
    where the organization held a thematic meeting."""
    sums: dict[TotalKey, list[int]] = {}
    thematic: set[tuple[int, str, dt.date]] = set()
    for org, month, path, upper, own, *values in rows:
        along = ancestor_paths(path)
        for p in along:
            acc = sums.setdefault((p, month, upper or 0, own or 0), [0] * len(TOTAL_SUMS))
            for i, v in enumerate(values):
                acc[i] += v
        if values[_THEMATIC]:
            q = quarter_start(month)
            thematic.update((org, p, q) for p in along)
    return sums, thematic


def _as_totals(counted) -> dict[TotalKey, list[int]]:
    """``_totals_of`` as table rows: {key: TOTAL_COLUMNS values}."""
    sums, thematic = counted
    out = {k: [*v, 0] for k, v in sums.items()}
    for _org, p, q in thematic:
        out.setdefault((p, q, 0, 0), [0] * len(TOTAL_COLUMNS))[-1] += 1
    return out


def _difference(before, after) -> dict[TotalKey, list[int]]:
    old, new = _as_totals(before), _as_totals(after)
    zero = [0] * len(TOTAL_COLUMNS)
    out = {}
    for k in old.keys() | new.keys():
        d = [y - x for x, y in zip(old.get(k, zero), new.get(k, zero), strict=True)]
        if any(d):
            out[k] = d
    return out


def _organization_of(path: str) -> int:
    return int(path[:-1].rsplit(".", 1)[-1])


def totals_add(changes: dict[TotalKey, list[int]]) -> None:
    """Add differences to the totals, in key order (root first: one order for every writer)."""
    table = MeetingTotal._meta.db_table
    adapt = connection.ops.adapt_datefield_value
    rows = sorted(changes.items())
    columns = ", ".join(TOTAL_COLUMNS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in TOTAL_COLUMNS)
    marks = "(" + ", ".join(["%s"] * (5 + len(TOTAL_COLUMNS))) + ")"
    for i in range(0, len(rows), 500):
        chunk = rows[i : i + 500]
        params = [v for (p, m, up, own), d in chunk for v in (_organization_of(p), p, adapt(m), up, own, *d)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (organization_id, org_path, month, upper_grade, self_grade, {columns}) "
                f"VALUES {', '.join([marks] * len(chunk))} "
                f"ON CONFLICT (org_path, month, upper_grade, self_grade) DO UPDATE SET {updates}",
                params,
            )


def _quarters() -> list[dt.date]:
    """The first months of the quarters that have meetings or ``MeetingMonth`` rows."""
    from dangbo.meetings.models import Meeting

    spans = [MeetingMonth.objects.aggregate(first=Min("month"), last=Max("month")),
             Meeting.objects.aggregate(first=Min("month"), last=Max("month"))]  # fmt: skip
    span = {"first": min((s["first"] for s in spans if s["first"]), default=None),
            "last": max((s["last"] for s in spans if s["last"]), default=None)}  # fmt: skip
    if span["first"] is None:
        return []
    out, q = [], quarter_start(span["first"])
    while q <= span["last"]:
        out.append(q)
        q = add_months(q, 3)
    return out


def _temporary(cursor, name: str, columns: str, like) -> None:
    """A temporary table ``name`` with ``columns`` of ``like``'s table (``"org_path AS path, …"``): the same types —
    on PostgreSQL the same collation, so joins and set operations with ``like`` compare byte by byte — on both
    databases."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {name} AS SELECT {columns} FROM {like._meta.db_table} WHERE 1 = 0"
    )


def _scratch(cursor, name: str, columns: str, like) -> str:
    """An empty temporary table for ``columns`` of ``like`` (``_temporary``), made once per database session and
    emptied for each reuse; its name. ``check`` compares organization by organization in batches: a new table per
    batch would take a new lock each, held to the end of the transaction (a test's, or a caller's ``atomic``), until
    PostgreSQL runs out of lock slots ("out of shared memory", ``max_locks_per_transaction``)."""
    name = f"{name}_{like._meta.model_name}_{zlib.crc32(columns.encode()):08x}"
    if connection.vendor == "postgresql":
        cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{name}"])
        exists = cursor.fetchone()[0] is not None
    else:
        cursor.execute("SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = %s", [name])
        exists = cursor.fetchone() is not None
    if exists:
        cursor.execute(f"TRUNCATE {name}" if connection.vendor == "postgresql" else f"DELETE FROM {name}")
    else:
        _temporary(cursor, name, columns, like)
    return name


def rebuild_totals() -> int:
    """Rewrite ``MeetingTotal`` from ``MeetingMonth`` in the database; the rows written.

    The distinct paths of ``MeetingMonth`` (one per cell and tree of a time: a few hundred thousand at national
    scale) are expanded into (path, prefix) pairs in Python (``core.policies.ancestor_paths``) into a temporary
    table, the months into their quarters into another; then one ``INSERT … SELECT … GROUP BY`` writes the sums of
    every prefix, month and grade pair and, on the row of each quarter's first month with grades (0, 0), the
    organizations with a thematic meeting in the quarter (``COUNT(DISTINCT)`` per prefix and quarter) — in the order
    of the reading index, the table's unique index built after the insert on PostgreSQL (as ``rebuild`` does)."""
    table, month_table = MeetingTotal._meta.db_table, MeetingMonth._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")
        _temporary(
            cursor, "rollup_prefix", "org_path AS path, org_path AS prefix, organization_id", MeetingTotal
        )
        _temporary(cursor, "rollup_quarter", "month, month AS quarter", MeetingTotal)
        cursor.execute(f"SELECT DISTINCT org_path FROM {month_table}")
        paths = [row[0] for row in cursor.fetchall()]
        pairs = [(path, p, _organization_of(p)) for path in paths for p in ancestor_paths(path)]
        for i in range(0, len(pairs), 20000):
            cursor.executemany("INSERT INTO rollup_prefix VALUES (%s, %s, %s)", pairs[i : i + 20000])
        cursor.execute("CREATE INDEX rollup_prefix_path ON rollup_prefix (path)")
        cursor.execute(f"SELECT DISTINCT month FROM {month_table}")
        adapt = connection.ops.adapt_datefield_value
        months = [m if isinstance(m, dt.date) else dt.date.fromisoformat(m) for (m,) in cursor.fetchall()]
        cursor.executemany(
            "INSERT INTO rollup_quarter VALUES (%s, %s)",
            [(adapt(m), adapt(quarter_start(m))) for m in months],
        )
        if connection.vendor == "postgresql":  # temporary tables have no statistics until analysed
            cursor.execute("ANALYZE rollup_prefix")
            cursor.execute("ANALYZE rollup_quarter")
    sums = ", ".join(f"SUM({c})" for c in TOTAL_COLUMNS)
    sql = (
        f"SELECT organization_id, prefix, month, up, own, {sums} FROM ("
        f"SELECT x.organization_id, x.prefix, m.month, COALESCE(m.upper_grade_id, 0) AS up, "
        f"COALESCE(m.self_grade_id, 0) AS own, {', '.join(f'm.{c}' for c in TOTAL_SUMS)}, 0 AS thematic_cells "
        f"FROM {month_table} m JOIN rollup_prefix x ON x.path = m.org_path "
        f"UNION ALL SELECT x.organization_id, x.prefix, q.quarter, 0, 0, {', '.join('0' for _ in TOTAL_SUMS)}, "
        f"COUNT(DISTINCT m.organization_id) FROM {month_table} m JOIN rollup_quarter q ON q.month = m.month "
        f"JOIN rollup_prefix x ON x.path = m.org_path WHERE m.thematic_held > 0 "
        f"GROUP BY x.organization_id, x.prefix, q.quarter"
        f") u GROUP BY prefix, month, up, own, organization_id"
    )
    fields = ["organization_id", "org_path", "month", "upper_grade", "self_grade", *TOTAL_COLUMNS]
    with _indexes_built_after(MeetingTotal):
        _insert(MeetingTotal, fields, (sql, []), ordered=True)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE rollup_prefix")
        cursor.execute("DROP TABLE rollup_quarter")
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def _values(values) -> tuple:
    """Counted values as comparable plain values (a time as its ISO text in UTC, whatever the driver returns)."""
    out = []
    for v in values:
        if isinstance(v, dt.datetime):
            v = (v if timezone.is_aware(v) else timezone.make_aware(v, dt.UTC)).astimezone(dt.UTC)
            v = v.isoformat()
        elif isinstance(v, str) and len(v) >= 19 and v[4] == "-" and v[10] in " T":  # SQLite's raw text
            v = dt.datetime.fromisoformat(v.replace(" ", "T")).replace(tzinfo=dt.UTC).isoformat()
        out.append(int(v) if isinstance(v, int | float) and not isinstance(v, bool) else v)
    return tuple(out)


@transaction.atomic
def extend(through: dt.date | None = None) -> int:
    """Cover the months after the watermark up to ``through`` (default: this month); returns the months added."""
    s = state()
    if s is None:
        return 0
    through = (through or today()).replace(day=1)
    if through <= s.through:
        return 0
    if not meetings_built():  # an install whose member rollups came before the meeting ones
        rebuild_meetings()
    added = _ensure_months(add_months(s.through, 1), through)
    if added:
        _insert(MemberMonth, MONTH_FIELDS, _month_select(None, added[0]))
    RollupState.objects.filter(pk=s.pk).update(through=through)
    return len(added)


def _key(row, n: int) -> tuple:
    return tuple(
        v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, str) else v for v in row[:n]
    )


# --- Checking -------------------------------------------------------------------------------------------------------
#
# ``check`` recounts every rollup from the facts *in the database* — into a temporary table, a batch of organizations
# at a time for the per-cell tables, the whole tree at once for ``MeetingTotal`` — and compares it with the stored rows
# by ``EXCEPT`` both ways; only the differences (usually none) come back to Python, the first ``shown`` of them in
# words. The recounts are independent of the full rebuild's SQL (a check that ran the rebuild's query again would only
# prove that the query gives what it gave):
#
# * ``MemberMonth``: each roll period joined to every month it covers (``_month_select``, the definition that
#   ``refresh`` and ``extend`` also use on a few cells or one month), where ``rebuild`` sums the steps of each cell's
#   roll (``_month_delta_select``); ``MemberMove`` and ``MeetingMonth`` have one definition each (``_move_select``,
#   ``_meeting_select``): the check finds the rows that the writes of the services left different from a recount.
# * ``MeetingTotal``: counted from the meetings themselves (``_meeting_select``, so a wrong ``MeetingMonth`` row is one
#   difference of its own table, not one more per level), the prefixes of each path by a recursive query in SQL
#   (cutting the last id off the path: ``rtrim``; a path of anything but ids and dots would show as differences), the
#   thematic meetings of a quarter by the range of its months — where ``rebuild_totals`` reads ``MeetingMonth``, gets
#   the prefixes from Python (``core.policies.ancestor_paths``) and the quarters from a month → quarter table.


class Differences(list):
    """What ``check`` found, in words — at most ``shown`` lines — and ``total``: how many differences there are."""

    total = 0


def _compare(model, fields: list[str], key_len: int, recount: tuple[str, list], found: Differences, *,
             where: tuple[str, list] = ("1 = 1", []), nonzero: bool = False, duplicates: bool = False,
             shown: int = 200) -> None:  # fmt: skip
    """The rows of ``model`` (those ``where`` selects) against ``recount`` (SQL giving ``fields``, the first
    ``key_len`` the key), added to ``found``. ``nonzero``: rows whose values are all 0 count as absent;
    ``duplicates``: also rows of one key stored twice (a table without a unique key)."""
    table, name = model._meta.db_table, model._meta.verbose_name
    cols, keys = ", ".join(fields), fields[:key_len]
    key_cols = ", ".join(keys)
    w, wparams = where
    zero = " AND NOT (" + " AND ".join(f"{c} = 0" for c in fields[key_len:]) + ")" if nonzero else ""
    stored = f"SELECT {cols} FROM {table} WHERE {w}{zero}"
    sql, params = recount
    with connection.cursor() as cursor:
        recounted, missing, extra = (_scratch(cursor, t, cols, model) for t in ("rollup_recount", "rollup_missing",
                                                                              "rollup_extra"))  # fmt: skip
        counted = f"SELECT {cols} FROM {recounted} WHERE 1 = 1{zero}"
        cursor.execute(f"INSERT INTO {recounted} ({cols}) {sql}", params)
        for diff, a, b in ((missing, counted, stored), (extra, stored, counted)):
            cursor.execute(f"INSERT INTO {diff} ({cols}) {a} EXCEPT {b}", wparams)
        both = f"SELECT {key_cols} FROM {missing} UNION SELECT {key_cols} FROM {extra}"
        cursor.execute(f"SELECT COUNT(*) FROM ({both}) d")
        found.total += cursor.fetchone()[0]
        room = max(shown - len(found), 0)
        on = {t: " AND ".join(f"{t}.{k} = d.{k}" for k in keys) for t in ("a", "b")}
        values = ", ".join(f"{t}.{c}" for t in ("a", "b") for c in fields[key_len:])
        order = ", ".join(str(i + 1) for i in range(key_len))
        cursor.execute(
            f"SELECT {', '.join(f'd.{k}' for k in keys)}, a.{keys[0]}, b.{keys[0]}, {values} "
            f"FROM ({both} ORDER BY {order} LIMIT {int(room)}) d "
            f"LEFT JOIN {missing} a ON {on['a']} LEFT JOIN {extra} b ON {on['b']} ORDER BY {order}"
        )
        n = len(fields) - key_len
        for row in cursor.fetchall():
            k, in_count, in_store = _key(row, key_len), row[key_len] is not None, row[key_len + 1] is not None
            expected, kept = _values(row[key_len + 2 : key_len + 2 + n]), _values(row[key_len + 2 + n :])
            if in_count and in_store:
                found.append(f"{name}: {k} lưu {kept}, đếm lại {expected}")
            elif in_count:
                found.append(f"{name}: thiếu {k} = {expected}")
            else:
                found.append(f"{name}: thừa {k} = {kept}")
        if duplicates:
            cursor.execute(
                f"SELECT {key_cols} FROM {table} WHERE {where[0]} GROUP BY {key_cols} HAVING COUNT(*) > 1 "
                f"ORDER BY {order}",
                where[1],
            )
            for row in cursor.fetchall():
                found.total += 1
                if len(found) < shown:
                    found.append(f"{name}: dòng trùng {_key(row, key_len)}")
        for t in (recounted, missing, extra):  # emptied, not dropped: see ``_scratch``
            cursor.execute(f"TRUNCATE {t}" if connection.vendor == "postgresql" else f"DELETE FROM {t}")


def _organization_batches(batch: int | None, *models):
    """[first, next) ranges of organization ids covering every row of ``models`` (one range when ``batch`` is None)."""
    top = max((m.objects.aggregate(n=Max("organization_id"))["n"] or 0 for m in models), default=0)
    step = batch or top + 1
    return [(first, first + step) for first in range(0, top + 1, step)]


def check(batch: int | None = 2000, shown: int = 200) -> Differences:
    """Every stored row against a recount by the database, organization by organization in batches of ``batch`` ids
    (None: all at once): the differences, in words (empty when the rollups are right; ``.total``: how many)."""
    found = Differences()
    if state() is None:
        found.append("Chưa dựng số liệu tổng hợp (dangbo rollups rebuild).")
        found.total = 1
        return found
    for between in _organization_batches(batch, MemberPeriod, MemberMonth, MemberMove):
        where = ("organization_id >= %s AND organization_id < %s", list(between))
        _compare(MemberMonth, MONTH_FIELDS, 3, _month_select(between=between), found, where=where, nonzero=True,
                 shown=shown)  # fmt: skip
        _compare(MemberMove, MOVE_FIELDS, 6, _move_select(between=between), found, where=where, nonzero=True,
                 duplicates=True, shown=shown)  # fmt: skip
    return check_meetings(batch, shown, found)


def check_meetings(
    batch: int | None = 2000, shown: int = 200, found: Differences | None = None
) -> Differences:
    """Every ``MeetingMonth`` row against a recount, organization by organization in batches of ``batch`` ids, then
    ``check_totals``: the differences, in words (added to ``found``)."""
    from dangbo.meetings.models import Meeting

    found = Differences() if found is None else found
    if not meetings_built():
        found.append("Chưa dựng số liệu tổng hợp sinh hoạt chi bộ (dangbo rollups rebuild).")
        found.total += 1
        return found
    for between in _organization_batches(batch, Meeting, MeetingMonth):
        where = ("organization_id >= %s AND organization_id < %s", list(between))
        _compare(MeetingMonth, MEETING_FIELDS, MEETING_KEY, _meeting_select(organizations=between), found,
                 where=where, shown=shown)  # fmt: skip
    return check_totals(shown, found)


def check_totals(shown: int = 200, found: Differences | None = None) -> Differences:
    """Every ``MeetingTotal`` row against a recount from the meetings (see «Checking» above for how it differs from
    ``rebuild_totals``): the differences, in words. Rows of zeros count as absent."""
    found = Differences() if found is None else found
    # no quarter (no meetings): one that holds none, VALUES needs a row
    quarters = _quarters() or [dt.date(1, 1, 1)]
    fields = ["org_path", "month", "upper_grade", "self_grade", *TOTAL_COLUMNS]
    cells, params = _meeting_select()
    spans = ", ".join(["(%s, %s)"] * len(quarters))
    adapt = connection.ops.adapt_datefield_value
    params = [*params, *(adapt(d) for q in quarters for d in (q, add_months(q, 3)))]
    sums = ", ".join(f"SUM({c})" for c in TOTAL_COLUMNS)
    recount = (
        f"WITH RECURSIVE cell({', '.join(MEETING_FIELDS)}) AS ({cells}), "
        f"q(q_first, q_next) AS (VALUES {spans}), "
        f"up(path, prefix) AS (SELECT DISTINCT org_path, CAST(org_path AS text) FROM cell "
        f"UNION ALL SELECT path, rtrim(rtrim(prefix, '.'), '0123456789') FROM up "
        f"WHERE rtrim(rtrim(prefix, '.'), '0123456789') <> '') "
        f"SELECT prefix, month, g_up, g_own, {sums} FROM ("
        f"SELECT up.prefix, c.month, COALESCE(c.upper_grade_id, 0) AS g_up, COALESCE(c.self_grade_id, 0) AS g_own, "
        f"{', '.join(f'c.{col}' for col in TOTAL_SUMS)}, 0 AS thematic_cells FROM cell c JOIN up ON up.path = c.org_path "
        f"UNION ALL SELECT up.prefix, q.q_first, 0, 0, {', '.join('0' for _ in TOTAL_SUMS)}, COUNT(DISTINCT c.organization_id) "
        f"FROM cell c JOIN q ON c.month >= q.q_first AND c.month < q.q_next JOIN up ON up.path = c.org_path "
        f"WHERE c.thematic_held > 0 GROUP BY up.prefix, q.q_first"
        f") t GROUP BY prefix, month, g_up, g_own"
    )
    _compare(MeetingTotal, fields, 4, (recount, params), found, nonzero=True, shown=shown)
    return found
