"""The role assignments of a user (``grants``), read once per request and cached on the user. What each role
may do, and where (``RULES``, ``reach``), is the policies' (``accounts/policies.py``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    path: str


def grants(actor) -> list[Grant]:
    """The actor's role assignments, loaded once per request and cached on the user object."""
    if not getattr(actor, "is_authenticated", False):
        return []
    cached = getattr(actor, "_dangbo_grants", None)
    if cached is None:
        cached = [
            Grant(role, org_id, path)
            for role, org_id, path in actor.roles.values_list("role", "organization_id", "organization__path")
        ]
        actor._dangbo_grants = cached
    return cached
