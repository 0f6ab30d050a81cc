#!/usr/bin/env python
"""Throughput of a running ``dangbo serve``: N concurrent clients for T seconds against one or more pages.

Each client is a thread with its own HTTP connection, logged in as ``bench.staff`` (a session written into the
database the server uses — no password is typed or created), asking the pages in turn as fast as answers come.
Prints requests/s, p50/p95/p99 latency and errors, with the machine's load average and the database settings.
Bounded: at most ``--seconds`` per level of concurrency. Refuses a database that ``dangbo synth`` did not mark.

  # terminal 1 (the server, with the same DATABASE_URL / DANGBO_DATA_DIR):
  .venv/bin/dangbo serve --no-worker --port 8801 --workers 2 --threads 1
  # terminal 2:
  .venv/bin/python bench/load.py --port 8801 --clients 1,4,16 --seconds 20
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import threading
import time

from common import pct, print_environment, require_synthetic  # bench/common.py (sets up the paths)


def session_cookie(username: str) -> str:
    """A logged-in session of ``username`` in the server's database (the test client's force_login)."""
    from django.test import Client

    from dangbo.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"sessionid={client.cookies['sessionid'].value}"


def run_level(host: str, port: int, paths: list[str], cookie: str, clients: int, seconds: float) -> dict:
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        mine, wrong = [], []
        conn = http.client.HTTPConnection(host, port, timeout=60)
        i = index
        start.wait()
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": host})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    wrong.append(f"{response.status} {path}")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=60)
            except (OSError, http.client.HTTPException) as error:
                wrong.append(f"{type(error).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(wrong)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return {
        "clients": clients,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": pct(latencies, 0.95) * 1000 if latencies else float("nan"),
        "p99": pct(latencies, 0.99) * 1000 if latencies else float("nan"),
        "errors": errors,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--clients", default="1,4,16", help="levels of concurrency, comma-separated (1,4,16)")
    parser.add_argument(
        "--seconds", type=float, default=20, help="duration of each level (default 20, max 120)"
    )
    parser.add_argument("--user", default="bench.staff", help="bench.staff (province) or bench.grassroots")
    parser.add_argument("--path", action="append", help="page(s) to ask, in turn (default: the member list)")
    parser.add_argument("--label", default="", help="what is being measured (printed), e.g. '2 sync workers'")
    args = parser.parse_args()
    seconds = min(max(args.seconds, 1.0), 120.0)
    paths = args.path or ["/dang-vien/"]

    import django

    django.setup()
    mark = require_synthetic()
    cookie = session_cookie(args.user)
    from django.db import connection

    print_environment(mark)
    connection.close()  # this process only asks over HTTP from now on
    print(f"server http://{args.host}:{args.port} {args.label}; user {args.user}; pages {', '.join(paths)}")
    warm = run_level(args.host, args.port, paths, cookie, 2, 2.0)  # fills the server's caches and connections
    if warm["errors"]:
        print(f"warm-up errors: {warm['errors'][:3]}")
    print(
        f"{'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'load1':>6}"
    )
    for level in [int(c) for c in args.clients.split(",") if c.strip()]:
        r = run_level(args.host, args.port, paths, cookie, level, seconds)
        print(
            f"{r['clients']:>7} {r['requests']:>9} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
            f"{r['p99']:>8.1f} {len(r['errors']):>7} {r['load']:>6.2f}",
            flush=True,
        )
        if r["errors"]:
            print(f"        first errors: {r['errors'][:3]}")
    print_environment(mark)


if __name__ == "__main__":
    main()
