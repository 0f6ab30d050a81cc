"""Writes on cell meetings: plan, roll call, minutes, grades. One transaction each, scope checked, audited,
Vietnamese errors naming the field; nothing half-saved.

Every id a service is given (organization, meeting, member, grade) is checked here, not left to a form's choices
(an API is coming): a meeting or an organization outside the actor's scope is answered as a missing one
(``NotFound``), a member outside it likewise, without a name. A meeting's record can never be impossible
(``minutes_problems``): the roll call and the minutes are checked against each other whichever is saved last —
votes within the members present, the chair and the minutes secretary present, times that follow each other.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import now, today
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.core.formats import ngay
from dangbo.core.registries import facts_changed
from dangbo.core.text import clean_lines, clean_text, read_number
from dangbo.members.counts.selectors import path_on
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

from . import rules as quality
from .choices import ATTENDED, MeetingKind, MeetingState, Presence
from .models import Attendance, GradeLevel, Meeting, MeetingTask
from .selectors import LABELS, RollEntry, roll

PLAN_FIELDS = ("kind", "topic", "planned_at", "place", "agenda")
MINUTES_FIELDS = (
    "started_at", "ended_at", "chair", "minutes_secretary", "committee_prepared", "draft_resolution",
    "dues_collected", "dues_amount", "last_month_results", "news_guidance", "study_follow", "opinions",
    "resolution", "votes_for", "votes_against", "votes_abstain", "recorded_by_proxy",
)  # fmt: skip


def _tasks_text(m) -> dict[str, tuple[str, str]]:
    rows = m.tasks.order_by("id").values_list("content", "member_id", "due_date")
    return {"tasks": ("Nhiệm vụ tháng tới", "\n".join(f"{c}|{mid}|{d}" for c, mid, d in rows))}


# The edit pages' version tokens (audit.concurrency): a save over someone else's change is refused.
PLAN_VERSION = Tracked(PLAN_FIELDS, noun="Kế hoạch buổi sinh hoạt này")
MINUTES_VERSION = Tracked(MINUTES_FIELDS, noun="Biên bản này", extra=_tasks_text)


def _attendance_text(m) -> dict[str, tuple[str, str]]:
    rows = m.attendance.order_by("member_id").values_list("member_id", "presence", "reason")
    return {"attendance": ("Điểm danh", "\n".join(f"{mid}|{p}|{r}" for mid, p, r in rows))}


ATTENDANCE_VERSION = Tracked((), noun="Điểm danh của buổi sinh hoạt này", extra=_attendance_text)
MINUTES_TEXTS = ("last_month_results", "news_guidance", "study_follow", "opinions", "resolution")
MINUTES_FLAGS = ("committee_prepared", "draft_resolution", "dues_collected", "recorded_by_proxy")
VOTES = ("votes_for", "votes_against", "votes_abstain")
# Labels as the minutes form shows them (the times are typed as "Bắt đầu lúc", "Kết thúc lúc").
LABELS_OF = {
    "planned_at": "Thời gian", "kind": "Loại sinh hoạt", "topic": "Chuyên đề", "place": "Địa điểm",
    "agenda": "Nội dung dự kiến", "started_at": "Bắt đầu lúc", "ended_at": "Kết thúc lúc", "chair": "Chủ trì",
    "minutes_secretary": "Thư ký", "dues_amount": "Số tiền đảng phí thu được (đồng)", "votes_for": "Số tán thành",
    "votes_against": "Số không tán thành", "votes_abstain": "Số không biểu quyết",
}  # fmt: skip
MAX_DUES = 999_999_999_999  # đồng collected at one meeting; more is a typing error
MAX_VOTES = 32767  # what the columns hold (SMALLINT); the members present bound them further
MAX_HOURS = 24  # a meeting (a plenary included) lasts less than a day
MEETING_NOT_FOUND = "Không tìm thấy buổi sinh hoạt."
ORGANIZATION_NOT_FOUND = "Không tìm thấy tổ chức."


def _changed(m: Meeting, *earlier: dt.date) -> None:
    """Tell the report rollups (``FACT_CHANGES``) that the meetings of ``m``'s organization changed from its month
    (or an earlier one it was moved from) on — in the transaction of the change."""
    facts_changed("meetings", {m.organization_id}, min([m.month, *[d for d in earlier if d]]))


def _pk(value) -> int | None:
    """The id of an object or an id given to a service (an int, or a text of digits); None when it is none."""
    pk = getattr(value, "pk", value)
    if isinstance(pk, str) and pk.strip().isascii() and pk.strip().isdigit() and len(pk.strip()) <= 18:
        pk = int(pk)
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
        return None
    return pk


def _organization(actor, organization) -> Organization:
    """The organization as the database has it, if the actor sees it; else the answer of a missing one."""
    pk = _pk(organization)
    org = policies.scope(actor, policies.VIEW, Organization.objects.filter(pk=pk)).first() if pk else None
    if org is None:
        raise NotFound(
            ORGANIZATION_NOT_FOUND,
            field_errors={"organization": f"Tổ chức: {ORGANIZATION_NOT_FOUND.lower()}"},
        )
    return org


def _meeting(actor, meeting, *, lock: bool = True) -> Meeting:
    """The meeting (locked for the write), if the actor sees it; else the answer of a missing one."""
    pk = _pk(meeting)
    qs = Meeting.objects.select_related("organization").filter(pk=pk) if pk else Meeting.objects.none()
    m = (qs.select_for_update(of=("self",)) if lock else qs).first()
    if (
        m is None
        or not policies.scope(
            actor, policies.VIEW, Organization.objects.filter(pk=m.organization_id)
        ).exists()
    ):
        raise NotFound(MEETING_NOT_FOUND)
    return m


def _clean(value):
    """Text inputs as stored (core.text.clean_text); dates, numbers, members and None unchanged."""
    return clean_text(value) if isinstance(value, str) else value


def _minute(moment: dt.datetime) -> dt.datetime:
    """A time as the plan form shows it (local, to the minute), so re-saving an unchanged form is no change."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.replace(second=0, microsecond=0, tzinfo=None)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _moment(value, label: str, e: dict, key: str) -> dt.datetime | None:
    """A date and time given to a service: aware (a naive one is local time), in a plausible year."""
    if value is None or value == "":
        return None
    if not isinstance(value, dt.datetime) or not 1900 <= value.year <= 2999:
        e[key] = f"{label}: ngày giờ không hợp lệ."
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _text(value, label: str, e: dict, key: str, max_length: int | None = None) -> str:
    """A text value checked; an agenda and the minutes' paragraphs keep their line breaks."""
    if value is None:
        return ""
    if not isinstance(value, str):
        e[key] = f"{label}: phải là văn bản."
        return ""
    value = clean_lines(value) if key == "agenda" or key in MINUTES_TEXTS else clean_text(value)
    if max_length and len(value) > max_length:
        e[key] = f"{label}: tối đa {max_length} ký tự."
    return value


