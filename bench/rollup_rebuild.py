#!/usr/bin/env python
"""Timing of the full rebuild of the member rollups (``reports.rollups.services.rebuild``): the ``MemberMonth`` rows
from the steps of each cell's roll (``_month_delta_select``, what ``rebuild`` runs) against the per-month select
(``_month_select``: every roll period joined to every month it covers, what ``rebuild`` ran before), alternating, each
run inside a transaction that is rolled back (the stored rows stay as they were); then ``MemberMove``'s select once.
``--compare`` also counts the rows one select gives and the other does not (EXCEPT, both ways): 0 and 0 expected.
``--totals`` times ``rebuild_totals`` (the meetings at every level, ``MeetingTotal``, from ``MeetingMonth``) the same
way; ``--check`` times ``dangbo rollups check`` part by part (the member rollups, ``MeetingMonth``,
``MeetingTotal``), and ``--only`` skips the member rebuild. ``--meetings`` first adds meetings to every cell of the
synthetic province for 2023–2025 (once: regular meetings graded, thematic ones in some quarters; see
``add_meetings``) and rebuilds the meeting rollups, so that the totals have years of meetings to sum. Prints figures with the load average, asserts nothing.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_rollups .venv/bin/python bench/rollup_rebuild.py -n 2
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


MEETING_YEARS = (2023, 2024, 2025)


def add_meetings() -> int:
    """Once per database: every cell of the synthetic province holds a regular meeting most months of MEETING_YEARS
    (graded by itself and by the upper level), a thematic meeting in about a third of the quarters and some other
    meetings; written in bulk (not through the services), then the meeting rollups are rebuilt. The meetings of
    ``bench/meetings_grid.py`` (regular ones in 2025) are kept: the years here are added beside them."""
    import datetime as dt
    import random

    from django.db import connection, transaction
    from django.utils import timezone

    from dangbo.core.dates import now
    from dangbo.meetings.models import GradeLevel, Meeting
    from dangbo.organizations.choices import CELL_KINDS
    from dangbo.organizations.models import Organization
    from dangbo.reports.rollups import services

    if Meeting.objects.filter(kind="chuyen_de", month__year=MEETING_YEARS[0]).exists():
        return 0
    rng = random.Random(11)
    grades = list(GradeLevel.objects.values_list("pk", flat=True)) or [None]
    cells = list(Organization.objects.filter(kind__in=CELL_KINDS).values_list("pk", "path"))
    taken = set(Meeting.objects.filter(kind="thuong_ky").values_list("organization_id", "month"))
    stamp, rows = now(), []
    for pk, path in cells:
        for year in MEETING_YEARS:
            for month in range(1, 13):
                first = dt.date(year, month, 1)
                day = timezone.make_aware(dt.datetime(year, month, rng.randint(1, 20), 14))
                common = {"organization_id": pk, "org_path": path, "month": first, "planned_at": day,
                          "created_at": stamp, "updated_at": stamp}  # fmt: skip
                if (pk, first) not in taken and rng.random() > 0.04:
                    base = rng.randint(8, 40)
                    rows.append(Meeting(kind="thuong_ky", state="da_hop" if rng.random() > 0.02 else "du_kien",
                                        base_count=base, present_count=base - rng.randint(0, 3),
                                        unexcused_count=rng.randint(0, 1), criteria_passed=rng.randint(3, 6),
                                        criteria_total=6, self_grade_id=rng.choice(grades),
                                        upper_grade_id=rng.choice(grades) if rng.random() < 0.7 else None,
                                        **common))  # fmt: skip
                if month % 3 == 2 and rng.random() < 0.35:
                    rows.append(Meeting(kind="chuyen_de", topic="Chuyên đề", state="da_hop", **common))
                if rng.random() < 0.03:
                    rows.append(Meeting(kind="bat_thuong", state="da_hop", **common))
    with transaction.atomic():
        Meeting.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE meetings_meeting")
    services.rebuild_meetings()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=2, help="runs of each select")
    parser.add_argument("--skip-old", action="store_true", help="time only the select that rebuild runs")
    parser.add_argument("--compare", action="store_true", help="count the rows the two selects disagree on")
    parser.add_argument("--totals", action="store_true", help="time rebuild_totals (MeetingTotal)")
    parser.add_argument("--check", action="store_true", help="time the check, part by part")
    parser.add_argument("--meetings", action="store_true", help="first add meetings for 2023–2025 (once)")
    parser.add_argument("--only", action="store_true", help="with --totals/--check: not the member rebuild")
    args = parser.parse_args()
    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import load_average, print_environment, require_synthetic  # bench/common.py
    from django.db import connection, transaction

    from dangbo.core.dates import today
    from dangbo.reports.models import MeetingMonth, MeetingTotal, MemberMonth, MemberMove
    from dangbo.reports.rollups import selectors, services

    print_environment(require_synthetic())
    s = selectors.state()
    through = s.through if s is not None else today().replace(day=1)
    if s is None:
        sys.exit("Chưa dựng số liệu tổng hợp (dangbo rollups rebuild): cần lịch các tháng.")
    selects = {
        "steps, indexes built after (rebuild)": lambda: services._month_delta_select(through),
        "steps, indexes kept": lambda: services._month_delta_select(through),
    }
    if not args.skip_old:
        selects["per-month (before)"] = services._month_select

    def cpu() -> float:
        """CPU seconds of the database work: the PostgreSQL backend's (from /proc, the server runs here; its
        parallel workers not counted), or this process's (SQLite)."""
        if connection.vendor != "postgresql":
            return time.process_time()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the server runs elsewhere
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def timed(model, fields, select, indexes_after=False) -> tuple[float, float, int]:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"TRUNCATE {model._meta.db_table}")
            else:
                model.objects.all().delete()
            c0, t0 = cpu(), time.perf_counter()
            if indexes_after:
                with services._indexes_built_after(model):
                    services._insert(model, fields, select, ordered=True)
            else:
                services._insert(model, fields, select, ordered=True)
            elapsed, used = time.perf_counter() - t0, cpu() - c0
            rows = model.objects.count()
            transaction.set_rollback(True)
        return elapsed, used, rows

    def both(name: str, fn, rows=None, rollback=False) -> None:
        """Time ``fn()`` (wall, this process's CPU and the database backend's when it is PostgreSQL)."""
        with transaction.atomic():
            c0, p0, t0 = cpu(), time.process_time(), time.perf_counter()
            out = fn()
            elapsed, used, python = time.perf_counter() - t0, cpu() - c0, time.process_time() - p0
            shown = f"{rows():,} rows" if rows is not None else f"{len(out):,} differences"
            transaction.set_rollback(rollback)
        backend = f", PostgreSQL backend CPU {used:.1f} s" if connection.vendor == "postgresql" else ""
        print(f"{name}: {shown}, {elapsed:.1f} s, CPU {python:.1f} s{backend}; {load_average()}", flush=True)

    if args.meetings:
        print(f"meetings added: {add_meetings():,}", flush=True)
    if args.totals or args.check:
        print(f"MeetingMonth {MeetingMonth.objects.count():,} rows", flush=True)
        for run in range(args.n if args.totals else 0):
            both(f"run {run + 1} rebuild_totals", services.rebuild_totals, MeetingTotal.objects.count, True)
        if args.check:
            both("check_totals", services.check_totals)
            both("check_meetings (MeetingMonth, then check_totals)", services.check_meetings)
            both("check (all)", services.check)
        if args.only:
            return
    for run in range(args.n):
        for name, select in selects.items():
            elapsed, used, rows = timed(MemberMonth, services.MONTH_FIELDS, select(), "after" in name)
            print(f"run {run + 1} MemberMonth {name}: {rows:,} rows, {elapsed:.1f} s, CPU {used:.1f} s "
                  f"({used / max(rows, 1) * 1e6:.1f} µs CPU/row); {load_average()}", flush=True)  # fmt: skip
    elapsed, used, rows = timed(MemberMove, services.MOVE_FIELDS, services._move_select())
    print(f"MemberMove: {rows:,} rows, {elapsed:.1f} s, CPU {used:.1f} s; {load_average()}", flush=True)
    if args.compare:
        new, new_params = services._month_delta_select(through)
        old, old_params = services._month_select()
        with connection.cursor() as cursor:
            for label, a, b, params in (("steps − per-month", new, old, new_params + old_params),
                                        ("per-month − steps", old, new, old_params + new_params)):  # fmt: skip
                t0 = time.perf_counter()
                cursor.execute(
                    f"SELECT COUNT(*) FROM (SELECT * FROM ({a}) x EXCEPT SELECT * FROM ({b}) y) d", params
                )
                print(f"{label}: {cursor.fetchone()[0]} rows ({time.perf_counter() - t0:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
