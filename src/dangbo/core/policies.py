"""Permission policies: one per model, in one registry (after Wagtail's ``policy_registry``).

Every page, list, search, export, report and API call asks the policy of the model it touches two questions:

* ``scope(actor, action, queryset)`` — the rows of ``queryset`` the actor may ``action``;
* ``can(actor, action, obj)`` — whether the actor may ``action`` this object (also an unsaved one: "may I add a
  meeting to this cell?" is ``can(actor, ADD, Meeting(organization=cell))``).

Both answers of a policy come from one definition (``Reach``: where in the tree the actor may act), so they agree
— ``tests/demo/test_demo.py`` checks ``can == scope`` for every registered model, persona and action. An object
outside the scope is treated as missing: views answer 404 (``get_scoped_or_404``), never 403.

This module is the machinery and knows no domain: who holds which role where, and what each role may do, is
``accounts.policies`` (``RULES``, ``reach``); the policies themselves live in each app's ``policies.py`` and
register here with ``@register``. A model without a policy fails ``tests/test_architecture.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import ClassVar

from django.db.models import F, Model, Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.http import Http404

from .db import NoIndex

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"


def is_root(actor) -> bool:
    """A system administrator (Django superuser, active): every policy's scope is everything."""
    return bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False))


# --- The tree: materialised id paths ---------------------------------------------------------------------------
# "1.7.42." is organization 42 under 7 under 1. A subtree is the half-open range [path, path[:-1] + "/") — "/" is
# the character after "." — which uses a plain B-tree index on both databases (binary collation columns).


def subtree_q(path: str, field: str = "path", *, use_index: bool = True) -> Q:
    """Q for every row whose ``field`` lies in the subtree rooted at ``path`` (the root included).

    ``use_index=False`` keeps the planner from starting at the path index — for large subtrees listed in
    another index's order (see core.db.NoIndex)."""
    if use_index:
        return Q(**{f"{field}__gte": path, f"{field}__lt": path[:-1] + "/"})
    column = NoIndex(F(field))
    return Q(GreaterThanOrEqual(column, path)) & Q(LessThan(column, path[:-1] + "/"))


def ancestor_paths(path: str) -> list[str]:
    """The paths from the root down to ``path`` itself: "1.7.42." → ["1.", "1.7.", "1.7.42."]."""
    parts = path.rstrip(".").split(".") if path else []
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def common_ancestor(low: str, high: str) -> str:
    """The deepest path above both (or equal to one): "1.7.42." and "1.7.45.3." → "1.7."; "" when none. Of the
    least and the greatest of a set of paths, the deepest path above every one of them."""
    n = 0
    while n < min(len(low), len(high)) and low[n] == high[n]:
        n += 1
    return low[: low.rfind(".", 0, n) + 1]


def in_subtree(path: str | None, root: str) -> bool:
    """The same test as ``subtree_q`` on one path."""
    return bool(path) and path.startswith(root)


def child_path(parent_path: str, pk: int) -> str:
    return f"{parent_path}{pk}."


@dataclass(frozen=True)
class Reach:
    """Where an actor may do one thing: everywhere, or in some subtrees (``paths``) and on some single rows
    (``ids``: a plain member's own record). The typed result every policy computes its answers from."""

    everything: bool = False
    paths: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.paths or self.ids)

    def __or__(self, other: Reach) -> Reach:
        if self.everything or other.everything:
            return EVERYWHERE
        return Reach(paths=_tops(self.paths + other.paths), ids=tuple(sorted(set(self.ids + other.ids))))

    def covers(self, path: str | None = None, pk: int | None = None) -> bool:
        """Whether a row placed at ``path`` (and/or with primary key ``pk``) is inside."""
        if self.everything:
            return True
        return any(in_subtree(path, p) for p in self.paths) or (pk is not None and pk in self.ids)

    def q(
        self, path_field: str | Iterable[str] | None, id_field: str = "pk", *, use_index: bool = True
    ) -> Q | None:
        """The reach as a filter on rows placed by ``path_field`` (several fields: any of them inside) — ``Q()``
        for everything, None for nothing (``filter`` applies it)."""
        if self.everything:
            return Q()
        fields = [path_field] if isinstance(path_field, str) else list(path_field or ())
        parts = [subtree_q(p, f, use_index=use_index) for p in self.paths for f in fields]
        parts += [Q(**{f"{id_field}__in": list(self.ids)})] if self.ids else []
        return reduce(or_, parts) if parts else None

    def filter(
        self, queryset: QuerySet, path_field, id_field: str = "pk", *, use_index: bool = True
    ) -> QuerySet:
        q = self.q(path_field, id_field, use_index=use_index)
        if q is None:
            return queryset.none()
        return queryset.filter(q) if q != Q() else queryset


