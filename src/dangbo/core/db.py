"""Small database-specific helpers (the other one is core/search.py)."""

from django.db.models import CharField, Func


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
