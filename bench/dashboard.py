#!/usr/bin/env python
"""Benchmark of the whole dashboard page («Tổng quan», ``/bao-cao/tong-quan/``) through the Django request path.

Three scopes, each as the user who would ask for it (users written by ``dangbo synth``; none is created here):
the province (``bench.staff``, the page's default scope: its own top organization), one directly-subordinate
committee of that province (``bench.staff`` with ``?organization=``) and one grassroots organization
(``bench.grassroots``, its default scope). For each: ``--cold`` requests after ``common.make_cold()`` (new
connection, in-process caches and the shared cache emptied), then ``--warmup`` untimed requests and ``-n`` timed
ones — wall time p50/p95, this process's CPU time p50/p95 (``time.process_time``: Python's work — view, ORM,
charts, template; on PostgreSQL the database's own work is not in it), the SQL time Django measured (waiting for
the server included) and the number of queries, with how many of them repeat an earlier one of the same request.

``--parts`` also times the page's figures alone (``reports.views._dashboard``: the sections, the series, the
movement and the charts, no template) so that the difference shows what the template and the request path add;
``--profile`` prints a cProfile of the warm requests of each scope (the functions of most own time);
``--save DIR`` writes each scope's HTML with the CSRF token and the CSP nonce taken out, so that two versions of
the code can be compared on the same database (``diff -r``). Refuses a database that ``dangbo synth`` did not
mark; writes nothing but the sessions of the test client and the shared cache's rows (as every page does).
Prints figures with the load average and the database settings; asserts nothing.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench .venv/bin/python bench/dashboard.py -n 30 --parts
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from common import (  # bench/common.py (sets up the paths)
    collect_static,
    load_average,
    make_cold,
    pct,
    print_environment,
    require_synthetic,
)

URL = "/bao-cao/tong-quan/"


def scopes():
    """[(label, username, query)] — the province, a direct committee and a grassroots organization."""
    from dangbo.accounts.models import User
    from dangbo.organizations.models import Organization

    staff = User.objects.filter(username="bench.staff").first()
    secretary = User.objects.filter(username="bench.grassroots").first()
    if staff is None:
        sys.exit("No bench.staff: load the synthetic data set first (dangbo synth province).")
    province = staff.roles.select_related("organization").first().organization
    direct = Organization.objects.filter(parent=province).order_by("pk").first()
    out = [("province (bench.staff)", "bench.staff", {}),
           (f"direct committee «{direct.name[:28]}» (bench.staff)", "bench.staff", {"organization": direct.pk})]  # fmt: skip
    if secretary is not None:
        out.append(("grassroots (bench.grassroots)", "bench.grassroots", {}))
    return out


def strip_tokens(html: str) -> str:
    """The page without what changes between two requests of the same data: the CSRF token and the CSP nonce."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def request(client, url: str):
    """One GET: (response, wall s, CPU s, SQL s as Django measured it, [sql of each query])."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        w, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        c, w = time.process_time() - c, time.perf_counter() - w
    assert response.status_code == 200, (url, response.status_code)
    return (
        response,
        w,
        c,
        sum(float(x["time"]) for x in q.captured_queries),
        [x["sql"] for x in q.captured_queries],
    )


def figures(values: list[float]) -> tuple[float, float]:
    return pct(values, 0.5) * 1000, pct(values, 0.95) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=20, help="timed warm requests per scope (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests before them (default 3)")
    parser.add_argument("--cold", type=int, default=3, help="cold requests per scope (default 3; 0: none)")
    parser.add_argument("--on", help="the page's day (dd/mm/yyyy; default: the page's own, last month's end)")
    parser.add_argument("--only", help="regular expression: only the scopes whose label matches")
    parser.add_argument("--parts", action="store_true", help="also time the page's figures and charts alone")
    parser.add_argument("--profile", action="store_true", help="cProfile of the warm requests of each scope")
    parser.add_argument(
        "--repeated", action="store_true", help="print the queries a request runs more than once"
    )
    parser.add_argument(
        "--save", type=Path, help="write each scope's HTML (tokens taken out) into this folder"
    )
    args = parser.parse_args()
    import django

    django.setup()
    logging.getLogger("dangbo.request").setLevel(logging.WARNING)  # one line per request otherwise
    mark = require_synthetic()
    collect_static()
    from django.db import connection
    from django.test import Client

    from dangbo.accounts.models import User

    print_environment(mark)
    chosen = [s for s in scopes() if not args.only or re.search(args.only, s[0])]
    clients = {}
    for _, username, _ in chosen:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
    print(f"{'dashboard page':<52} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7} {'cpu p95':>7} {'sql p50':>7} "
          f"{'queries':>7} {'repeat':>6} {'cold p50':>8} {'cold cpu':>8} {'KiB':>5}")  # fmt: skip
    results = []
    for label, username, query in chosen:
        client = clients[username]
        params = dict(query)
        if args.on:
            params["on"] = args.on
        url = URL + (f"?{urlencode(params)}" if params else "")
        cold_w, cold_c = [], []
        for _ in range(args.cold):
            make_cold()
            _, w, c, _, _ = request(client, url)
            cold_w.append(w)
            cold_c.append(c)
        for _ in range(args.warmup):
            request(client, url)
        walls, cpus, sqls = [], [], []
        profile = cProfile.Profile() if args.profile else None
        for _ in range(args.n):
            if profile:
                profile.enable()
            response, w, c, s, statements = request(client, url)
            if profile:
                profile.disable()
            walls.append(w)
            cpus.append(c)
            sqls.append(s)
        seen: dict[str, int] = {}
        for sql in statements:
            seen[sql] = seen.get(sql, 0) + 1
        repeated = sum(n - 1 for n in seen.values())
        (p50, p95), (c50, c95), (s50, _) = figures(walls), figures(cpus), figures(sqls)
        cold = (
            f"{pct(cold_w, 0.5) * 1000:8.1f} {pct(cold_c, 0.5) * 1000:8.1f}"
            if cold_w
            else f"{'—':>8} {'—':>8}"
        )
        print(f"{label[:52]:<52} {p50:7.1f} {p95:7.1f} {c50:7.1f} {c95:7.1f} {s50:7.1f} {len(statements):7d} "
              f"{repeated:6d} {cold} {len(response.content) // 1024:5d}", flush=True)  # fmt: skip
        results.append((label, username, params, response, profile, seen))
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^a-z]+", "-", label.split(" ")[0].lower()) + ".html"
            (args.save / name).write_text(strip_tokens(response.content.decode()))
    print(f"machine after: {load_average()}")
    if args.parts:
        parts(results, args.n)
    for label, _, _, _, _, seen in results if args.repeated else []:
        print(f"\nqueries run more than once — {label}:")
        for sql, n in sorted(seen.items(), key=lambda x: -x[1]):
            if n > 1:
                print(f"  ×{n}  {' '.join(sql.split())[:160]}")
    for label, _, _, _, profile, _ in results if args.profile else []:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
        print(f"\ncProfile, {args.n} warm requests — {label} (own time):")
        print("\n".join(out.getvalue().splitlines()[4:]))
    connection.close()


def parts(results, n: int) -> None:
    """The page's figures and charts alone (``reports.views._dashboard``) beside the whole page."""
    from dangbo.accounts.models import User
    from dangbo.core.dates import today
    from dangbo.organizations.models import Organization
    from dangbo.organizations.policies import top_organizations
    from dangbo.reports import views
    from dangbo.reports.forms import ReportForm

    print(f"\n{'figures + charts alone (views._dashboard)':<52} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7} "
          f"{'cpu p95':>7}")  # fmt: skip
    for label, username, params, _, _, _ in results:
        user = User.objects.get(username=username)
        org = (
            Organization.objects.get(pk=params["organization"])
            if "organization" in params
            else Organization.objects.filter(pk__in=top_organizations(user)).order_by("depth", "pk").first()
        )
        on = views.last_month_end(today())
        if "on" in params:
            form = ReportForm({"organization": org.pk, "on": params["on"]}, actor=user)
            form.is_valid()
            on = form.cleaned_data["on"]
        walls, cpus = [], []
        for _ in range(n + 2):
            w, c = time.perf_counter(), time.process_time()
            views._dashboard(user, org, on)
            cpus.append(time.process_time() - c)
            walls.append(time.perf_counter() - w)
        (p50, p95), (c50, c95) = figures(walls[2:]), figures(cpus[2:])
        print(f"{label[:52]:<52} {p50:7.1f} {p95:7.1f} {c50:7.1f} {c95:7.1f}")


if __name__ == "__main__":
    main()
