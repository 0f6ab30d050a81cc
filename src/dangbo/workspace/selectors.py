"""«Việc của tôi»: what needs the user's action, grouped by kind and organization, and the current period's tasks.

The reminders come from ``members.selectors_history.alerts`` (the members' own and every source registered in
``core.registries.ALERT_SOURCES``). Computing them reads the whole scope (a province: ~0.5 s of CPU), so they are
kept in the cache per user and day, under the number of the last event of the audit log: every service writes
its audit event in the transaction that changes the facts, so any change — and only a change, or a new day —
makes the next home page recompute them. A page load that finds them reads one index entry (the last audit
event) and one cache entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q

from dangbo.audit.models import AuditEvent
from dangbo.core.text import fold
from dangbo.members.history.selectors import Alert, alerts
from dangbo.organizations.policies import work_q
from dangbo.steering.tasks import services as steering_tasks

CACHE_SECONDS = 24 * 3600
# Part of the cache key: raise it when what ``alerts`` returns changes shape or wording, so that a new release
# does not show reminders kept by the previous one.
ALERTS_FORMAT = 1
ITEMS_PER_ORG = 2  # on the home page, the first items of each organization; the rest behind «xem tất cả»
ORGS_PER_KIND = 4


def facts_version() -> int:
    """The number of the last audit event: it changes whenever a service changes a fact."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def my_alerts(actor, on: dt.date) -> list[Alert]:
    """Every reminder of ``actor`` on ``on`` (each once), kept until the facts change or the day does."""
    key = f"workspace.alerts.{ALERTS_FORMAT}:{actor.pk}:{on:%Y%m%d}:{facts_version()}"
    found = cache.get(key)
    if found is None:
        found = alerts(actor, on=on, limit=None)
        cache.set(key, found, CACHE_SECONDS)
    return found


def kind_slug(kind: str) -> str:
    """A short stable key of a kind for URLs (?loai=…)."""
    return hashlib.blake2s(kind.encode(), digest_size=4).hexdigest()


def _newest_first(items: list[Alert]) -> list[Alert]:
    """Overdue first, then the newest deadline first; reminders without a deadline after those with one."""
    return sorted(
        items, key=lambda a: (a.level != "warn", a.due is None, -(a.due or dt.date.min).toordinal(), a.text)
    )


@dataclass
class OrgGroup:
    org: str
    items: list[Alert]
    warn: int = 0

    @property
    def shown(self) -> list[Alert]:
        return self.items[:ITEMS_PER_ORG]

    @property
    def hidden(self) -> int:
        return max(0, len(self.items) - ITEMS_PER_ORG)


@dataclass
class KindGroup:
    kind: str
    slug: str
    count: int
    warn: int
    orgs: list[OrgGroup] = field(default_factory=list)

    @property
    def shown_orgs(self) -> list[OrgGroup]:
        return self.orgs[:ORGS_PER_KIND]

    @property
    def hidden_orgs(self) -> int:
        return max(0, len(self.orgs) - ORGS_PER_KIND)

    @property
    def cut(self) -> bool:
        """Whether the home page shows fewer than all of this kind's items."""
        return self.hidden_orgs > 0 or any(g.hidden for g in self.orgs)


def grouped(items: list[Alert]) -> list[KindGroup]:
    """By kind (those with overdue items first, then the most items), then by organization (the most overdue, then
    the most items), each group's items overdue first, then the newest deadline first."""
    kinds: dict[str, dict[str, list[Alert]]] = {}
    for a in items:
        kinds.setdefault(a.kind or "Việc khác", {}).setdefault(a.org, []).append(a)
    out = []
    for kind, orgs in kinds.items():
        groups = [
            OrgGroup(org, _newest_first(lst), sum(a.level == "warn" for a in lst))
            for org, lst in orgs.items()
        ]
        groups.sort(key=lambda g: (-g.warn, -len(g.items), fold(g.org)))
        n = sum(len(g.items) for g in groups)
        out.append(KindGroup(kind, kind_slug(kind), n, sum(g.warn for g in groups), groups))
    out.sort(key=lambda k: (-k.warn, -k.count, k.kind))
    return out


def filtered(items: list[Alert], *, kind: str = "", org: str = "") -> list[Alert]:
    """The reminders of one kind (its slug) and/or one organization (its name, accent-insensitive substring)."""
    if kind:
        items = [a for a in items if kind_slug(a.kind or "Việc khác") == kind]
    if org:
        needle = fold(org)
        items = [a for a in items if needle in fold(a.org)]
    return _newest_first(items)


TASKS_SHOWN = 10


@dataclass
class CurrentTasks:
    held: list
    held_count: int
    incoming: list
    incoming_count: int


def current_tasks(actor, on: dt.date) -> CurrentTasks:
    """This year's tasks: those the actor's committees assigned (with report counts), and those assigned to the
    actor's organizations from above — assigned this year, or due from the first day of this year on; the
    newest deadline first, the first ``TASKS_SHOWN`` of each with the count of all (the task list has the rest)."""
    start = dt.date(on.year, 1, 1)
    held_q = work_q(actor, "steer", "organization")
    held, held_count = [], 0
    if held_q is not None:
        qs = (
            steering_tasks.task_scope(actor)
            .filter(held_q)
            .filter(Q(assigned_date__gte=start) | Q(deadline__gte=start))
        )
        held_count = qs.count()
        if held_count:
            held = list(
                steering_tasks.with_counts(qs.select_related("organization")).order_by("-deadline", "-id")[
                    :TASKS_SHOWN
                ]
            )
    qs = steering_tasks.from_above(actor).filter(
        Q(task__assigned_date__gte=start) | Q(task__deadline__gte=start)
    )
    incoming_count = qs.count()
    incoming = []
    if incoming_count:
        incoming = [
            (a, *steering_tasks.state_of(a, a.task, on))
            for a in qs.select_related("task__organization", "organization").order_by(
                "-task__deadline", "organization__name_norm"
            )[:TASKS_SHOWN]
        ]
    return CurrentTasks(held, held_count, incoming, incoming_count)
