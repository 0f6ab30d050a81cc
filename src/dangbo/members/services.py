"""Writes on member records: one transaction, scope check, validation, audit event.

A record's standing (status, cell, exemption) is not edited here: it is derived from the member's events
(``history/services.py``). Creating a record writes its first event — "nhập hồ sơ" (entered with the date the member
started on this cell's roll) or "tiếp nhận" (arrived from outside the deployment).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter

from django.db import transaction

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, record_many, snapshot
from dangbo.core import policies
from dangbo.core.dates import full_years, today
from dangbo.core.db import insert_many
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.text import clean_text, fold, name_case, name_sort_key, read_phone
from dangbo.organizations.choices import CELL_KINDS

from .choices import MemberStatus
from .counts import services as counts
from .models import Member
from .rules import full_months, rules_on

MEMBER_FIELDS = (
    "full_name", "other_names", "gender", "birth_date", "birth_place", "native_place", "residence",
    "ethnicity", "religion", "occupation", "citizen_id", "phone", "card_number", "cv_number",
    "organization", "status", "exempted", "joined_date", "joined_cell", "admission_decision_date",
    "official_date", "official_cell", "introducer_1", "introducer_2", "youth_union_date",
    "general_education", "professional_education", "degree", "academic_title", "political_theory",
)  # fmt: skip
# Derived from the events once the record exists (history.services.rebuild); not editable on the record.
STANDING_FIELDS = ("organization", "status", "exempted")
EDIT_FIELDS = tuple(f for f in MEMBER_FIELDS if f not in STANDING_FIELDS)
# Dates that the events set when they exist (kết nạp, lễ kết nạp, chính thức).
# The version token of the edit page (audit.concurrency): a save over someone else's change is refused.
MEMBER_VERSION = Tracked(EDIT_FIELDS, noun="Hồ sơ này")
EVENT_DATES = {
    "admission_decision_date": "ket_nap",
    "joined_date": "le_ket_nap",
    "official_date": "chinh_thuc",
}

_CITIZEN_ID = re.compile(r"^\d{12}$")


def derived_columns(full_name: str, org_path: str) -> dict[str, str]:
    """The denormalised search, sort and subtree columns of a member row (also used by bulk loaders)."""
    return {"name_norm": fold(full_name), "name_sort": name_sort_key(full_name), "org_path": org_path}


def _apply(member: Member, data: dict) -> None:
    for key in MEMBER_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, str):
            value = name_case(value) if key == "full_name" else clean_text(value)
        setattr(member, key, value)
    member.citizen_id = member.citizen_id or None
    member.phone, _ = read_phone(member.phone)


def validate_member(member: Member, *, taken: set[str] | None = None) -> None:
    """Every rule a member record must satisfy; all problems at once, each named by its field. ``taken``: the
    citizen IDs already on other records, read once for a whole file (``member_create_many``)."""
    e: dict[str, str] = {}
    now = today()
    if not member.full_name:
        e["full_name"] = "Họ và tên: không được để trống."
    if member.birth_date and member.birth_date > now:
        e["birth_date"] = "Ngày sinh: không được sau ngày hôm nay."
    if member.joined_date:
        if member.joined_date > now:
            e["joined_date"] = "Ngày vào Đảng: không được sau ngày hôm nay."
        elif member.birth_date and "birth_date" not in e:
            # The admission rules in force then (rules.py), age counted in months as the cell counts it.
            min_age = rules_on(member.joined_date).min_age
            if member.joined_date < member.birth_date:
                e["joined_date"] = "Ngày vào Đảng: trước ngày sinh — xin kiểm tra lại hai ngày."
            elif full_months(member.birth_date, member.joined_date) < min_age * 12:
                age = full_years(member.birth_date, member.joined_date)
                e["joined_date"] = f"Ngày vào Đảng: khi đó đảng viên mới {age} tuổi, chưa đủ {min_age} tuổi."
    if member.official_date and member.joined_date and member.official_date < member.joined_date:
        e["official_date"] = "Ngày chính thức: không được trước ngày vào Đảng."
    if member.official_date and member.official_date > now:
        e["official_date"] = "Ngày chính thức: không được sau ngày hôm nay."
    if member.status == MemberStatus.OFFICIAL and not member.official_date:
        e["official_date"] = "Ngày chính thức: đảng viên chính thức phải có ngày chính thức."
    if (
        member.status == MemberStatus.PROBATIONARY
        and member.official_date
        and not member.pk
        and "official_date" not in e
    ):
        e["official_date"] = "Ngày chính thức: đảng viên dự bị chưa có ngày chính thức; bỏ trống ô này."
    if (
        member.admission_decision_date
        and member.joined_date
        and member.admission_decision_date > member.joined_date
    ):
        e["admission_decision_date"] = "Ngày quyết định kết nạp: không được sau ngày vào Đảng."
    if member.youth_union_date and member.birth_date and member.youth_union_date <= member.birth_date:
        e["youth_union_date"] = "Ngày vào Đoàn: phải sau ngày sinh."
    if member.phone and read_phone(member.phone)[1]:
        e["phone"] = read_phone(member.phone)[1]
    if member.citizen_id:
        if not _CITIZEN_ID.match(member.citizen_id):
            e["citizen_id"] = "Số CCCD: phải gồm đúng 12 chữ số."
        elif (
            member.citizen_id in taken
            if taken is not None
            else Member.objects.filter(citizen_id=member.citizen_id).exclude(pk=member.pk).exists()
        ):
            e["citizen_id"] = "Số CCCD: số này đã có trong hồ sơ của một đảng viên khác."
    org = member.organization if member.organization_id else None
    if org is None:
        e["organization"] = "Chi bộ: chưa chọn chi bộ sinh hoạt."
    elif org.kind not in CELL_KINDS:
        e["organization"] = (
            f"Chi bộ: «{org.name}» là {org.get_kind_display().lower()}; đảng viên chỉ sinh hoạt ở chi bộ cơ sở "
            "hoặc chi bộ trực thuộc."
        )
    elif org.end_date and org.end_date <= now:
        e["organization"] = f"Chi bộ: «{org.name}» đã kết thúc hoạt động."
    if e:
        raise ApplicationError("Hồ sơ đảng viên chưa hợp lệ, xin xem các ô được đánh dấu.", field_errors=e)


def check_member(*, data: dict, instance: Member | None = None) -> None:
    """Validate ``data`` as it would be saved, without saving; forms call it to show every problem at once."""
    member = copy.copy(instance) if instance is not None else Member()
    _apply(member, data)
    validate_member(member)


def _set_derived(member: Member) -> None:
    for key, value in derived_columns(member.full_name, member.organization.path).items():
        setattr(member, key, value)


@transaction.atomic
def member_create(
    *,
    actor,
    data: dict,
    since: dt.date | None = None,
    from_external: str = "",
    admission: dict | None = None,
    source: str = "",
) -> Member:
    """Register a member on a cell's roll from ``since`` (default today), with a "nhập hồ sơ" event.

    ``from_external``: the member arrives by transfer from outside the deployment ("tiếp nhận").
    ``admission``: a new member admitted by a decision ({"decision_no", "decision_level", "decision_issuer"};
    ``since`` is the decision date) — "kết nạp"; probation runs from the ceremony, recorded later.
    ``source``: where the record came from, kept in its audit event (the import file)."""
    from . import rules as decisions
    from .choices import EventKind, TransferKind, TransferState
    from .history import services as lifecycle
    from .models import MemberEvent, Transfer

    member = Member()
    _apply(member, data)
    validate_member(member)
    since = since or today()
    _check_new(member, since)
    if not policies.can(actor, "place_members", member.organization):
        raise PermissionDenied("Bạn không có quyền thêm đảng viên vào chi bộ này.")
    decision = {}
    if admission is not None:
        decision = {"decision_no": clean_text(admission.get("decision_no", "")), "decision_date": since,
                    "decision_level": admission.get("decision_level", ""),
                    "decision_issuer": clean_text(admission.get("decision_issuer", ""))}  # fmt: skip
        verdict = decisions.judge(
            kind=EventKind.ADMISSION, date=since, number=decision["decision_no"], decided_on=since,
            level=decision["decision_level"], issuer=decision["decision_issuer"],
        )  # fmt: skip
        if verdict.errors:
            raise ApplicationError("Quyết định kết nạp chưa hợp lệ.", field_errors=verdict.errors)
    _set_derived(member)
    counted = (member.org_path, member.status)
    member.save()
    counts.move(None, counted)
    kind = (
        EventKind.TRANSFER_IN
        if from_external
        else EventKind.ADMISSION
        if admission is not None
        else EventKind.ENROLL
    )
    transfer = None
    if from_external:
        transfer = Transfer.objects.create(
            member=member, kind=TransferKind.OFFICIAL, state=TransferState.RECEIVED,
            from_external=clean_text(from_external), to_organization=member.organization,
            received_cell=member.organization, sent_date=since, received_date=since,
        )  # fmt: skip
    MemberEvent.objects.create(
        member=member, kind=kind, date=since, organization=member.organization, transfer=transfer, **decision
    )
    if member.official_date and member.official_date > since:
        MemberEvent.objects.create(
            member=member,
            kind=EventKind.OFFICIAL,
            date=member.official_date,
            organization=member.organization,
        )
    lifecycle.rebuild(member)
    extra = {"source": {"label": "Nguồn", "before": "", "after": source}} if source else None
    record(actor=actor, action=Action.CREATE, obj=member, scope_path=member.org_path, extra=extra)
    return member


def _check_new(member: Member, since: dt.date) -> None:
    """The rules of a new record's dates besides ``validate_member`` (``member_create``, ``member_create_many``)."""
    if since > today() or (member.birth_date and since <= member.birth_date):
        raise ApplicationError(
            "Ngày bắt đầu sinh hoạt không hợp lệ.",
            field_errors={"since": "Sinh hoạt tại chi bộ từ ngày: phải sau ngày sinh và không sau hôm nay."},
        )
    if member.official_date and member.official_date > today():
        raise ApplicationError(
            "Ngày chính thức không hợp lệ.", field_errors={"official_date": "Ngày chính thức: sau hôm nay."}
        )


