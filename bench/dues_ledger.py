#!/usr/bin/env python
"""Benchmark of the party-dues ledger at province scale: one row per member and month (``dues.DuesPayment``).

Needs the synthetic province (``dangbo synth province``); refuses a database that ``dangbo synth`` did not mark. Writes a basis for every member on a roll and YEAR's
twelve months of ledger rows for every cell of the province (once; a second run reuses them; COPY on
PostgreSQL), then times through the full Django request path: a cell's month sheet, the province's yearly
collection by child organization, a grassroots organization's month overview. Prints figures, asserts nothing.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_dues .venv/bin/python bench/dues_ledger.py -n 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from pathlib import Path

from common import make_cold, pct, print_environment, require_synthetic  # bench/common.py (sets up the paths)

YEAR = 2025


def ensure_ledger(province) -> int:
    from django.db import connection, transaction
    from django.db.models import Q

    from dangbo.core.policies import subtree_q
    from dangbo.demo.loader import _insert
    from dangbo.dues import services
    from dangbo.dues.models import DuesBasis, DuesPayment, DuesSheet, DuesTotal
    from dangbo.members.choices import ACTIVE_STATUSES
    from dangbo.members.models import MemberPeriod

    existing = DuesPayment.objects.filter(subtree_q(province.path, "org_path"), month__year=YEAR).count()
    if existing:
        if not DuesTotal.objects.filter(month__year=YEAR).exists():  # a ledger written before the rollup
            t = time.perf_counter()
            n = services.totals_rebuild([dt.date(YEAR, m, 1) for m in range(1, 13)])
            print(f"rollup: {n:,} totals per organization and month in {time.perf_counter() - t:.1f} s")
        return existing
    rng = random.Random(16)
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)
    periods = (
        MemberPeriod.objects.filter(subtree_q(province.path, "org_path"), Q(valid_to__isnull=True) | Q(valid_to__gt=start),
                                    valid_from__lt=end, status__in=ACTIVE_STATUSES)
        .order_by("member_id", "valid_from").values_list("member_id", "organization_id", "org_path", "valid_from", "valid_to")
    )  # fmt: skip
    months = [dt.date(YEAR, m, 1) for m in range(1, 13)]
    owner: dict[tuple[int, dt.date], tuple[int, str]] = {}
    for member_id, org_id, path, since, until in periods.iterator(chunk_size=20000):
        for i, month in enumerate(months):
            nxt = months[i + 1] if i < 11 else end
            if since < nxt and (until is None or until > month):
                owner.setdefault((member_id, month), (org_id, path))
    members = sorted({m for m, _ in owner})
    owed_of = {m: rng.randrange(40, 160) * 1000 for m in members}
    t = time.perf_counter()
    with transaction.atomic():
        _insert(DuesBasis, ["member", "valid_from", "group", "basis", "exemption", "reduction_percent", "decision_no",
                            "created_at", "updated_at"],
                ((m, start, "luong_bhxh", owed_of[m] * 100, "", 0, "", dt.datetime.now(dt.UTC), dt.datetime.now(dt.UTC))
                 for m in members))  # fmt: skip
        stamp = dt.datetime.now(dt.UTC)
        _insert(DuesPayment, ["member", "month", "organization", "org_path", "owed", "paid", "paid_on", "way", "updated_at"],
                ((m, month, org, path, owed_of[m], 0 if rng.random() < 0.03 else owed_of[m], month + dt.timedelta(days=5),
                  "tien_mat", stamp) for (m, month), (org, path) in owner.items()))  # fmt: skip
        sheets: dict[tuple[int, dt.date], list] = {}
        for (m, month), (org, path) in owner.items():
            tot = sheets.setdefault((org, month), [path, 0, 0, 0])
            tot[1], tot[2], tot[3] = tot[1] + 1, tot[2] + owed_of[m], tot[3] + owed_of[m]
        _insert(DuesSheet, ["organization", "month", "org_path", "version", "members", "owed", "paid", "updated_at"],
                ((o, mo, path, 1, n, owed, paid, stamp) for (o, mo), (path, n, owed, paid) in sheets.items()))  # fmt: skip
        services.totals_rebuild(months)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute(
                "ANALYZE dues_duespayment; ANALYZE dues_duesbasis; ANALYZE dues_duessheet; ANALYZE dues_duestotal"
            )
    print(
        f"ledger: {len(owner):,} rows for {len(members):,} members written in {time.perf_counter() - t:.1f} s"
    )
    return len(owner)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument(
        "--only", default="", help="run the operations whose name matches this regular expression"
    )
    parser.add_argument("--generate", action="store_true",
                        help="also time the job writing January of the next year's amounts owed for the province")  # fmt: skip
    parser.add_argument("--cold", type=int, default=3, help="cold requests per page (bench/common.make_cold)")
    args = parser.parse_args()
    import django

    django.setup()
    mark = require_synthetic()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangbo.accounts.models import User
    from dangbo.core.policies import subtree_q
    from dangbo.organizations.choices import CELL_KINDS
    from dangbo.organizations.models import Organization

    if not (
        Path(settings.STATIC_ROOT) / "staticfiles.json"
    ).exists():  # the pages use the hashed static names
        call_command("collectstatic", interactive=False, verbosity=0)
    province = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    rows = ensure_ledger(province)
    client = Client()
    client.force_login(User.objects.get(username="bench.staff"))
    rng = random.Random(3)
    cells = list(Organization.objects.filter(subtree_q(province.path), kind__in=CELL_KINDS, official_count__gt=0)
                 .values_list("pk", flat=True)[:5000])  # fmt: skip
    grassroots = list(Organization.objects.filter(parent__parent=province).values_list("pk", flat=True)[:500])
    ops = {
        "cell month sheet (page)": lambda: f"/dang-phi/chi-bo/{rng.choice(cells)}/?thang=06/{YEAR}",
        "province year by child (page)": lambda: f"/dang-phi/?to_chuc={province.pk}&nam={YEAR}",
        "grassroots month overview (page)": lambda: (
            f"/dang-phi/?to_chuc={rng.choice(grassroots)}&thang=06/{YEAR}"
        ),
        "cell dues book XLSX": lambda: f"/dang-phi/chi-bo/{rng.choice(cells)}/so-thu-nop.xlsx?nam={YEAR}",
    }
    print_environment(mark)
    print(f"{connection.vendor}: {rows:,} ledger rows in {YEAR}; {len(cells):,} cells sampled")
    import re

    if args.generate:
        time_generation(province)
    for name, url in ops.items():
        if args.only and not re.search(args.only, name):
            continue
        cold = []
        for _ in range(args.cold):
            make_cold()
            t = time.perf_counter()
            client.get(url())
            cold.append((time.perf_counter() - t) * 1000)
        client.get(url())  # warm
        times, cpu, sql, queries = [], [], [], 0
        for _ in range(args.n):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t, c = time.perf_counter(), time.process_time()
                response = client.get(url())
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            queries = len(ctx.captured_queries)
            sql.append(server_ms(connection, ctx.captured_queries))
        load = os.getloadavg()[0]
        print(f"  {name:36s} p50 {pct(times, 0.5):7.1f} ms   p95 {pct(times, 0.95):7.1f} ms   cold p50 {pct(cold, 0.5) if cold else 0:7.1f} ms   {queries} queries   "
              f"| CPU p50/p95 {pct(cpu, 0.5):5.1f}/{pct(cpu, 0.95):5.1f} ms + SQL p50/p95 {pct(sql, 0.5):5.1f}/{pct(sql, 0.95):5.1f} ms"
              f"   (load {load:.2f})")  # fmt: skip


def time_generation(province) -> None:
    """The month job (``dues.jobs``) over the province for January of the next year, from nothing: its rows,
    sheets and totals are deleted first, so every run writes the same."""
    from django.db import connection

    from dangbo.core.policies import subtree_q
    from dangbo.dues import jobs
    from dangbo.dues.models import DuesPayment, DuesSheet, DuesTotal
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job
    from dangbo.jobs.services import start_job

    month = dt.date(YEAR + 1, 1, 1)
    DuesPayment.objects.filter(subtree_q(province.path, "org_path"), month=month).delete()
    DuesSheet.objects.filter(subtree_q(province.path, "org_path"), month=month).delete()
    DuesTotal.objects.filter(month=month).delete()
    Job.objects.filter(kind=jobs.KIND, state__in=("cho", "dang_chay")).update(
        state="loi"
    )  # an earlier run stopped
    job = start_job(actor=None, kind=jobs.KIND, params={"thang": f"{month:%m/%Y}"}, scope_org=province)
    load = os.getloadavg()[0]
    t, c = time.perf_counter(), time.process_time()
    state = runner.execute(job.pk)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    job.refresh_from_db()
    rows = DuesPayment.objects.filter(subtree_q(province.path, "org_path"), month=month).count()
    print(f"  month job ({state}): {job.message}")
    print(f"  month job: {rows:,} rows in {wall:.1f} s wall ({rows / wall:,.0f} rows/s), {cpu:.1f} s CPU of this "
          f"process, batches of {jobs.BATCH} cells   (load {load:.2f} → {os.getloadavg()[0]:.2f})")  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE dues_duespayment; ANALYZE dues_duessheet; ANALYZE dues_duestotal")


def server_ms(connection, captured) -> float:
    """The database's own execution time of a request's SELECTs (EXPLAIN ANALYZE on PostgreSQL): with the
    process's CPU time, a figure the other work on a shared machine disturbs less than wall-clock time."""
    if connection.vendor != "postgresql":
        return 0.0
    total = 0.0
    with connection.cursor() as c:
        for q in captured:
            if q["sql"].lstrip().upper().startswith("SELECT"):
                c.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q["sql"])
                total += c.fetchone()[0][0]["Execution Time"]
    return total


if __name__ == "__main__":
    main()
