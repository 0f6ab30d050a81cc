"""The role assignments of a user (``grants``), read once per request and cached on the user — with the user
itself, in one statement, when the request's user comes from the session (``SessionUserBackend``). What each role
may do, and where (``RULES``, ``reach``), is the policies' (``accounts/policies.py``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    path: str


def grants(actor) -> list[Grant]:
    """The actor's role assignments in the order they were made, loaded once per request and cached on the user
    object (by ``SessionUserBackend`` with the user itself)."""
    if not getattr(actor, "is_authenticated", False):
        return []
    cached = getattr(actor, "_dangbo_grants", None)
    if cached is None:
        cached = [
            Grant(role, org_id, path)
            for role, org_id, path in actor.roles.order_by("pk").values_list(
                "role", "organization_id", "organization__path"
            )
        ]
        actor._dangbo_grants = cached
    return cached


class SessionUserBackend(ModelBackend):
    """Django's ``ModelBackend`` (``authenticate``, permissions unchanged) whose ``get_user`` — run on every request,
    for the user id of the session — reads the user and their role assignments in one SQL statement, written once
    per process: two ORM queries (user, then ``grants``) cost ~0.5 ms of Django CPU per page (issue 19)."""

    def get_user(self, user_id):
        model = get_user_model()
        db = router.db_for_read(model)
        connection = connections[db]
        sql, columns, fields = _session_user_sql(db)
        with connection.cursor() as cursor:
            cursor.execute(sql, [model._meta.pk.to_python(user_id)])
            rows = cursor.fetchall()
        if not rows:
            return None
        n = len(fields)
        values = list(rows[0][:n])
        for i, (col, converters) in enumerate(columns):
            for convert in converters:
                values[i] = convert(values[i], col, connection)
        user = model.from_db(db, [f.attname for f in fields], values)
        user._dangbo_grants = [
            Grant(role, org_id, path) for role, org_id, path in (r[n:] for r in rows) if role
        ]
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _session_user_sql(db: str):
    """(SQL, [(column, converters)], fields) of ``SessionUserBackend.get_user`` for the database ``db``: the user's
    columns, then (role, organization id, organization path) — one row per role assignment, in the order they were
    made (one row of NULLs without any)."""
    from .models import RoleAssignment

    model = get_user_model()
    connection = connections[db]
    qn = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = []
    for f in fields:
        col = f.get_col(model._meta.db_table)
        columns.append((col, connection.ops.get_db_converters(col) + f.get_db_converters(connection)))
    role = RoleAssignment._meta
    org = role.get_field("organization").related_model._meta  # organizations sit above accounts: no import
    sql = (
        f"SELECT {', '.join('u.' + qn(f.column) for f in fields)}, r.{qn(role.get_field('role').column)}, "
        f"r.{qn(role.get_field('organization').column)}, o.{qn(org.get_field('path').column)} "
        f"FROM {qn(model._meta.db_table)} u "
        f"LEFT JOIN {qn(role.db_table)} r ON r.{qn(role.get_field('user').column)} = u.{qn(model._meta.pk.column)} "
        f"LEFT JOIN {qn(org.db_table)} o ON o.{qn(org.pk.column)} = r.{qn(role.get_field('organization').column)} "
        f"WHERE u.{qn(model._meta.pk.column)} = %s ORDER BY r.{qn(role.pk.column)}"
    )
    return sql, columns, fields
