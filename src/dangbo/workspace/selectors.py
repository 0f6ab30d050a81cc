"""«Việc của tôi»: what needs the user's action, grouped by kind and organization, and the current period's tasks.

The reminders come from ``members.history.selectors.alerts`` (the members' own and every source registered in
``core.registries.ALERT_SOURCES``). Computing them reads the whole scope (a province: ~0.5–1.7 s), so they are kept
in the cache per user, day and roles, with the number of the audit event they were computed after. Every service
writes its audit event, with the path of the organization it concerns (``scope_path``), in the transaction that
changes the facts; a page load reads the number of the last event (one index entry) and, when events were written
since, asks which of them lie where the user's reminders come from (``Watch``, ``changes``): writes elsewhere (the
other provinces, the other grassroots organizations) cost one range of the audit log's primary key. A change of the
tree, an event above the user's subtrees (a task, a campaign given from above) or without a place recomputes all
of them; a change inside the subtrees recomputes only the part it touched — the grassroots organization of each
changed path with all under it, and the committees above it for their own rows (``piece_of``) — by running
``alerts`` with every scope narrowed to that part (``core.policies.narrowed``), and keeps the reminders of the
other organizations: each reminder names the paths it was read from (``Alert.paths``). A province's staff thus
pay for one grassroots organization per write in their province, not for the province.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q

from dangbo.accounts.selectors import grants
from dangbo.audit.models import Action, AuditEvent
from dangbo.core import policies
from dangbo.core.policies import Piece, ancestor_paths
from dangbo.core.text import fold
from dangbo.members.history.selectors import Alert, alerts
from dangbo.members.models import Member, Transfer
from dangbo.organizations.choices import GRASSROOTS_KINDS
from dangbo.organizations.models import Organization
from dangbo.steering.models import Task
from dangbo.steering.tasks import selectors as task_selectors

CACHE_SECONDS = 24 * 3600
# Part of the cache key: raise it when what ``alerts`` returns changes shape or wording, so that a new release
# does not show reminders kept by the previous one.
ALERTS_FORMAT = 3
ITEMS_PER_ORG = 2  # on the home page, the first items of each organization; the rest behind «xem tất cả»
ORGS_PER_KIND = 4
# Events read per check of what changed since the reminders were computed; a check that finds this many events
# of transfers alone (none of them the user's) recomputes rather than reading on.
CHANGES_READ = 200
# A check that found nothing of the user's is remembered (one cache write) once it has read this many events'
# numbers; fewer are read again next time (a short range of the primary key costs less than the write).
SEEN_STEP = 100


def facts_version() -> int:
    """The number of the last audit event: it changes whenever a service changes a fact."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@dataclass(frozen=True)
class Watch:
    """Where a change can alter the reminders of one user: inside their subtrees (``subtrees``), on an organization
    above them (``above``: a task or a campaign given from above), anywhere (``everything``: an administrator)."""

    everything: bool
    subtrees: tuple[str, ...] = ()
    above: tuple[str, ...] = ()
    key: str = ""  # the user's roles and their places, hashed: a new role is a new key

    def inside(self, path: str | None) -> bool:
        """Whether ``path`` lies in the user's subtrees."""
        return bool(path) and any(path.startswith(p) for p in self.subtrees)


def watch_of(actor) -> Watch:
    roles = sorted((g.role, g.path or "") for g in grants(actor))
    everything = policies.where(actor, policies.VIEW, Organization).everything  # an administrator
    key = hashlib.blake2s(repr((everything, roles)).encode(), digest_size=8).hexdigest()
    if everything:
        return Watch(True, key=key)
    paths = {path for _, path in roles if path}
    tops = tuple(sorted(p for p in paths if not any(p != o and p.startswith(o) for o in paths)))
    above = tuple(sorted({a for p in tops for a in ancestor_paths(p)[:-1]} - set(tops)))
    return Watch(False, tops, above, key)


@dataclass(frozen=True)
class Changes:
    """What the audit events since a check change of one user's reminders: all of them (``whole``: a change of the
    tree, above the user, without a place, or too many to read), or those of the organizations at ``paths``
    (inside the user's subtrees; a transfer: both sides)."""

    whole: bool = False
    paths: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.whole or bool(self.paths)


def changes(watch: Watch, *, after: int, upto: int) -> Changes:
    """The changes numbered in (``after``, ``upto``] that may alter the reminders ``watch`` is about.

    Read along the primary key (the events since the last check: a few while others write elsewhere). Views of
    personal data change nothing. A change of the tree (moving, renaming, dissolving an organization) concerns
    everyone; a transfer concerns both sides, while its event is placed at one of them (the member's cell) —
    also when written on the member (a letter withdrawn: the receiving side's reminder goes)."""
    events = AuditEvent.objects.filter(id__gt=after, id__lte=upto).exclude(action=Action.VIEW).order_by()
    if watch.everything:
        return Changes(whole=events.exists())
    transfer = ContentType.objects.get_for_model(Transfer).pk
    tree = ContentType.objects.get_for_model(Organization).pk
    member = ContentType.objects.get_for_model(Member).pk
    where = [Q(scope_path=""), Q(content_type=tree), Q(content_type=transfer)]
    where += [Q(scope_path__in=watch.above)] if watch.above else []
    where += [Q(scope_path__startswith=p) for p in watch.subtrees]
    rows = list(
        events.filter(reduce(or_, where)).values_list("scope_path", "content_type", "object_id")[
            :CHANGES_READ
        ]
    )
    if len(rows) == CHANGES_READ:
        return Changes(whole=True)
    paths, ids, members = set(), set(), set()
    for path, ct, pk in rows:
        if ct == transfer:
            ids.add(int(pk))
        elif ct == tree or not path or path in watch.above:
            return Changes(whole=True)
        elif ct == member and watch.inside(path):
            members.add(int(pk))  # a letter withdrawn, a member back: written on the member
        if watch.inside(path):
            paths.add(path)
    if (ids or members) and watch.subtrees:
        sides = Transfer.objects.filter(Q(pk__in=ids) | Q(member_id__in=members)).values_list(
            "member__org_path", "from_organization__path", "to_organization__path"
        )
        paths |= {p for row in sides for p in row if watch.inside(p)}
    return Changes(paths=frozenset(paths))


