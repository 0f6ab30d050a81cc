"""Writing the audit history. Services call ``snapshot`` before a change and ``record`` after it, inside
their transaction, so the event is written if and only if the change is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from dangbo.core.db import insert_many
from dangbo.core.formats import ngay, so, tien
from dangbo.core.middleware import current_request_id, current_source
from dangbo.core.registries import AUDIT_EVENTS

from .models import Action, AuditEvent


def _is_money(field: models.Field) -> bool:
    label = str(field.verbose_name).lower()
    return field.name.endswith("amount") or "tiền" in label or "(đồng)" in label or "trị giá" in label


_DISPLAYERS: dict[models.Field, Callable] = {}  # a field's display function, chosen once per field


def _displayer(field: models.Field) -> Callable:
    """``show(obj)``: the field's value as the pages show it — dates dd/mm/yyyy, moments with their local time
    (dd/mm/yyyy HH:MM), money «2.150.000 đ», numbers with thousands separators (not years, not document numbers)."""
    show = _DISPLAYERS.get(field)
    if show is None:
        show = _DISPLAYERS[field] = _make_displayer(field)
    return show


def _make_displayer(field: models.Field) -> Callable:
    """The display function of one field: what depends on the field (its choices, its kind) is decided here, once — an
    import audits hundreds of thousands of records, each with dozens of fields."""
    attname = field.attname
    if field.choices:
        labels = dict(field.flatchoices)

        def choice(obj):
            value = getattr(obj, attname)
            return "" if value is None or value == "" else str(labels.get(value, value))

        return choice
    if isinstance(field, models.ForeignKey):
        name = field.name

        def related(obj):
            if getattr(obj, attname) in (None, ""):
                return ""
            target = getattr(obj, name)
            return str(target) if target is not None else ""

        return related
    plain = "year" in field.name or field.name in PLAIN_NUMBERS
    money = _is_money(field)

    def other(obj):
        value = getattr(obj, attname)
        if value is None or value == "":
            return ""
        if isinstance(value, dt.date):  # a moment with its local time
            return ngay(value)
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        if isinstance(value, bool):
            return "Có" if value else "Không"
        if isinstance(value, int | Decimal) and not plain:
            if money:
                return tien(value)
            whole = int(value)
            if value == whole:
                return so(whole)
            return (
                f"{so(whole)},{str(abs(Decimal(value)) % 1)[2:]}" if whole else str(value).replace(".", ",")
            )
        return str(value)

    if isinstance(
        field, models.CharField | models.TextField
    ):  # text, shown as it is (other values: as above)
        return lambda obj: value if isinstance(value := getattr(obj, attname), str) else other(obj)
    return other


# Numbers shown as typed: a document's number, a code, an order.
PLAIN_NUMBERS = {"number", "code", "order", "position", "sort_order", "last"}


def audited_fields(obj: models.Model) -> list[models.Field]:
    return [
        f
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in {"created_at", "updated_at", "password"}
    ]


# A model's audited fields, sorted by name (the order of an event's changes): (name, label, display function).
_LABELLED: dict[type, list[tuple[str, str, Callable]]] = {}


def _labelled(obj: models.Model) -> list[tuple[str, str, Callable]]:
    fields = _LABELLED.get(type(obj))
    if fields is None:
        fields = _LABELLED[type(obj)] = sorted(
            (f.name, str(f.verbose_name), _displayer(f)) for f in audited_fields(obj)
        )
    return fields


def snapshot(obj: models.Model) -> dict[str, tuple[str, str]]:
    """The object's user-visible field values: {name: (label, display value)}."""
    return {name: (label, show(obj)) for name, label, show in _labelled(obj)}


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    scope_path: str = "",
    extra: dict | None = None,
    event: str = "",
) -> AuditEvent | None:
    """Write one audit event. For an update with no visible change nothing is written.

    ``event`` names the business event ("members.transfer.send"): a registered value of an app's ``AuditEvents``
    (core.registries.AUDIT_EVENTS); free text is refused.

    ``extra`` adds changes that are not field values shown as such, e.g. {"password": {"label": "Mật khẩu",
    "before": "", "after": "(đã đặt lại)"}} — secrets are never put in the history.
    """
    made = _event(actor=actor, action=action, obj=obj, before=before, scope_path=scope_path, extra=extra,
                  event=event)  # fmt: skip
    if made is not None:
        made.save(force_insert=True)
    return made


def record_many(*, actor, action: str, objs, scope_paths, extra: dict | None = None, event: str = "") -> int:
    """``record`` for many objects at once (a bulk import): one event per object, written in one statement.
    ``scope_paths``: each object's scope path, in the same order. Returns the number written."""
    events = [_event(actor=actor, action=action, obj=obj, scope_path=path, extra=extra, event=event)
              for obj, path in zip(objs, scope_paths, strict=True)]  # fmt: skip
    written = [e for e in events if e is not None]
    insert_many(AuditEvent, written)
    return len(written)


def _event(*, actor, action, obj, before=None, scope_path="", extra=None, event="") -> AuditEvent | None:
    if event and event not in AUDIT_EVENTS:
        raise ValueError(f"audit event {event!r} is not registered (an app's AuditEvents, core.registries)")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    shown = action not in (Action.DELETE, Action.VIEW)
    if not before:  # a new object: its fields that have a value (the common case, and every row of an import)
        changes = {name: {"label": label, "before": "", "after": new} for name, label, show in
                   (_labelled(obj) if shown else ()) if (new := show(obj)) != ""}  # fmt: skip
    else:
        after = snapshot(obj) if shown else {}
        changes = {}
        for name in sorted(set(before) | set(after)):
            label, old = before.get(name, ("", ""))
            label2, new = after.get(name, (label, ""))
            if old != new:
                changes[name] = {"label": label or label2, "before": old, "after": new}
    changes.update(extra or {})
    if (source := current_source.get()) and "source" not in changes:  # an import, the API (core.middleware)
        changes["source"] = {"label": "Nguồn", "before": "", "after": source}
    if action == Action.UPDATE and not changes:
        return None
    if action == Action.VIEW and before:
        raise ValueError("a view event names the fields seen (extra), never their values")
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "Hệ thống",
        request_id=current_request_id.get(),
        action=action,
        event=str(event),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes,
        scope_path=scope_path,
    )