@transaction.atomic
def member_create_many(
    *, actor, rows: list[tuple[dict, dt.date | None]], write: bool = True, progress=None
) -> list[Member | ApplicationError]:
    """``member_create`` for many records at once (an import file): the same rules for every row — the record's
    (``validate_member``, citizen IDs read once for all), its dates, the right to place members in the cell — and
    then, only when every row passed, the same writes in bulk: the records, their "nhập hồ sơ" (and "công nhận
    chính thức") events, roll periods, stored counts, one rollup refresh for all the cells, one audit event per
    record (its source is the import, ``core.middleware.changes_from``). Returns, row by row, the new member or
    the ``ApplicationError`` refusing it; when any row is refused nothing is written. ``write=False``: check only
    (the file has other problems already). ``progress(done, step)``: told every ``core.imports.PROGRESS_ROWS`` rows and at each write."""
    from .choices import EventKind
    from .counts.selectors import link_periods
    from .history import services as lifecycle
    from .models import MemberEvent, MemberPeriod

    ids = [str(d.get("citizen_id") or "").strip() for d, _ in rows]
    taken: set[str] = set()
    wanted = sorted({i for i in ids if i})
    for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
        taken.update(Member.objects.filter(citizen_id__in=chunk).values_list("citizen_id", flat=True))
    allowed: dict[int, bool] = {}
    out: list[Member | ApplicationError] = []
    members: list[tuple[Member, dt.date]] = []
    from dangbo.core.imports import PROGRESS_ROWS

    step = progress or (lambda done, text: None)
    for n, (data, since) in enumerate(rows):
        if n % PROGRESS_ROWS == 0:
            step(n, f"Đang kiểm tra dòng {n + 1} của {len(rows)}")
        member = Member()
        try:
            _apply(member, data)
            validate_member(member, taken=taken)
            since = since or today()
            _check_new(member, since)
            org = member.organization
            if org.pk not in allowed:
                allowed[org.pk] = policies.can(actor, "place_members", org)
            if not allowed[org.pk]:
                raise ApplicationError("Bạn không có quyền thêm đảng viên vào chi bộ này.",
                                       field_errors={"organization": "Chi bộ: bạn không có quyền thêm đảng viên vào chi bộ này."})  # fmt: skip
        except ApplicationError as error:
            out.append(error)
            continue
        if member.citizen_id:
            taken.add(member.citizen_id)  # the same number twice in the file: the second is refused
        _set_derived(member)
        out.append(member)
        members.append((member, since))
    if len(members) < len(rows) or not write:
        return out
    orgs = {m.organization_id: m.organization for m, _ in members}
    links = link_periods(set(orgs))
    events, results = [], []
    for n, (member, since) in enumerate(members):
        if n % PROGRESS_ROWS == 0:
            step(n, f"Đang tính lịch sử sinh hoạt: {n} của {len(members)} hồ sơ")
        mine = [
            MemberEvent(member=member, kind=EventKind.ENROLL, date=since, organization=member.organization)
        ]
        if member.official_date and member.official_date > since:
            mine.append(MemberEvent(member=member, kind=EventKind.OFFICIAL, date=member.official_date,
                                    organization=member.organization))  # fmt: skip
        try:
            results.append(lifecycle.derive(member, mine, links, orgs))
        except ApplicationError as error:
            return [error if m is member else m for m in out]
        events.extend(mine)
    step(len(rows), f"Đang ghi {len(members)} hồ sơ, sự kiện và thời kỳ sinh hoạt")
    insert_many(Member, [m for m, _ in members], ids=True)
    for event in events:
        event.member_id = event.member.pk
    insert_many(MemberEvent, events)
    periods = [p for (member, _), result in zip(members, results, strict=True)
               for p in lifecycle.periods_of(member, result)]  # fmt: skip
    for period in periods:
        period.member_id = period.member.pk
    insert_many(MemberPeriod, periods)
    counted = Counter((m.org_path, m.status) for m, _ in members)
    counts.adjust_many((path, status, n) for (path, status), n in counted.items())
    step(len(rows), "Đang cập nhật số liệu tổng hợp của báo cáo")
    lifecycle.roll_changed([], [tuple(getattr(p, f) for f in lifecycle.PERIOD_KEY) for p in periods])
    step(len(rows), "Đang ghi nhật ký thay đổi")
    record_many(actor=actor, action=Action.CREATE, objs=[m for m, _ in members],
                scope_paths=[m.org_path for m, _ in members])  # fmt: skip
    return out


