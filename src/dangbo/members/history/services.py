"""Writes on a member's history: events and transfers.

Every service appends (or removes) events and then re-derives the member from all of them
(``history.replay``); a history that contradicts itself raises and the transaction writes nothing.
The derived state — ``Member.status``/``organization``/``org_path``/``exempted``, the roll periods and the
stored organization counts — is written in the same transaction, with the audit event.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr

from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.policies import subtree_q
from dangbo.core.registries import facts_changed
from dangbo.core.text import clean_text
from dangbo.core.workdays import add_working_days
from dangbo.organizations import services as org_services
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import Organization
from dangbo.organizations.tree import services as restructure

from .. import rules as decisions
from ..choices import (
    ACTIVE_STATUSES,
    DecisionLevel,
    DisciplineForm,
    EventKind,
    MemberStatus,
    TemporaryPurpose,
    TransferKind,
    TransferState,
)
from ..counts import services as counts
from ..counts.selectors import link_periods
from ..models import Member, MemberEvent, MemberPeriod, Transfer
from ..rules import RULE_SETS, rules_on
from . import rules as history

K = EventKind
# Events that place the member in a (new) cell: the actor must be allowed to add members there.
PLACING = (
    K.ENROLL,
    K.ADMISSION,
    K.TRANSFER_IN,
    K.INTERNAL_MOVE,
    K.RESTRUCTURE_MOVE,
    K.READMISSION,
    K.RESTORATION,
)
# Events entered from the member page; transfers and admissions have their own screens.
DIRECT_KINDS = (
    K.CEREMONY, K.OFFICIAL, K.INTERNAL_MOVE, K.EXEMPTION, K.EXEMPTION_END, K.DISCIPLINE, K.REMOVAL, K.EXPULSION,
    K.RESIGNATION, K.DEATH, K.READMISSION, K.RESTORATION,
)  # fmt: skip
# The transfer deadlines are dated rules (``rules.py``): services and flags read ``rules_on(date)``. These names
# only keep the newest rule set's values for the demo data generator (``demo/synthetic.py``).
TRANSFER_LETTER_DAYS = RULE_SETS[-1].transfer_letter_working_days
TRANSFER_START_DAYS = RULE_SETS[-1].transfer_start_working_days


class _Ev:
    """An event as replay sees it (a saved MemberEvent or one being checked)."""

    __slots__ = ("kind", "date", "organization_id", "discipline_form", "external", "id")

    def __init__(self, e: MemberEvent):
        self.kind, self.date, self.organization_id = e.kind, e.date, e.organization_id
        self.discipline_form, self.id = e.discipline_form, e.id
        self.external = bool(e.transfer_id and e.kind == K.TRANSFER_OUT and e.transfer.to_external)


def events_of(member: Member) -> list[MemberEvent]:
    return list(member.events.select_related("transfer", "organization").order_by("date", "id"))


def rebuild(member: Member, *, record_edited: bool = False) -> history.Result:
    """Re-derive the member from its events: state columns, roll periods and stored counts. ``record_edited``: the
    record's own fields may have changed too (the rollups then recount the member's whole roll)."""
    events = events_of(member)
    orgs = {e.organization_id for e in events if e.organization_id}
    counted_before = (member.org_path, member.status)
    result = derive(member, events, link_periods(orgs))
    member.save()
    counts.move(counted_before, (member.org_path, member.status))
    before = list(MemberPeriod.objects.filter(member=member).values_list(*PERIOD_KEY))
    MemberPeriod.objects.filter(member=member).delete()
    MemberPeriod.objects.bulk_create(periods_of(member, result))
    roll_changed(before, [tuple(getattr(p, f) for f in PERIOD_KEY) for p in result.periods], record_edited)
    return result


def periods_of(member: Member, result: history.Result) -> list[MemberPeriod]:
    """The roll periods of a replay, as rows to write."""
    return [
        MemberPeriod(
            member=member, organization_id=p.organization_id, org_path=p.org_path, status=p.status,
            exempted=p.exempted, valid_from=p.valid_from, valid_to=p.valid_to, start_kind=p.start_kind,
            end_kind=p.end_kind,
        )
        for p in result.periods
    ]  # fmt: skip


def derive(member: Member, events: list[MemberEvent], links, orgs: dict | None = None) -> history.Result:
    """Replay ``events`` (sorted by date, then entry order) and set the member's derived columns from them, in
    memory (``rebuild`` saves; the bulk import writes many at once). ``orgs``: organizations already read, by id."""
    result = history.replay([_Ev(e) for e in events], official_date=member.official_date, links=links)
    st = result.state
    if st.organization_id:
        org = (orgs or {}).get(st.organization_id) or Organization.objects.get(pk=st.organization_id)
        member.organization, member.org_path = org, org.path
    member.status = st.status
    member.exempted = st.exempted
    # Dates the events set. A member admitted in the system has them from the events only (so deleting a
    # mistaken ceremony clears the date); a member entered with earlier history keeps the phiếu's dates
    # unless an event sets them.
    admitted_here = bool(events) and events[0].kind == K.ADMISSION
    if admitted_here:
        member.joined_date = member.official_date = None
    for e in events:
        if e.kind in (K.ADMISSION, K.READMISSION):
            member.admission_decision_date = e.decision_date or e.date
            member.admission_decision_no = e.decision_no
            if e.kind == K.READMISSION:
                member.joined_date = member.official_date = None
        elif e.kind == K.CEREMONY:
            member.joined_date = e.date
        elif e.kind == K.OFFICIAL:
            member.official_date = e.date
    return result


PERIOD_KEY = (
    "organization_id",
    "org_path",
    "status",
    "exempted",
    "valid_from",
    "valid_to",
    "start_kind",
    "end_kind",
)


def roll_changed(before: list[tuple], after: list[tuple], record_edited: bool = False) -> None:
    """Tell the rollups (``FACT_CHANGES``) which cells' roll changed from which day: the periods that differ, and
    after a record edit (gender, birth date … that the composition reads) all the member's periods — with the cells
    of the member's periods that begin or end on a day a changed period begins or ends: a step's row names the
    neighbouring period's path (``reports.rollups``: a transfer out names where the member was received), so a
    period received on the day the sending cell's period ended changes the sending cell's row too. ``before`` and
    ``after``: one member's periods (or, for a bulk creation, only new periods)."""
    changed = set(before) ^ set(after)
    if record_edited:
        changed |= set(before) | set(after)
    if changed:
        days = {p[4] for p in changed} | {p[5] for p in changed if p[5] is not None}
        neighbours = {p[0] for p in {*before, *after} if p[4] in days or p[5] in days}
        facts_changed("members", {p[0] for p in changed} | neighbours, min(p[4] for p in changed))


