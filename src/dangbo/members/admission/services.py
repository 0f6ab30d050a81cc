"""The admission pipeline (kết nạp đảng viên) and probation (dự bị → chính thức), DOMAIN §2.

Candidate → course certificate → application → CV verification → two introducers → cell vote → grassroots
resolution → admission decision (creates the member, "kết nạp" event) → ceremony within 30 working days →
12 months' probation → official recognition effective at the end of the 12 months (even when decided late),
or removal. Every check uses the rule set in force on the date of the step (``rules.py``).
"""

from __future__ import annotations

import copy
import datetime as dt

from django.db import transaction

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay, so
from dangbo.core.text import clean_text, name_case, name_sort_key
from dangbo.organizations.choices import CELL_KINDS

from .. import rules as decisions
from .. import services as member_services
from ..choices import EventKind, MemberStatus
from ..history import services as lifecycle
from ..models import VOTES_MAX, Candidate, Member
from .selectors import official_lookup, probation, problems

CANDIDATE_FIELDS = (
    "organization", "full_name", "gender", "birth_date", "ethnicity", "religion", "occupation", "general_education",
    "education_exception", "mentor", "course_certificate_no", "course_date", "application_date", "cv_verified_date",
    "introducer_1", "introducer_1_since", "introducer_2", "introducer_2_since", "cell_resolution_date", "votes_for",
    "official_members", "grassroots_resolution_date", "note",
)  # fmt: skip
# The dossier's dated steps in the order they happen.
STEP_ORDER = (
    "course_date",
    "application_date",
    "cv_verified_date",
    "cell_resolution_date",
    "grassroots_resolution_date",
)


def _check_dossier(c: Candidate) -> dict[str, str]:
    """What makes the dossier impossible (not merely not ready): refused on save, nothing saved."""
    e = _check_votes(c)
    now = today()
    labels = {f: Candidate._meta.get_field(f).verbose_name for f in (*STEP_ORDER, "birth_date")}
    if c.birth_date and c.birth_date > now:
        e["birth_date"] = "Ngày sinh: không được sau ngày hôm nay."
    previous = None
    for f in STEP_ORDER:
        value = getattr(c, f)
        if value is None:
            continue
        if value > now:
            e[f] = f"{labels[f]}: không được sau ngày hôm nay."
        elif previous and value < getattr(c, previous):
            e[f] = f"{labels[f]}: không được trước {str(labels[previous]).lower()}."
        previous = f
    for n in ("1", "2"):  # the introducers know the applicant since a day before the cell's vote
        field = f"introducer_{n}_since"
        since, label = getattr(c, field), Candidate._meta.get_field(field).verbose_name
        if since is None:
            continue
        if since > now:
            e[field] = f"{label}: không được sau ngày hôm nay."
        elif c.cell_resolution_date and since > c.cell_resolution_date:
            e[field] = f"{label}: không được sau ngày chi bộ xét, biểu quyết."
    e.update(_check_introducers(c))
    if c.organization_id and c.organization.kind not in CELL_KINDS:
        e["organization"] = "Chi bộ: người xin vào Đảng được theo dõi ở một chi bộ."
    if not c.full_name:
        e["full_name"] = "Họ và tên: không được để trống."
    return e


def _check_votes(c: Candidate) -> dict[str, str]:
    """The cell's vote: two whole numbers within a small integer, no more in favour than official members."""
    e = {}
    labels = {f: Candidate._meta.get_field(f).verbose_name for f in ("votes_for", "official_members")}
    for f, low in (("votes_for", 0), ("official_members", 1)):
        value = getattr(c, f)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            e[f] = f"{labels[f]}: phải là một số nguyên."
        elif not low <= value <= VOTES_MAX:
            e[f] = f"{labels[f]}: {so(value)} không hợp lệ, phải từ {low} đến {so(VOTES_MAX)}."
    if e:
        return e
    if (c.votes_for is None) != (c.official_members is None):
        missing = "official_members" if c.official_members is None else "votes_for"
        e[missing] = f"{labels[missing]}: cần ghi cả số tán thành và tổng số đảng viên chính thức."
    elif c.votes_for is not None:
        if c.votes_for > c.official_members:
            e["votes_for"] = (
                f"{labels['votes_for']}: {so(c.votes_for)} lớn hơn tổng số đảng viên chính thức "
                f"({so(c.official_members)})."
            )
        if not c.cell_resolution_date:
            e["cell_resolution_date"] = "Ngày chi bộ xét, biểu quyết: cần ghi khi đã có kết quả biểu quyết."
    return e