def _check_plan(m: Meeting, e: dict | None = None) -> None:
    e = {} if e is None else e
    if m.kind not in MeetingKind.values:
        e["kind"] = "Loại sinh hoạt: " + (
            "không được để trống." if not m.kind else "giá trị đã chọn không hợp lệ."
        )
    if m.planned_at is None:
        e.setdefault("planned_at", "Thời gian: không được để trống.")
    elif "planned_at" not in e:
        day = _local_day(m.planned_at)
        org = m.organization
        if org.founding_date and day < org.founding_date:
            e["planned_at"] = (
                f"Thời gian: «{org.name}» thành lập ngày {ngay(org.founding_date)}, sau ngày họp."
            )
        elif org.end_date and day >= org.end_date:
            e["planned_at"] = f"Thời gian: «{org.name}» đã kết thúc hoạt động ngày {ngay(org.end_date)}."
        elif path_on(org, day) is None:
            e["planned_at"] = f"Thời gian: «{org.name}» không hoạt động vào ngày {ngay(day)}."
        else:
            m.month = day.replace(day=1)
            m.org_path = path_on(org, day)
            if m.kind == MeetingKind.REGULAR:
                clash = (
                    Meeting.objects.filter(organization=org, month=m.month, kind=MeetingKind.REGULAR)
                    .exclude(state=MeetingState.CANCELLED)
                    .exclude(pk=m.pk)
                )
                if clash.exists():
                    e["planned_at"] = (
                        f"Thời gian: chi bộ đã có buổi sinh hoạt thường kỳ tháng {m.month:%m/%Y}."
                    )
    if m.kind == MeetingKind.THEMATIC and not m.topic:
        e.setdefault("topic", "Chuyên đề: sinh hoạt chuyên đề phải ghi chuyên đề.")
    if e:
        raise ApplicationError("Chưa lưu được buổi sinh hoạt, xin xem các ô được đánh dấu.", field_errors=e)


