"""Writes on the organization tree. Each service: keyword-only, required actor, one transaction, scope
check, audit event, ApplicationError with Vietnamese messages on bad input."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay
from dangbo.core.text import clean_text, fold

from .choices import ALLOWED_PARENTS, AuditEvents, OrgKind, Position
from .models import CommitteeSeat, Organization, OrganizationLink, Term
from .policies import can_add_under
from .tree.selectors import child_path

ORG_FIELDS = (
    "name", "short_name", "code", "kind", "host_unit", "founding_decision_no", "founding_date",
    "founding_issuer", "end_date", "end_decision_no", "meeting_day",
)  # fmt: skip
# The edit page's version token (audit.concurrency): a save over someone else's change is refused.
ORG_VERSION = Tracked(ORG_FIELDS, noun="Thông tin tổ chức này")


def _normalized(data: dict, fields) -> dict:
    out = {}
    for key in fields:
        if key in data:
            value = data[key]
            out[key] = (
                clean_text(value) if isinstance(value, str) else value
            )  # dates, numbers, None unchanged
    return out


def _org_problems(org: Organization, parent: Organization | None) -> dict[str, str]:
    """Every problem of ``org``'s data under ``parent``, by field."""
    errors = {}
    allowed = ALLOWED_PARENTS.get(org.kind)
    if allowed is None:
        errors["kind"] = "Loại tổ chức: không hợp lệ."
    elif (parent.kind if parent else None) not in allowed:
        names = ", ".join(OrgKind(k).label for k in allowed if k) or "không trực thuộc tổ chức nào"
        errors["parent"] = f"Trực thuộc: {org.get_kind_display()} chỉ được đặt dưới {names}."
    if not org.name:
        errors["name"] = "Tên tổ chức: không được để trống."
    if not org.code:
        errors["code"] = "Mã tổ chức: không được để trống."
    elif Organization.objects.filter(code=org.code).exclude(pk=org.pk).exists():
        errors["code"] = f"Mã tổ chức: mã «{org.code}» đã được dùng cho tổ chức khác."
    if org.meeting_day is not None and not 1 <= org.meeting_day <= 28:
        errors["meeting_day"] = "Ngày sinh hoạt thường kỳ hằng tháng: từ 1 đến 28."
    if org.founding_date and org.end_date and org.end_date < org.founding_date:
        errors["end_date"] = "Ngày kết thúc hoạt động: phải sau ngày thành lập."
    if parent and parent.end_date and org.founding_date and org.founding_date >= parent.end_date:
        errors["parent"] = f"Trực thuộc: «{parent}» đã kết thúc hoạt động trước ngày thành lập."
    return errors


def _validate_org(
    org: Organization, parent: Organization | None, errors: dict[str, str] | None = None
) -> None:
    """Refuse ``org`` with all its problems at once (``errors``: ones the caller found before)."""
    errors = dict(errors or {})
    for key, message in _org_problems(org, parent).items():
        errors.setdefault(key, message)
    if errors:
        raise ApplicationError("Thông tin tổ chức chưa hợp lệ.", field_errors=errors)


@transaction.atomic
def organization_create(*, actor, parent: Organization | None, data: dict) -> Organization:
    if not can_add_under(actor, parent):
        raise PermissionDenied("Bạn không có quyền thêm tổ chức tại đây.")
    org = Organization(parent=parent, **_normalized(data, ORG_FIELDS))
    org.name_norm = fold(org.name)
    _validate_org(org, parent)
    org.path = "~"  # placeholder until the id is known
    org.depth = parent.depth + 1 if parent else 0
    org.save()
    org.path = child_path(parent.path if parent else "", org.pk)
    org.save(update_fields=["path"])
    OrganizationLink.objects.create(
        organization=org,
        parent=parent,
        valid_from=org.founding_date,
        decision_no=org.founding_decision_no,
        name=org.name,
        path=org.path,
    )
    record(actor=actor, action=Action.CREATE, obj=org, scope_path=org.path, event=AuditEvents.CREATE)
    return org