def _check_introducers(c: Candidate) -> dict[str, str]:
    """Two different people, each an official member on the day the cell considers the case (from their roll
    periods, not their status today)."""
    e = {}
    if c.introducer_1_id and c.introducer_1_id == c.introducer_2_id:
        e["introducer_2"] = "Người giới thiệu thứ hai: phải là người khác người thứ nhất."
    day = c.cell_resolution_date
    if day:
        official_on = official_lookup([c.introducer_1_id, c.introducer_2_id])
        for n, ordinal in (("1", "nhất"), ("2", "hai")):
            member = getattr(c, f"introducer_{n}")
            if member is not None and not official_on(member.pk, day):
                e[f"introducer_{n}"] = (
                    f"Người giới thiệu thứ {ordinal}: {member} không phải đảng viên chính thức đang sinh hoạt vào "
                    f"ngày chi bộ xét ({ngay(day)})."
                )
    return e


def check_candidate(*, data: dict, instance: Candidate | None = None) -> dict[str, str]:
    """The problems that would make ``candidate_save`` refuse ``data``, without saving (the form shows them)."""
    c = copy.copy(instance) if instance is not None else Candidate()
    _apply(c, data)
    return _check_dossier(c)


def _apply(c: Candidate, data: dict) -> None:
    for key in CANDIDATE_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, str):
                value = name_case(value) if key == "full_name" else clean_text(value)
            setattr(c, key, value)
    c.name_sort = name_sort_key(c.full_name)


# The dossier page's version token (audit.concurrency): a save over someone else's change is refused.
CANDIDATE_VERSION = Tracked(CANDIDATE_FIELDS, noun="Hồ sơ này")


@transaction.atomic
def candidate_save(
    *, actor, data: dict, candidate: Candidate | None = None, expected_version: str | None = None
) -> Candidate:
    """Create or update a candidate's dossier (any step, in any order of entry; dates must follow the steps).
    ``expected_version``: the dossier page's token (``CANDIDATE_VERSION``); a stale one is refused."""
    c = candidate or Candidate()
    if c.pk:
        c = Candidate.objects.select_for_update().get(pk=c.pk)
        if c.member_id:
            raise ApplicationError("Đã có quyết định kết nạp; hồ sơ người xin vào Đảng không sửa được nữa.")
        CANDIDATE_VERSION.check(c, expected_version)
    before = snapshot(c) if c.pk else None
    _apply(c, data)
    if errors := _check_dossier(c):
        raise ApplicationError("Hồ sơ chưa hợp lệ, xin xem các ô được đánh dấu.", field_errors=errors)
    if not policies.can(actor, "place_members", c.organization):
        raise PermissionDenied("Bạn không có quyền theo dõi người xin vào Đảng ở chi bộ này.")
    c.save()
    record(actor=actor, action=Action.UPDATE if before else Action.CREATE, obj=c, before=before,
           scope_path=c.organization.path)  # fmt: skip
    return c


