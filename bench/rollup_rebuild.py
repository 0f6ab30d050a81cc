#!/usr/bin/env python
"""Timing of the full rebuild of the member rollups (``reports.rollups.services.rebuild``): the ``MemberMonth`` rows
from the steps of each cell's roll (``_month_delta_select``, what ``rebuild`` runs) against the per-month select
(``_month_select``: every roll period joined to every month it covers, what ``rebuild`` ran before), alternating, each
run inside a transaction that is rolled back (the stored rows stay as they were); then ``MemberMove``'s select once.
``--compare`` also counts the rows one select gives and the other does not (EXCEPT, both ways): 0 and 0 expected.
Prints figures with the load average, asserts nothing.

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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=2, help="runs of each select")
    parser.add_argument("--skip-old", action="store_true", help="time only the select that rebuild runs")
    parser.add_argument("--compare", action="store_true", help="count the rows the two selects disagree on")
    args = parser.parse_args()
    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import load_average, print_environment, require_synthetic  # bench/common.py
    from django.db import connection, transaction

    from dangbo.core.dates import today
    from dangbo.reports.models import MemberMonth, MemberMove
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