def _date_problems(
    date: dt.date, member: Member, field: str = "date", label: str = "Ngày có hiệu lực"
) -> dict:
    """``{field: message}`` when the date of an event is missing, in the future or not after the member's birth."""
    if date is None:
        return {field: f"{label}: không được để trống."}
    if date > today():
        return {field: f"{label}: không được sau ngày hôm nay."}
    if member.birth_date and date <= member.birth_date:
        return {field: f"{label}: trước ngày sinh."}
    return {}


def _check_date(date: dt.date, member: Member, field: str = "date", label: str = "Ngày có hiệu lực") -> None:
    if problems := _date_problems(date, member, field, label):
        raise ApplicationError("Ngày không hợp lệ.", field_errors=problems)


def _place_problems(actor, kind: str, organization: Organization | None) -> dict:
    """``{"organization": message}`` when the cell of an event cannot hold members; PermissionDenied outside scope."""
    if kind not in PLACING or organization is None:
        return {}
    if organization.kind not in CELL_KINDS:
        return {
            "organization": f"Chi bộ: «{organization}» không phải chi bộ; đảng viên chỉ sinh hoạt ở chi bộ."
        }
    if not policies.can(actor, "place_members", organization):
        raise PermissionDenied("Bạn không có quyền đưa đảng viên vào chi bộ này.")
    return {}


def _check_place(actor, kind: str, organization: Organization | None) -> None:
    if problems := _place_problems(actor, kind, organization):
        raise ApplicationError("Chi bộ không hợp lệ.", field_errors=problems)


def _append(member: Member, **fields) -> MemberEvent:
    return MemberEvent.objects.create(member=member, **fields)