@transaction.atomic
def member_update(*, actor, member: Member, data: dict, expected_version: str | None = None) -> Member:
    """Save the record's own fields. ``expected_version``: the token of the edit page (``MEMBER_VERSION.of``);
    if a field changed since it was made, nothing is saved (``StaleEdit``)."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    if not policies.can(actor, policies.CHANGE, member):
        raise PermissionDenied("Bạn không có quyền sửa hồ sơ đảng viên này.")
    MEMBER_VERSION.check(member, expected_version)
    from .history import services as lifecycle

    before = snapshot(member)
    _apply(member, {k: v for k, v in data.items() if k in EDIT_FIELDS})
    validate_member(member)
    sort_before = member.name_sort
    _set_derived(member)
    member.save()
    if member.name_sort != sort_before:  # the copies of the sort key kept elsewhere (evaluation's ratings)
        from dangbo.core.registries import name_changed

        name_changed(member)
    lifecycle.rebuild(member, record_edited=True)  # the events win over dates they set; status may follow
    record(actor=actor, action=Action.UPDATE, obj=member, before=before, scope_path=member.org_path)
    return member


@transaction.atomic
def member_delete(*, actor, member: Member) -> None:
    """Delete a record entered by mistake. Leaving the party is an event (lifecycle), not a deletion."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not policies.can(actor, policies.DELETE, member):
        raise PermissionDenied("Bạn không có quyền xóa hồ sơ đảng viên này.")
    if member.committee_seats.exists():
        raise ApplicationError("Không xóa được: đảng viên đang có tên trong cấp ủy của một nhiệm kỳ.")
    before = snapshot(member)
    path = member.org_path
    record(actor=actor, action=Action.DELETE, obj=member, before=before, scope_path=path)
    counts.move((member.org_path, member.status), None)
    from .history.services import PERIOD_KEY, roll_changed

    periods = list(member.periods.values_list(*PERIOD_KEY))
    member.delete()
    roll_changed(periods, [])