def _apply_plan(m: Meeting, data: dict) -> dict:
    """Copy the plan fields given in ``data`` onto ``m``; the problems with their values ({field: message})."""
    e: dict[str, str] = {}
    for k in PLAN_FIELDS:
        if k not in data:
            continue
        if k == "planned_at":
            m.planned_at = _moment(data[k], LABELS_OF[k], e, k)
        elif k == "kind":
            m.kind = data[k] if isinstance(data[k], str) else ""
        else:
            setattr(m, k, _text(data[k], LABELS_OF[k], e, k, None if k == "agenda" else 255))
    return e


@transaction.atomic
def meeting_plan(*, actor, organization, data: dict) -> Meeting:
    organization = _organization(actor, organization)
    if not policies.can(actor, "place_members", organization):
        raise PermissionDenied("Bạn không có quyền lập kế hoạch sinh hoạt cho tổ chức này.")
    m = Meeting(organization=organization, kind=MeetingKind.REGULAR, topic="", place="", agenda="")
    _check_plan(m, _apply_plan(m, data))
    try:
        with transaction.atomic():
            m.save()
    except IntegrityError:  # a concurrent plan for the same month
        raise ApplicationError("Chi bộ đã có buổi sinh hoạt thường kỳ tháng này.",
                               field_errors={"planned_at": "Thời gian: chi bộ đã có buổi sinh hoạt thường kỳ tháng này."}) from None  # fmt: skip
    _changed(m)
    record(actor=actor, action=Action.CREATE, obj=m, scope_path=organization.path)
    return m


def _locked(meeting, actor) -> Meeting:
    m = _meeting(actor, meeting)
    if not policies.can(actor, "place_members", m.organization):
        raise PermissionDenied("Bạn không có quyền sửa buổi sinh hoạt này.")
    return m


@transaction.atomic
def meeting_update_plan(
    *, actor, meeting: Meeting, data: dict, expected_version: str | None = None
) -> Meeting:
    """``expected_version``: the plan page's token (``PLAN_VERSION``); a stale one is refused."""
    m = _locked(meeting, actor)
    PLAN_VERSION.check(m, expected_version)
    before = snapshot(m)
    old_time, old_month = m.planned_at, m.month
    e = _apply_plan(m, data)
    if (
        m.state != MeetingState.PLANNED
        and m.planned_at is not None
        and _minute(m.planned_at) != _minute(old_time)
    ):
        # The roll, the attendance and the minutes were taken on the meeting's date: it cannot move any more.
        # Reported with the plan's other problems (``_check_plan`` leaves a field already refused alone).
        e["planned_at"] = (f"Thời gian: buổi sinh hoạt {m.get_state_display().lower()}, "
                           "không đổi được thời gian.")  # fmt: skip
    if m.state != MeetingState.PLANNED:
        m.planned_at = old_time  # the same minute as shown: keep the stored time
    if not policies.in_state("record", m):  # a cancelled meeting's plan stays as it was cancelled
        e["state"] = f"Buổi sinh hoạt {m.get_state_display().lower()}, không sửa được kế hoạch."
    _check_plan(m, e)
    m.save()
    _refresh_summary(m)
    _changed(m, old_month)
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path)
    return m


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting) -> Meeting:
    m = _locked(meeting, actor)
    if not policies.in_state("cancel", m):  # only a planned one (the policy's states: the page's button)
        raise ApplicationError(f"Buổi sinh hoạt {m.get_state_display().lower()}, không hủy được.")
    before = snapshot(m)
    m.state = MeetingState.CANCELLED
    m.save()
    _changed(m)
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path)
    return m