def _audit_event(actor, member: Member, event: MemberEvent, before: dict, warnings=()) -> None:
    label = event.get_kind_display()
    detail = f"{label} — {event.date:%d/%m/%Y}"
    if event.decision_no:
        detail += f", QĐ {event.decision_no}"
    if event.decision_issuer:
        detail += f", {event.decision_issuer}"
    if warnings:
        detail += " (" + " ".join(warnings) + ")"
    record(
        actor=actor, action=Action.UPDATE, obj=member, before=before, scope_path=member.org_path,
        extra={"event": {"label": "Sự kiện", "before": "", "after": detail}},
    )  # fmt: skip


@transaction.atomic
def event_record(
    *,
    actor,
    member: Member,
    kind: str,
    date: dt.date,
    organization: Organization | None = None,
    decision_no: str = "",
    decision_date: dt.date | None = None,
    decision_level: str = "",
    decision_issuer: str = "",
    discipline_form: str = "",
    discipline_year: int | None = None,
    note: str = "",
) -> MemberEvent:
    """Record one event in the member's history (any date up to today) and re-derive the member.

    An event that needs a decision (``rules.DecisionRules.decision_kinds``) carries its number, date, level and
    issuing body, and the level must have the power (``decisions.judge``). The returned event has
    ``warnings``: levels the sources leave open, accepted."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not policies.can(actor, policies.CHANGE, member):
        raise PermissionDenied("Bạn không có quyền ghi sự kiện cho đảng viên này.")
    if kind not in EventKind.values:
        raise ApplicationError("Loại sự kiện không hợp lệ.", field_errors={"kind": "Sự kiện: không hợp lệ."})
    decision_no, decision_issuer = clean_text(decision_no), clean_text(decision_issuer)
    # Every problem in one answer: the date's, the cell's, the decision's (a missing date: the checks that need it wait).
    errors = {**_date_problems(date, member), **_place_problems(actor, kind, organization)}
    if (
        date is not None and decision_date and decision_date > date and kind != K.OFFICIAL
    ):  # recognized late: fine
        errors["decision_date"] = "Ngày quyết định: không được sau ngày có hiệu lực."
    elif decision_date and decision_date > today():
        errors["decision_date"] = "Ngày quyết định: không được sau ngày hôm nay."
    post = ""
    if kind == K.DISCIPLINE:
        post = decisions.post_on(member, date) if date is not None else ""
        if not discipline_form:
            errors["discipline_form"] = "Hình thức kỷ luật: chưa chọn."
        elif discipline_form not in DisciplineForm.values:
            errors["discipline_form"] = "Hình thức kỷ luật: không hợp lệ."
        elif discipline_form == DisciplineForm.DISMISSAL and not post and date is not None:
            errors["discipline_form"] = "Hình thức kỷ luật: cách chức chỉ áp dụng với người đang giữ chức vụ."
    verdict = decisions.judge(
        kind=kind, date=date or today(), number=decision_no, decided_on=decision_date, level=decision_level,
        issuer=decision_issuer, qualifier=discipline_form if kind == K.DISCIPLINE else "", post=post,
    )  # fmt: skip
    errors = {**verdict.errors, **errors}
    if errors:
        raise ApplicationError("Chưa ghi được sự kiện, xin xem các ô được đánh dấu.", field_errors=errors)
    before = snapshot(member)
    disciplined = kind == K.DISCIPLINE
    event = _append(
        member, kind=kind, date=date, organization=organization, decision_no=decision_no, decision_date=decision_date,
        decision_level=decision_level, decision_issuer=decision_issuer,
        discipline_form=discipline_form if disciplined else "",
        discipline_year=(discipline_year or date.year) if disciplined else None, note=clean_text(note),
    )  # fmt: skip
    rebuild(member)
    _audit_event(actor, member, event, before, verdict.warnings)
    event.warnings = verdict.warnings
    return event


@transaction.atomic
def event_delete(*, actor, event: MemberEvent) -> None:
    """Remove an event entered by mistake (the history must still hold together without it)."""
    member = Member.objects.select_for_update().get(pk=event.member_id)
    if not policies.can(actor, policies.CHANGE, member):
        raise PermissionDenied("Bạn không có quyền sửa lịch sử của đảng viên này.")
    if event.transfer_id:
        raise ApplicationError("Sự kiện này thuộc một lần chuyển sinh hoạt; hãy hủy giấy giới thiệu.")
    if member.events.count() == 1:
        raise ApplicationError("Không xóa được sự kiện duy nhất của hồ sơ.")
    before = snapshot(member)
    detail = f"Xóa: {event.get_kind_display()} — {event.date:%d/%m/%Y}"
    event.delete()
    rebuild(member)
    record(
        actor=actor, action=Action.UPDATE, obj=member, before=before, scope_path=member.org_path,
        extra={"event": {"label": "Sự kiện", "before": "", "after": detail}},
    )  # fmt: skip


# --- Transfers ----------------------------------------------------------------------------------------


def letter_issuer(member: Member) -> tuple[str, str]:
    """The body that usually issues a member's introduction letter: their grassroots organization (level, name
    as the letter's header names it — "Đảng ủy Sở Y tế", "Chi ủy Sở Tư pháp")."""
    from ..letters.selectors import committee_name

    grassroots = member.organization.grassroots() or member.organization
    return DecisionLevel.GRASSROOTS, committee_name(grassroots)


