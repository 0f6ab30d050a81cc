#!/usr/bin/env python
"""Benchmark of the campaign screens of a province's campaign: the campaign page of a grassroots secretary (its
ratings with their evidence), the results page as the province's staff, each on its first page, a later page and
filtered; the XLSX of every rating.

Needs the synthetic province (``dangbo synth province``) in its own database, e.g.

  export DANGBO_DATA_DIR=/tmp/evaluation-pages                       # SQLite; or DATABASE_URL=postgres://…
  .venv/bin/dangbo migrate && .venv/bin/dangbo synth province --members 3000
  .venv/bin/python bench/evaluation_pages.py -n 20

Opens the province's campaign of EVALUATION_YEAR (bench/common.py) as ``bench.staff`` (every member on the roll),
proposes a level for a share of the ratings, then times each page with the Django test client (``bench.grassroots``: a grassroots
organization's secretary; ``bench.staff``: the province) and counts its SQL queries and rows shown. Prints figures
with the machine's load, asserts nothing; deletes the campaign at the end. The URLs' parameters (``chi_bo``,
``muc``, ``sau``) are ignored by a version without paging: the same script measures before and after.

``--keep``: the campaign is kept at the end and an existing one (with its proposals) is measured again rather than
opened anew — to measure two versions of the code interleaved on the same ratings. ``--save DIR``: each page's HTML
is written there (``diff -r`` two directories: the pages of two versions for the same data). ``--explain``: on
PostgreSQL, each statement of each page with the server's execution time (``EXPLAIN (ANALYZE, BUFFERS)``), the plan of
the slowest printed. ``--propose-all``: first, a level proposed for every rating not yet proposed (one UPDATE, as a
bulk loader writes, then ``services.tally_rebuild`` and ANALYZE) — a campaign near its decision, where «HTTNV» is
most of the province (with ``--keep``, the campaign stays so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
os.environ["DANGBO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="rounds of each timing")
    parser.add_argument("--proposals", type=int, default=600, help="ratings proposed through the service")
    parser.add_argument(
        "--keep", action="store_true", help="reuse the campaign if it exists; keep it at the end"
    )
    parser.add_argument("--save", metavar="DIR", help="write each page's HTML into DIR")
    parser.add_argument("--propose-all", action="store_true", help="propose a level for every rating first")
    parser.add_argument("--explain", action="store_true", help="PostgreSQL: each statement's execution time")
    args = parser.parse_args()
    import logging

    import django

    django.setup()
    logging.getLogger("dangbo.request").setLevel(logging.WARNING)  # one line per request otherwise
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import (  # bench/common.py
        EVALUATION_YEAR,
        campaign_people,
        campaign_with_proposals,
        collect_static,
        database_settings,
        load_average,
        print_environment,
        request_figures,
        require_synthetic,
        timed_requests,
    )

    print_environment(require_synthetic())
    from django.test import Client
    from django.urls import reverse

    from dangbo.core import dates, policies
    from dangbo.evaluation.models import Campaign, Rating

    staff, secretary, province = campaign_people()
    if secretary is None:
        sys.exit("bench.grassroots is missing: load the synthetic province (dangbo synth province)")
    print(f"{database_settings()}; {province.name}; {load_average()}")
    with dates.frozen(dt.date(EVALUATION_YEAR + 1, 1, 5)):
        campaign = (
            Campaign.objects.filter(authority=province, year=EVALUATION_YEAR).first() if args.keep else None
        )
        if campaign is None:
            campaign, _, _, _ = campaign_with_proposals(staff, province, proposals=args.proposals)
        if args.propose_all:
            propose_all(campaign)
        mine = policies.scope(secretary, policies.VIEW, Rating.objects.all()).filter(
            campaign=campaign, member__isnull=False
        )
        print(f"campaign: {Rating.objects.filter(campaign=campaign).count():,} ratings; "
              f"{mine.count():,} in bench.grassroots' scope; "
              f"{Rating.objects.filter(campaign=campaign).exclude(proposed_level='').count():,} proposed")  # fmt: skip
        collect_static()
        cell = mine.order_by("cell_id").values_list("cell_id", flat=True).first()
        campaign_url = campaign.get_absolute_url()
        results_url = reverse("evaluation:results", args=[campaign.pk])
        pages = [
            ("campaign page", secretary, campaign_url),
            ("campaign page, 2nd page", secretary, None),  # the «Trang sau» link of the first
            ("campaign page, one cell", secretary, f"{campaign_url}?chi_bo={cell}"),
            ("campaign page, not yet proposed", secretary, f"{campaign_url}?tinh_trang=chua_de_xuat"),
            ("results page", staff, results_url),
            ("results page, HTTNV", staff, f"{results_url}?muc=httnv"),
            ("results XLSX", staff, reverse("evaluation:results_xlsx", args=[campaign.pk])),
        ]
        for label, user, url in pages:
            client = Client()
            client.force_login(user)
            if url is None:
                first = client.get(campaign_url).content.decode()
                found = re.search(r'href="(\?[^"]*sau=\d+[^"]*)">Trang sau', first)
                if found is None:
                    print(f"{label}: no second page (one page of everything)")
                    continue
                url = campaign_url + found.group(1).replace("&amp;", "&")
            client.get(url)  # warm
            rounds = min(args.n, 3) if url.endswith(".xlsx") else args.n  # the XLSX takes seconds
            response, queries, walls, cpus, sqls = timed_requests(client, url, rounds)
            body = response.content
            rows = body.count(b"/phieu/") if not url.endswith(".xlsx") else None
            shown = f", {rows} rating links" if rows is not None else f", {len(body) // 1024} kB"
            print(f"{label} as {user.username}: {response.status_code}, "
                  f"{request_figures(queries, walls, cpus, sqls)}{shown}; load {os.getloadavg()[0]:.2f}")  # fmt: skip
            if args.save and not url.endswith(".xlsx"):
                Path(args.save).mkdir(parents=True, exist_ok=True)
                name = re.sub(r"\W+", "_", label).strip("_")
                # The CSRF token differs on every response.
                page = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]*', r"\1", body.decode())
                (Path(args.save) / f"{name}.html").write_text(page)
            if args.explain:
                explain(client, url)
    if not args.keep:
        Campaign.objects.filter(pk=campaign.pk).delete()


def propose_all(campaign) -> None:
    """Every rating of ``campaign`` not yet proposed gets a level (1 in 20 HTXSNV, 3 in 20 HTNV, the rest HTTNV: the
    quota of 20 % kept), its counts rebuilt."""
    from django.db import connection, transaction

    from dangbo.evaluation import services

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluation_rating SET proposed_level = CASE WHEN id %% 20 = 0 THEN 'htxsnv' WHEN id %% 20 < 4 "
            "THEN 'htnv' ELSE 'httnv' END WHERE campaign_id = %s AND not_rated = '' AND proposed_level = ''",
            [campaign.pk],
        )
        print(f"proposed a level for {cursor.rowcount:,} more ratings")
        services.tally_rebuild(campaign)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE evaluation_rating")
            cursor.execute("VACUUM ANALYZE evaluation_leveltally")


def explain(client, url: str) -> None:
    """Each SELECT of one request of ``url`` with the server's execution time (PostgreSQL), the slowest one's plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        return
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    timed = []
    with connection.cursor() as cur:
        for q in captured.captured_queries:
            if q["sql"].lstrip().upper().startswith("SELECT"):
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                plan = [row[0] for row in cur.fetchall()]
                ms = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
                timed.append((ms, q["sql"], plan))
    for ms, sql, _ in timed:
        print(f"    {ms:7.2f} ms  {sql[:150]}")
    ms, sql, plan = max(timed)
    print(f"    slowest ({ms:.2f} ms): {sql}")
    print("\n".join("      " + line for line in plan))


if __name__ == "__main__":
    main()