EVERYWHERE = Reach(everything=True)
NOWHERE = Reach()


def _tops(paths: Iterable[str]) -> tuple[str, ...]:
    """The paths not inside another of them (a subtree inside a subtree adds nothing)."""
    unique = sorted(set(paths))
    return tuple(p for p in unique if not any(p != o and p.startswith(o) for o in unique))


@dataclass(frozen=True)
class Piece:
    """A part of the tree some reads are narrowed to (``narrowed``): whole subtrees, and single organizations
    without what lies under them (``exact``: the committees above a subtree, whose own rows are few)."""

    subtrees: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()

    def holds(self, path: str | None) -> bool:
        """Whether ``path`` lies in the piece (a part of the tree a read is narrowed to; not a permission)."""
        return bool(path) and (path in self.exact or any(path.startswith(p) for p in self.subtrees))

    def q(self, field: str) -> Q:
        parts = [subtree_q(p, field) for p in self.subtrees]
        parts += [Q(**{f"{field}__in": list(self.exact)})] if self.exact else []
        return reduce(or_, parts) if parts else Q(pk__in=[])


_narrowed: ContextVar[Piece | None] = ContextVar("policies_narrowed", default=None)


@contextmanager
def narrowed(piece: Piece) -> Iterator[None]:
    """Within the block, ``scope`` keeps only the rows of ``piece`` (any of a policy's ``piece_fields`` inside) —
    for the home page, which recomputes the reminders of the organizations a change touched, not of the whole
    scope (``workspace.selectors``). Policies without ``piece_fields`` are not narrowed."""
    token = _narrowed.set(piece)
    try:
        yield
    finally:
        _narrowed.reset(token)


def narrowing() -> Piece | None:
    """The piece ``scope`` is narrowed to now, if any."""
    return _narrowed.get()


# --- Policies and their registry ------------------------------------------------------------------------------


class Policy:
    """The permission policy of one model. Subclasses define ``scope`` and ``can`` (usually both from a
    ``Reach``); ``actions`` lists what may be asked (besides the four usual ones, e.g. "grade_upper")."""

    model: ClassVar[type[Model]]
    actions: ClassVar[frozenset[str]] = frozenset({VIEW, ADD, CHANGE, DELETE})
    # The path columns that place a row in a piece of the tree (``narrowed``); none: never narrowed.
    piece_fields: ClassVar[tuple[str, ...]] = ()
    # Actions open only in some states of the row: action → lookups ``field``, ``field__in``, ``field__isnull`` —
    # a meeting is cancelled while it is planned. The policy's ``scope`` applies them (``in_states``) and its
    # ``can`` asks ``in_state``; the service refuses the other states by the same ``in_state``: a page shows the
    # button exactly when the service would accept the action.
    states: ClassVar[dict[str, dict[str, object]]] = {}

    def in_states(self, action: str, queryset: QuerySet) -> QuerySet:
        """``queryset`` narrowed to the rows in a state where ``action`` is open."""
        return queryset.filter(**self.states[action]) if action in self.states else queryset

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        raise NotImplementedError

    def reach(self, actor, action: str) -> Reach:
        """Where in the tree the actor may ``action`` rows of the model (policies built on a ``Reach``)."""
        raise NotImplementedError(f"{type(self).__name__} answers from rows, not from a reach")

    def anywhere(self, actor, action: str) -> bool:
        """Whether the actor may ``action`` some row of the model (a menu entry, a page's link) — by default from
        the reach, without a query."""
        return not self.reach(actor, action).nothing

    def can(self, actor, action: str, obj: Model) -> bool:
        """Default: the saved object is in the scope (one query). Policies answer from the object's fields
        where they can (no query, and unsaved objects)."""
        if obj.pk is None:
            raise NotImplementedError(f"{type(self).__name__} cannot judge an unsaved {type(obj).__name__}")
        return self.scope(actor, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def check_action(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__}: unknown action {action!r}")


class ReferencePolicy(Policy):
    """Reference data every signed-in user reads (a grade scale, the document types, the communes, days off):
    changed only by system administrators (through the admin or a migration)."""

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        return queryset if action == VIEW or is_root(actor) else queryset.none()

    def can(self, actor, action: str, obj: Model) -> bool:
        return action == VIEW or is_root(actor)

    def anywhere(self, actor, action: str) -> bool:
        return action == VIEW or is_root(actor)


_registry: dict[type[Model], Policy] = {}


def register(policy_class: type[Policy]) -> type[Policy]:
    """Class decorator: ``@register`` over a ``Policy`` subclass with ``model`` set."""
    model = policy_class.model
    if model in _registry and type(_registry[model]) is not policy_class:
        raise ValueError(f"{model._meta.label} already has a policy: {type(_registry[model]).__name__}")
    _registry[model] = policy_class()
    return policy_class


def policy_for(model: type[Model]) -> Policy:
    model = model._meta.concrete_model if model._meta.proxy else model
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} has no permission policy (register one in its app's policies.py)"
        ) from None


