"""The admission pipeline (kết nạp đảng viên) and probation (dự bị → chính thức), DOMAIN §2.

Candidate → course certificate → application → CV verification → two introducers → cell vote → grassroots
resolution → admission decision (creates the member, "kết nạp" event) → ceremony within 30 working days →
12 months' probation → official recognition effective at the end of the 12 months (even when decided late),
or removal. Every check uses the rule set in force on the date of the step (``rules.py``).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import full_years, today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay, so
from dangbo.core.text import clean_text, name_case, name_sort_key
from dangbo.core.workdays import WorkCalendar
from dangbo.organizations.choices import CELL_KINDS

from .. import rules as decisions
from .. import services as member_services
from ..choices import EventKind, MemberStatus
from ..history import services as lifecycle
from ..models import VOTES_MAX, Candidate, Member, MemberPeriod
from ..rules import AdmissionRules, add_months, full_months, rules_on

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


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    detail: str = ""


OfficialOn = Callable[[int, dt.date], bool]


def official_lookup(member_ids) -> OfficialOn:
    """``official_on(member_id, day)``: whether the member stood on a roll as an official member that day (their
    roll periods, derived from the events), for all ``member_ids`` in one query."""
    periods: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    rows = MemberPeriod.objects.filter(member_id__in=set(member_ids), status=MemberStatus.OFFICIAL)
    for member_id, start, end in rows.values_list("member_id", "valid_from", "valid_to"):
        periods.setdefault(member_id, []).append((start, end))
    return lambda member_id, day: any(
        s <= day and (e is None or e > day) for s, e in periods.get(member_id, ())
    )


def _introducer_problem(member, since, on, n: str, months: int, official_on: OfficialOn) -> str:
    if member is None:
        return ""
    if not official_on(member.pk, on):
        return f"Người giới thiệu thứ {n}: {member} không phải đảng viên chính thức đang sinh hoạt vào ngày {ngay(on)}."
    if since is None:
        return f"Người giới thiệu thứ {n}: chưa ghi từ ngày nào biết người xin vào Đảng."
    if since > on:  # kept out by candidate_save; older records may still hold it
        return f"Người giới thiệu thứ {n}: ngày biết người xin vào Đảng ({ngay(since)}) sau ngày {ngay(on)}."
    if full_months(since, on) < months:
        return (
            f"Người giới thiệu thứ {n}: mới biết người xin vào Đảng {full_months(since, on)} tháng, "
            f"chưa đủ {months} tháng."
        )
    return ""


def problems(
    c: Candidate, on: dt.date | None = None, *, official_on: OfficialOn | None = None
) -> dict[str, str]:
    """What stands in the way of admission, judged on the cell's date (or ``on``): {field: message}. The
    conditions panel shows them and the checklist (``steps``) reads them: no step is done while one fails."""
    day = c.cell_resolution_date or on or today()
    rules = rules_on(day)
    official_on = official_on or official_lookup([c.introducer_1_id, c.introducer_2_id])
    e: dict[str, str] = {}
    if c.birth_date:
        months = full_months(c.birth_date, day)  # "tuổi đời tính theo tháng"
        if months < rules.min_age * 12:
            e["birth_date"] = (
                f"Ngày sinh: ngày {ngay(day)} mới {full_years(c.birth_date, day)} tuổi, chưa đủ {rules.min_age} tuổi."
            )
        elif months > rules.max_age * 12:
            e["birth_date"] = (
                f"Ngày sinh: ngày {ngay(day)} đã quá {rules.max_age} tuổi; chỉ kết nạp khi cấp ủy trực thuộc "
                "Trung ương đồng ý bằng văn bản."
            )
    if c.general_education not in rules.min_general_education and not c.education_exception:
        e["general_education"] = (
            "Giáo dục phổ thông: cần tốt nghiệp trung học cơ sở trở lên (trừ diện được vận dụng)."
        )
    if not c.course_date:
        e["course_date"] = "Ngày cấp giấy chứng nhận: chưa học lớp bồi dưỡng nhận thức về Đảng."
    elif (
        rules.course_certificate_months and full_months(c.course_date, day) >= rules.course_certificate_months
    ):
        e["course_date"] = (
            f"Ngày cấp giấy chứng nhận: giấy chứng nhận đã quá {rules.course_certificate_months} tháng vào ngày "
            f"{ngay(day)}."
        )
    if not c.application_date:
        e["application_date"] = "Ngày làm đơn xin vào Đảng: chưa có đơn."
    if not c.cv_verified_date:
        e["cv_verified_date"] = "Ngày hoàn thành thẩm tra lý lịch: chưa thẩm tra lý lịch."
    for n, member, since in (
        ("1", c.introducer_1, c.introducer_1_since),
        ("2", c.introducer_2, c.introducer_2_since),
    ):
        field, ordinal = f"introducer_{n}", "nhất" if n == "1" else "hai"
        if member is None:
            e[field] = f"Người giới thiệu thứ {ordinal}: chưa có."
        elif problem := _introducer_problem(
            member, since, day, ordinal, rules.introducer_months, official_on
        ):
            e[field] = problem
    if c.introducer_1_id and c.introducer_1_id == c.introducer_2_id:
        e["introducer_2"] = "Người giới thiệu thứ hai: phải là người khác người thứ nhất."
    if not c.cell_resolution_date:
        e["cell_resolution_date"] = "Ngày chi bộ xét, biểu quyết: chi bộ chưa xét."
    elif problem := _vote_problem(c.votes_for, c.official_members, rules):
        e["votes_for"] = problem
    if not c.grassroots_resolution_date:
        e["grassroots_resolution_date"] = "Ngày nghị quyết của đảng ủy cơ sở: chưa có nghị quyết."
    return e


def _vote_problem(votes_for, official_members, rules: AdmissionRules) -> str:
    label = "Số đảng viên chính thức tán thành"
    if votes_for is None or not official_members:
        return f"{label}: chưa ghi kết quả biểu quyết."
    if votes_for > official_members:
        return f"{label}: lớn hơn tổng số đảng viên chính thức."
    num, den = rules.vote_share
    if votes_for * den < official_members * num:
        return f"{label}: {votes_for}/{official_members}, chưa đạt {num}/{den}."
    return ""


def steps(c: Candidate, found: dict[str, str] | None = None) -> list[Step]:
    """The dossier as a checklist, read from the same evaluation as the conditions (``problems``, or ``found``
    when already computed): a step is done when it is recorded and none of its conditions fails."""
    p = problems(c) if found is None else found

    def done(recorded, *fields) -> bool:
        return bool(recorded) and not any(f in p for f in fields)

    introducers = ", ".join(str(m) for m in (c.introducer_1, c.introducer_2) if m)
    vote = f"{ngay(c.cell_resolution_date)}: {c.votes_for}/{c.official_members} tán thành" if (
        c.cell_resolution_date and c.votes_for is not None) else ""  # fmt: skip
    return [
        Step("Phân công đảng viên giúp đỡ", bool(c.mentor_id), str(c.mentor or "")),
        Step("Tuổi đời, trình độ học vấn", done(c.birth_date, "birth_date", "general_education"),
             c.birth_date and f"sinh ngày {ngay(c.birth_date)}" or ""),
        Step("Học lớp bồi dưỡng nhận thức về Đảng", done(c.course_date, "course_date"),
             c.course_date and ngay(c.course_date) or ""),
        Step("Đơn xin vào Đảng", done(c.application_date, "application_date"),
             c.application_date and ngay(c.application_date) or ""),
        Step("Thẩm tra lý lịch", done(c.cv_verified_date, "cv_verified_date"),
             c.cv_verified_date and ngay(c.cv_verified_date) or ""),
        Step("Hai đảng viên chính thức giới thiệu", done(c.introducer_1_id and c.introducer_2_id, "introducer_1",
                                                         "introducer_2"), introducers),
        Step("Chi bộ xét, biểu quyết", done(c.cell_resolution_date, "cell_resolution_date", "votes_for"), vote),
        Step("Nghị quyết của đảng ủy cơ sở", done(c.grassroots_resolution_date, "grassroots_resolution_date"),
             c.grassroots_resolution_date and ngay(c.grassroots_resolution_date) or ""),
        Step("Quyết định kết nạp", bool(c.member_id),
             f"Số {c.decision_no}, ngày {ngay(c.decision_date)}" if c.decision_date else ""),
    ]  # fmt: skip


def evaluate_all(candidates) -> list[tuple[Candidate, list[Step]]]:
    """Each candidate with its checklist, the introducers' roll periods read in one query (the list page)."""
    candidates = list(candidates)
    official_on = official_lookup(i for c in candidates for i in (c.introducer_1_id, c.introducer_2_id) if i)
    return [(c, steps(c, problems(c, official_on=official_on))) for c in candidates]


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


