"""Optimistic concurrency: no silent lost updates on edit forms.

Two people open the same edit page; one saves; the other's save must not quietly put back what the first one
changed. The edit page carries a **version token** (hidden form field ``version``) describing the record as it was
when the page was opened; the update service takes it as ``expected_version=`` and, inside its transaction on the
locked row, compares it with the record as it is now. If a field the form writes has changed since, the save is
refused with a ``StaleEdit`` error naming who changed it, when, and which fields (labels only — never the values,
which may be personal data), and nothing is written.

The token is one keyed digest per field the form writes (``salted_hmac`` of the stored value, 8 hex digits) plus
the id of the record's latest audit event when the page was opened (to say who changed it since). Per-field digests,
rather than ``updated_at``, so that writes the user cannot see on the form (counts, derived columns, standing
rebuilt from events) do not refuse an edit, and so the refusal can say exactly what changed. The digests are keyed
with the secret key, so a page's source does not give away a value by guessing.

It lives in the audit app because "who changed it, when" is read from the audit log.

One ``Tracked`` per edited model, next to its update service::

    MEMBER_VERSION = Tracked(EDIT_FIELDS, noun="Hồ sơ này")
    MEMBER_VERSION.of(member)                       # the token the edit page carries
    MEMBER_VERSION.check(member, expected_version)  # in the service, on the row locked for update

and in the view, after the service refused: ``MEMBER_VERSION.rebase(form, member, error)`` — the form re-shown
keeps everything the user typed, takes the new values of the fields only the other person changed (so saving again
keeps them), marks the fields both changed, and carries the new token.

An empty token (a form posted without one, an internal caller) is not checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from dangbo.core.errors import ApplicationError
from dangbo.core.formats import ngay

from ..models import Action, AuditEvent

FIELD = "version"
_SALT = "dangbo.core.concurrency"
_MAX_TOKEN = 4000


def version_field() -> forms.CharField:
    """The hidden form field that carries the token."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=_MAX_TOKEN)


class StaleEdit(ApplicationError):
    """The record changed since the edit page was opened. ``changed``: the field names (and extra names)."""

    def __init__(self, message: str, *, changed: list[str], expected: dict[str, str]):
        super().__init__(message)
        self.changed = changed
        self.expected = expected


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else "nan"
    if isinstance(value, list | tuple | set):
        return "\x1f".join(sorted(_text(v) for v in value))
    return str(value)


def _digest(obj: models.Model, name: str, text: str) -> str:
    return salted_hmac(_SALT, f"{obj._meta.label}|{obj.pk}|{name}|{text}").hexdigest()[:8]


def _parse(token: str) -> tuple[int, dict[str, str]] | None:
    try:
        head, _, body = token.partition(";")
        after = int(head.removeprefix("a"))
        pairs = dict(item.split(":", 1) for item in body.split(",") if item)
    except ValueError:
        return None
    if not 0 <= after < 2**63 or not pairs:
        return None
    return after, pairs


def _latest_event_id(obj: models.Model) -> int:
    ct = ContentType.objects.get_for_model(obj)
    events = AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).exclude(action=Action.VIEW)
    last = events.order_by("-id").values("id").first()
    return last["id"] if last else 0


