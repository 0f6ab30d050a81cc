"""`dangbo check --database default` (and `dangbo migrate`) warn about the PostgreSQL settings the performance figures
depend on (README "Hiệu năng")."""

from __future__ import annotations

import pytest
from django.db import connection

from dangbo.core.checks import postgresql_settings

pytestmark = pytest.mark.django_db


def _ids(**settings):
    with connection.cursor() as cur:
        for name, value in settings.items():
            cur.execute(f"SET {name} = {value}")
    return [w.id for w in postgresql_settings(None, databases=["default"])]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL settings")
def test_jit_on_is_warned_about_and_off_is_not():
    assert "dangbo.W002" in _ids(jit="on")
    assert "dangbo.W002" not in _ids(jit="off")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL settings")
def test_dangbo_connections_run_without_jit_whatever_the_server_default():
    """The server here keeps PostgreSQL's default (jit = on); dangbo's own sessions have it off, so the figures of
    README "Hiệu năng" need no ALTER DATABASE — and ``dangbo check`` has nothing to warn about."""
    with connection.cursor() as cur:
        cur.execute("RESET jit")  # back to the session's start value (the connection's options)
        cur.execute("SELECT current_setting('jit')")
        assert cur.fetchone()[0] == "off"
    assert "dangbo.W002" not in [w.id for w in postgresql_settings(None, databases=["default"])]


def test_sqlite_has_nothing_to_say():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    assert postgresql_settings(None, databases=["default"]) == []


def test_no_database_asked_no_warning():
    assert postgresql_settings(None, databases=None) == []
