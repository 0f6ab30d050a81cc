"""Word search over a stored, folded name column — the one database-specific piece of search.

Both engines index the same application-computed ``name_norm`` (lower case, no diacritics, đ→d):
* PostgreSQL: a GIN index on ``to_tsvector('simple', name_norm)``;
* SQLite: an FTS5 table over ``name_norm`` kept in sync by triggers, and its vocabulary (``fts5vocab``).
Words match whole words in any order, the last one (still being typed) as a word prefix: "hung nguyen",
"nguyen van hung" and "nguyen van hu" all find "Nguyễn Văn Hùng". Created by the migration
``members/0003_name_search``; the steering registers split their queries with the same ``tokens``.

The member list, which must page a search in name order inside a user's subtree, goes further
(``members/0007_member_words``):
* PostgreSQL keeps a **word table** ``members_member_word``: one row per (member, word) carrying the member's
  ``org_path``, ``name_sort``, the folded name's words and the list's filter columns, kept in step by
  triggers, with the B-tree index ``(word, org_path) INCLUDE (…)``. A search in a subtree reads only the index
  entries of *one* word inside that subtree (an index-only range scan), checks the other words and the
  filters on the entry, and picks the page in name order before a single member row is read — the cost
  follows the members of the subtree who bear the rarest word, not the country's (``scoped_word_sql``).
  Which word is rarest comes from PostgreSQL's column statistics (``plan_words``).
* For a very common name ("nguyen", "h") checking names row by row is cheaper: walking the name-order index
  through a large scope, or reading a small scope whole (``scan_is_cheaper`` compares the estimated costs;
  on SQLite the shares come from the FTS5 vocabulary).
The member list no longer plans from the GIN index; the rows of a page picked from the word table are re-checked
by id with ``word_patterns`` (a word table out of step can hide a row, never show a wrong one).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.db import connection, transaction

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


def word_patterns(words: list[str]) -> list[str]:
    """Regular expressions, one per word, that a folded name matches when it has the word (the last one as
    a word prefix) — the row-by-row form of the search (``scan_is_cheaper``), used as ``name_norm__regex``
    (Django provides REGEXP on SQLite)."""
    *whole, last = words
    return [f"(^|[^a-z0-9]){w}([^a-z0-9]|$)" for w in whole] + [f"(^|[^a-z0-9]){last}"]


def word_match_condition(table: str, words: list[str]) -> tuple[str, list[str]]:
    """A WHERE condition on ``table`` itself where the engine can evaluate it row by row (PostgreSQL);
    elsewhere an ``id IN (…)`` over the full-text table."""
    sql, params = word_match_sql(table, words)
    if connection.vendor == "postgresql":
        return sql.split(" WHERE ", 1)[1], params
    return f"{table}.id IN ({sql})", params


def words_filter(table: str, words: list[str]):
    """A filter (for ``QuerySet.filter``) on ``table``'s rows whose ``name_norm`` has every word, the last as a word
    prefix: on PostgreSQL from the GIN index of ``name_index_sql`` (or ``install_sql``) when the planner wants it;
    elsewhere the name checked row by row (small tables: a province's 11,000 organizations)."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    if connection.vendor == "postgresql":
        sql, params = word_match_condition(table, words)
        return RawSQL(sql, params, output_field=BooleanField())
    return words_rowwise(words)


def words_rowwise(words: list[str]):
    """The same test as ``words_filter``, on each row's ``name_norm`` (a regular expression per word): cheap per
    row, for walks along another index that stop early."""
    from functools import reduce
    from operator import and_

    from django.db.models import Q

    return reduce(and_, (Q(name_norm__regex=p) for p in word_patterns(words)))


def name_index_sql(table: str) -> str:
    """PostgreSQL: the word index of ``table``'s ``name_norm`` alone — an expression index, kept by PostgreSQL
    itself (no trigger, no table: nothing a migration rebuilding ``table`` can lose)."""
    return (
        f"CREATE INDEX IF NOT EXISTS {table}_name_fts ON {table} USING gin (to_tsvector('simple', name_norm))"
    )


def install_sql(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [name_index_sql(table)]
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
        vocabulary_sql(table),
    ]


def vocabulary_sql(table: str) -> str:
    """SQLite: how many rows hold each word of the full-text table — the search plan's statistics (plan_words)."""
    return f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts_vocab USING fts5vocab({table}_fts, 'row')"


def uninstall_sql(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP INDEX IF EXISTS {table}_name_fts"]
    return [f"DROP TABLE IF EXISTS {table}_fts_vocab", f"DROP TABLE IF EXISTS {table}_fts"] + [
        f"DROP TRIGGER IF EXISTS {table}_fts_{s}" for s in ("ai", "ad", "au")
    ]


def reinstall_members_search(apps, schema_editor) -> None:
    """For migrations that add or alter columns of ``members_member``: on SQLite that rebuilds the table, which
    drops the triggers keeping the full-text table in sync — put them back (a no-op on PostgreSQL)."""
    for sql in install_sql("members_member", schema_editor.connection.vendor):
        schema_editor.execute(sql)


# -- the word table (PostgreSQL) -------------------------------------------------------------------------------

WORD_SPLIT = "[^a-z0-9]+"  # the same words as ``tokens`` finds in a query
# A word missing from the column statistics' most-common list is taken as this frequent (a fraction of rows).
RARE_WORD = 0.0005
_STATS_TTL = 600.0
_stats_cache: dict[str, tuple[float, tuple]] = {}
_vocab_cache: dict[tuple, tuple[float, int, int]] = {}


def word_table(table: str) -> str:
    return f"{table}_word"


def _word_rows_select(source: str, carry: list[str], *, whole_table: bool = False) -> str:
    """SELECT of the word-table rows of ``source``: the trigger's NEW row, or every row of a table."""
    rows = f"{source}, LATERAL " if whole_table else ""
    carried = "".join(f", {source}.{c}" for c in carry)
    return f"""SELECT DISTINCT {source}.id, w, {source}.org_path, {source}.name_sort, n.words{carried}
                 FROM {rows}(SELECT ' ' || array_to_string(array_remove(regexp_split_to_array({source}.name_norm,
                       '{WORD_SPLIT}'), ''), ' ') || ' ' AS words) n,
                      regexp_split_to_table(trim(n.words), ' ') w
                WHERE w <> ''"""


def _word_columns(carry: list[str]) -> str:
    return ", ".join(["row_id", "word", "org_path", "name_sort", "name_words", *carry])


def word_table_install_sql(table: str, carry: list[str]) -> list[str]:
    """PostgreSQL: the word table of ``table`` (which has ``name_norm``, ``name_sort``, ``org_path``) carrying
    the columns ``carry`` too (the list filters, checked on the index entry), its triggers and its index;
    fills it from the rows already there."""
    words = word_table(table)
    carried = "".join(f", {c}" for c in carry)
    watched = ["name_norm", "name_sort", "org_path", *carry]
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
    return [
        # Column types as in ``table``; the binary collation of the paths and sort keys included.
        f"""CREATE TABLE IF NOT EXISTS {words} AS
              SELECT id AS row_id, CAST('' AS text) COLLATE "C" AS word, org_path, name_sort,
                     CAST('' AS text) COLLATE "C" AS name_words{carried}
                FROM {table} WITH NO DATA""",
        f"""CREATE OR REPLACE FUNCTION {words}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP <> 'INSERT' THEN DELETE FROM {words} WHERE row_id = OLD.id; END IF;
              IF TG_OP <> 'DELETE' THEN
                INSERT INTO {words} ({_word_columns(carry)})
                {_word_rows_select("NEW", carry)};
              END IF;
              RETURN NULL;
            END $$""",
        f"DROP TRIGGER IF EXISTS {words}_ins_del ON {table}",
        f"""CREATE TRIGGER {words}_ins_del AFTER INSERT OR DELETE ON {table}
              FOR EACH ROW EXECUTE FUNCTION {words}_sync()""",
        f"DROP TRIGGER IF EXISTS {words}_upd ON {table}",
        f"""CREATE TRIGGER {words}_upd AFTER UPDATE OF {", ".join(watched)} ON {table} FOR EACH ROW
              WHEN ({changed}) EXECUTE FUNCTION {words}_sync()""",
        # TRUNCATE fires no row trigger (Django's flush, the test runner's teardown): empty the words too.
        f"""CREATE OR REPLACE FUNCTION {words}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN TRUNCATE {words}; RETURN NULL; END $$""",
        f"DROP TRIGGER IF EXISTS {words}_trunc ON {table}",
        f"""CREATE TRIGGER {words}_trunc AFTER TRUNCATE ON {table}
              FOR EACH STATEMENT EXECUTE FUNCTION {words}_truncate()""",
        word_table_fill_sql(table, carry),
        f"""CREATE INDEX IF NOT EXISTS {words}_scope ON {words} (word, org_path)
              INCLUDE (name_sort, row_id, name_words{carried})""",
        word_table_order_index_sql(table, carry),
        f"CREATE INDEX IF NOT EXISTS {words}_row ON {words} (row_id)",
    ]


def word_table_order_index_sql(table: str, carry: list[str]) -> str:
    """The word table's entries of one word in name order: a search over the whole country (or any scope where
    the word's bearers are many) stops after a page of them instead of reading and sorting every one
    (``scoped_word_ids``). The scope index ``(word, org_path)`` serves the searches of smaller scopes."""
    words = word_table(table)
    carried = "".join(f", {c}" for c in carry)
    return f"""CREATE INDEX IF NOT EXISTS {words}_order ON {words} (word, name_sort, row_id)
              INCLUDE (org_path, name_words{carried})"""


def word_table_fill_sql(table: str, carry: list[str]) -> str:
    """Fill the (empty) word table from every row of ``table`` in one statement (bulk loads: with the
    triggers off and the indexes built afterwards)."""
    return f"INSERT INTO {word_table(table)} ({_word_columns(carry)}) " + _word_rows_select(
        table, carry, whole_table=True
    )


def word_table_rebuild(table: str) -> None:
    """PostgreSQL: fill the word table of ``table`` again from every row, in one transaction — after a change of
    every row made with its update trigger quiet (``core.backfill.recompute``: the triggers would rewrite each
    member's word rows one by one, two thirds of the cost at a million members). Emptied, its indexes dropped,
    filled in one statement, the indexes built again as they were; its carried columns are those it has."""
    words = word_table(table)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position",
            [words],
        )
        carry = [
            c for (c,) in cur.fetchall() if c not in ("row_id", "word", "org_path", "name_sort", "name_words")
        ]
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s",
            [words],
        )
        indexes = cur.fetchall()
        cur.execute(f"TRUNCATE {words}")
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")
        cur.execute(word_table_fill_sql(table, carry))
        for _, definition in indexes:
            cur.execute(definition)
        cur.execute(f"ANALYZE {words}")


