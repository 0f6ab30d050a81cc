"""The kinds of background job. A kind is a plain function registered with ``@job``::

    # dangbo/<app>/jobs.py — imported at start-up by the jobs app (like Django's admin.py)
    from dangbo.jobs.registry import JobResult, job
    from dangbo.jobs.policies import staff_over_scope

    @job("xuat_danh_sach", "Xuất danh sách đảng viên", allowed=staff_over_scope, scoped=True)
    def export_members(job, progress):
        rows = member_list(actor=job.started_by, organization=job.scope_org)   # the starter's scope, always
        progress(0, len(rows), "Đang ghi tệp Excel")
        path = result_path(job, ".xlsx")
        ...                                                       # progress(i) every row: writes are throttled
        return JobResult(f"Đã xuất {len(rows)} đảng viên.", file=path, filename="Danh sách đảng viên.xlsx")

The function runs in the worker, with the database in autocommit: it commits its work in chunks (SQLite has one
writer: a job that holds a transaction for minutes blocks every save in the web pages) and calls ``progress``
between them. It returns the result message (a str) or a ``JobResult`` with a file. Raise
``ApplicationError`` (or one of the kind's ``user_errors``) with a Vietnamese message to fail with that message;
any other exception fails with a general message and its traceback goes to the server log only.
``job.params`` is the JSON given to ``start_job`` — never personal data; ``job.started_by`` is the actor (None
when started from the command line), ``job.scope_org`` the organization it runs over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_KINDS: dict[str, JobKind] = {}


@dataclass(frozen=True)
class JobResult:
    message: str
    file: Path | None = None  # written with dangbo.jobs.runner.result_path(job, suffix)
    filename: str = ""  # the name the download gets (default: the file's own)


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    func: Callable[..., Any]
    # (actor, scope_org) → may this actor start it there? The command line (actor None) always may.
    allowed: Callable[[Any, Any], bool]
    scoped: bool = False  # runs over an organization (start_job needs scope_org)
    form: type | None = None  # a Django form whose cleaned_data are the params (the start page shows it)
    # Refuse a second job of the same kind and scope while one is queued or running.
    one_at_a_time: bool = True
    user_errors: tuple[type[BaseException], ...] = ()  # exceptions whose message is shown as it is
    description: str = ""


def job(key: str, label: str, *, allowed, scoped: bool = False, form=None, one_at_a_time: bool = True,
        user_errors: tuple = (), description: str = ""):  # fmt: skip
    """Register the decorated function ``f(job, progress)`` as the job kind ``key``."""

    def register(func):
        existing = _KINDS.get(key)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"job kind {key!r} is registered twice")
        _KINDS[key] = JobKind(key=key, label=label, func=func, allowed=allowed, scoped=scoped, form=form,
                              one_at_a_time=one_at_a_time, user_errors=tuple(user_errors),
                              description=description)  # fmt: skip
        return func

    if len(key) > 50:
        raise ValueError("job kind keys have at most 50 characters")
    return register


def get(key: str) -> JobKind | None:
    return _KINDS.get(key)


def label(key: str) -> str:
    kind = _KINDS.get(key)
    return kind.label if kind else key


def kinds() -> list[JobKind]:
    return sorted(_KINDS.values(), key=lambda k: k.label)


def unregister(key: str) -> None:
    """For tests that register a kind of their own."""
    _KINDS.pop(key, None)
