#!/usr/bin/env python
"""Benchmark of the home page («Việc của tôi») for a few users.

Times ``/`` through the full Django request path (test client) for each user: wall time p50/p95, the CPU time of
this process per request (what the server spends, less sensitive to a busy machine than wall time) and the number
of SQL statements. The first request of each user is reported apart ("cold": the reminders are computed); the
following ones read what is kept ("warm"). Then the realistic case, other users writing all the time: before each
timed request, one write through a service (a member's phone, ``members.services.member_update``, as an
administrator who is not a login) — in another province, in the same province outside the user's subtree, or
inside it — with the number of requests that recomputed the reminders (and how many of them recomputed only the
part the write touched: its grassroots organization, ``workspace.selectors.piece_of``). The province database has
one province: the first run adds a second one (``BENCH-NGOAI``, through the services) and moves one grassroots
organization of the first province under it, so that "another province" has members; the national database has 34
and the script uses the second one as it is. Prints the load average beside the
figures; asserts nothing.

  DANGBO_DATA_DIR=/tmp/demo .venv/bin/python bench/home.py -n 20 tinhuy bankhoi bithu.chibo
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench .venv/bin/python bench/home.py -n 20 bench.staff
"""

from __future__ import annotations

import argparse
import os
import random
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


def writer():
    """The actor of the other users' writes: an administrator, not saved (no login is created)."""
    from dangbo.accounts.models import User

    return User(username="bench.writer", full_name="Người ghi ở nơi khác (benchmark)", is_superuser=True,
                is_active=True)  # fmt: skip


def elsewhere():
    """The second province (code BENCH-NGOAI) with one grassroots organization moved there from the first (made
    once, through the services)."""
    from dangbo.accounts.models import RoleAssignment
    from dangbo.core.dates import today
    from dangbo.organizations import services as org_services
    from dangbo.organizations.choices import GRASSROOTS_KINDS, OrgKind
    from dangbo.organizations.models import Organization
    from dangbo.organizations.tree import services as tree_services

    other = Organization.objects.filter(code="BENCH-NGOAI").first()
    if other is not None:
        return other
    provinces = Organization.objects.filter(kind=OrgKind.PROVINCE, end_date__isnull=True).order_by("id")
    if len(provinces[:2]) == 2:  # the national load: another province exists, nothing is written
        return provinces[1]
    actor = writer()
    busy = set(RoleAssignment.objects.values_list("organization__path", flat=True))
    first = Organization.objects.filter(kind=OrgKind.PROVINCE).order_by("id").first()
    moved = next(
        g
        for g in Organization.objects.filter(
            path__startswith=first.path,
            kind__in=GRASSROOTS_KINDS,
            end_date__isnull=True,
            official_count__gt=20,
        ).order_by("-id")
        if not any(p.startswith(g.path) or g.path.startswith(p) for p in busy if p != first.path)
    )
    other = org_services.organization_create(actor=actor, parent=None, data={
        "name": "Đảng bộ tỉnh Ngoài Phạm Vi", "code": "BENCH-NGOAI", "kind": OrgKind.PROVINCE})  # fmt: skip
    block = org_services.organization_create(actor=actor, parent=other, data={
        "name": "Đảng bộ Khối Ngoài Phạm Vi", "code": "BENCH-NGOAI-K", "kind": OrgKind.DIRECT})  # fmt: skip
    tree_services.organization_move(actor=actor, organization=moved, new_parent=block, date=today())
    print(f"  (made once: province BENCH-NGOAI, «{moved}» moved under it)")
    return other


def member_in(path: str, *, outside: str | None = None):
    """A current member under ``path`` (not under ``outside``)."""
    from dangbo.core.policies import subtree_q
    from dangbo.members.choices import MemberStatus
    from dangbo.members.models import Member

    qs = Member.objects.filter(subtree_q(path, "org_path"), status=MemberStatus.OFFICIAL)
    if outside:
        qs = qs.exclude(subtree_q(outside, "org_path"))
    return qs.order_by("id").first()


def realistic(client, username: str, n: int, url: str) -> list[dict]:
    """``n`` requests, each after one write by another user: in another province, in the province outside the
    user's subtree, inside it. Returns one row per place written."""
    from dangbo.accounts.models import User
    from dangbo.core import policies
    from dangbo.members import services as member_services
    from dangbo.workspace import selectors

    user = User.objects.get(username=username)
    own = min(r.organization.path for r in user.roles.select_related("organization"))
    province = own[: own.index(".") + 1]
    places = [("in another province", member_in(elsewhere().path))]
    if own != province:
        places.append(("in the province, outside the user's subtree", member_in(province, outside=own)))
    places.append(("inside the user's subtree", member_in(own)))
    computed = []
    real = selectors.alerts

    def counted(actor, on, limit):
        computed.append(policies.narrowing() is not None)  # True: only the part a change touched
        return real(actor, on=on, limit=limit)

    selectors.alerts = counted
    actor, rows = writer(), []
    try:
        for label, member in places:
            computed.clear()
            runs = []
            for _ in range(n):
                member_services.member_update(
                    actor=actor, member=member, data={"phone": f"0912{random.randrange(10**6):06d}"}
                )
                runs.append(one(client, url))
            walls, cpus, queries = zip(*runs, strict=True)
            rows.append({"label": label, "p50": statistics.median(walls) * 1000, "p95": pct(list(walls), 0.95) * 1000,
                         "cpu50": statistics.median(cpus) * 1000, "q": max(queries), "computed": len(computed),
                         "parts": sum(computed), "n": n})  # fmt: skip
    finally:
        selectors.alerts = real
    return rows


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
        "client": client,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--url", default="/")
    parser.add_argument(
        "--no-writes", action="store_true", help="without the realistic case (others writing)"
    )
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
        if not args.no_writes:
            for w in realistic(r["client"], user, args.n, args.url):
                print(
                    f"    after a write {w['label']:<44} p50 {w['p50']:7.1f}  p95 {w['p95']:7.1f}  CPU p50 "
                    f"{w['cpu50']:6.1f} ms  q={w['q']:3}  recomputed {w['computed']}/{w['n']}"
                    f" (the touched part only: {w['parts']})",
                    flush=True,
                )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