# Personal data on the member page (Luật Bảo vệ dữ liệu cá nhân): who was shown it is recorded.
PERSONAL_FIELDS = ("citizen_id", "residence", "phone")
VIEW_REPEAT_SECONDS = 600  # the same person reloading the same record within this time is one view


@transaction.atomic
def record_personal_data_view(*, actor, member: Member, fields: tuple[str, ...] = PERSONAL_FIELDS) -> bool:
    """Record that ``actor`` was shown ``member``'s personal data (the labels of ``fields``, never the values).
    Not recorded: a member reading their own record, fields that are empty, the same person again within
    ``VIEW_REPEAT_SECONDS`` (the audit log's own clock). Returns whether an event was written."""
    import datetime as dt_

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from dangbo.audit.models import AuditEvent

    from .choices import AuditEvents

    if not getattr(actor, "pk", None) or getattr(actor, "member_id", None) == member.pk:
        return False
    shown = [f for f in fields if getattr(member, f)]
    if not shown:
        return False
    recent = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Member), object_id=str(member.pk), action=Action.VIEW,
        actor=actor, time__gte=timezone.now() - dt_.timedelta(seconds=VIEW_REPEAT_SECONDS),
    )  # fmt: skip
    if recent.exists():
        return False
    labels = ", ".join(str(Member._meta.get_field(f).verbose_name) for f in shown)
    record(actor=actor, action=Action.VIEW, obj=member, scope_path=member.org_path, event=AuditEvents.PERSONAL_DATA_VIEW,
           extra={"fields": {"label": "Dữ liệu đã xem", "before": "", "after": labels}})  # fmt: skip
    return True


