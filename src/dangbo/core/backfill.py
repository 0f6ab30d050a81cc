"""Data migrations that bring stored text and the keys computed from it (``core.text``) up to date.

* ``replace_legacy_d`` — Đ/đ for the legacy Ð/ð in text columns, as ``core.text.nfc`` now does on input;
* ``refold`` — a column computed by ``core.text.fold`` once fold learned Ð/ð → d;
* ``recompute`` — a key column recomputed for every row, batch by batch (``name_sort`` after a change of
  ``core.text.name_sort_key``).

Plain SQL on both databases, so the triggers that follow these columns (the member search's FTS5 table on
SQLite, its word table on PostgreSQL: ``core.search``) see every change.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

LEGACY_D = {"\u00d0": "Đ", "\u00f0": "đ"}
BATCH = 5000


def replace_legacy_d(schema_editor, table: str, columns: list[str]) -> None:
    """Đ/đ for Ð/ð in ``columns`` of ``table``, in one pass over the table writing only the rows that have one."""
    fixed = ", ".join(f"{c} = replace(replace({c}, %s, %s), %s, %s)" for c in columns)
    legacy = " OR ".join(f"{c} LIKE %s OR {c} LIKE %s" for c in columns)
    pairs = [x for pair in LEGACY_D.items() for x in pair]
    patterns = [f"%{ch}%" for ch in LEGACY_D]
    schema_editor.execute(
        f"UPDATE {table} SET {fixed} WHERE {legacy}", pairs * len(columns) + patterns * len(columns)
    )


def refold(schema_editor, table: str, column: str) -> None:
    """``column`` holds ``fold`` of some text: fold used to keep Ð (lowered to ð) and now makes it "d" — the
    only difference, so replacing ð by d in the stored value gives fold of the corrected text."""
    schema_editor.execute(
        f"UPDATE {table} SET {column} = replace({column}, %s, %s) WHERE {column} LIKE %s",
        ["\u00f0", "d", "%\u00f0%"],
    )


def recompute(
    schema_editor, table: str, *, source: str, target: str, compute: Callable[[str], str], batch: int = BATCH,
    quiet_triggers: list[str] = (),
) -> int:  # fmt: skip
    """``target = compute(source)`` for every row of ``table``, ``batch`` rows at a time in id order, each batch
    in its own transaction when the migration is not atomic (the memory and the locks held stay those of one
    batch); only the rows whose value changes are written. Returns how many were.

    PostgreSQL: the ``quiet_triggers`` of ``table`` are disabled inside each batch's transaction (enabled again
    before it commits, and by its rollback), for a derived table the caller rebuilds in bulk afterwards
    (``core.search.word_table_rebuild``)."""
    connection = schema_editor.connection
    last, written = 0, 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cur:
            cur.execute(
                f"SELECT id, {source}, {target} FROM {table} WHERE id > %s ORDER BY id LIMIT %s",
                [last, batch],
            )
            rows = cur.fetchall()
            changed = [(new, pk) for pk, value, old in rows if (new := compute(value)) != old]
            if changed and connection.vendor == "postgresql":  # one statement per batch: much faster there
                for trigger in quiet_triggers:
                    cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
                cur.execute(
                    f"UPDATE {table} t SET {target} = v.value FROM (VALUES {', '.join(['(%s, %s)'] * len(changed))})"
                    f" AS v(value, id) WHERE t.id = v.id",
                    [x for row in changed for x in row],
                )
                for trigger in quiet_triggers:
                    cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            elif changed:
                cur.executemany(f"UPDATE {table} SET {target} = %s WHERE id = %s", changed)
        if not rows:
            break
        last = rows[-1][0]
        written += len(changed)
    return written