@transaction.atomic
def transfer_send(
    *,
    actor,
    member: Member,
    kind: str,
    sent_date: dt.date,
    to_organization: Organization | None = None,
    to_external: str = "",
    moved_date: dt.date | None = None,
    letter_no: str = "",
    dues_paid_to: dt.date | None = None,
    temporary_until: dt.date | None = None,
    purpose: str = "",
    issuer_level: str = "",
    issuer: str = "",
    reason: str = "",
) -> Transfer:
    """The sending side issues the introduction letter (its number, date and issuing body: by default the
    member's grassroots organization). Official: the member leaves the roll and is in transit until received
    (or leaves the deployment when ``to_external``). Abroad: to a party organization outside the country,
    always ``to_external``; the member leaves the deployment. Temporary: the member stays on the home roll, for
    the length the rules allow for its ``purpose``. Internal (inside one grassroots committee): moved at once to
    the cell ``to_organization``. The returned transfer has ``warnings`` (see ``event_record``)."""
    member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    if not policies.can(actor, policies.CHANGE, member):
        raise PermissionDenied("Bạn không có quyền chuyển sinh hoạt cho đảng viên này.")
    _check_date(sent_date, member, "sent_date", "Ngày giới thiệu")
    errors = {}
    to_external, letter_no = clean_text(to_external), clean_text(letter_no)
    if not issuer_level and not issuer:
        issuer_level, issuer = letter_issuer(member)
    issuer = clean_text(issuer)
    if kind not in TransferKind.values:
        errors["kind"] = "Hình thức chuyển: không hợp lệ."
    if member.status not in (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL):
        errors["member"] = (
            f"Đảng viên: đang ở tình trạng «{member.get_status_display().lower()}», không chuyển được."
        )
    if kind == TransferKind.ABROAD:
        if to_organization is not None or not to_external:
            errors["to_external"] = (
                "Nơi đến ngoài hệ thống: chuyển ra ngoài nước phải ghi tổ chức đảng, nước nơi đến (không chọn tổ chức "
                "trong hệ thống)."
            )
    elif bool(to_organization) == bool(to_external):
        errors["to_organization"] = (
            "Nơi đến: chọn một tổ chức đảng trong hệ thống hoặc ghi nơi đến ngoài hệ thống."
        )
    if to_organization is not None:
        if to_organization.end_date and to_organization.end_date <= sent_date:
            errors["to_organization"] = f"Nơi đến: «{to_organization}» đã kết thúc hoạt động."
        elif to_organization.path.startswith(member.organization.path):
            errors["to_organization"] = "Nơi đến: trùng chi bộ đang sinh hoạt."
    if kind == TransferKind.INTERNAL:
        if to_organization is None or to_organization.kind not in CELL_KINDS:
            errors["to_organization"] = "Nơi đến: chuyển nội bộ phải chọn một chi bộ."
        elif _grassroots_id(to_organization) != _grassroots_id(member.organization):
            errors["to_organization"] = "Nơi đến: chuyển nội bộ chỉ trong cùng một đảng bộ cơ sở."
    if kind == TransferKind.TEMPORARY:
        errors.update(_temporary_problems(sent_date, temporary_until, purpose))
    if moved_date and sent_date and moved_date > sent_date:
        errors["moved_date"] = "Ngày chuyển công tác: không được sau ngày giới thiệu."
    if (
        dues_paid_to
        and sent_date
        and (dues_paid_to.year, dues_paid_to.month) > (sent_date.year, sent_date.month)
    ):
        errors["dues_paid_to"] = "Đảng phí đến hết tháng: không được sau tháng giới thiệu."
    out_kind = {TransferKind.TEMPORARY: K.TEMPORARY_OUT, TransferKind.INTERNAL: K.INTERNAL_MOVE}.get(
        kind, K.TRANSFER_OUT
    )
    verdict = decisions.judge(
        kind=out_kind, date=sent_date, number=letter_no, decided_on=sent_date, level=issuer_level, issuer=issuer,
        qualifier=kind, fields=decisions.LETTER_FIELDS,
    )  # fmt: skip
    errors = {**verdict.errors, **errors}
    if errors:
        raise ApplicationError(
            "Chưa chuyển được sinh hoạt đảng, xin xem các ô được đánh dấu.", field_errors=errors
        )
    before = snapshot(member)
    temporary = kind == TransferKind.TEMPORARY
    transfer = Transfer.objects.create(
        member=member, kind=kind, from_organization=member.organization, to_organization=to_organization,
        to_external=to_external, moved_date=moved_date, letter_no=letter_no, sent_date=sent_date,
        valid_until=add_working_days(sent_date, rules_on(sent_date).transfer_letter_working_days), dues_paid_to=dues_paid_to,
        temporary_until=temporary_until if temporary else None, purpose=purpose if temporary else "",
        issuer_level=issuer_level, issuer=issuer, reason=clean_text(reason),
    )  # fmt: skip
    letter = {"decision_no": letter_no, "decision_date": sent_date, "decision_level": issuer_level,
              "decision_issuer": issuer}  # fmt: skip
    if kind == TransferKind.INTERNAL:
        if not policies.can(actor, "place_members", to_organization):
            raise PermissionDenied("Bạn không có quyền đưa đảng viên vào chi bộ này.")
        transfer.state, transfer.received_cell, transfer.received_date = (
            TransferState.RECEIVED, to_organization, sent_date,
        )  # fmt: skip
        transfer.save()
        event = _append(
            member, kind=out_kind, date=sent_date, organization=to_organization, transfer=transfer, **letter
        )
    else:
        event = _append(member, kind=out_kind, date=sent_date, organization=member.organization, transfer=transfer,
                        **letter)  # fmt: skip
    rebuild(member)
    _audit_event(actor, member, event, before, verdict.warnings)
    record(actor=actor, action=Action.CREATE, obj=transfer, scope_path=member.org_path)
    transfer.warnings = verdict.warnings
    return transfer


