"""Real installations for tests that run the ``dangbo`` command in subprocesses (backup and restore, background
jobs, several app servers): a data directory and, on PostgreSQL, a database of its own, dropped afterwards.

The database is PostgreSQL when ``DATABASE_URL`` points at it (or when a test passes a server's URL), SQLite in
the data directory otherwise."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

REPO = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith(("postgres://", "postgresql://"))


class Site:
    """One installation: a data directory and, on PostgreSQL, a database of its own."""

    def __init__(self, root: Path, name: str, *, pg_url: str | None = None, prefix: str = "dangbo_ops"):
        self.pg_url = pg_url or (PG_URL if ON_POSTGRES else "")
        self.data_dir = root / name
        self.db_name = f"{prefix}_{name}_{uuid.uuid4().hex[:8]}"
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["DANGBO_DATA_DIR"] = str(self.data_dir)
        if self.pg_url:
            self.env["DATABASE_URL"] = _url_of(self.db_name, self.pg_url)
            _admin(f'CREATE DATABASE "{self.db_name}"', self.pg_url)

    @property
    def on_postgres(self) -> bool:
        return bool(self.pg_url)

    def dangbo(self, *args, check=True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "dangbo.cli", *args], env=self.env, cwd=REPO,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        if check and done.returncode != 0:
            raise AssertionError(f"dangbo {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def connect(self):
        if self.pg_url:
            import psycopg

            db = dj_database_url.parse(_url_of(self.db_name, self.pg_url))
            return psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
                                   host=db["HOST"], port=db["PORT"] or None, autocommit=True)  # fmt: skip
        return sqlite3.connect(self.data_dir / "dangbo.sqlite3")

    def state(self) -> dict:
        from dangbo.core import backup

        db = self.connect()
        try:
            return backup.database_state(db.cursor(), "postgresql" if self.pg_url else "sqlite")
        finally:
            db.close()

    def drop(self):
        if self.pg_url:
            _admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)', self.pg_url)


def _url_of(name: str, base: str = "") -> str:
    return urlsplit(base or PG_URL)._replace(path=f"/{name}").geturl()


def _admin(sql: str, base: str = "") -> None:
    import psycopg

    db = dj_database_url.parse(_url_of("postgres", base))
    with psycopg.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"],
                         port=db["PORT"] or None, autocommit=True) as conn:  # fmt: skip
        conn.execute(sql)


def _wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
