#!/usr/bin/env python
"""Benchmarks of dangbo against the configured database, with the synthetic data set loaded.

Prints figures, asserts nothing. Every operation goes through the full Django request path (test client:
middleware, view, ORM, template) and, beside it, the same SQL re-executed on a raw DB-API cursor, so the
ratio shows what Django/templates add on top of the database.

  DATABASE_URL set → PostgreSQL; otherwise SQLite in $DANGBO_DATA_DIR (default ./var).
  See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import time
from pathlib import Path
from urllib.parse import urlencode

from common import (  # bench/common.py (sets up the paths)
    database_settings,
    load_average,
    make_cold,
    pct,
    print_environment,
    require_synthetic,
)

SEARCHES = [
    ("full name", "nguyen van hung"),
    ("full name, 4 words", "nguyen thi thu ha"),
    ("given name only", "hung"),
    ("family + middle", "tran thi"),
    ("family + middle (đ)", "dang van"),
    ("any order", "hung nguyen"),
    ("prefix of last word", "nguyen van hu"),
    ("rare family", "moong"),
]


def rss_kb() -> tuple[int, int]:
    """(current VmRSS, peak VmHWM) of this process in KiB."""
    cur = peak = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    return cur, peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Bench:
    def __init__(self, args):
        from django.db import connection
        from django.test import Client

        self.args = args
        self.connection = connection
        self.vendor = connection.vendor
        self.results: list[dict] = []
        self.clients: dict[str, Client] = {}

    def client(self, username: str):
        from django.test import Client

        from dangbo.accounts.models import User

        if username not in self.clients:
            c = Client()
            c.force_login(User.objects.get(username=username))
            self.clients[username] = c
        return self.clients[username]

    # ---- raw SQL
    def capture(self, client, url: str) -> list[tuple[str, object]]:
        """(sql, params) of every statement the request runs — replayed with the same parameters, because
        SQLite plans some statements differently with bound parameters than with literals."""
        captured: list[tuple[str, object]] = []

        def record(execute, sql, params, many, context):
            captured.append((sql, params))
            return execute(sql, params, many, context)

        with self.connection.execute_wrapper(record):
            resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        return captured

    def _native(self, sql: str) -> str:
        if self.vendor == "sqlite":  # what Django's SQLiteCursorWrapper does
            return re.sub(r"(?<!%)%s", "?", sql).replace("%%", "%")
        return sql

    def run_raw(self, sql: str, params=None) -> float:
        raw = self.connection.connection.cursor()
        if params is not None:
            sql = self._native(sql)
        t = time.perf_counter()
        if params is None:
            raw.execute(sql)
        else:
            raw.execute(sql, params)
        if raw.description is not None:
            raw.fetchall()
        elapsed = time.perf_counter() - t
        raw.close()
        return elapsed

    @staticmethod
    def readonly(sql: str) -> bool:
        return bool(re.match(r"\s*(SELECT|WITH)\b", sql, re.I))

    # ---- one operation
    def measure(self, label: str, url: str, user: str = "bench.staff") -> dict:
        n, warm = self.args.n, self.args.warmup
        client = self.client(user)
        cold = []
        for _ in range(self.args.cold):  # common.make_cold: new connection, every cache emptied
            make_cold()
            t = time.perf_counter()
            resp = client.get(url)
            cold.append(time.perf_counter() - t)
            assert resp.status_code == 200, (url, resp.status_code)
        slowest = 0.0
        for _ in range(max(warm, 1)):
            t = time.perf_counter()
            resp = client.get(url)
            slowest = max(slowest, time.perf_counter() - t)
            assert resp.status_code == 200, (url, resp.status_code)
        if slowest > 1.0:  # multi-second operations: a few repetitions tell enough
            n = min(n, 5)
        times, cpu = [], []
        size = 0
        for _ in range(n):
            c = time.process_time()
            t = time.perf_counter()
            resp = client.get(url)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            size = len(resp.content)
        queries = self.capture(client, url)
        reads = [(q, p) for q, p in queries if self.readonly(q)]
        per_query: list[list[float]] = [[] for _ in reads]
        totals = []
        self.connection.ensure_connection()
        for _ in range(warm):
            for q, p in reads:
                self.run_raw(q, p)
        for _ in range(n):
            total = 0.0
            for i, (q, p) in enumerate(reads):
                e = self.run_raw(q, p)
                per_query[i].append(e)
                total += e
            totals.append(total)
        p50 = statistics.median(times) * 1000
        raw50 = statistics.median(totals) * 1000 if totals else 0.0
        res = {
            "operation": label, "url": url, "user": user, "n": n,
            "p50": p50, "p95": pct(times, 0.95) * 1000,
            "raw50": raw50, "raw95": pct(totals, 0.95) * 1000 if totals else 0.0,
            "cpu50": statistics.median(cpu) * 1000,
            "cold50": statistics.median(cold) * 1000 if cold else float("nan"),
            "cold_max": max(cold) * 1000 if cold else float("nan"),
            "ratio": p50 / raw50 if raw50 else float("nan"), "queries": len(queries), "bytes": size,
            "slowest": sorted(
                ((statistics.median(t) * 1000, q, p) for t, (q, p) in zip(per_query, reads, strict=True)),
                key=lambda x: -x[0],
            )[:3],
        }  # fmt: skip
        self.results.append(res)
        print(f"  {label:<44} p50 {res['p50']:8.2f} ms  p95 {res['p95']:8.2f}  cpu {res['cpu50']:6.2f}  "
              f"cold {res['cold50']:8.2f}  raw {raw50:8.2f}  q={len(queries)}", flush=True)  # fmt: skip
        return res

    # ---- prototypes: raw SQL alternatives, each timed like the captured queries
    def prototype(self, label: str, sql: str, params=None) -> None:
        first = max(self.run_raw(sql, params) for _ in range(max(1, self.args.warmup)))
        reps = self.args.n if first < 1.0 else min(self.args.n, 3)  # spare the multi-second ones
        times = [self.run_raw(sql, params) for _ in range(reps)]
        res = {"operation": label, "p50": statistics.median(times) * 1000, "p95": pct(times, 0.95) * 1000}
        print(f"  {label:<60} p50 {res['p50']:8.2f} ms  p95 {res['p95']:8.2f}", flush=True)
        self.results.append({**res, "prototype": True, "sql": sql, "params": params})

    def explain(self, sql: str, params=None) -> str:
        raw = self.connection.connection.cursor()
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if self.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        if params is None:
            raw.execute(prefix + sql)
        else:
            raw.execute(prefix + self._native(sql), params)
        rows = raw.fetchall()
        raw.close()
        return "\n".join("    " + " | ".join(str(c) for c in r) for r in rows)


def middle_id(qs) -> int:
    """The id of the member in the middle of ``qs`` in list order (name_sort, id)."""
    n = qs.count()
    return qs.order_by("name_sort", "id").values_list("id", flat=True)[n // 2]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=30, help="timed repetitions per operation (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed repetitions first (default 3)")
    parser.add_argument("--cold", type=int, default=3,
                        help="cold requests per operation, each after common.make_cold (default 3; 0: none)")  # fmt: skip
    parser.add_argument(
        "--load", choices=["province", "nation"], help="first load the synthetic data (empty DB)"
    )
    parser.add_argument("--members", type=int, help="with --load: override the number of members")
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of the slowest query of each operation"
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="print the 3 slowest SQL statements of each operation"
    )
    parser.add_argument(
        "--prototypes", action="store_true", help="also time candidate query/index changes (raw SQL)"
    )
    parser.add_argument(
        "--prototype-indexes",
        action="store_true",
        help="with --prototypes on PostgreSQL: build candidate indexes, time them, drop them",
    )
    parser.add_argument("--json", type=Path, help="write all results to this file")
    parser.add_argument("--only", help="regular expression: run only operations whose label matches")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if args.load:
        call_command("load_synthetic", args.load, members=args.members)
    mark = require_synthetic()

    from dangbo.accounts.models import User
    from dangbo.members.models import Member
    from dangbo.organizations.models import Organization

    load_info = None
    summary_file = settings.DATA_DIR / "load_synthetic.json"
    if summary_file.exists():
        load_info = {**(load_info or {}), **json.loads(summary_file.read_text())}
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    from django.db import connection

    vendor = connection.vendor
    staff = User.objects.get(username="bench.staff")
    secretary = User.objects.get(username="bench.grassroots")
    province = staff.roles.get().organization
    grassroots = secretary.roles.get().organization
    direct = Organization.objects.filter(parent=province).order_by("id")[len(_children(province)) // 2]
    scope = Member.objects.filter(org_path__gte=province.path, org_path__lt=province.path[:-1] + "/")
    n_scope = scope.count()
    print(
        f"dangbo bench — {vendor}, {Member.objects.count():,} members, {Organization.objects.count():,} orgs; "
        f"bench.staff scope {province.name} ({n_scope:,}); bench.grassroots at {grassroots.name}",
        flush=True,
    )
    print_environment(mark)
    b = Bench(args)
    only = re.compile(args.only) if args.only else None

    def op(label, url, user="bench.staff"):
        if only and not only.search(label):
            return None
        return b.measure(label, url, user)

    print(
        "Measuring (request path; raw SQL = every SELECT of the request re-run on a raw cursor)…", flush=True
    )
    for label, q in SEARCHES:
        op(f"search «{q}» ({label})", "/dang-vien/?" + urlencode({"q": q}))
    op("search «nguyen van hung», grassroots user", "/dang-vien/?q=nguyen+van+hung", "bench.grassroots")
    op("search «h» (one letter: every word starting with h)", "/dang-vien/?q=h")
    if not only or only.search("search «nguyen», next page"):
        from django.contrib.auth import get_user_model

        from dangbo.members.selectors import member_list

        staff = get_user_model().objects.get(username="bench.staff")
        after = member_list(actor=staff, params={"q": "nguyen"})[1].next_after
        op("search «nguyen», next page (sau=)", "/dang-vien/?" + urlencode({"q": "nguyen", "sau": after}))
    op(
        "search «hung» + gender + theory",
        "/dang-vien/?" + urlencode({"q": "hung", "gender": "nu", "political_theory": "trung_cap"}),
    )

    mid = middle_id(scope)
    op("list page 1 (province scope)", "/dang-vien/")
    op("list deep page (sau=middle)", f"/dang-vien/?sau={mid}")
    filt = {"status": "chinh_thuc", "gender": "nu", "political_theory": "trung_cap"}
    fqs = scope.filter(**filt)
    fmid = middle_id(fqs)
    op("list filtered page 1 (status+gender+theory)", "/dang-vien/?" + urlencode(filt))
    op("list filtered deep page", "/dang-vien/?" + urlencode({**filt, "sau": fmid}))
    sub = {"organization": direct.pk}
    smid = middle_id(scope.filter(org_path__gte=direct.path, org_path__lt=direct.path[:-1] + "/"))
    op("list org-subtree page 1 (direct committee)", "/dang-vien/?" + urlencode(sub))
    op("list org-subtree deep page", "/dang-vien/?" + urlencode({**sub, "sau": smid}))
    op("list filtered + search «thi»", "/dang-vien/?" + urlencode({**filt, "q": "thi"}))
    op("list page 1, grassroots user", "/dang-vien/", "bench.grassroots")
    one = scope.order_by("id").values_list("id", flat=True)[n_scope // 3]
    op("member detail", f"/dang-vien/{one}/")
    op("org tree /to-chuc/", "/to-chuc/")
    op("org tree children of province (htmx)", f"/to-chuc/{province.pk}/con/")
    op("org detail: province", f"/to-chuc/{province.pk}/")
    op("org detail: direct committee", f"/to-chuc/{direct.pk}/")
    op("org detail: grassroots committee", f"/to-chuc/{grassroots.pk}/")
    cell = Organization.objects.filter(parent=grassroots).order_by("id").first()
    if cell:
        op("org detail: cell", f"/to-chuc/{cell.pk}/")

    cur_rss, peak_rss = rss_kb()
    n_main = len(b.results)
    if args.prototypes:
        print(
            "\nPrototypes (raw SQL p50/p95 on a raw cursor; request-level ones through the test client):",
            flush=True,
        )
        from prototypes import run_prototypes  # noqa: E402  (bench/prototypes.py)

        run_prototypes(b, province=province, direct=direct, mid=mid)

    # ---- the table
    print()
    print(f"Results — {vendor} ({connection.settings_dict['NAME']}), n={args.n} warm per operation; "
          f"cold = {args.cold} requests after common.make_cold (median)")  # fmt: skip
    print_environment(mark)
    header = (f"{'operation':<46} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cold p50':>8} "
              f"{'raw p50':>8} {'ratio':>6} {'#q':>3}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for r in b.results[:n_main]:
        print(
            f"{r['operation'][:46]:<46} {r['n']:>4} {r['p50']:>8.2f} {r['p95']:>8.2f} {r['cpu50']:>8.2f} "
            f"{r['cold50']:>8.2f} {r['raw50']:>8.2f} {r['ratio']:>6.1f} {r['queries']:>3}"
        )
    print("-" * len(header))
    print(f"memory: VmRSS {cur_rss / 1024:.0f} MiB, peak (VmHWM/maxrss) {peak_rss / 1024:.0f} MiB (this process = "
          f"the serving process: Django + test client)")  # fmt: skip
    if load_info:
        t = load_info.get("timings_s", {})
        print(
            f"bulk load ({load_info.get('scale')}, {load_info.get('vendor')}): {load_info.get('members', 0):,} members, "
            f"{load_info.get('organizations', 0):,} orgs in {load_info.get('total_s')} s total; member rows "
            f"{t.get('members')} s = {load_info.get('member_rows_per_s', 0):,} rows/s; "
            f"history ({load_info.get('events', 0):,} events, {load_info.get('periods', 0):,} periods) "
            f"{t.get('history')} s; orgs {t.get('organizations')} s; "
            f"indexes+constraints {t.get('indexes')} s; analyze {t.get('analyze')} s"
        )
    protos = b.results[n_main:]
    if protos:
        print(f"\nPrototypes — {vendor}")
        for r in protos:
            if r.get("prototype"):
                print(f"  {r['operation'][:62]:<62} p50 {r['p50']:9.2f} ms  p95 {r['p95']:9.2f}")
            else:
                print(
                    f"  {r['operation'][:62]:<62} p50 {r['p50']:9.2f} ms  p95 {r['p95']:9.2f}  raw {r['raw50']:8.2f}"
                )
    if args.breakdown:
        print("\nSlowest SQL statements per operation (raw p50 ms):")
        for r in b.results[:n_main]:
            print(f"  {r['operation']}")
            for ms, sql, params in r["slowest"]:
                print(f"    {ms:9.2f}  {_short(sql)}  {_short(repr(params), 60) if params else ''}")
    if args.explain:
        print("\nSlowest queries per operation (raw p50 ms):")
        for r in b.results[:n_main]:
            if not r["slowest"]:
                continue
            ms, sql, params = r["slowest"][0]
            print(f"\n## {r['operation']}  —  {ms:.2f} ms\n    {sql[:1500]}\n    params: {params!r}")
            print(b.explain(sql, params))
    if args.json:
        args.json.write_text(json.dumps({"vendor": vendor, "load": load_info, "rss_kb": [cur_rss, peak_rss],
                                         "machine": load_average(), "database": database_settings(),
                                         "results": b.results}, indent=2, default=str))  # fmt: skip


def _short(sql: str, width: int = 150) -> str:
    """The SQL without its long SELECT list: "SELECT … FROM …"."""
    sql = re.sub(r"\s+", " ", sql)
    sql = re.sub(r"^SELECT (.{60}).*? FROM ", r"SELECT \1… FROM ", sql)
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def _children(org):
    from dangbo.organizations.models import Organization

    return list(Organization.objects.filter(parent=org).values_list("id", flat=True))


if __name__ == "__main__":
    main()
