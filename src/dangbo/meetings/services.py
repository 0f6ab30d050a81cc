"""Writes on cell meetings: plan, roll call, minutes, grades. One transaction each, scope checked, audited,
Vietnamese errors naming the field; nothing half-saved."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangbo.accounts import policy
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.templatetags.vn import ngay
from dangbo.core.text import clean_text
from dangbo.members.asof import path_on

from . import quality
from .choices import MeetingKind, MeetingState, Presence
from .models import Attendance, GradeLevel, Meeting, MeetingTask
from .roll import roll

PLAN_FIELDS = ("kind", "topic", "planned_at", "place", "agenda")
MINUTES_FIELDS = (
    "started_at", "ended_at", "chair", "minutes_secretary", "committee_prepared", "draft_resolution",
    "dues_collected", "dues_amount", "last_month_results", "news_guidance", "study_follow", "opinions",
    "resolution", "votes_for", "votes_against", "votes_abstain", "recorded_by_proxy",
)  # fmt: skip



def can_manage(actor, organization) -> bool:
    """Secretaries of the organization or above and the directing committee's staff run its meetings."""
    return policy.can_add_member_to(actor, organization)


def _clean(value):
    """Text inputs as stored (core.text.clean_text); dates, numbers, members and None unchanged."""
    return clean_text(value) if isinstance(value, str) else value