def word_table_uninstall_sql(table: str) -> list[str]:
    words = word_table(table)
    return [
        f"DROP TRIGGER IF EXISTS {words}_ins_del ON {table}",
        f"DROP TRIGGER IF EXISTS {words}_upd ON {table}",
        f"DROP TRIGGER IF EXISTS {words}_trunc ON {table}",
        f"DROP FUNCTION IF EXISTS {words}_sync()",
        f"DROP FUNCTION IF EXISTS {words}_truncate()",
        f"DROP TABLE IF EXISTS {words}",
    ]


def _word_stats(table: str) -> tuple[dict[str, float], float, float]:
    """(share of the word table's rows for each of its most common words, words per row of ``table``, rows of
    ``table``), from PostgreSQL's statistics (kept by ANALYZE/autovacuum); read again every ten minutes."""
    words = word_table(table)
    now = time.monotonic()
    cached = _stats_cache.get(words)
    if cached and now - cached[0] < _STATS_TTL:
        return cached[1]
    with connection.cursor() as cur:
        # The tables of this connection's schema only (another schema may hold tables of the same name).
        stats = "FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s AND attname = 'word' AND NOT inherited"
        cur.execute(
            f"""SELECT (SELECT most_common_vals::text::text[] {stats}), (SELECT most_common_freqs {stats}),
                       (SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)),
                       (SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s))""",
            [words, words, words, table],
        )
        values, shares, word_rows, table_rows = cur.fetchone()
    freqs = dict(zip(values, shares, strict=True)) if values else {}
    rows = max(table_rows or 0, 1)  # reltuples is -1 before the first ANALYZE
    stats = (freqs, max(word_rows or 0, 0) / rows or 3.0, rows)
    _stats_cache[words] = (now, stats)
    return stats


