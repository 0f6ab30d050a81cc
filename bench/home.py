#!/usr/bin/env python
"""Benchmark of the home page («Việc của tôi») for a few users.

Times ``/`` through the full Django request path (test client) for each user: wall time p50/p95, the CPU time of
this process per request (what the server spends, less sensitive to a busy machine than wall time) and the number
of SQL statements. The first request of each user is reported apart ("cold": the reminders are computed); the
following ones read what is kept ("warm"). Prints the load average beside the figures; asserts nothing.

  DANGBO_DATA_DIR=/tmp/demo .venv/bin/python bench/home.py -n 20 tinhuy bankhoi bithu.chibo
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench .venv/bin/python bench/home.py -n 20 bench.staff
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
os.environ["DANGBO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import pct  # noqa: E402 - the percentile of every benchmark (bench/run.py)


def one(client, url: str) -> tuple[float, float, int]:
    """(wall s, CPU s, queries) of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        w, c = time.perf_counter(), time.process_time()
        resp = client.get(url)
        c, w = time.process_time() - c, time.perf_counter() - w
    assert resp.status_code == 200, (url, resp.status_code)
    return w, c, len(ctx.captured_queries)


def measure(username: str, n: int, url: str = "/") -> dict:
    from django.core.cache import cache
    from django.test import Client

    from dangbo.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    cache.clear()
    cold = one(client, url)
    runs = [one(client, url) for _ in range(n)]
    walls, cpus, queries = zip(*runs, strict=True)
    return {
        "user": username,
        "cold_ms": cold[0] * 1000,
        "cold_cpu_ms": cold[1] * 1000,
        "cold_q": cold[2],
        "p50": statistics.median(walls) * 1000,
        "p95": pct(list(walls), 0.95) * 1000,
        "cpu50": statistics.median(cpus) * 1000,
        "q": max(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--url", default="/")
    parser.add_argument("users", nargs="*", default=["bench.staff", "bench.grassroots"])
    args = parser.parse_args()

    import django

    django.setup()
    from common import print_environment, require_synthetic  # bench/common.py

    print_environment(require_synthetic())
    from django.conf import settings
    from django.core.management import call_command

    if not (
        Path(settings.STATIC_ROOT) / "staticfiles.json"
    ).exists():  # the pages use the hashed static names
        call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection

    print(
        f"home page {args.url} on {connection.vendor}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    for user in args.users:
        r = measure(user, args.n, args.url)
        print(
            f"  {r['user']:<14} cold {r['cold_ms']:8.1f} ms (CPU {r['cold_cpu_ms']:7.1f}, q={r['cold_q']:3})"
            f"  warm p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  CPU p50 {r['cpu50']:6.1f} ms  q={r['q']}",
            flush=True,
        )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
