#!/usr/bin/env python
"""Benchmark of opening an evaluation campaign as a background job (``evaluation/jobs.py``) at province scale.

Needs the synthetic province (``dangbo synth province``) in its own database, e.g.

  createdb -h 127.0.0.1 -U postgres dangbo_evaluation
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_evaluation DANGBO_DATA_DIR=/tmp/evaluation-bench
  .venv/bin/dangbo migrate && .venv/bin/dangbo synth province
  .venv/bin/python bench/evaluation_open.py -n 3

Each round queues the job as ``bench.staff`` (the province's staff) for the whole province (every member on the
roll on 31/12 of YEAR, and its directly subordinate organizations), runs it in this process with the job runner
(``jobs.runner.execute``, as the worker would), and prints the wall time, this process's CPU time, the number of
SQL statements, the progress the job page showed, and then deletes the campaign again. Prints figures, asserts
nothing. Also times the page a grassroots secretary opens on that campaign (their share of it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
os.environ["DANGBO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from run import pct  # noqa: E402 - the percentile of every benchmark (bench/run.py)

YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3, help="rounds")
    args = parser.parse_args()
    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import print_environment, require_synthetic  # bench/common.py

    print_environment(require_synthetic())
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangbo.accounts.models import User
    from dangbo.core import dates
    from dangbo.evaluation import jobs
    from dangbo.evaluation.models import Campaign, Rating
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job

    staff = User.objects.get(username="bench.staff")
    province = staff.roles.select_related("organization").first().organization
    print(f"{connection.vendor}, {province.name}; load average {os.getloadavg()[0]:.2f}")
    walls, cpus = [], []
    for i in range(args.n):
        Campaign.objects.filter(authority=province, year=YEAR).delete()
        with dates.frozen(dt.date(YEAR + 1, 1, 5)):
            job = jobs.start_open(actor=staff, authority=province, year=YEAR, deadline=dt.date(YEAR + 1, 1, 25),
                                  period_kind="nam")  # fmt: skip
            cpu, wall = time.process_time(), time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                state = runner.execute(job.pk)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        job = Job.objects.get(pk=job.pk)
        n = Rating.objects.filter(campaign__authority=province, campaign__year=YEAR).count()
        walls.append(wall)
        cpus.append(cpu)
        print(f"round {i + 1}: {state}, {n:,} ratings in {wall:.2f} s wall, {cpu:.2f} s CPU of this process, "
              f"{len(queries)} SQL statements, progress {job.done:,}/{job.total or 0:,} "
              f"({n / wall:,.0f} ratings/s); load {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"open: p50 {pct(walls, 0.5):.2f} s wall, p50 {pct(cpus, 0.5):.2f} s CPU")
    # A grassroots secretary's share of the province campaign.
    campaign = Campaign.objects.get(authority=province, year=YEAR)
    secretary = User.objects.filter(username="bench.grassroots").first()
    from django.conf import settings
    from django.core.management import call_command

    if (
        connection.vendor == "postgresql"
    ):  # what autovacuum does after a bulk load: the counts read the index alone
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE evaluation_rating")
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    if secretary is not None:
        client = Client()
        client.force_login(secretary)
        times = []
        for _ in range(20):
            t = time.perf_counter()
            response = client.get(campaign.get_absolute_url())
            times.append(time.perf_counter() - t)
        print(f"campaign page as bench.grassroots: {response.status_code}, p50 {pct(times, 0.5) * 1000:.0f} ms, "
              f"p95 {pct(times, 0.95) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