def _refresh_summary(m: Meeting) -> None:
    for k, v in quality.summary(m).items():
        setattr(m, k, v)
    m.save(update_fields=["base_count", "present_count", "unexcused_count", "criteria_passed", "criteria_total",
                          "updated_at"])  # fmt: skip


def roll_of(m: Meeting) -> dict[int, RollEntry]:
    """The meeting's roll ({member id: entry}): who is expected on its date."""
    return {e.member.pk: e for e in roll(m.organization, quality.meeting_day(m))}


def _member(
    actor, value, label: str, m: Meeting, entries: dict[int, RollEntry]
) -> tuple[RollEntry | None, str | None]:
    """A member given to a meeting service (an object or an id) as an entry of the meeting's roll, or the problem
    ("Nhãn: vấn đề."). A member outside the actor's scope gets the answer of a missing one: no name."""
    pk = _pk(value)
    if pk is None:
        return None, f"{label}: mã đảng viên không hợp lệ."
    entry = entries.get(pk)
    if entry is not None:
        return entry, None
    name = (
        policies.scope(actor, policies.VIEW, Member.objects.filter(pk=pk))
        .values_list("full_name", flat=True)
        .first()
    )
    if name is None:
        return None, f"{label}: không tìm thấy đảng viên mã {pk}."
    return (
        None,
        f"{label}: {name} không sinh hoạt tại «{m.organization.name}» vào ngày {ngay(quality.meeting_day(m))}.",
    )


def minutes_problems(m: Meeting, presence: dict[int, str], entries: dict[int, RollEntry]) -> dict[str, str]:
    """What would make the record of ``m`` impossible, {field: "Nhãn: vấn đề."} (empty: none), given its roll call
    (``presence``: {member id: presence}, empty before the roll call) and its roll (``entries``):

    * the end after the start, within a day, the start on the meeting's date;
    * the chair and the minutes secretary on the roll, expected (not exempted or away), and — once the roll is
      called — present;
    * votes (tán thành, không tán thành, không biểu quyết) only after the roll call, and together no more than
      the members present.

    Used by the minutes, by the roll call (a roll call may not make saved minutes impossible) and before the
    minutes are printed."""
    e: dict[str, str] = {}
    day = quality.meeting_day(m)
    if m.started_at and _local_day(m.started_at) != day:
        e["started_at"] = f"{LABELS_OF['started_at']}: khác ngày sinh hoạt ({ngay(day)})."
    if m.started_at and m.ended_at:
        if m.ended_at <= m.started_at:
            e["ended_at"] = f"{LABELS_OF['ended_at']}: phải sau giờ bắt đầu."
        elif m.ended_at - m.started_at >= dt.timedelta(hours=MAX_HOURS):
            e["ended_at"] = f"{LABELS_OF['ended_at']}: buổi sinh hoạt không kéo dài quá {MAX_HOURS} giờ."
    elif m.ended_at and not day <= _local_day(m.ended_at) <= day + dt.timedelta(days=1):
        e["ended_at"] = f"{LABELS_OF['ended_at']}: khác ngày sinh hoạt ({ngay(day)})."
    for field in ("chair", "minutes_secretary"):
        pk, label = getattr(m, f"{field}_id"), LABELS_OF[field]
        if pk is None:
            continue
        entry = entries.get(pk)
        if entry is None:
            e[field] = f"{label}: không sinh hoạt tại «{m.organization.name}» vào ngày {ngay(day)}."
        elif not entry.counted:
            e[field] = (
                f"{label}: {entry.member.full_name} — {LABELS[entry.category].lower()}, không dự buổi sinh hoạt."
            )
        elif presence and presence.get(pk) not in ATTENDED:
            said = (
                Presence(presence[pk]).label.lower()
                if presence.get(pk) in Presence.values
                else "không có trong điểm danh"
            )
            e[field] = (
                f"{label}: {entry.member.full_name} được điểm danh {said}; {label.lower()} phải là đảng viên có mặt."
            )
    given = {k: getattr(m, k) for k in VOTES if getattr(m, k) is not None}
    if given:
        first = next(iter(given))  # the problem is shown on the first vote field filled in
        total, present = sum(given.values()), sum(p in ATTENDED for p in presence.values())
        if not presence:
            e[first] = f"{LABELS_OF[first]}: chưa điểm danh; ghi kết quả biểu quyết sau khi điểm danh."
        elif total > present:
            e[first] = (
                f"{LABELS_OF[first]}: tổng số biểu quyết ({total}) nhiều hơn số đảng viên có mặt ({present})."
            )
    return e


