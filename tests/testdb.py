"""The test database of a parallel run (pytest-xdist): migrated once, copied for each worker.

Without this every worker creates its own test database and runs every migration into it, all workers at the same
time on the same cores. Here the first worker that needs a database migrates a *template* (under a file lock: the
other workers wait for it), and every worker then gets a copy of it: ``CREATE DATABASE … TEMPLATE`` on PostgreSQL,
SQLite's backup API from a file into the worker's in-memory database. The copy is what ``create_test_db`` would
have made (the migrations, their data, the cache table), under the name it would have had.

The controller (the pytest process that starts the workers) gives the workers a directory for the lock and the
SQLite file (``pytest_configure_node``) and drops the template at the end (``pytest_sessionfinish``): see
``tests/conftest.py``. One process (no ``-n``), ``--reuse-db`` and ``--nomigrations`` keep pytest-django's own
setup.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

KEY = "dangbo_testdb"  # the key of the shared directory in a worker's workerinput


def controller_dir(config) -> Path:
    """(The controller) The directory shared with the workers, made on first use."""
    if getattr(config, "_dangbo_testdb", None) is None:
        config._dangbo_testdb = Path(tempfile.mkdtemp(prefix="dangbo-testdb-"))
    return config._dangbo_testdb


def shared_dir(config) -> Path | None:
    """(A worker) The controller's directory, or None when this process is not an xdist worker."""
    value = getattr(config, "workerinput", {}).get(KEY)
    return Path(value) if value else None


@contextmanager
def _locked(path: Path):
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def setup_from_template(shared: Path) -> str:
    """Give this worker its test database, a copy of the template (migrated now if this is the first worker to
    ask). Returns the database name to put back at the end, as ``create_test_db``'s caller keeps it."""
    from django.conf import settings
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    # PostgreSQL: test_<name>_gw0 (pytest-django's suffix); SQLite: the worker's shared in-memory database.
    own = connection.creation._get_test_db_name()
    with _locked(shared / "lock"):
        made = shared / "template.json"
        built = not made.exists()
        if built:
            _build_template(shared, own)
        template = json.loads(made.read_text())
        connection.close()
        if connection.vendor == "postgresql":
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{own}"')
                cursor.execute(f'CREATE DATABASE "{own}" TEMPLATE "{template["name"]}"')
    settings.DATABASES[connection.alias]["NAME"] = own
    connection.settings_dict["NAME"] = own
    connection.ensure_connection()
    if connection.vendor == "sqlite" and not built:  # (the first worker migrated its own in-memory database)
        source = sqlite3.connect(template["name"])
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    return old_name


def _build_template(shared: Path, own: str) -> None:
    """Migrate the template: ``create_test_db`` under another name (PostgreSQL) or into this worker's in-memory
    database, then written to a file (SQLite)."""
    from django.db import connection

    test = connection.settings_dict["TEST"]
    if connection.vendor == "postgresql":
        name = f"{own.rsplit('_gw', 1)[0]}_template"
        before, test["NAME"] = test.get("NAME"), name
        try:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        finally:
            test["NAME"] = before
        connection.close()
    elif connection.vendor == "sqlite":
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        name = str(shared / "template.sqlite3")
        target = sqlite3.connect(name)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:  # pragma: no cover - the project runs on these two
        raise RuntimeError(f"no template database for {connection.vendor}")
    (shared / "template.json").write_text(json.dumps({"vendor": connection.vendor, "name": name}))


def end_other_sessions() -> None:
    """(A worker, at the end) PostgreSQL refuses to drop a database another session still uses — the live server's
    thread of a browser test, a ``dangbo`` subprocess that has not quit yet: end those sessions first."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


def drop_template(config) -> None:
    """(The controller, at the end) Drop the PostgreSQL template and remove the shared directory."""
    shared = getattr(config, "_dangbo_testdb", None)
    if shared is None:
        return
    made = shared / "template.json"
    if made.exists():
        template = json.loads(made.read_text())
        if template["vendor"] == "postgresql":
            from django.db import connection
            from pytest_django.plugin import blocking_manager_key

            with config.stash[blocking_manager_key].unblock(), connection.creation._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{template["name"]}"')
    shutil.rmtree(shared, ignore_errors=True)


# --- The end of a transactional test: empty what the test wrote, not every table ---------------------------------
# Django's ``TransactionTestCase`` flushes the whole database after each test (PostgreSQL: one TRUNCATE of ~150
# tables, which creates a new file for each; then the post_migrate signal writes the content types and permissions
# again, and tests/conftest.py the migrations' reference rows: ~13,400 communes). Here only the tables that hold rows
# are emptied, and the tables the migrations filled (reference data, content types, permissions) are kept when
# their rows are still exactly those of the migrated database (a fingerprint of every row); otherwise Django's flush
# runs as before and the reference rows are written again.

_baseline: dict[str, dict[str, object]] = {}  # database alias → {table: fingerprint} of the migrated database


def _nonempty(connection, tables) -> list[str]:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        found = []
        for start in range(0, len(tables), 100):  # (SQLite: at most 500 terms in a compound SELECT)
            part = tables[start : start + 100]
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT {i + start} WHERE EXISTS (SELECT 1 FROM {q(t)})" for i, t in enumerate(part)
                )
            )
            found += [tables[row[0]] for row in cursor.fetchall()]
    return found


def _fingerprint(connection, table: str):
    """The rows of ``table``, summed up: any insert, update or delete changes it."""
    q = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT count(*), sum(hashtext(t::text)::bigint) FROM {q} t")
            return tuple(cursor.fetchone())
        cursor.execute(f"SELECT * FROM {q}")
        return hash(frozenset(cursor.fetchall()))


def remember_migrated(connection) -> None:
    """(After the test database is made) The fingerprints of the tables the migrations filled."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    _baseline[connection.alias] = {
        t: _fingerprint(connection, t) for t in _nonempty(connection, sorted(tables))
    }


def empty_written_tables(connection) -> bool:
    """Empty the tables a transactional test wrote to. False (nothing done) when a table the migrations filled has
    changed, or the migrated state is not known: the caller flushes everything instead."""
    from django.db import transaction

    baseline = _baseline.get(connection.alias)
    if baseline is None:
        return False
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    written = _nonempty(connection, sorted(tables))
    if any(_fingerprint(connection, t) != baseline[t] for t in written if t in baseline):
        return False
    q = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Django's foreign keys are deferred to the commit (both databases): any order of deletes is consistent.
        for table in written:
            if table not in baseline:
                cursor.execute(f"DELETE FROM {q(table)}")
    return True