def _minute(moment: dt.datetime) -> dt.datetime:
    """A time as the plan form shows it (local, to the minute), so re-saving an unchanged form is no change."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.replace(second=0, microsecond=0, tzinfo=None)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _check_plan(m: Meeting) -> None:
    e = {}
    if m.planned_at is None:
        e["planned_at"] = "Thời gian: không được để trống."
    else:
        day = _local_day(m.planned_at)
        org = m.organization
        if org.founding_date and day < org.founding_date:
            e["planned_at"] = f"Thời gian: «{org.name}» thành lập ngày {ngay(org.founding_date)}, sau ngày họp."
        elif org.end_date and day >= org.end_date:
            e["planned_at"] = f"Thời gian: «{org.name}» đã kết thúc hoạt động ngày {ngay(org.end_date)}."
        elif path_on(org, day) is None:
            e["planned_at"] = f"Thời gian: «{org.name}» không hoạt động vào ngày {ngay(day)}."
        else:
            m.month = day.replace(day=1)
            m.org_path = path_on(org, day)
            if m.kind == MeetingKind.REGULAR:
                clash = Meeting.objects.filter(organization=org, month=m.month, kind=MeetingKind.REGULAR).exclude(
                    state=MeetingState.CANCELLED
                ).exclude(pk=m.pk)
                if clash.exists():
                    e["planned_at"] = f"Thời gian: chi bộ đã có buổi sinh hoạt thường kỳ tháng {m.month:%m/%Y}."
    if m.kind == MeetingKind.THEMATIC and not m.topic:
        e["topic"] = "Chuyên đề: sinh hoạt chuyên đề phải ghi chuyên đề."
    if e:
        raise ApplicationError("Chưa lưu được buổi sinh hoạt, xin xem các ô được đánh dấu.", field_errors=e)


@transaction.atomic
def meeting_plan(*, actor, organization, data: dict) -> Meeting:
    if not can_manage(actor, organization):
        raise PermissionDenied("Bạn không có quyền lập kế hoạch sinh hoạt cho tổ chức này.")
    organization = type(organization).objects.get(pk=organization.pk)
    m = Meeting(organization=organization, **{k: _clean(data.get(k)) for k in PLAN_FIELDS if k in data})
    m.topic, m.place, m.agenda = m.topic or "", m.place or "", m.agenda or ""
    _check_plan(m)
    try:
        with transaction.atomic():
            m.save()
    except IntegrityError:  # a concurrent plan for the same month
        raise ApplicationError("Chi bộ đã có buổi sinh hoạt thường kỳ tháng này.",
                               field_errors={"planned_at": "Thời gian: chi bộ đã có buổi sinh hoạt thường kỳ tháng này."}) from None  # fmt: skip
    record(actor=actor, action=Action.CREATE, obj=m, scope_path=organization.path)
    return m


def _locked(meeting: Meeting, actor) -> Meeting:
    m = Meeting.objects.select_for_update(of=("self",)).select_related("organization").get(pk=meeting.pk)
    if not can_manage(actor, m.organization):
        raise PermissionDenied("Bạn không có quyền sửa buổi sinh hoạt này.")
    return m


@transaction.atomic
def meeting_update_plan(*, actor, meeting: Meeting, data: dict) -> Meeting:
    m = _locked(meeting, actor)
    before = snapshot(m)
    new_time = data.get("planned_at")
    if m.state != MeetingState.PLANNED and new_time is not None and _minute(new_time) != _minute(m.planned_at):
        # The roll, the attendance and the minutes were taken on the meeting's date: it cannot move any more.
        raise ApplicationError(
            "Không đổi được thời gian của buổi sinh hoạt này.",
            field_errors={"planned_at": f"Thời gian: buổi sinh hoạt {m.get_state_display().lower()}, "
                                        "không đổi được thời gian."},
        )  # fmt: skip
    for k in PLAN_FIELDS:
        if k in data:
            setattr(m, k, _clean(data[k]) if data[k] is not None else ("" if k in ("topic", "place", "agenda") else None))
    _check_plan(m)
    m.save()
    _refresh_summary(m)
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path)
    return m


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting) -> Meeting:
    m = _locked(meeting, actor)
    if m.state == MeetingState.HELD:
        raise ApplicationError("Buổi sinh hoạt đã họp, không hủy được.")
    before = snapshot(m)
    m.state = MeetingState.CANCELLED
    m.save()
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path)
    return m


def _refresh_summary(m: Meeting) -> None:
    for k, v in quality.summary(m).items():
        setattr(m, k, v)
    m.save(update_fields=["base_count", "present_count", "unexcused_count", "criteria_passed", "criteria_total",
                          "updated_at"])  # fmt: skip


@transaction.atomic
def attendance_record(*, actor, meeting: Meeting, rows: dict[int, tuple[str, str]]) -> Meeting:
    """The roll call in one submission: {member_id: (presence, reason)} for every member expected. Members
    exempted or temporarily away are not part of it; anyone not on the cell's roll that day is refused."""
    m = _locked(meeting, actor)
    if m.state == MeetingState.CANCELLED:
        raise ApplicationError("Buổi sinh hoạt đã hủy.")
    day = _local_day(m.planned_at)
    if day > today():
        raise ApplicationError("Chưa đến ngày sinh hoạt; chỉ điểm danh khi đã họp.",
                               field_errors={"planned_at": f"Thời gian: buổi sinh hoạt ngày {ngay(day)}."})  # fmt: skip
    expected = {e.member.pk: e for e in roll(m.organization, day)}
    errors = {}
    for member_id, (presence, reason) in rows.items():
        entry = expected.get(member_id)
        if entry is None:
            from dangbo.members.models import Member

            name = Member.objects.filter(pk=member_id).values_list("full_name", flat=True).first() or f"Mã {member_id}"
            errors[f"m{member_id}"] = f"{name}: không sinh hoạt tại «{m.organization.name}» vào ngày {ngay(day)}."
        elif not entry.counted:
            errors[f"m{member_id}"] = f"{entry.member.full_name}: được miễn công tác và sinh hoạt đảng hoặc đang sinh hoạt tạm thời nơi khác, không điểm danh."
        elif presence not in Presence.values:
            errors[f"m{member_id}"] = f"{entry.member.full_name}: chưa chọn có mặt hay vắng."
        elif presence == Presence.EXCUSED and not clean_text(reason):
            errors[f"m{member_id}"] = f"{entry.member.full_name}: vắng có lý do thì ghi lý do."
    missing = [e for pk, e in expected.items() if e.counted and pk not in rows]
    for e in missing:
        errors[f"m{e.member.pk}"] = f"{e.member.full_name}: chưa điểm danh."
    if errors:
        raise ApplicationError("Điểm danh chưa hợp lệ, xin xem các dòng được đánh dấu.", field_errors=errors)
    before = snapshot(m)
    m.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=m, member_id=pk, presence=p, reason=clean_text(r) if p in (Presence.EXCUSED, Presence.UNEXCUSED) else "")
        for pk, (p, r) in rows.items()
    )  # fmt: skip
    m.state = MeetingState.HELD
    m.save()
    _refresh_summary(m)
    present = m.present_count
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path,
           extra={"attendance": {"label": "Điểm danh", "before": "", "after": f"{present}/{m.base_count} có mặt"}})  # fmt: skip
    return m