class Tracked:
    """The fields of one model an edit form writes, and the other things it replaces (``extra``: a function of the
    object → {name: (label, text)}, e.g. the minutes' list of tasks)."""

    def __init__(
        self, fields: Iterable[str], *, noun: str = "Hồ sơ này",
        extra: Callable[[models.Model], dict[str, tuple[str, str]]] | None = None,
    ):  # fmt: skip
        self.fields = tuple(fields)
        self.noun = noun
        self.extra = extra

    # --- the token ------------------------------------------------------------------------------------------

    def _values(self, obj: models.Model) -> dict[str, str]:
        out = {}
        for name in self.fields:
            field = obj._meta.get_field(name)
            out[name] = _text(getattr(obj, field.attname))
        for name, (_label, text) in (self.extra(obj) if self.extra else {}).items():
            out[name] = text
        return out

    def _labels(self, obj: models.Model) -> dict[str, str]:
        labels = {name: str(obj._meta.get_field(name).verbose_name) for name in self.fields}
        labels.update({name: label for name, (label, _t) in (self.extra(obj) if self.extra else {}).items()})
        return labels

    def of(self, obj: models.Model) -> str:
        """The token of ``obj`` as stored now, for an edit page being opened."""
        pairs = ",".join(f"{name}:{_digest(obj, name, text)}" for name, text in self._values(obj).items())
        return f"a{_latest_event_id(obj)};{pairs}"

    # --- the check ------------------------------------------------------------------------------------------

    def changed(self, obj: models.Model, expected: str) -> tuple[list[str], dict[str, str], int] | None:
        """The fields whose stored value differs from the token's (None: the token is not checked)."""
        if not expected:
            return None
        parsed = _parse(str(expected))
        values = self._values(obj)
        if parsed is None:  # not a token of ours: everything counts as changed
            return list(values), {}, 0
        after, digests = parsed
        names = [n for n, text in values.items() if n in digests and digests[n] != _digest(obj, n, text)]
        return names, digests, after

    def check(self, obj: models.Model, expected: str | None) -> None:
        """Refuse (``StaleEdit``) when a field the form writes changed since ``expected`` was made. Call it in the
        update service, on the row locked for update, before anything is written."""
        found = self.changed(obj, expected or "")
        if not found or not found[0]:
            return
        names, digests, after = found
        raise StaleEdit(self._message(obj, names, after), changed=names, expected=digests)

    def _message(self, obj: models.Model, names: list[str], after: int) -> str:
        labels = self._labels(obj)
        ct = ContentType.objects.get_for_model(obj)
        since = AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk), id__gt=after)
        events = list(since.exclude(action=Action.VIEW).order_by("-id")[:50])
        touching = [e for e in events if set(e.changes) & set(names)] or events
        who: list[str] = []
        for e in touching:
            if e.actor_name not in who:
                who.append(e.actor_name)
        when = touching[0].time if touching else getattr(obj, "updated_at", None)
        by = f" được {', '.join(who) or 'người khác'}"
        at = ""
        if when is not None:
            local = timezone.localtime(when)
            at = f" lúc {ngay(local.date())} {local:%H:%M}"
        what = ", ".join(labels.get(n, n) for n in names)
        return (f"{self.noun} đã{by} sửa{at} sau khi bạn mở trang — đây là những gì đã thay đổi: {what}. "
                "Chưa lưu gì: biểu mẫu dưới đây giữ những gì bạn đã nhập và đã lấy giá trị mới của những ô chỉ người "
                "kia sửa; xin xem lại rồi bấm lưu lần nữa.")  # fmt: skip

    # --- the form re-shown ------------------------------------------------------------------------------------

    def rebase(self, form, obj: models.Model, error: StaleEdit) -> None:
        """Re-show ``form`` after ``error``: the user's input kept; each field changed only by the other person
        takes its new stored value; a field both changed keeps the user's value and is marked; the new token."""
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        data = form.data.copy()
        labels = self._labels(fresh)
        cleaned = getattr(form, "cleaned_data", {}) or {}
        for name in error.changed:
            if name not in form.fields or name not in self.fields:
                continue
            field = fresh._meta.get_field(name)
            mine = None
            if name in cleaned:
                probe = type(fresh)(pk=fresh.pk)
                try:
                    setattr(probe, name, cleaned[name])
                    mine = _digest(fresh, name, _text(getattr(probe, field.attname)))
                except (TypeError, ValueError):
                    mine = None
            if mine is not None and mine == error.expected.get(
                name
            ):  # the user left it as it was: take theirs
                self._put(data, form.fields[name], name, getattr(fresh, name))
            else:
                form.add_error(name, f"{labels[name]}: người khác cũng đã sửa ô này sau khi bạn mở trang; "
                                     "ô đang giữ giá trị bạn nhập — lưu lần nữa sẽ thay giá trị của họ.")  # fmt: skip
        data[FIELD] = self.of(fresh)
        form.data = data

    @staticmethod
    def _put(data, field: forms.Field, name: str, value) -> None:
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            else:
                data.pop(name, None)
            return
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        if value is None:
            data[name] = ""
        elif isinstance(value, dt.datetime):
            data[name] = value.strftime("%d/%m/%Y %H:%M")
        elif isinstance(value, dt.date):
            data[name] = value.strftime("%d/%m/%Y")
        else:
            prepared = field.prepare_value(value)
            data[name] = "" if prepared is None else str(prepared)
