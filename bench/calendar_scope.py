#!/usr/bin/env python
"""The two SQL shapes of the meetings a user may see (``MeetingPolicy`` VIEW), compared on the calendar's reads.

* ``in``: ``organization_id IN (SELECT id FROM organization WHERE path in the actor's subtrees)`` — the shape of the
  former ``meetings.selectors.meeting_scope``;
* ``join``: a join on the organization, its ``path`` in the actor's subtrees — ``WorkPolicy``'s shape.

For ``bench.staff`` (province staff) and ``bench.grassroots`` (a grassroots secretary): the calendar's month
(``calendar_meetings``), its range (``calendar_range``'s min/max) and the API's first page, each statement run
``-n`` times with ``EXPLAIN ANALYZE`` on PostgreSQL (the server's execution time: CPU of the database, little
disturbed by other processes) or timed on SQLite (``time.process_time``). Adds one year of regular meetings to
the province's cells first (``bench/meetings_grid.py``'s ``ensure_meetings``; once). Prints, asserts nothing.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_x .venv/bin/python bench/calendar_scope.py -n 20 [--plans]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

from common import load_average, print_environment, require_synthetic  # bench/common.py (sets up the paths)


def shapes(actor):
    from dangbo.core import policies
    from dangbo.meetings.models import Meeting
    from dangbo.organizations.models import Organization

    orgs = policies.scope(actor, policies.VIEW, Organization.objects.all())
    reach = policies.where(actor, policies.VIEW, Organization)
    join = reach.filter(Meeting.objects.all(), "organization__path", "organization_id")
    return {"in": Meeting.objects.filter(organization__in=orgs), "join": join}


def reads(base, month):
    from django.db.models import Max, Min

    from dangbo.meetings.choices import MeetingState

    calendar = base.exclude(state=MeetingState.CANCELLED).select_related("organization__parent")
    return {
        "calendar month": calendar.filter(month=month).order_by("planned_at", "id"),
        "calendar range": base.values("pk").aggregate(first=Min("month"), last=Max("month")),
        "api first page": base.select_related("organization").order_by("-planned_at", "-id")[:50],
    }


def run(read_factory, n: int, plans: bool) -> tuple[float, int, str]:
    """(median ms, rows, plan or '') of one read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = read_factory()
        rows = len(result) if not isinstance(result, dict) else 1
    sql = captured.captured_queries[-1]["sql"]
    times = []
    plan = ""
    with connection.cursor() as cur:
        for i in range(n):
            if connection.vendor == "postgresql":
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                doc = cur.fetchone()[0]
                doc = json.loads(doc) if isinstance(doc, str) else doc
                times.append(doc[0]["Execution Time"] + doc[0]["Planning Time"])
                if plans and i == 0:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(r[0] for r in cur.fetchall())
            else:
                start = time.process_time()
                cur.execute(sql)
                cur.fetchall()
                times.append((time.process_time() - start) * 1000)
    return statistics.median(times), rows, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--plans", action="store_true", help="print the plan of each read (PostgreSQL)")
    args = parser.parse_args()
    import django

    django.setup()
    from meetings_grid import YEAR, ensure_meetings

    from dangbo.accounts.models import User
    from dangbo.organizations.models import Organization

    mark = require_synthetic()
    print_environment(mark)
    staff = User.objects.get(username="bench.staff")
    province = Organization.objects.get(pk=staff.roles.first().organization_id)
    print(f"meetings of {YEAR} in the province: {ensure_meetings(province)}")
    month = dt.date(YEAR, 6, 1)
    for username in ("bench.staff", "bench.grassroots"):
        actor = User.objects.get(username=username)
        for shape, base in shapes(actor).items():
            for name in reads(base, month):
                ms, rows, plan = run(lambda b=base, k=name: reads(b, month)[k], args.n, args.plans)
                print(f"{username:17} {name:15} {shape:5} {ms:9.2f} ms  ({rows} rows)")
                if plan:
                    print(plan)
    print(load_average())


if __name__ == "__main__":
    main()