def _presence(m: Meeting) -> dict[int, str]:
    return dict(m.attendance.values_list("member_id", "presence"))


@transaction.atomic
def attendance_record(*, actor, meeting: Meeting, rows: dict, expected_version: str | None = None) -> Meeting:
    """The roll call in one submission: {member_id: (presence, reason)} for every member expected. Members
    exempted or temporarily away are not part of it; anyone not on the cell's roll that day is refused, and so
    is a roll call that would make the saved minutes impossible (their chair absent, more votes than present).
    ``expected_version``: the roll call page's token (``ATTENDANCE_VERSION``); a stale one is refused."""
    m = _locked(meeting, actor)
    ATTENDANCE_VERSION.check(m, expected_version)
    if not policies.in_state("record", m):
        raise ApplicationError("Buổi sinh hoạt đã hủy.")
    day = quality.meeting_day(m)
    if day > today():
        raise ApplicationError("Chưa đến ngày sinh hoạt; chỉ điểm danh khi đã họp.",
                               field_errors={"planned_at": f"Thời gian: buổi sinh hoạt ngày {ngay(day)}."})  # fmt: skip
    if (
        m.state == MeetingState.PLANNED and m.planned_at > now()
    ):  # the clock decides: not held before it starts
        at = timezone.localtime(m.planned_at)
        raise ApplicationError("Chưa đến giờ sinh hoạt; chỉ điểm danh khi đã họp.",
                               field_errors={"planned_at": f"Thời gian: buổi sinh hoạt bắt đầu lúc {at:%H:%M} ngày {ngay(day)}."})  # fmt: skip
    if not isinstance(rows, dict):
        raise ApplicationError("Điểm danh chưa hợp lệ.")
    expected = roll_of(m)
    errors: dict[str, str] = {}
    clean: dict[int, tuple[str, str]] = {}
    for key, row in rows.items():
        entry, problem = _member(actor, key, "Điểm danh", m, expected)
        pk = _pk(key)
        if problem:
            errors[f"m{pk}" if pk else "rows"] = problem
            continue
        name = entry.member.full_name
        presence, reason = row if isinstance(row, tuple | list) and len(row) == 2 else (None, None)
        reason = reason if reason is not None else ""
        if not entry.counted:
            errors[f"m{pk}"] = (
                f"{name}: được miễn công tác và sinh hoạt đảng hoặc đang sinh hoạt tạm thời nơi khác, không điểm danh."
            )
        elif presence not in Presence.values:
            errors[f"m{pk}"] = f"{name}: chưa chọn có mặt hay vắng."
        elif not isinstance(reason, str):
            errors[f"m{pk}"] = f"{name}: lý do vắng phải là văn bản."
        elif presence == Presence.EXCUSED and not clean_text(reason):
            errors[f"m{pk}"] = f"{name}: vắng có lý do thì ghi lý do."
        elif len(clean_text(reason)) > 255:
            errors[f"m{pk}"] = f"{name}: lý do vắng tối đa 255 ký tự."
        else:
            clean[pk] = (
                presence,
                clean_text(reason) if presence in (Presence.EXCUSED, Presence.UNEXCUSED) else "",
            )
    for pk, e in expected.items():
        if e.counted and pk not in clean and f"m{pk}" not in errors:
            errors[f"m{pk}"] = f"{e.member.full_name}: chưa điểm danh."
    if not errors:  # the saved minutes must stay possible with this roll call
        for field, problem in minutes_problems(m, {pk: p for pk, (p, _) in clean.items()}, expected).items():
            pk = getattr(m, f"{field}_id") if field in ("chair", "minutes_secretary") else None
            errors[f"m{pk}" if pk in clean else field] = (f"{problem.removesuffix('.')} (theo biên bản đã lưu; "
                                                          "sửa biên bản trước nếu cần).")  # fmt: skip
    if errors:
        raise ApplicationError("Điểm danh chưa hợp lệ, xin xem các dòng được đánh dấu.", field_errors=errors)
    before = snapshot(m)
    m.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=m, member_id=pk, presence=p, reason=r) for pk, (p, r) in clean.items()
    )
    m.state = MeetingState.HELD
    m.save()
    _refresh_summary(m)
    _changed(m)
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path,
           extra={"attendance": {"label": "Điểm danh", "before": "", "after": f"{m.present_count}/{m.base_count} có mặt"}})  # fmt: skip
    return m


