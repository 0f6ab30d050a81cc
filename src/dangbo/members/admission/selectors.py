"""Reads of the admission pipeline and of probation: the candidates a user may see, what stands in the way of an
admission (``problems``) and the dossier as a checklist (``steps``), a probationary member's deadlines
(``probation``). The rule set in force on the date of each step decides (``members/rules.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dangbo.core.dates import full_years, today
from dangbo.core.formats import ngay
from dangbo.core.workdays import WorkCalendar

from ..choices import MemberStatus
from ..models import Candidate, Member, MemberPeriod
from ..rules import AdmissionRules, add_months, full_months, rules_on


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