def piece_of(paths) -> Piece:
    """The part of the tree whose reminders changes at ``paths`` can alter: the grassroots organization of each,
    with all under it, and the committees above it for their own rows alone (a remittance to the committee
    above, a transfer addressed to it) — a few indexed ranges, not the user's whole scope."""
    chains = [ancestor_paths(p) for p in paths]
    kinds = dict(
        Organization.objects.filter(path__in={a for c in chains for a in c}).values_list("path", "kind")
    )
    subtrees, exact = set(), set()
    for chain in chains:
        for path in chain:
            if kinds.get(path) in GRASSROOTS_KINDS:
                subtrees.add(path)
                break
            exact.add(path)
    return Piece(tuple(sorted(subtrees)), tuple(sorted(exact - subtrees)))


def _untouched(watch: Watch, piece: Piece, alert: Alert) -> bool:
    """Whether a reminder stands for organizations of the user's subtrees that ``piece`` leaves out (kept from
    before). One read outside the scopes (no path inside the subtrees) is read again with every change."""
    inside = [p for p in alert.paths if watch.inside(p)]
    return bool(inside) and not any(piece.holds(p) for p in inside)


def _ordered(items) -> list[Alert]:
    """Each reminder once, overdue first, then the earliest deadline (the order of ``alerts``)."""
    out = list(dict.fromkeys(items))
    out.sort(key=lambda a: (a.level != "warn", a.due or dt.date.max))
    return out


def my_alerts(actor, on: dt.date) -> list[Alert]:
    """Every reminder of ``actor`` on ``on`` (each once), kept until a fact they come from changes, or the day.

    The cache holds (the number of the last audit event when they were computed, the reminders) and, apart, the
    number of the last event checked since (``…:seen``): a check that finds no change of the user's moves it on
    (every ``SEEN_STEP`` events), so the next one reads only the events after it. A change inside the user's
    subtrees recomputes only the part it touched (``piece_of``: ``alerts`` narrowed by ``policies.narrowed``),
    and the reminders of the other organizations are kept; a change of the tree, above, or without a place
    recomputes all. As before, an event numbered before the last one but committed after the check (two
    transactions ending out of order) is seen only with the next change of the user's, or the next day."""
    now = facts_version()
    watch = watch_of(actor)
    key = f"workspace.alerts.{ALERTS_FORMAT}:{actor.pk}:{on:%Y%m%d}:{watch.key}"
    kept = cache.get_many([key, f"{key}:seen"])
    if (entry := kept.get(key)) is not None:
        computed, found = entry
        seen = max(computed, kept.get(f"{key}:seen") or 0)
        if now <= seen:
            return found
        change = changes(watch, after=seen, upto=now)
        if not change:
            if now - seen >= SEEN_STEP:
                cache.set(f"{key}:seen", now, CACHE_SECONDS)
            return found
        if not change.whole:
            piece = piece_of(change.paths)
            with policies.narrowed(piece):
                fresh = alerts(actor, on=on, limit=None)
            found = _ordered([a for a in fresh if not _untouched(watch, piece, a)]
                             + [a for a in found if _untouched(watch, piece, a)])  # fmt: skip
            cache.set(key, (now, found), CACHE_SECONDS)
            return found
    found = alerts(actor, on=on, limit=None)
    cache.set(key, (now, found), CACHE_SECONDS)
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
    held, held_count = [], 0
    if policies.anywhere(actor, "held", Task):
        qs = policies.scope(actor, "held", Task.objects.all()).filter(
            Q(assigned_date__gte=start) | Q(deadline__gte=start)
        )
        held_count = qs.count()
        if held_count:
            held = list(
                task_selectors.with_counts(qs.select_related("organization")).order_by("-deadline", "-id")[
                    :TASKS_SHOWN
                ]
            )
    qs = task_selectors.from_above(actor).filter(
        Q(task__assigned_date__gte=start) | Q(task__deadline__gte=start)
    )
    incoming_count = qs.count()
    incoming = []
    if incoming_count:
        incoming = [
            (a, *task_selectors.state_of(a, a.task, on))
            for a in qs.select_related("task__organization", "organization").order_by(
                "-task__deadline", "organization__name_norm"
            )[:TASKS_SHOWN]
        ]
    return CurrentTasks(held, held_count, incoming, incoming_count)