def _apply_minutes(actor, m: Meeting, data: dict, entries: dict[int, RollEntry]) -> dict[str, str]:
    """Copy the minutes fields given in ``data`` onto ``m``, each read and checked on its own; the problems."""
    e: dict[str, str] = {}
    for k in MINUTES_FIELDS:
        if k not in data:
            continue
        value = data[k]
        if k in ("started_at", "ended_at"):
            setattr(m, k, _moment(value, LABELS_OF[k], e, k))
        elif k in ("chair", "minutes_secretary"):
            entry, problem = (
                (None, None) if value in (None, "") else _member(actor, value, LABELS_OF[k], m, entries)
            )
            if problem:
                e[k] = problem
            setattr(m, k, entry.member if entry else None)
        elif k in MINUTES_FLAGS:
            if not isinstance(value, bool):
                e[k] = f"{Meeting._meta.get_field(k).verbose_name}: phải là có hoặc không."
            setattr(m, k, value is True)
        elif k in MINUTES_TEXTS:
            setattr(m, k, _text(value, Meeting._meta.get_field(k).verbose_name, e, k))
        elif k == "dues_amount":
            number, problem = read_number(value, LABELS_OF[k], whole=True, min_value=0, max_value=MAX_DUES)
            if problem:
                e[k] = problem
            m.dues_amount = number
        else:  # votes: whole numbers ≥ 0 that a SMALLINT holds; within the members present (minutes_problems)
            number, problem = read_number(value, LABELS_OF[k], whole=True, min_value=0, max_value=MAX_VOTES)
            if problem:
                e[k] = problem
            setattr(m, k, number)
    return e