@transaction.atomic
def minutes_save(*, actor, meeting: Meeting, data: dict, tasks: list[dict] | None = None) -> Meeting:
    """The minutes (biên bản): structured agenda items, times, vote, next month's tasks."""
    m = _locked(meeting, actor)
    if m.state == MeetingState.CANCELLED:
        raise ApplicationError("Buổi sinh hoạt đã hủy.")
    before = snapshot(m)
    for k in MINUTES_FIELDS:
        if k in data:
            value = _clean(data[k])
            if value is None and k in ("last_month_results", "news_guidance", "study_follow", "opinions", "resolution"):
                value = ""
            setattr(m, k, value)
    e = {}
    if m.started_at and m.ended_at and m.ended_at <= m.started_at:
        e["ended_at"] = "Kết thúc: phải sau giờ bắt đầu."
    if m.started_at and abs((_local_day(m.started_at) - _local_day(m.planned_at)).days) > 0:
        e["started_at"] = f"Bắt đầu: khác ngày sinh hoạt ({ngay(_local_day(m.planned_at))})."
    if m.dues_amount is not None and m.dues_amount < 0:
        e["dues_amount"] = "Số tiền đảng phí: không được âm."
    votes = [v for v in (m.votes_for, m.votes_against, m.votes_abstain) if v is not None]
    if votes and m.base_count and sum(votes) > m.base_count:
        e["votes_for"] = f"Số tán thành: tổng số biểu quyết ({sum(votes)}) lớn hơn số đảng viên phải dự ({m.base_count})."
    expected = {x.member.pk for x in roll(m.organization, _local_day(m.planned_at))}
    for i, t in enumerate(tasks or []):
        if t.get("member") and t["member"].pk not in expected:
            e[f"task{i}"] = f"Nhiệm vụ {i + 1}: {t['member']} không sinh hoạt tại chi bộ."
    if e:
        raise ApplicationError("Biên bản chưa hợp lệ, xin xem các ô được đánh dấu.", field_errors=e)
    m.state = MeetingState.HELD if m.attendance.exists() or m.state == MeetingState.HELD else m.state
    m.save()
    if tasks is not None:
        m.tasks.all().delete()
        MeetingTask.objects.bulk_create(
            MeetingTask(meeting=m, member=t.get("member"), content=clean_text(t["content"]), due_date=t.get("due_date"))
            for t in tasks if t.get("content")
        )  # fmt: skip
    _refresh_summary(m)
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path)
    return m


@transaction.atomic
def grade(*, actor, meeting: Meeting, level: GradeLevel, upper: bool = False, note: str = "") -> Meeting:
    """The cell's self-grade, or the upper level's grade (kept side by side)."""
    m = Meeting.objects.select_for_update(of=("self",)).select_related("organization").get(pk=meeting.pk)
    allowed = policy.can_grade_upper(actor, m.organization) if upper else can_manage(actor, m.organization)
    if not allowed:
        raise PermissionDenied("Bạn không có quyền xếp loại buổi sinh hoạt này.")
    if m.state != MeetingState.HELD:
        raise ApplicationError("Chỉ xếp loại buổi sinh hoạt đã họp.")
    before = snapshot(m)
    if upper:
        m.upper_grade, m.upper_graded_by, m.upper_grade_note = level, actor, clean_text(note)
    else:
        m.self_grade = level
    m.save()
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path)
    return m