@transaction.atomic
def candidate_admit(
    *,
    actor,
    candidate: Candidate,
    decision_no: str,
    decision_date: dt.date,
    decision_level: str = "",
    decision_issuer: str = "",
) -> Member:
    """The admission decision: every condition must hold, and the decision be issued by a body with the power
    to admit (``decisions``); the member record is created with its "kết nạp" event on the decision date
    (probationary; the ceremony is recorded next)."""
    c = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if c.member_id:
        raise ApplicationError("Người này đã có quyết định kết nạp.")
    if not policies.can(actor, "place_members", c.organization):
        raise PermissionDenied("Bạn không có quyền kết nạp đảng viên ở chi bộ này.")
    errors = problems(c)
    decision_no, decision_issuer = clean_text(decision_no), clean_text(decision_issuer)
    verdict = decisions.judge(
        kind=EventKind.ADMISSION, date=decision_date or today(), number=decision_no, decided_on=decision_date,
        level=decision_level, issuer=decision_issuer,
    )  # fmt: skip
    errors.update(verdict.errors)
    if decision_no == "":
        errors["decision_no"] = "Số quyết định kết nạp: không được để trống."
    if decision_date is None:
        errors["decision_date"] = "Ngày quyết định kết nạp: không được để trống."
    elif decision_date > today():
        errors["decision_date"] = "Ngày quyết định kết nạp: không được sau ngày hôm nay."
    elif c.grassroots_resolution_date and decision_date < c.grassroots_resolution_date:
        errors["decision_date"] = "Ngày quyết định kết nạp: không được trước nghị quyết của đảng ủy cơ sở."
    if errors:
        raise ApplicationError("Chưa đủ điều kiện ra quyết định kết nạp.", field_errors=errors)
    before = snapshot(c)
    member = member_services.member_create(
        actor=actor, since=decision_date,
        admission={"decision_no": decision_no, "decision_level": decision_level, "decision_issuer": decision_issuer},
        data={
            "full_name": c.full_name, "gender": c.gender, "birth_date": c.birth_date, "ethnicity": c.ethnicity,
            "religion": c.religion, "occupation": c.occupation, "general_education": c.general_education,
            "organization": c.organization, "status": MemberStatus.PROBATIONARY, "joined_date": None,
            "joined_cell": c.organization.name, "introducer_1": str(c.introducer_1 or ""),
            "introducer_2": str(c.introducer_2 or ""),
        },
    )  # fmt: skip
    c.member, c.decision_no, c.decision_date = member, decision_no, decision_date
    c.decision_level, c.decision_issuer = decision_level, decision_issuer
    c.save()
    record(actor=actor, action=Action.UPDATE, obj=c, before=before, scope_path=c.organization.path)
    member.warnings = verdict.warnings
    return member


# --- Probation -------------------------------------------------------------------------------------------


@transaction.atomic
def ceremony_record(*, actor, member: Member, date: dt.date) -> Member:
    """The admission ceremony: the date of joining; probation runs 12 months from it."""
    if member.admission_decision_date and date < member.admission_decision_date:
        raise ApplicationError(
            "Ngày lễ kết nạp không hợp lệ.",
            field_errors={"date": "Ngày lễ kết nạp: trước ngày quyết định kết nạp."},
        )
    lifecycle.event_record(actor=actor, member=member, kind=EventKind.CEREMONY, date=date)
    member.refresh_from_db()
    return member


@transaction.atomic
def recognize_official(
    *,
    actor,
    member: Member,
    decision_no: str,
    decision_date: dt.date,
    decision_level: str = "",
    decision_issuer: str = "",
) -> Member:
    """Official recognition, effective at the end of the 12 months of probation even when decided late, by a
    body with the power to admit."""
    member = Member.objects.get(pk=member.pk)
    p = probation(member)
    if p is None or p.probation_end is None:
        raise ApplicationError("Chỉ công nhận chính thức cho đảng viên dự bị đã tổ chức lễ kết nạp.")
    verdict = decisions.judge(
        kind=EventKind.OFFICIAL, date=p.probation_end, number=clean_text(decision_no), decided_on=decision_date,
        level=decision_level, issuer=clean_text(decision_issuer),
    )  # fmt: skip
    errors = dict(verdict.errors)
    if decision_date is None or decision_date < p.probation_end:
        errors["decision_date"] = (
            f"Ngày quyết định: chưa hết {p.rules.probation_months} tháng dự bị (hết ngày {ngay(p.probation_end)})."
        )
    elif decision_date > today():
        errors["decision_date"] = "Ngày quyết định: không được sau ngày hôm nay."
    if errors:
        raise ApplicationError("Chưa công nhận được đảng viên chính thức.", field_errors=errors)
    event = lifecycle.event_record(
        actor=actor, member=member, kind=EventKind.OFFICIAL, date=p.probation_end, decision_no=decision_no,
        decision_date=decision_date, decision_level=decision_level, decision_issuer=decision_issuer,
        note="" if decision_date <= p.review_due
        else f"Công nhận muộn so với hạn {p.rules.review_working_days} ngày làm việc.",
    )  # fmt: skip
    member.refresh_from_db()
    member.warnings = event.warnings
    return member