@transaction.atomic
def own_record_export(*, actor, member: Member) -> None:
    """Record that the member downloaded their own record ("Tải hồ sơ của tôi", ``documents.own_record_xlsx``) — for
    the member themselves only; the download is recorded (who, when) like any export of personal data."""
    from .choices import AuditEvents

    if member is None or getattr(actor, "member_id", None) != member.pk:
        raise PermissionDenied("Chỉ đảng viên đó được tải hồ sơ của mình.")
    record(actor=actor, action=Action.VIEW, obj=member, scope_path=member.org_path, event=AuditEvents.OWN_RECORD_EXPORT,
           extra={"export": {"label": "Đã tải", "before": "", "after": "Hồ sơ của tôi (tệp Excel)"}})  # fmt: skip


@transaction.atomic
def reimport_export_record(*, actor, count: int, params) -> None:
    """Record that ``actor`` took the member list «để nhập lại» (``exports.MEMBERS_REIMPORT``): the citizen IDs,
    addresses and phones of ``count`` members, with the filters used (labels only, never a value)."""
    from dangbo.organizations.models import Organization
    from dangbo.organizations.policies import top_organizations

    from .choices import AuditEvents

    top = Organization.objects.filter(pk__in=top_organizations(actor)).order_by("path").first()
    if top is None:
        return
    shown = ", ".join(sorted(k for k, v in (params or {}).items() if v not in (None, "")))
    detail = f"{count} đảng viên, gồm Số CCCD, nơi thường trú, điện thoại" + (
        f" (lọc theo: {shown})" if shown else ""
    )
    record(actor=actor, action=Action.VIEW, obj=top, scope_path=top.path, event=AuditEvents.PERSONAL_DATA_EXPORT,
           extra={"export": {"label": "Danh sách để nhập lại", "before": "", "after": detail[:500]}})  # fmt: skip


# -- Import of member records from a file (documents.read_upload) ---------------------------------------------


def member_import(*, actor, sheet, cell=None, commit: bool = False, source: str = "", progress=None):
    """Create a member record for every row of ``sheet`` (``documents.read_upload``) through ``member_create`` — the
    same rules as the form, in one transaction (``core.imports.run`` with the member kind). ``cell``: the cell of the
    rows without a "Mã chi bộ" (a code chooses among the cells where ``actor`` may place members; any other code is
    an error, whether or not it exists). A row whose citizen ID is already on a record the actor can see is skipped
    ("đã có"), so importing the same file again changes nothing. Returns a ``core.imports.ImportResult``."""
    from dangbo.core import imports as framework
    from dangbo.core.registries import IMPORT_KINDS

    return framework.run(IMPORT_KINDS.get("dang_vien"), actor=actor, sheet=sheet, commit=commit, source=source,
                         options={"organization": cell}, progress=progress)  # fmt: skip