def registered() -> dict[type[Model], Policy]:
    return dict(_registry)


def scope(actor, action: str, queryset: QuerySet, **options) -> QuerySet:
    """The rows of ``queryset`` the actor may ``action`` (the model's policy decides)."""
    policy = policy_for(queryset.model)
    policy.check_action(action)
    if not getattr(actor, "is_authenticated", False):
        return queryset.none()
    piece = _narrowed.get() if policy.piece_fields else None
    if piece is None:
        return policy.scope(actor, action, queryset, **options)
    # The piece's ranges drive the plan, not the scope's (a province's range would read the whole province).
    queryset = policy.scope(actor, action, queryset, **{**options, "use_index": False})
    return queryset.filter(reduce(or_, [piece.q(f) for f in policy.piece_fields]))


def can(actor, action: str, obj: Model) -> bool:
    """Whether the actor may ``action`` this object (the model's policy decides)."""
    policy = policy_for(type(obj))
    policy.check_action(action)
    if not getattr(actor, "is_authenticated", False):
        return False
    return policy.can(actor, action, obj)


def where(actor, action: str, model: type[Model]) -> Reach:
    """The typed scope result itself — where in the tree the actor may ``action`` rows of ``model`` — for a read
    that filters in SQL of its own (the word-table search) or keys a cache by it (the organization picker)."""
    policy = policy_for(model)
    policy.check_action(action)
    if not getattr(actor, "is_authenticated", False):
        return NOWHERE
    return policy.reach(actor, action)


def anywhere(actor, action: str, model: type[Model]) -> bool:
    """Whether the actor may ``action`` some row of ``model``: the navigation's entries, a page's links."""
    policy = policy_for(model)
    policy.check_action(action)
    if not getattr(actor, "is_authenticated", False):
        return False
    return policy.anywhere(actor, action)


def in_state(action: str, obj: Model) -> bool:
    """Whether ``obj`` is in a state where ``action`` is open (``Policy.states`` of its model; an action without
    states is open in every state). Read from the object's fields: no query."""
    for lookup, wanted in policy_for(type(obj)).states.get(action, {}).items():
        name, _, test = lookup.partition("__")
        value = getattr(obj, name)
        if test == "in":
            ok = value in wanted
        elif test == "isnull":
            ok = (value is None) == wanted
        elif not test:
            ok = value == wanted
        else:
            raise ValueError(f"{lookup}: a state is a field, field__in or field__isnull")
        if not ok:
            return False
    return True


def require(actor, action: str, obj: Model) -> None:
    """Http404 unless the actor may ``action`` ``obj`` (an object already read, e.g. a report's organization)."""
    if not can(actor, action, obj):
        raise Http404


def get_scoped_or_404(actor, action: str, queryset: QuerySet, **lookup):
    """The object the actor may ``action``, or 404 — the same answer as for a missing object (also for a
    malformed id)."""
    try:
        return scope(actor, action, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
