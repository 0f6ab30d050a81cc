#!/usr/bin/env python
"""Benchmark of the cell-meeting grid (month × organization) at province scale.

Needs the synthetic province (``dangbo synth province``; on PostgreSQL the national data set works too: the grid
is asked for ``bench.staff``'s province, as ``bench.staff``). Refuses a database that ``dangbo synth`` did not mark. Adds one year of regular meetings to every cell of that province (once; a
second run reuses them), then times the grid page for the province, for one directly-subordinate committee and
for one grassroots organization, through the full Django request path — first counted from the meetings (the
meeting rollups switched off), then read from the rollups (``reports.MeetingTotal``, the totals of every level,
and a few ``reports.MeetingMonth`` cell rows; rebuilt here because the meetings above were written without the
services). Prints figures with the load average, asserts nothing.

``--read-only`` writes nothing (a database others measure, or that may not be written): the meetings must be there
already, nothing is rebuilt, and the grid is timed as the application reads it now (from the rollups when they are
built, else counted from the meetings) — the sessions of the test client and the shared cache aside, as every page.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench .venv/bin/python bench/meetings_grid.py -n 10
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench .venv/bin/python bench/meetings_grid.py --read-only
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

from common import (
    load_average,
    make_cold,
    pct,
    print_environment,
    require_synthetic,
)  # bench/common.py (sets up the paths)

YEAR = 2025


def ensure_meetings(province) -> int:
    """One regular meeting a month for every cell of the province in YEAR (a few missing, some thematic)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from dangbo.core.policies import subtree_q
    from dangbo.meetings.models import Meeting
    from dangbo.organizations.choices import CELL_KINDS
    from dangbo.organizations.models import Organization

    existing = Meeting.objects.filter(subtree_q(province.path, "org_path"), month__year=YEAR).count()
    if existing:
        return existing
    rng = random.Random(7)
    cells = list(
        Organization.objects.filter(subtree_q(province.path), kind__in=CELL_KINDS).values_list("pk", "path")
    )
    rows = []
    from dangbo.core.dates import now as clock_now

    now = clock_now()
    for pk, path in cells:
        weak = rng.random() < 0.05
        for month in range(1, 13):
            if rng.random() < (0.3 if weak else 0.02):
                continue
            day = dt.date(YEAR, month, rng.randint(1, 10))
            base = rng.randint(8, 40)
            present = base - rng.randint(0, 6 if weak else 2)
            rows.append(Meeting(
                organization_id=pk, org_path=path, kind="thuong_ky", month=day.replace(day=1),
                planned_at=timezone.make_aware(dt.datetime(YEAR, month, day.day, 14)), state="da_hop",
                base_count=base, present_count=present, unexcused_count=rng.randint(0, 1) if weak else 0,
                criteria_passed=rng.randint(3, 6), criteria_total=6, created_at=now, updated_at=now,
            ))  # fmt: skip
    t0 = time.perf_counter()
    with transaction.atomic():
        Meeting.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE meetings_meeting")
    print(f"  added {len(rows):,} meetings for {len(cells):,} cells in {time.perf_counter() - t0:.1f} s")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=10, help="repetitions per page")
    parser.add_argument("--cold", type=int, default=3, help="cold requests per page (bench/common.make_cold)")
    parser.add_argument("--read-only", action="store_true",
                        help="add no meetings, rebuild nothing: time the grid as the application reads it now")  # fmt: skip
    args = parser.parse_args()
    import logging

    import django

    django.setup()
    logging.getLogger("dangbo.request").setLevel(logging.WARNING)  # one line per request otherwise
    mark = require_synthetic()
    from django.conf import settings
    from django.core.management import call_command

    if not (
        Path(settings.STATIC_ROOT) / "staticfiles.json"
    ).exists():  # the pages use the hashed static names
        call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # so that response.context is captured (the rows count); settings stay as they are

    from dangbo.accounts.models import User
    from dangbo.organizations.choices import GRASSROOTS_KINDS
    from dangbo.organizations.models import Organization

    user = User.objects.filter(username="bench.staff").first()  # created by dangbo synth, never here
    if user is None:
        sys.exit("No bench.staff: load the synthetic data set first (dangbo synth province).")
    province = user.roles.get().organization
    if args.read_only:
        from dangbo.core.policies import subtree_q
        from dangbo.meetings.models import Meeting

        n = Meeting.objects.filter(subtree_q(province.path, "org_path"), month__year=YEAR).count()
    else:
        n = ensure_meetings(province)
    direct = Organization.objects.filter(parent=province).order_by("pk").first()
    grassroots = Organization.objects.filter(parent=direct, kind__in=GRASSROOTS_KINDS).order_by("pk").first()
    client = Client()
    client.force_login(user)
    print_environment(mark)
    print(f"database: {connection.vendor}; meetings in {YEAR} under {province.name}: {n:,}; as bench.staff")
    from dangbo.reports.models import MeetingMonth, MeetingTotal, RollupState
    from dangbo.reports.rollups import selectors as rolled
    from dangbo.reports.rollups import services as rollups

    if args.read_only:
        measure(client, args, "rollups" if rolled.meetings_built() else "live", province, direct, grassroots)
        return
    RollupState.objects.update(meetings_built_at=None)  # counted from the meetings
    measure(client, args, "live", province, direct, grassroots)
    t0 = time.perf_counter()
    rollups.rebuild_meetings()
    print(
        f"  meeting rollups rebuilt: {MeetingMonth.objects.count():,} cell rows, {MeetingTotal.objects.count():,} "
        f"rows of every level in {time.perf_counter() - t0:.1f} s"
    )
    measure(client, args, "rollups", province, direct, grassroots)


