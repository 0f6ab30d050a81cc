#!/usr/bin/env python
"""Benchmark of the report rollups (reports/rollups.py) against the live counts (members/counts/selectors.py).

Needs the synthetic province (``dangbo synth province`` builds the rollups at the end of the load; an older database:
``dangbo rollups rebuild``). For the province, one directly-subordinate committee and one grassroots organization
it times, on the last day of a covered month: the headcount, the composition and the movement table of a half year
from the rollups and counted live, and the headcount section of the reporting layer (what the report pages and the
review report read), the count of organizations under it (headcount section) and the meetings section (the
grid of each year from the totals of every level). CPU time is printed beside wall time (the machine is shared). Prints figures, asserts nothing.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_rollups .venv/bin/python bench/report_rollups.py -n 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from run import pct  # noqa: E402 - the percentile of every benchmark (bench/run.py)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=20, help="repetitions per operation")
    parser.add_argument("--live", type=int, default=3, help="repetitions of the live counts (slow at scale)")
    args = parser.parse_args()
    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import print_environment, require_synthetic  # bench/common.py

    print_environment(require_synthetic())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.accounts.models import User
    from dangbo.core.dates import add_months
    from dangbo.members.counts import selectors as asof
    from dangbo.organizations.choices import GRASSROOTS_KINDS, OrgKind
    from dangbo.organizations.models import Organization
    from dangbo.reports import selectors
    from dangbo.reports.rollups import selectors as rollups

    state = rollups.state()
    if state is None:
        sys.exit("The rollups are not built: dangbo rollups rebuild.")
    province = Organization.objects.filter(kind=OrgKind.PROVINCE).order_by("pk").first()
    direct = Organization.objects.filter(parent=province).order_by("pk").first()
    grassroots = Organization.objects.filter(parent=direct, kind__in=GRASSROOTS_KINDS).order_by("pk").first()
    user = User.objects.get(username="bench.staff")  # the province's staff, written by dangbo synth
    on = state.through - dt.timedelta(days=1)  # the last day of the month before the watermark's
    start = add_months(on.replace(day=1), -5)  # six whole months
    print(f"database: {connection.vendor}; rollups through {state.through:%m/%Y}; figures on {on:%d/%m/%Y}, "
          f"movement {start:%d/%m/%Y}–{on:%d/%m/%Y}; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'operation':<58} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'queries':>8}")

    def measure(label: str, fn, n: int):
        wall, cpu = [], []
        for _ in range(n):
            with CaptureQueriesContext(connection) as q:
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                wall.append(1000 * (time.perf_counter() - t0))
                cpu.append(1000 * (time.process_time() - c0))
        print(f"{label:<58} {pct(wall, 0.5):8.1f} {pct(wall, 0.95):8.1f} {pct(cpu, 0.5):8.1f} "
              f"{len(q.captured_queries):8d}")  # fmt: skip

    for name, org in (("province", province), ("direct committee", direct), ("grassroots", grassroots)):
        measure(f"{name}: headcount, rollups", lambda org=org: rollups.headcount(org, on), args.n)
        measure(f"{name}: headcount, live", lambda org=org: asof.headcount(org, on), args.live)
        measure(f"{name}: composition, rollups", lambda org=org: rollups.composition(org, on), args.n)
        measure(f"{name}: composition, live", lambda org=org: asof.composition(org, on), args.live)
        measure(
            f"{name}: movement of a half year, rollups",
            lambda org=org: rollups.movement(org, start, on),
            args.n,
        )
        measure(
            f"{name}: movement of a half year, live", lambda org=org: asof.movement(org, start, on), args.live
        )
        measure(f"{name}: organizations under it (headcount section)",
                lambda org=org: selectors.organizations_on(org, on), args.n)  # fmt: skip
        measure(f"{name}: meetings section of the half year (reporting layer)",
                lambda org=org: selectors.build(user, org, start, on, keys={"meetings"}), args.n)  # fmt: skip
        measure(f"{name}: sections headcount + movement (reporting layer)",
                lambda org=org: selectors.build(user, org, start, on, keys={"headcount", "movement"}), args.n)  # fmt: skip


if __name__ == "__main__":
    main()
