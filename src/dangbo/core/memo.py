"""Reads made once per page: inside ``with memo.reading():`` the first answer of ``memo.once(key, fn)`` is kept
and given again for the same key until the block ends; outside such a block ``once`` simply calls ``fn``.

For what a read-only page asks several times and what cannot change while the page is built (the rollups'
state, an organization's paths, the tree's version): the dashboard reads them in four or five sections, each of
which must also work alone. Only a read-only view opens the block (around its figures, not its writes); a
service never does — it may write between two reads. Nested blocks share the outer one's answers."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_answers: ContextVar[dict | None] = ContextVar("core_memo_answers", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """Keep the answers of ``once`` until the block ends."""
    if _answers.get() is not None:  # nested: the outer block's answers
        yield
        return
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


def kept(key: Hashable):
    """The answer kept for ``key`` in this block (None: none, or outside a block)."""
    answers = _answers.get()
    return None if answers is None else answers.get(key)


def keep(key: Hashable, value) -> None:
    """Keep ``value`` for ``key`` until the block ends (nothing outside a block)."""
    answers = _answers.get()
    if answers is not None:
        answers[key] = value


def once(key: Hashable, fn: Callable[[], T]) -> T:
    """``fn()``, asked once per ``reading`` block for ``key`` (every call outside a block)."""
    answers = _answers.get()
    if answers is None:
        return fn()
    if key not in answers:
        answers[key] = fn()
    return answers[key]
