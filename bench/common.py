"""What every benchmark shares: the percentile, the refusal of a database not loaded by ``dangbo synth``, the
machine and database settings printed beside the figures, and the "cold" reset.

Cold, here: the first request of an operation in a process whose in-process caches are empty and whose database
connection is new — Django's template cache, the search statistics and vocabulary caches of ``core.search``, the
organization picker's options, the shared cache (``dangbo_cache``) emptied, a new connection (PostgreSQL: a new
backend process with empty catalog and plan caches). The operating system's page cache and PostgreSQL's shared
buffers are *not* dropped: that needs root and a database restart, and the machine is shared. A cold figure is
therefore what the first user after a restart of ``dangbo serve`` sees, not a cold disk.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
os.environ["DANGBO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

# The PostgreSQL settings the figures depend on (README "Hiệu năng"; ``dangbo check`` warns about jit).
PG_SETTINGS = ("jit", "shared_buffers", "work_mem", "effective_cache_size", "random_page_cost",
               "max_parallel_workers_per_gather")  # fmt: skip


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[max(0, math.ceil(p * len(s)) - 1)]


def require_synthetic() -> dict:
    """The synthetic-data mark of the configured database (``dangbo synth`` writes it), or exit: a benchmark
    adds rows and logs users in, which it may only do in a database of synthetic data."""
    from django.db import connection

    from dangbo.demo.synthetic import synthetic_mark

    mark = synthetic_mark()
    if mark is None:
        sys.exit(
            f"Từ chối: cơ sở dữ liệu {connection.settings_dict['NAME']} không được đánh dấu là dữ liệu tổng hợp "
            "(chỉ `dangbo synth province|nation` vào một cơ sở dữ liệu trống mới đánh dấu). Benchmark chỉ chạy "
            "trên dữ liệu tổng hợp."
        )
    return mark


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPU)"


def database_settings() -> str:
    """The database and the settings of it that the figures depend on, in one line."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0].split()[0]
            marks = ", ".join(["%s"] * len(PG_SETTINGS))
            cur.execute(
                f"SELECT name, setting, unit FROM pg_settings WHERE name IN ({marks})", list(PG_SETTINGS)
            )
            values = {name: _with_unit(setting, unit) for name, setting, unit in cur.fetchall()}
            shown = " ".join(f"{name}={values.get(name, '?')}" for name in PG_SETTINGS)
            return f"PostgreSQL {version}: {shown}"
        cur.execute("SELECT sqlite_version()")
        return f"SQLite {cur.fetchone()[0]}"


def _with_unit(setting: str, unit: str | None) -> str:
    """pg_settings' value in readable units: 16384 × 8kB → 128MB."""
    if unit in ("8kB", "kB"):
        kb = int(setting) * (8 if unit == "8kB" else 1)
        return f"{kb // 1024}MB" if kb >= 1024 and kb % 1024 == 0 else f"{kb}kB"
    return setting


def print_environment(mark: dict) -> None:
    from django.db import connection

    print(f"machine: {load_average()}", flush=True)
    print(f"database: {connection.settings_dict['NAME']} — {database_settings()}", flush=True)
    print(
        f"synthetic data: {mark['scale']}, {mark['members']:,} members, loaded {mark['loaded_at']}",
        flush=True,
    )


def make_cold() -> None:
    """Empty the in-process caches and the shared cache, open a new database connection (see the module's
    docstring for what "cold" covers)."""
    from django.core.cache import cache
    from django.db import connection
    from django.template import engines

    from dangbo.core import search

    for engine in engines.all():
        for loader in getattr(engine, "engine", engine).template_loaders:
            if hasattr(loader, "reset"):
                loader.reset()
    for name in ("_stats_cache", "_vocab_cache"):
        store = getattr(search, name, None)
        if hasattr(store, "clear"):
            store.clear()
    try:
        from dangbo.organizations.selectors import picker_forget

        picker_forget()
    except ImportError:  # pragma: no cover - before the picker existed
        pass
    cache.clear()
    connection.close()


# --- the evaluation campaign (bench/evaluation_pages.py, bench/evaluation_tally.py) -----------------------------

EVALUATION_YEAR = 2025
EVALUATION_SCORES = {"htxsnv": 95, "httnv": 80, "htnv": 60, "khtnv": 30}


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 0.5) * 1000:.1f} ms, p95 {pct(values, 0.95) * 1000:.1f} ms"


def timed_requests(client, url: str, rounds: int):
    """``rounds`` GETs of ``url``: (the last response, its number of SQL queries, wall times, this process's CPU
    times — on SQLite the queries' work included, on PostgreSQL not —, each request's SQL time as Django measured
    it: the time spent in the database calls, waiting included)."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    walls, cpus, sqls = [], [], []
    for _ in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - t)
        sqls.append(sum(float(q["time"]) for q in queries.captured_queries))
    return response, len(queries), walls, cpus, sqls


def request_figures(queries: int, walls: list[float], cpus: list[float], sqls: list[float]) -> str:
    return (f"{ms(walls)}, CPU p50 {pct(cpus, 0.5) * 1000:.1f} ms, SQL p50 {pct(sqls, 0.5) * 1000:.1f} ms in "
            f"{queries} queries")  # fmt: skip


def campaign_people():
    """(``bench.staff``, ``bench.grassroots`` — None when the database has no such user —, the province
    ``bench.staff`` holds its role at)."""
    from dangbo.accounts.models import User

    staff = User.objects.get(username="bench.staff")
    secretary = User.objects.filter(username="bench.grassroots").first()
    province = staff.roles.select_related("organization").first().organization
    return staff, secretary, province


def campaign_with_proposals(staff, province, *, proposals: int, seed: int = 14):
    """The province's campaign of ``EVALUATION_YEAR`` opened anew (any earlier one deleted) and a level proposed
    through ``services.propose`` for ``proposals`` of its ratings drawn at random (a rule may refuse some); then
    the rating tables analysed on PostgreSQL (what autovacuum does after a bulk load). Call it inside
    ``dates.frozen(...)`` of a day the campaign is open. Returns (campaign, seconds the opening took, each
    proposal's seconds, how many were refused)."""
    import random
    import time

    from django.db import connection

    from dangbo.core.errors import ApplicationError
    from dangbo.evaluation import services
    from dangbo.evaluation.models import Campaign, Rating

    Campaign.objects.filter(authority=province, year=EVALUATION_YEAR).delete()
    rng = random.Random(seed)
    t = time.perf_counter()
    campaign = services.open_campaign(actor=staff, authority=province, year=EVALUATION_YEAR,
                                      deadline=dt.date(EVALUATION_YEAR + 1, 1, 25), period_kind="nam")  # fmt: skip
    opened = time.perf_counter() - t
    ids = list(Rating.objects.filter(campaign=campaign, not_rated="").values_list("pk", flat=True))
    rng.shuffle(ids)
    writes, refused = [], 0
    for pk in ids[:proposals]:
        level = rng.choices(list(EVALUATION_SCORES), weights=(15, 60, 20, 5))[0]
        t = time.perf_counter()
        try:
            services.propose(actor=staff, rating=pk, level=level, score=EVALUATION_SCORES[level])
        except ApplicationError:
            refused += 1
        writes.append(time.perf_counter() - t)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE evaluation_rating")
            cursor.execute("VACUUM ANALYZE evaluation_leveltally")
    return campaign, opened, writes, refused


def collect_static() -> None:
    """The pages need the manifest of the static files (``collectstatic``) once."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