def _temporary_problems(sent_date: dt.date, until: dt.date | None, purpose: str) -> dict[str, str]:
    """A temporary transfer's purpose and length (``rules.AdmissionRules.temporary_lengths``)."""
    if purpose not in TemporaryPurpose.values:
        return {
            "purpose": "Trường hợp chuyển tạm thời: chưa chọn (thay đổi nơi công tác, cư trú hay đi học tập)."
        }
    if until is None:
        return {"temporary_until": "Sinh hoạt tạm thời đến ngày: không được để trống."}
    span = rules_on(sent_date).temporary_length(purpose)
    if span and (problem := span.problem(sent_date, until)):
        return {
            "temporary_until": f"Sinh hoạt tạm thời đến ngày: {TemporaryPurpose(purpose).label.lower()} {problem}"
        }
    return {}


def _grassroots_id(org: Organization) -> int | None:
    grassroots = org.grassroots()
    return grassroots.pk if grassroots else None


@transaction.atomic
def transfer_receive(*, actor, transfer: Transfer, cell: Organization, received_date: dt.date) -> Transfer:
    """The receiving side accepts the member into one of its cells."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "to_organization")
        .get(pk=transfer.pk)
    )
    if transfer.to_external:
        return _confirm_external(actor, transfer, received_date)
    under_way = policies.in_state("receive", transfer)  # the policy's states: the transfer page's form
    if under_way and not policies.can(actor, "receive", transfer):
        raise PermissionDenied("Bạn không có quyền tiếp nhận đảng viên này.")
    errors = {}
    if not under_way:
        errors["state"] = f"Trạng thái: giấy giới thiệu {transfer.get_state_display().lower()}."
    if cell is None or cell.kind not in CELL_KINDS or not cell.path.startswith(transfer.to_organization.path):
        errors["cell"] = f"Chi bộ tiếp nhận: phải là một chi bộ thuộc «{transfer.to_organization}»."
    if received_date is None or received_date < transfer.sent_date:
        errors["received_date"] = "Ngày tiếp nhận: không được trước ngày giới thiệu."
    if errors:
        raise ApplicationError("Chưa tiếp nhận được, xin xem các ô được đánh dấu.", field_errors=errors)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    _check_date(received_date, member, "received_date", "Ngày tiếp nhận")
    _check_place(actor, K.TRANSFER_IN, cell)
    before = snapshot(member)
    transfer.state, transfer.received_cell, transfer.received_date = (
        TransferState.RECEIVED,
        cell,
        received_date,
    )
    transfer.save()
    event = None
    if transfer.kind == TransferKind.OFFICIAL:
        event = _append(member, kind=K.TRANSFER_IN, date=received_date, organization=cell, transfer=transfer,
                        decision_no=transfer.letter_no)  # fmt: skip
        rebuild(member)
        _audit_event(actor, member, event, before)
    record(actor=actor, action=Action.UPDATE, obj=transfer, before={}, scope_path=cell.path)
    return transfer


def _confirm_external(actor, transfer: Transfer, received_date: dt.date) -> Transfer:
    """A transfer out of the deployment: the sending side records the receiving side's confirmation slip."""
    if not policies.can(actor, policies.CHANGE, transfer.member):
        raise PermissionDenied("Bạn không có quyền ghi nhận việc tiếp nhận của nơi đến.")
    if transfer.state != TransferState.SENT:
        raise ApplicationError(f"Giấy giới thiệu {transfer.get_state_display().lower()}.")
    if not policies.can(actor, "confirm_external", transfer):  # the policy's states: the transfer page's form
        raise ApplicationError(f"{transfer.get_kind_display()}: không có bước ghi nhận nơi đến tiếp nhận.")
    if received_date is None or received_date < transfer.sent_date or received_date > today():
        raise ApplicationError(
            "Ngày tiếp nhận không hợp lệ.",
            field_errors={"received_date": "Ngày tiếp nhận: không trước ngày giới thiệu, không sau hôm nay."},
        )
    before = snapshot(transfer)
    transfer.state, transfer.received_date = TransferState.RECEIVED, received_date
    transfer.save()
    record(
        actor=actor, action=Action.UPDATE, obj=transfer, before=before, scope_path=transfer.member.org_path
    )
    return transfer