def _tasks(actor, m: Meeting, tasks: list, entries: dict[int, RollEntry], e: dict) -> list[MeetingTask]:
    """Next month's tasks as rows to write; each assignee an expected member of the meeting."""
    out = []
    for i, t in enumerate(tasks or [], start=1):
        label = f"Nhiệm vụ {i}"
        content = _text(t.get("content") if isinstance(t, dict) else None, label, e, f"task{i - 1}", 500)
        if not content:
            continue
        member, due = t.get("member"), t.get("due_date")
        entry = None
        if member not in (None, ""):
            entry, problem = _member(actor, member, label, m, entries)
            if not problem and not entry.counted:
                problem = f"{label}: {entry.member.full_name} — {LABELS[entry.category].lower()}."
            if problem:
                e[f"task{i - 1}"] = problem
                continue
        if due is not None and (
            not isinstance(due, dt.date) or isinstance(due, dt.datetime) or not 1900 <= due.year <= 2999
        ):
            e[f"task{i - 1}"] = f"{label}: thời hạn không hợp lệ."
            continue
        out.append(
            MeetingTask(meeting=m, member=entry.member if entry else None, content=content, due_date=due)
        )
    return out


@transaction.atomic
def minutes_save(
    *,
    actor,
    meeting: Meeting,
    data: dict,
    tasks: list[dict] | None = None,
    expected_version: str | None = None,
) -> Meeting:
    """The minutes (biên bản): structured agenda items, times, vote, next month's tasks. Every value is read and
    checked here (numbers by the one reader, members against the meeting's roll), and the whole record must be
    possible (``minutes_problems``); otherwise nothing is saved."""
    m = _locked(meeting, actor)
    if not policies.in_state("record", m):
        raise ApplicationError("Buổi sinh hoạt đã hủy.")
    MINUTES_VERSION.check(m, expected_version)  # the page's token: someone else's save is never overwritten
    before = snapshot(m)
    entries = roll_of(m)
    e = _apply_minutes(actor, m, data, entries)
    rows = _tasks(actor, m, tasks, entries, e) if tasks is not None else None
    for field, problem in minutes_problems(m, _presence(m), entries).items():
        e.setdefault(field, problem)
    if e:
        raise ApplicationError("Biên bản chưa hợp lệ, xin xem các ô được đánh dấu.", field_errors=e)
    m.state = MeetingState.HELD if m.attendance.exists() or m.state == MeetingState.HELD else m.state
    m.save()
    if rows is not None:
        m.tasks.all().delete()
        MeetingTask.objects.bulk_create(rows)
    _refresh_summary(m)
    _changed(m)
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path)
    return m


def printable_problems(m: Meeting) -> dict[str, str]:
    """The problems of a saved record (``minutes_problems``), checked before its minutes are printed: a record
    saved before these rules, or changed since by a correction of the roll, is not printed as it is."""
    return minutes_problems(m, _presence(m), roll_of(m))


@transaction.atomic
def grade(*, actor, meeting: Meeting, level: GradeLevel, upper: bool = False, note: str = "") -> Meeting:
    """The cell's self-grade, or the upper level's grade (kept side by side)."""
    m = _meeting(actor, meeting)
    allowed = (
        policies.can(actor, "grade_meetings", m.organization)
        if upper
        else policies.can(actor, "place_members", m.organization)
    )
    if not allowed:
        raise PermissionDenied("Bạn không có quyền xếp loại buổi sinh hoạt này.")
    if not policies.in_state("grade", m):
        raise ApplicationError("Chỉ xếp loại buổi sinh hoạt đã họp.")
    pk = _pk(level)
    level = GradeLevel.objects.filter(pk=pk, active=True).first() if pk else None
    e: dict[str, str] = {}
    if level is None:
        e["level"] = "Xếp loại: giá trị đã chọn không hợp lệ."
    note = _text(note, "Nhận xét", e, "note", 500)
    if e:
        raise ApplicationError("Chưa ghi được xếp loại.", field_errors=e)
    before = snapshot(m)
    if upper:
        m.upper_grade, m.upper_graded_by, m.upper_grade_note = level, actor, note
    else:
        m.self_grade = level
    m.save()
    _changed(m)
    record(actor=actor, action=Action.UPDATE, obj=m, before=before, scope_path=m.organization.path)
    return m