def measure(client, args, mode: str, province, direct, grassroots) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.meetings import selectors as meeting_selectors
    from dangbo.reports.rollups import selectors as rolled

    source = rolled.meeting_counts if mode == "rollups" else meeting_selectors.live_counts
    print(f"{load_average()}")
    print(
        f"{'page (' + mode + ')':<48} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cold p50':>8} {'queries':>8}"
        f" {'rows':>6} {'grid() p50':>10} {'p95':>6} {'cpu p50':>7}"
    )
    for label, org in (("grid: province (rows = direct committees)", province),
                       ("grid: direct committee (rows = grassroots)", direct),
                       ("grid: grassroots organization (rows = cells)", grassroots)):  # fmt: skip
        url = f"/sinh-hoat/theo-doi/?to_chuc={org.pk}&nam={YEAR}"
        cold = []
        for _ in range(args.cold):
            make_cold()
            t0 = time.perf_counter()
            client.get(url)
            cold.append(1000 * (time.perf_counter() - t0))
        times, cpus = [], []
        for _ in range(args.n):
            with CaptureQueriesContext(connection) as q:
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(1000 * (time.perf_counter() - t0))
                cpus.append(1000 * (time.process_time() - c0))
            assert response.status_code == 200
        rows = len(response.context["rows"])
        user = response.wsgi_request.user
        direct, direct_cpu = [], []  # the grid's figures alone, without the page around them
        for _ in range(args.n):
            t0, c0 = time.perf_counter(), time.process_time()
            meeting_selectors.grid(user, org, YEAR, source=source)
            direct.append(1000 * (time.perf_counter() - t0))
            direct_cpu.append(1000 * (time.process_time() - c0))
        print(
            f"{label:<48} {pct(times, 0.5):8.0f} {pct(times, 0.95):8.0f} {pct(cpus, 0.5):8.1f} "
            f"{pct(cold, 0.5) if cold else 0:8.0f} {len(q.captured_queries):8d} {rows:6d} {pct(direct, 0.5):10.1f} "
            f"{pct(direct, 0.95):6.1f} {pct(direct_cpu, 0.5):7.1f}"
        )


if __name__ == "__main__":
    main()