@transaction.atomic
def transfer_cancel(*, actor, transfer: Transfer) -> Transfer:
    """The sending side withdraws a letter not yet received: the member is back on the home roll."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if not policies.can(actor, policies.CHANGE, member):
        raise PermissionDenied("Bạn không có quyền hủy giấy giới thiệu này.")
    if not policies.in_state("cancel", transfer):  # the policy's states: the transfer page's button
        raise ApplicationError(f"Không hủy được: giấy giới thiệu {transfer.get_state_display().lower()}.")
    before = snapshot(member)
    transfer.events.all().delete()
    transfer.state = TransferState.CANCELLED
    transfer.save()
    rebuild(member)
    record(
        actor=actor, action=Action.UPDATE, obj=member, before=before, scope_path=member.org_path,
        extra={"event": {"label": "Sự kiện", "before": "", "after": "Hủy giấy giới thiệu sinh hoạt đảng"}},
    )  # fmt: skip
    return transfer


@transaction.atomic
def temporary_end(*, actor, transfer: Transfer, date: dt.date) -> Transfer:
    """A temporarily transferred member comes back to the home cell."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if not policies.can(actor, policies.CHANGE, member):
        raise PermissionDenied("Bạn không có quyền ghi việc trở về của đảng viên này.")
    if not policies.in_state("come_back", transfer):  # temporary, not ended, not cancelled (the page's form)
        raise ApplicationError("Đây không phải lần chuyển sinh hoạt tạm thời đang diễn ra.")
    if date < transfer.sent_date:
        raise ApplicationError(
            "Ngày không hợp lệ.", field_errors={"date": "Ngày trở về: trước ngày giới thiệu."}
        )
    _check_date(date, member)
    before = snapshot(member)
    transfer.ended_date = date
    if transfer.state == TransferState.SENT:
        transfer.state = TransferState.RECEIVED
    transfer.save()
    event = _append(
        member, kind=K.TEMPORARY_RETURN, date=date, organization=member.organization, transfer=transfer
    )
    rebuild(member)
    _audit_event(actor, member, event, before)
    return transfer


