#!/usr/bin/env python
"""Benchmark of the campaign screens' counts by level: stored per campaign and organization (``LevelTally``, kept
in each rating write) against counting the ratings (what the screens did before).

Needs the synthetic province (``dangbo synth province``) in its own database, e.g.

  export DANGBO_DATA_DIR=/tmp/evaluation-tally                       # SQLite; or DATABASE_URL=postgres://…
  .venv/bin/dangbo migrate && .venv/bin/dangbo synth province --members 3000
  .venv/bin/python bench/evaluation_tally.py -n 30

Opens the province's campaign of EVALUATION_YEAR (bench/common.py) as ``bench.staff`` (every member on the roll, the organizations directly
under it), proposes a level for a share of the ratings through ``services.propose`` (timing each write with its
tally update), checks that the stored counts equal a recount, then times ``selectors.tally`` both ways and the
campaign screens (the campaign page and a rating page as ``bench.grassroots``, the decision page as
``bench.staff``) both ways: "counted" replaces the stored read by the count of the ratings, as before. Prints
figures with the machine's load, asserts nothing; deletes the campaign at the end.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="rounds of each timing")
    parser.add_argument("--proposals", type=int, default=600, help="ratings proposed through the service")
    parser.add_argument(
        "--results",
        action="store_true",
        help="also the results page (it lists every rating of the campaign: slow at scale)",
    )
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
        ms,
        print_environment,
        request_figures,
        require_synthetic,
        timed_requests,
    )

    print_environment(require_synthetic())
    from django.db import connection
    from django.test import Client

    from dangbo.core import dates, policies
    from dangbo.evaluation import selectors
    from dangbo.evaluation.models import Campaign, LevelTally, Rating

    staff, secretary, province = campaign_people()
    print(f"{connection.vendor}, {province.name}; load average {os.getloadavg()[0]:.2f}")
    with dates.frozen(dt.date(EVALUATION_YEAR + 1, 1, 5)):
        campaign, opened, writes, refused = campaign_with_proposals(staff, province, proposals=args.proposals)
        n = Rating.objects.filter(campaign=campaign).count()
        rows = LevelTally.objects.filter(campaign=campaign).count()
        print(
            f"opened: {n:,} ratings, {rows:,} tally rows, {opened:.2f} s (tallies counted once at the opening)"
        )
        print(f"propose ({len(writes)} writes, {refused} refused by a rule; each with its tally update): {ms(writes)}"
              f"; load {os.getloadavg()[0]:.2f}")  # fmt: skip
        diffs = selectors.tally_differences(campaign)
        print(f"stored counts equal a recount: {not diffs} ({len(diffs)} differences)")
        for members in (True, False):
            what = "members" if members else "organizations"
            for recount in (False, True):
                times = []
                for _ in range(args.n):
                    t = time.perf_counter()
                    selectors.tally(campaign, members=members, recount=recount)
                    times.append(time.perf_counter() - t)
                print(f"tally of the campaign's {what}, {'counted from the ratings' if recount else 'stored'}: "
                      f"{ms(times)}")  # fmt: skip

        collect_static()
        from django.urls import reverse

        real = selectors.tally
        counted = lambda c, **kw: real(c, **{**kw, "recount": True})  # noqa: E731 - the screens before LevelTally
        pages = []
        if secretary is not None:
            mine = (policies.scope(secretary, policies.VIEW, Rating.objects.all()).filter(campaign=campaign, member__isnull=False)
                    .order_by("id").first())  # fmt: skip
            pages += [("campaign page", secretary, campaign.get_absolute_url())]
            if mine is not None:
                pages.append(("rating page", secretary, mine.get_absolute_url()))
        pages.append(("decision page", staff, reverse("evaluation:decide", args=[campaign.pk])))
        if args.results:
            pages.append(("results page", staff, reverse("evaluation:results", args=[campaign.pk])))
        for label, user, url in pages:
            client = Client()
            client.force_login(user)
            for how in ("stored", "counted"):
                selectors.tally = real if how == "stored" else counted
                client.get(url)  # warm
                response, queries, walls, cpus, sqls = timed_requests(client, url, args.n)
                print(f"{label} as {user.username}, counts {how}: {response.status_code}, "
                      f"{request_figures(queries, walls, cpus, sqls)}; load {os.getloadavg()[0]:.2f}")  # fmt: skip
        selectors.tally = real
    Campaign.objects.filter(pk=campaign.pk).delete()


if __name__ == "__main__":
    main()
