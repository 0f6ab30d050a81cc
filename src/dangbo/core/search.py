"""Word search over a stored, folded name column — the one database-specific piece of search.

Both engines index the same application-computed ``name_norm`` (lower case, no diacritics, đ→d):
* PostgreSQL: a GIN index on ``to_tsvector('simple', name_norm)``;
* SQLite: an FTS5 table over ``name_norm`` kept in sync by triggers.
Words match whole words in any order, the last one (still being typed) as a word prefix: "hung nguyen",
"nguyen van hung" and "nguyen van hu" all find "Nguyễn Văn Hùng". (Prefix terms cannot use GIN's fast AND
scan on PostgreSQL, so only the last word is one.) Created by the migration ``members/0003_name_search``.
"""

from __future__ import annotations

import re

from django.db import connection

from .text import fold

_TOKEN = re.compile(r"[a-z0-9]+")
MAX_TOKENS = 6


def tokens(query: str) -> list[str]:
    return _TOKEN.findall(fold(query))[:MAX_TOKENS]


def word_match_sql(table: str, words: list[str]) -> tuple[str, list[str]]:
    """SQL selecting the ids of ``table`` whose ``name_norm`` has every word as a word prefix."""
    *whole, last = words
    if connection.vendor == "postgresql":
        return (
            f"SELECT id FROM {table} WHERE to_tsvector('simple', {table}.name_norm) @@ to_tsquery('simple', %s)",
            [" & ".join([*whole, f"{last}:*"])],
        )
    return (
        f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s",
        [" AND ".join([*(f'"{w}"' for w in whole), f'"{last}"*'])],
    )


def word_match_condition(table: str, words: list[str]) -> tuple[str, list[str]]:
    """A WHERE condition on ``table`` itself where the engine can evaluate it row by row (PostgreSQL);
    elsewhere an ``id IN (…)`` over the full-text table."""
    sql, params = word_match_sql(table, words)
    if connection.vendor == "postgresql":
        return sql.split(" WHERE ", 1)[1], params
    return f"{table}.id IN ({sql})", params


def sort_index_helps_search() -> bool:
    """Whether a search result should be paged by walking the sort index.

    Not on PostgreSQL: its planner assumes matches are spread evenly along (name_sort, id), but name_sort
    starts with the given name, so all "Hùng" sit together and a walk from "A" reads millions of rows
    (measured 5.7 s at national scale). Sorting the matches is bounded by the number of matches.
    """
    return connection.vendor != "postgresql"


def install_sql(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"CREATE INDEX IF NOT EXISTS {table}_name_fts ON {table} USING gin (to_tsvector('simple', name_norm))"
        ]
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5(name_norm, content='{table}', content_rowid='id')",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_fts_ai AFTER INSERT ON {table} BEGIN
              INSERT INTO {table}_fts(rowid, name_norm) VALUES (new.id, new.name_norm); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_fts_ad AFTER DELETE ON {table} BEGIN
              INSERT INTO {table}_fts({table}_fts, rowid, name_norm) VALUES ('delete', old.id, old.name_norm); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_fts_au AFTER UPDATE OF name_norm ON {table} BEGIN
              INSERT INTO {table}_fts({table}_fts, rowid, name_norm) VALUES ('delete', old.id, old.name_norm);
              INSERT INTO {table}_fts(rowid, name_norm) VALUES (new.id, new.name_norm); END""",
        f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')",
    ]


def uninstall_sql(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP INDEX IF EXISTS {table}_name_fts"]
    return [f"DROP TABLE IF EXISTS {table}_fts"] + [
        f"DROP TRIGGER IF EXISTS {table}_fts_{s}" for s in ("ai", "ad", "au")
    ]


def reinstall_members_search(apps, schema_editor) -> None:
    """For migrations that add or alter columns of ``members_member``: on SQLite that rebuilds the table, which
    drops the triggers keeping the full-text table in sync — put them back (a no-op on PostgreSQL)."""
    for sql in install_sql("members_member", schema_editor.connection.vendor):
        schema_editor.execute(sql)