# --- Restructuring with members (the tree-only part is organizations.tree.services) ---------------------------------


def split_periods_at_move(old_path: str, new_path: str, date: dt.date) -> int:
    """A subtree moved from ``old_path`` to ``new_path`` on ``date`` (registered in ``PATH_TABLES``): the roll
    periods running on the date are cut there and continue with the new path; later periods just take the new path.
    The same rows as re-deriving each member from its events; returns the number of periods cut."""
    scope = MemberPeriod.objects.filter(subtree_q(old_path, "org_path"))
    running = list(scope.filter(valid_from__lt=date).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=date)))
    successors = [
        MemberPeriod(
            member_id=p.member_id, organization_id=p.organization_id,
            org_path=new_path + p.org_path[len(old_path):], status=p.status, exempted=p.exempted,
            valid_from=date, valid_to=p.valid_to, start_kind=K.RESTRUCTURE_MOVE, end_kind=p.end_kind,
        )
        for p in running
    ]  # fmt: skip
    MemberPeriod.objects.filter(pk__in=[p.pk for p in running]).update(
        valid_to=date, end_kind=K.RESTRUCTURE_MOVE
    )
    scope.filter(valid_from__gte=date).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    )
    MemberPeriod.objects.bulk_create(successors, batch_size=2000)
    return len(running)


def members_on_roll(org: Organization) -> str | None:
    """Why ``org`` cannot be dissolved yet (``DISSOLVE_CHECKS``): members still on its roll or in transit from it."""
    n = Member.objects.filter(
        organization=org, status__in=[*ACTIVE_STATUSES, MemberStatus.IN_TRANSIT]
    ).count()
    return f"«{org}» còn {n} đảng viên; hãy chuyển sinh hoạt cho đảng viên trước." if n else None


@transaction.atomic
def members_move(*, actor, members, cell: Organization, date: dt.date, decision_no: str = "") -> int:
    """Move members to ``cell`` by a restructuring decision (one "sắp xếp" event each)."""
    if cell.kind not in CELL_KINDS:
        raise ApplicationError(
            "Nơi đến phải là một chi bộ.", field_errors={"cell": "Chi bộ: phải là chi bộ."}
        )
    n = 0
    for member in members:
        event_record(
            actor=actor, member=member, kind=K.RESTRUCTURE_MOVE, date=date, organization=cell,
            decision_no=decision_no,
        )  # fmt: skip
        n += 1
    return n


@transaction.atomic
def organization_merge(
    *, actor, sources: list[Organization], target: Organization, date: dt.date, decision_no: str = ""
) -> Organization:
    """Merge ``sources`` into ``target`` (hợp nhất/sáp nhập): their sub-organizations move under the target,
    their members into the target cell, then each source ends."""
    for src in sources:
        src = Organization.objects.get(pk=src.pk)
        if src.pk == target.pk or target.path.startswith(src.path):
            raise ApplicationError("Tổ chức nhận phải khác và không nằm dưới tổ chức được hợp nhất.")
        for child in src.children.filter(end_date__isnull=True):
            restructure.organization_move(
                actor=actor, organization=child, new_parent=target, date=date, decision_no=decision_no
            )
        members = Member.objects.filter(organization=src, status__in=ACTIVE_STATUSES)
        if members.exists():
            if not target.is_cell:
                raise ApplicationError(f"«{src}» có đảng viên: tổ chức nhận phải là một chi bộ.")
            members_move(actor=actor, members=list(members), cell=target, date=date, decision_no=decision_no)
        restructure.organization_dissolve(actor=actor, organization=src, date=date, decision_no=decision_no)
    return target


@transaction.atomic
def organization_split(
    *, actor, source: Organization, data: dict, members, date: dt.date, decision_no: str = ""
) -> Organization:
    """Split off a new organization beside ``source`` (tách): found it and move the chosen members to it."""
    data = {**data, "founding_date": date, "founding_decision_no": decision_no}
    new = org_services.organization_create(actor=actor, parent=source.parent, data=data)
    members = list(members)
    if any(m.organization_id != source.pk for m in members):
        raise ApplicationError("Chỉ chuyển được đảng viên của tổ chức được tách.")
    if members:
        members_move(actor=actor, members=members, cell=new, date=date, decision_no=decision_no)
    return new
