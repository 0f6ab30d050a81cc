"""Small database-specific helpers (the other one is core/search.py)."""

from collections import OrderedDict

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import CharField, Func
from django.db.models.query import ModelIterable


class NoIndex(Func):
    """Wrap a text column so the query planner does not drive the plan from its index.

    Used for a subtree predicate on a large scope: walking the (name_sort, id) index and checking the
    predicate row by row finds the first page at once, while starting from the org_path index means sorting
    the whole subtree (PERFORMANCE.md: 0.1 ms vs 210–250 ms on SQLite at 250k). SQLite's documented hint is
    the unary "+"; on PostgreSQL an empty concatenation does the same. The column keeps its collation.
    """

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s || '')", **extra)

    def as_sql(self, compiler, connection, template=None, **extra):
        return super().as_sql(compiler, connection, template=template or "%(expressions)s", **extra)


class StatementCache:
    """A process's compiled statements, key → entry, the least recently used dropped once it holds
    ``settings.DANGBO_STATEMENT_CACHE`` entries (a few kB each: the default 2,000 is ~8 MB a process at worst; the keys
    include a user's scope and a search's words, so without a limit a long-lived worker would keep growing)."""

    def __init__(self):
        self._entries: OrderedDict = OrderedDict()

    def get(self, key, default=None):
        entry = self._entries.get(key, default)
        if entry is not default:
            self._entries.move_to_end(key)
        return entry

    def put(self, key, entry) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > max(1, settings.DANGBO_STATEMENT_CACHE):
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key) -> bool:
        return key in self._entries

    def clear(self) -> None:
        self._entries.clear()


_MISSING = object()

# ``exists_compiled``: (database, key) → (SQL, parameters) or None (no row can match).
_EXISTS_SQL = StatementCache()


def exists_compiled(model, key: tuple, build) -> bool:
    """``build().exists()`` — ``build`` returns a queryset of ``model`` — with the statement compiled once per
    process for ``key``, which must determine the queryset's SQL *and* parameters entirely (e.g. a user id and their
    role assignments, for a scope). A page asks the same small question on every request (the menu's «Công việc
    nền»); building and compiling it through the ORM costs ~10 times running it (issue 19)."""
    alias = router.db_for_read(model)
    entry_key = (alias, key)
    entry = _EXISTS_SQL.get(entry_key, _MISSING)
    if entry is _MISSING:
        query = build().query.exists()
        try:
            entry = query.get_compiler(alias).as_sql()
        except EmptyResultSet:  # a queryset that can hold no row (``.none()``)
            entry = None
        _EXISTS_SQL.put(entry_key, entry)
    if entry is None:
        return False
    with connections[alias].cursor() as cursor:
        cursor.execute(*entry)
        return cursor.fetchone() is not None


# ``prepared``: this process's compiled statements — key → (model, database, SQL, parameters, where each argument goes,
# the columns' converters, the fields' names).
_PREPARED = StatementCache()
_MARK_INT = (
    -1_987_654_321
)  # an argument's stand-in while the statement is compiled: no real value looks like it
_MARK_STR = "\x00dangbo-argument-"
_EMPTY = object()  # the entry of a statement that can return no row


def prepared(key: tuple, build, *args, count: bool = False) -> list | int:
    """The rows of ``build(*args)`` — a queryset of a model's instances (no ``select_related``, no annotations) or
    of ``values_list`` tuples — with its statement compiled once per process for ``key``: ``key`` must determine the
    statement and every parameter but ``args`` (ints or strings, used as they are in the SQL, once or several times).
    The queries every detail page runs with another id (its history, a member's events) cost Django ~5 times more
    to build and compile than to run and read (issue 19); running the stored statement costs no more than a raw
    cursor plus Django's converters of the columns (dates on SQLite, JSON). ``count``: the number of rows instead
    (``build(*args).count()``, e.g. of a sliced queryset: a capped count)."""
    entry = _PREPARED.get(key)
    if entry is None:
        marks = [(_MARK_INT - i) if isinstance(a, int) else f"{_MARK_STR}{i}" for i, a in enumerate(args)]
        queryset = build(*marks)
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a queryset that can hold no row (``.none()``, an empty ``__in``)
            entry = _EMPTY
        else:
            positions = [[j for j, p in enumerate(params) if p == m] for m in marks]
            if not all(positions):  # an argument transformed (a LIKE pattern …): the ORM each time
                return build(*args).count() if count else list(build(*args))
            values = queryset._iterable_class is not ModelIterable
            klass = compiler.klass_info
            if not values and (klass.get("related_klass_infos") or compiler.annotation_col_map
                               or klass["select_fields"] != list(range(compiler.col_count))):  # fmt: skip
                return build(*args).count() if count else list(build(*args))
            select = [s[0] for s in compiler.select[: compiler.col_count]]
            if count:  # what QuerySet.count() runs for a sliced or distinct query
                sql, values, select = f"SELECT COUNT(*) FROM ({sql}) subquery", True, []
            attnames = None if values else [col.target.attname for col in select]
            converters = compiler.get_converters(select) if select else {}
            # Not the compiler (its query holds the whole tree of the queryset): what running the statement needs.
            entry = (compiler.query.model, compiler.using, sql, params, positions, converters, attnames)
        _PREPARED.put(key, entry)
    if entry is _EMPTY:
        return 0 if count else []
    model, db, sql, params, positions, converters, attnames = entry
    params = list(params)
    for at, value in zip(positions, args, strict=True):
        for j in at:
            params[j] = value
    connection = connections[db]  # this thread's (the compiler kept the one it was compiled on)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if count:
        return rows[0][0]
    if converters:
        rows = [_converted(row, converters, connection) for row in rows]
    if attnames is None:
        return [tuple(r) for r in rows]
    return [model.from_db(db, attnames, r) for r in rows]


def _converted(row, converters: dict, connection) -> list:
    """``row`` through Django's converters of its columns (``SQLCompiler.apply_converters``)."""
    row = list(row)
    for pos, (functions, expression) in converters.items():
        value = row[pos]
        for convert in functions:
            value = convert(value, expression, connection)
        row[pos] = value
    return row


def insert_many(model, objects: list, *, ids: bool = False) -> None:
    """Insert unsaved ``objects`` of ``model`` at once (a bulk import). ``ids``: give each object its primary key
    (for the rows that point to it). PostgreSQL: the keys are drawn from the table's sequence and the rows go in by
    COPY — the ORM's bulk_create there spends most of its time escaping arrays of values in Python; the values are
    the objects' own (set by the service), the timestamps of ``auto_now`` fields the current moment. Elsewhere
    (SQLite, in-process) ``bulk_create``, which returns the keys."""
    from django.db import connection
    from django.db.models import JSONField

    from .dates import now

    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=500)
        return
    from psycopg.types.json import Jsonb

    qn = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objects)],
            )
            for obj, (value,) in zip(objects, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
        fields = [f for f in model._meta.concrete_fields if not (f.primary_key and not ids)]
        stamp = now()
        for f in fields:  # the foreign keys of objects given as instances saved just before
            if f.is_relation:
                for obj in objects:
                    if (
                        getattr(obj, f.attname) is None
                        and (related := getattr(obj, f.name, None)) is not None
                    ):
                        setattr(obj, f.attname, related.pk)
        readers = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                readers.append(lambda obj, f=f: stamp)
            elif isinstance(f, JSONField):
                readers.append(lambda obj, f=f: Jsonb(getattr(obj, f.attname)))
            else:
                readers.append(lambda obj, f=f: getattr(obj, f.attname))
        names = ", ".join(qn(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([read(obj) for read in readers])