@transaction.atomic
def organization_update(
    *, actor, organization: Organization, data: dict, expected_version: str | None = None
) -> Organization:
    """Edit an organization's own data. Moving it under another parent is a restructuring, not an edit.
    ``expected_version``: the edit page's token (``ORG_VERSION``); a stale one is refused (``StaleEdit``)."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not policies.can(actor, policies.CHANGE, org):
        raise PermissionDenied("Bạn không có quyền sửa tổ chức này.")
    ORG_VERSION.check(org, expected_version)
    before = snapshot(org)
    fields = _normalized(data, ORG_FIELDS)
    errors = {}
    if "kind" in fields and fields["kind"] != org.kind and (org.children.exists() or org.members.exists()):
        errors["kind"] = "Loại tổ chức: không đổi được khi tổ chức đã có tổ chức trực thuộc hoặc đảng viên."
    for key, value in fields.items():
        setattr(org, key, value)
    org.name_norm = fold(org.name)
    _validate_org(org, org.parent, errors)
    org.save()
    # A correction of the current data (a change from a date on is a restructuring: restructure.py).
    org.links.filter(valid_to__isnull=True).update(name=org.name)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=org,
        before=before,
        scope_path=org.path,
        event=AuditEvents.UPDATE,
    )
    return org


def _check_congress(organization: Organization, start_date, congress_start, congress_end) -> dict[str, str]:
    """The congress that opened a term: both days or neither; the term starts during it (the new committee's first
    plenary) or the day after it closed; no two congresses of an organization overlap (a congress document is
    placed by its date)."""
    if congress_start is None and congress_end is None:
        return {}
    if congress_start is None or congress_end is None:
        missing = "congress_start" if congress_start is None else "congress_end"
        label = "Ngày họp phiên trù bị đại hội" if missing == "congress_start" else "Ngày bế mạc đại hội"
        return {missing: f"{label}: ghi cả ngày họp phiên trù bị và ngày bế mạc của đại hội."}
    if congress_end < congress_start:
        return {"congress_end": "Ngày bế mạc đại hội: trước ngày họp phiên trù bị."}
    if start_date and not congress_start <= start_date <= congress_end + dt.timedelta(days=1):
        return {"start_date": "Ngày bắt đầu: nhiệm kỳ bắt đầu trong thời gian đại hội (phiên họp thứ nhất của cấp ủy "
                              f"mới) hoặc ngày sau ngày bế mạc ({ngay(congress_end + dt.timedelta(days=1))})."}  # fmt: skip
    other = organization.terms.filter(
        congress_start__lte=congress_end, congress_end__gte=congress_start
    ).first()
    if other is not None:
        return {"congress_start": f"Ngày họp phiên trù bị đại hội: trùng thời gian đại hội của nhiệm kỳ {other.name} "
                                  f"({ngay(other.congress_start)} – {ngay(other.congress_end)})."}  # fmt: skip
    return {}


@transaction.atomic
def term_create(
    *,
    actor,
    organization: Organization,
    name: str,
    start_date,
    end_date=None,
    congress_start=None,
    congress_end=None,
) -> Term:
    """Record a committee term (and the congress that opened it, if held). ``start_date`` is the term's first day
    (see ``Term``); two terms of an organization never start on the same day."""
    if not policies.can(actor, policies.CHANGE, organization):
        raise PermissionDenied("Bạn không có quyền sửa cấp ủy của tổ chức này.")
    name = clean_text(name)
    errors = {}
    if not name:
        errors["name"] = "Nhiệm kỳ: không được để trống."
    elif organization.terms.filter(name=name).exists():
        errors["name"] = f"Nhiệm kỳ: tổ chức đã có nhiệm kỳ «{name}»."
    if not start_date:
        errors["start_date"] = "Ngày bắt đầu: không được để trống."
    elif (same := organization.terms.filter(start_date=start_date).first()) is not None:
        errors["start_date"] = f"Ngày bắt đầu: nhiệm kỳ {same.name} cũng bắt đầu ngày {ngay(start_date)}."
    if end_date and start_date and end_date <= start_date:
        errors["end_date"] = "Ngày kết thúc: phải sau ngày bắt đầu."
    for key, message in _check_congress(organization, start_date, congress_start, congress_end).items():
        errors.setdefault(key, message)
    if errors:
        raise ApplicationError("Thông tin nhiệm kỳ chưa hợp lệ.", field_errors=errors)
    term = Term.objects.create(organization=organization, name=name, start_date=start_date, end_date=end_date,
                               congress_start=congress_start, congress_end=congress_end)  # fmt: skip
    record(
        actor=actor,
        action=Action.CREATE,
        obj=term,
        scope_path=organization.path,
        event=AuditEvents.TERM_CREATE,
    )
    return term


@transaction.atomic
def seat_create(*, actor, term: Term, member, position: str, start_date=None) -> CommitteeSeat:
    org = term.organization
    if not policies.can(actor, policies.CHANGE, org):
        raise PermissionDenied("Bạn không có quyền sửa cấp ủy của tổ chức này.")
    errors = {}
    if member is None:
        errors["member"] = "Đảng viên: không được để trống."
    elif not member.org_path.startswith(org.path):
        errors["member"] = f"Đảng viên: {member} không sinh hoạt trong {org}."
    elif term.seats.filter(member=member, end_date__isnull=True).exists():
        errors["member"] = f"Đảng viên: {member} đã có trong cấp ủy nhiệm kỳ {term.name}."
    if position not in Position.values:
        errors["position"] = "Chức vụ: không hợp lệ."
    if errors:
        raise ApplicationError("Chưa thêm được cấp ủy viên.", field_errors=errors)
    seat = CommitteeSeat.objects.create(term=term, member=member, position=position, start_date=start_date)
    record(actor=actor, action=Action.CREATE, obj=seat, scope_path=org.path, event=AuditEvents.SEAT_ADD)
    return seat


@transaction.atomic
def seat_end(*, actor, seat: CommitteeSeat, end_date) -> CommitteeSeat:
    org = seat.term.organization
    if not policies.can(actor, policies.CHANGE, org):
        raise PermissionDenied("Bạn không có quyền sửa cấp ủy của tổ chức này.")
    before = snapshot(seat)
    if seat.start_date and end_date < seat.start_date:
        raise ApplicationError(
            "Ngày thôi giữ chức vụ không hợp lệ.",
            field_errors={"end_date": "Đến ngày: phải sau ngày bắt đầu."},
        )
    seat.end_date = end_date
    seat.save()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=seat,
        before=before,
        scope_path=org.path,
        event=AuditEvents.SEAT_END,
    )
    return seat