@dataclass(frozen=True)
class Probation:
    decision_date: dt.date | None
    ceremony_date: dt.date | None
    ceremony_due: dt.date | None
    probation_end: dt.date | None
    review_due: dt.date | None
    state: str  # cho_le | qua_han_le | du_bi | den_han_xet | qua_han_xet
    label: str
    rules: AdmissionRules | None = None  # the rule set the deadlines were computed with


def probation(
    member: Member, *, on: dt.date | None = None, calendar: WorkCalendar | None = None
) -> Probation | None:
    """Deadlines of a probationary member (None for anyone else)."""
    if member.status != MemberStatus.PROBATIONARY:
        return None
    on = on or today()
    cal = calendar or WorkCalendar.from_db()
    rules = rules_on(member.admission_decision_date or member.joined_date or on)
    decision = member.admission_decision_date
    if member.joined_date is None:
        due = cal.add_working_days(decision, rules.ceremony_working_days) if decision else None
        late = due is not None and on > due
        return Probation(decision, None, due, None, None, "qua_han_le" if late else "cho_le",
                         "Quá hạn tổ chức lễ kết nạp" if late else "Chờ tổ chức lễ kết nạp", rules)  # fmt: skip
    ceremony_due = cal.add_working_days(decision, rules.ceremony_working_days) if decision else None
    end = add_months(member.joined_date, rules.probation_months)
    review_due = cal.add_working_days(end, rules.review_working_days)
    if on < end:
        state, label = "du_bi", "Đang trong thời gian dự bị"
    elif on <= review_due:
        state, label = "den_han_xet", "Đến hạn xét công nhận chính thức"
    else:
        state, label = "qua_han_xet", "Quá hạn xét công nhận chính thức"
    return Probation(decision, member.joined_date, ceremony_due, end, review_due, state, label, rules)


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
