"""The benchmarks in ``bench/`` never touch a database of real records: they refuse any database that
``dangbo synth`` did not mark, and none of them creates a login with a known password."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from dangbo.demo.synthetic import MARKER_TABLE, mark_synthetic, synthetic_mark

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _common():
    spec = importlib.util.spec_from_file_location("bench_common", BENCH / "common.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_a_benchmark_refuses_a_database_not_marked_synthetic():
    from django.db import connection

    with connection.cursor() as cur:  # another test file of this process may have loaded synthetic data
        cur.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")  # (rolled back with the test's transaction)
    assert synthetic_mark() is None
    with pytest.raises(SystemExit) as refused:
        _common().require_synthetic()
    assert "không được đánh dấu là dữ liệu tổng hợp" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_a_database_loaded_by_synth_is_marked_and_accepted():
    from django.db import connection

    try:
        mark_synthetic(scale="province", members=4000)
        assert _common().require_synthetic()["scale"] == "province"
        assert synthetic_mark()["members"] == 4000
    finally:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")


def test_no_benchmark_creates_a_login():
    creating = re.compile(r"create_superuser|create_user|set_password|make_password|User\.objects\.create")
    offenders = [p.name for p in BENCH.glob("*.py") if creating.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_benchmark_checks_the_mark_and_prints_the_machine():
    scripts = [p for p in BENCH.glob("*.py") if "def main" in p.read_text(encoding="utf-8")]
    assert scripts
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        assert "require_synthetic()" in text, script.name
        assert "print_environment(" in text or "load_average(" in text, script.name