def _prefix_words(table: str, prefix: str, limit: int) -> list[str]:
    """The distinct words of the word table that start with ``prefix``, by hopping along its index (one
    probe per word, however many rows bear it); at most ``limit``."""
    words = word_table(table)
    with connection.cursor() as cur:
        cur.execute(
            f"""WITH RECURSIVE t(w, n) AS (
                  SELECT (SELECT min(word) FROM {words} WHERE word >= %s AND word < %s), 1
                  UNION ALL
                  SELECT (SELECT min(word) FROM {words} WHERE word > t.w AND word < %s), t.n + 1
                    FROM t WHERE t.w IS NOT NULL AND t.n < %s)
                SELECT w FROM t WHERE w IS NOT NULL""",
            [prefix, _after(prefix), _after(prefix), limit],
        )
        return [r[0] for r in cur.fetchall()]


def _after(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# A prefix starting more distinct words than this is matched as a range of words instead of a list.
PREFIX_WORDS = 300
# Relative costs (µs per row), measured on this kind of machine (2 cores): PostgreSQL on the national data set,
# SQLite on the province one. "index": one word-table index entry read, kept and sorted (PostgreSQL) / one
# full-text match turned into a member row and sorted (SQLite); "walk": one member of the scope met along the
# name-order index, its row read and its name checked; "scan": one member of a small scope read from the
# org_path index and its name checked.
COSTS = {
    "postgresql": {"index": 0.6, "walk": 5.0, "scan": 5.0},
    "sqlite": {"index": 1.6, "walk": 4.0, "scan": 3.0},
}
# Walking the name order is only trusted for names this common: rarer words are mostly given names, which
# name_sort puts together (all "Hùng" in one stretch), so a walk from "A" would read far more rows than the
# even spread it is costed on.
WALK_MIN_SHARE = 0.15


@dataclass
class WordPlan:
    """How a name search is answered: from the word index, or by checking the names of the scope's rows."""

    whole: list[str]
    last: str
    rows: float  # rows of the table
    driver_share: float  # share of the rows bearing the driving word(s) (PostgreSQL's word table)
    name_share: float  # estimated share of the rows whose name has every word
    expanded: list[str] | None = None  # PostgreSQL: the words the last word starts; None: too many, a range
    driver: int = -1  # index into ``whole``, or -1 for the prefix


def plan_words(table: str, words: list[str]) -> WordPlan | None:
    """The plan of a search for ``words`` (``tokens`` of a query), from the database's own statistics; None
    when nothing can match (the last word starts no word of any name)."""
    if connection.vendor == "postgresql":
        return _plan_postgresql(table, words)
    return _plan_sqlite(table, words)


def _plan_postgresql(table: str, words: list[str]) -> WordPlan | None:
    *whole, last = words
    expanded = _prefix_words(table, last, PREFIX_WORDS)
    if not expanded:
        return None
    freqs, per_row, rows = _word_stats(table)

    def share(ws: list[str]) -> float:
        return min(1.0, sum(freqs.get(w, RARE_WORD) for w in ws) * per_row)

    prefix_share = share(expanded) if len(expanded) < PREFIX_WORDS else 1.0
    candidates = [(share([w]), i) for i, w in enumerate(whole)]
    candidates.append((prefix_share, -1))  # ties go to the prefix (one word when typed in full)
    candidates.sort()
    name_share = prefix_share
    for s, i in candidates:
        if i != -1:
            name_share *= s
    return WordPlan(
        whole=whole, last=last, rows=rows, driver_share=candidates[0][0], name_share=name_share,
        expanded=expanded if len(expanded) < PREFIX_WORDS else None, driver=candidates[0][1],
    )  # fmt: skip


def _plan_sqlite(table: str, words: list[str]) -> WordPlan | None:
    """From the full-text table's vocabulary (``{table}_fts_vocab``: how many rows hold each word — reading
    it costs in proportion to the word's rows, so the figures are kept for ten minutes like PostgreSQL's)."""
    *whole, last = words
    now = time.monotonic()
    if len(_vocab_cache) > 10_000:
        _vocab_cache.clear()
    wanted = [(w, False) for w in whole] + [(last, True), ("", None)]  # ("", None): the table's rows
    got = {}
    for key in wanted:
        hit = _vocab_cache.get((table, *key))
        # A word no row held is asked again each time: a name added since must be found at once.
        if hit and now - hit[0] < _STATS_TTL and hit[1]:
            got[key] = hit
    missing = [key for key in wanted if key not in got]
    if missing:
        vocab = f"{table}_fts_vocab"
        parts, params = [], []
        for word, prefix in missing:
            if prefix is None:
                parts.append(f"SELECT count(*), 1 FROM {table}")
            elif prefix:
                parts.append(
                    f"SELECT coalesce(sum(doc), 0), count(*) FROM {vocab} WHERE term >= %s AND term < %s"
                )
                params += [word, _after(word)]
            else:
                parts.append(f"SELECT coalesce(sum(doc), 0), count(*) FROM {vocab} WHERE term = %s")
                params.append(word)
        with connection.cursor() as cur:
            cur.execute(" UNION ALL ".join(parts), params)
            for key, row in zip(missing, cur.fetchall(), strict=True):
                got[key] = _vocab_cache[(table, *key)] = (now, *row)
    if got[(last, True)][2] == 0:
        return None
    rows = max(got[("", None)][1], 1)
    name_share = 1.0
    for key in wanted[:-1]:
        name_share *= min(1.0, got[key][1] / rows)
    return WordPlan(whole=whole, last=last, rows=rows, driver_share=name_share, name_share=name_share)


def scan_is_cheaper(plan: WordPlan, *, scope_rows: int, large: bool, page: int) -> bool:
    """Whether checking the names of the scope's rows costs less than reading the search index: walking the
    name-order index through a large scope for very common words ("nguyen", "h"), or reading a small scope
    whole for common ones (a secretary looking for "nguyen")."""
    cost = COSTS[connection.vendor]
    if connection.vendor == "postgresql":  # the word table is read inside the scope only
        index = plan.driver_share * scope_rows * cost["index"]
    else:  # the full-text table answers for the whole database
        index = plan.name_share * plan.rows * cost["index"]
    if large:
        if plan.name_share < WALK_MIN_SHARE:
            return False
        scan = page / (plan.name_share * min(1.0, max(scope_rows, 1) / plan.rows)) * cost["walk"]
    else:
        scan = scope_rows * cost["scan"]
    return scan < index


def scoped_word_sql(
    table: str,
    plan: WordPlan,
    *,
    subtrees: list[str] | None,
    row_ids: list[int] = (),
    within: str | None = None,
    conditions: tuple[list[str], list] = ([], []),
) -> tuple[str, list]:
    """FROM/WHERE (``"FROM … WHERE …"``, params) over the word table selecting the rows, one or more per
    matching member, of the members whose name has every word of ``plan`` (the last as a word prefix) and who
    lie in one of ``subtrees`` (paths) or are one of ``row_ids`` (``subtrees`` None: everywhere), and in the
    subtree ``within``, and meet ``conditions`` (SQL on the carried columns, alias ``w``, and their params).
    Columns: ``w.row_id``, ``w.name_sort``; one row per member (so a count can stop at a cap).

    The index is read for the driving word only — the rarest by the column statistics (a word outside the
    most-common list counts as rare; a prefix counts as all the words it starts); the others are checked
    on the name carried in the index entry.
    """
    where, params = [], []
    if plan.driver == -1:
        if plan.expanded is not None:
            where.append("w.word = ANY(%s)")
            params.append(plan.expanded)
        else:
            where.append("w.word >= %s AND w.word < %s")
            params += [plan.last, _after(plan.last)]
        if plan.expanded is None or len(plan.expanded) > 1:
            # One row per member: the row of the first word of the name that starts with the prefix.
            where.append("position(' ' || w.word || ' ' in w.name_words) = position(%s in w.name_words)")
            params.append(f" {plan.last}")
    else:
        where.append("w.word = %s")
        params.append(plan.whole[plan.driver])
    for i, w in enumerate(plan.whole):
        if i != plan.driver:
            where.append("w.name_words LIKE %s")
            params.append(f"% {w} %")
    if plan.driver != -1:
        where.append("w.name_words LIKE %s")
        params.append(f"% {plan.last}%")
    if subtrees is not None:
        scope = []
        for path in subtrees:
            scope.append("(w.org_path >= %s AND w.org_path < %s)")
            params += [path, path[:-1] + "/"]
        if row_ids:
            scope.append("w.row_id = ANY(%s)")
            params.append(list(row_ids))
        where.append("(" + " OR ".join(scope) + ")" if scope else "FALSE")
    if within is not None:
        where.append("w.org_path >= %s AND w.org_path < %s")
        params += [within, within[:-1] + "/"]
    where += conditions[0]
    params += conditions[1]
    return f"FROM {word_table(table)} w WHERE " + " AND ".join(where), params


# A prefix starting at most this many words is paged word by word (``scoped_word_ids``).
SPLIT_PREFIX_WORDS = 40
_ANY_WORD = re.compile(r"FROM \w+ w WHERE w\.word = ANY\(%s\)")


def scoped_word_count(scoped: tuple[str, list], cap: int) -> int:
    """How many members ``scoped_word_sql`` selects, or ``cap + 1`` when more."""
    sql, params = scoped
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM (SELECT 1 {sql} LIMIT %s) t", [*params, cap + 1])
        return cur.fetchone()[0]


def scoped_word_ids(scoped: tuple[str, list], after, before, n: int) -> list[int]:
    """The ids of the first ``n`` members of ``scoped_word_sql`` in (name_sort, id) order after the position
    ``after`` — or, with ``before``, the ``n`` just before it, nearest first (``core.pagination.keyset_page``)."""
    sql, params = scoped
    params = list(params)
    order = "ASC"
    if after:
        sql += " AND (w.name_sort, w.row_id) > (%s, %s)"
        params += list(after)
    elif before:
        sql += " AND (w.name_sort, w.row_id) < (%s, %s)"
        params += list(before)
        order = "DESC"
    page = f"ORDER BY w.name_sort {order}, w.row_id {order} LIMIT %s"
    expanded = params[0] if _ANY_WORD.match(sql) else None
    if expanded is not None and 1 < len(expanded) <= SPLIT_PREFIX_WORDS:
        # A prefix ("nguyen van hu…"): each word it starts read in name order up to a page (the name-order
        # index), the pages merged — not every bearer of the words sorted.
        one = sql.replace("w.word = ANY(%s)", "w.word = %s", 1)
        parts = [f"(SELECT w.name_sort, w.row_id {one} {page})" for _ in expanded]
        sql = f"SELECT name_sort, row_id FROM ({' UNION ALL '.join(parts)}) w {page.replace('w.', '')}"
        params = [p for word in expanded for p in (word, *params[1:], n)] + [n]
    else:
        sql, params = f"SELECT w.name_sort, w.row_id {sql} {page}", [*params, n]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [row[1] for row in cur.fetchall()]
