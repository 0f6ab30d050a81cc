"""The criteria of a quality cell meeting as data with effective dates (DOMAIN §3, "Rules are data with effective
dates"): the quality check below (``criteria``, ``summary``), the committee's grid and the demo read the thresholds
from the rule set in force on the meeting's date (``rules_on``), never from numbers written in their code.

Hướng dẫn 12-HD/BTCTW (06/7/2018) is the only instrument we hold [C, DOMAIN-SOURCES §2]: a meeting before it is
judged by it too (the oldest set we hold, as ``core.rulesets.in_force`` does). Whether the Central Organization
Commission replaced it after Chỉ thị 50-CT/TW (23/7/2025) is [U]; a new guidance is a new entry below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from dangbo.core.rulesets import RuleSet, in_force

from .choices import ATTENDED, MeetingKind, MeetingState, Presence


@dataclass(frozen=True)
class MeetingQualityRules(RuleSet):
    min_attendance_percent: float = 85.0  # members present, strictly more than this share of those expected
    max_unexcused: int = 0  # no member absent without a reason
    max_excused_in_a_row: int = (
        3  # nobody absent with a reason more than this many regular meetings in a row, in the year
    )
    min_minutes: int = 90  # the meeting lasts at least this long


# Newest last.
RULE_SETS = [
    MeetingQualityRules(source="Hướng dẫn 12-HD/BTCTW, 06/7/2018", valid_from=dt.date(2018, 7, 6)),
]


def rules_on(day: dt.date) -> MeetingQualityRules:
    return in_force(RULE_SETS, day)


# The quality check of a regular cell meeting against the criteria of the rule set in force on its date
# (above: Hướng dẫn 12-HD/BTCTW, 06/7/2018), DOMAIN §3.
#
# Each criterion gives passed / failed / not yet known (None, e.g. before the roll call), with an explanation the
# secretary can act on. The criteria that need a judgement (content per the upper level's guidance, principles
# respected, results of the resolution) are for the upper level's grade, which is kept beside this check.


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    passed: bool | None
    detail: str


def _minutes_missing(meeting) -> list[str]:
    missing = []
    checks = [
        ("Kết quả tháng trước", meeting.last_month_results), ("Thông tin, hướng dẫn", meeting.news_guidance),
        ("Học tập và làm theo Bác", meeting.study_follow), ("Nghị quyết", meeting.resolution),
        ("Kết quả biểu quyết", meeting.votes_for is not None), ("Thu đảng phí", meeting.dues_collected),
        ("Chủ trì, thư ký", meeting.chair_id and meeting.minutes_secretary_id),
        ("Giờ bắt đầu, kết thúc", meeting.started_at and meeting.ended_at),
    ]  # fmt: skip
    for label, value in checks:
        if not value:
            missing.append(label)
    if not meeting.tasks.exists():
        missing.append("Nhiệm vụ tháng tới giao cho đảng viên")
    return missing


def excused_streaks(meeting) -> dict[int, int]:
    """For each member excused at this meeting: how many regular meetings in a row (this year, up to and
    including this one) they missed with an excuse."""
    from .models import Attendance

    excused_now = set(
        meeting.attendance.filter(presence=Presence.EXCUSED).values_list("member_id", flat=True)
    )
    if not excused_now:
        return {}
    earlier = (
        Attendance.objects.filter(
            member_id__in=excused_now, meeting__organization_id=meeting.organization_id,
            meeting__kind=MeetingKind.REGULAR, meeting__state=MeetingState.HELD,
            meeting__month__year=meeting.month.year, meeting__month__lte=meeting.month,
        )
        .order_by("member_id", "-meeting__month")
        .values_list("member_id", "presence")
    )  # fmt: skip
    streak: dict[int, int] = {}
    broken: set[int] = set()
    for member_id, presence in earlier:
        if member_id in broken:
            continue
        if presence == Presence.EXCUSED:
            streak[member_id] = streak.get(member_id, 0) + 1
        else:
            broken.add(member_id)
    return streak


def meeting_day(meeting) -> dt.date:
    """The local date of the meeting (the day its rules, its roll and its minutes are of)."""
    moment = meeting.planned_at
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def rules_of(meeting) -> MeetingQualityRules:
    return rules_on(meeting_day(meeting))


def criteria(meeting) -> list[Criterion]:
    rules = rules_of(meeting)
    recorded = meeting.state == MeetingState.HELD and meeting.attendance.exists()
    rows = list(meeting.attendance.values_list("presence", flat=True)) if recorded else []
    base = len(rows)
    present = sum(p in ATTENDED for p in rows)
    unexcused = sum(p == Presence.UNEXCUSED for p in rows)
    rate = 100 * present / base if base else None
    out = [
        Criterion("ty_le", f"Tỷ lệ đảng viên dự họp trên {rules.min_attendance_percent:g}%",
                  None if rate is None else rate > rules.min_attendance_percent,
                  "" if rate is None else f"{present}/{base} đảng viên dự họp ({rate:.1f}%)".replace(".", ",")),
        Criterion("khong_ly_do", "Không có đảng viên vắng mặt không có lý do",
                  None if not recorded else unexcused <= rules.max_unexcused,
                  "" if not recorded else f"{unexcused} đảng viên vắng không lý do" if unexcused else ""),
    ]  # fmt: skip
    streaks = excused_streaks(meeting) if recorded else {}
    long = {m: n for m, n in streaks.items() if n > rules.max_excused_in_a_row}
    out.append(Criterion(
        "co_ly_do", f"Không có đảng viên vắng có lý do quá {rules.max_excused_in_a_row} lần liên tiếp trong năm",
        None if not recorded else not long,
        "" if not long else f"{len(long)} đảng viên vắng có lý do {max(long.values())} lần liên tiếp",
    ))  # fmt: skip
    minutes = meeting.duration_minutes
    out.append(Criterion("thoi_gian", f"Thời gian sinh hoạt từ {rules.min_minutes} phút trở lên",
                         None if minutes is None else minutes >= rules.min_minutes,
                         "" if minutes is None else f"{minutes} phút"))  # fmt: skip
    missing = _minutes_missing(meeting) if meeting.state == MeetingState.HELD else None
    out.append(Criterion("bien_ban", "Biên bản ghi đầy đủ nội dung", None if missing is None else not missing,
                         "" if not missing else "Còn thiếu: " + ", ".join(missing)))  # fmt: skip
    prepared = meeting.committee_prepared and meeting.draft_resolution
    out.append(Criterion("chuan_bi", "Chi ủy chuẩn bị nội dung, có dự thảo nghị quyết",
                         None if meeting.state != MeetingState.HELD else prepared,
                         "" if prepared or meeting.state != MeetingState.HELD else
                         "Chưa ghi việc chuẩn bị" if not meeting.committee_prepared else "Chưa có dự thảo nghị quyết"))  # fmt: skip
    return out


def summary(meeting) -> dict:
    rows = list(meeting.attendance.values_list("presence", flat=True))
    results = criteria(meeting) if meeting.kind == MeetingKind.REGULAR else []
    return {
        "base_count": len(rows),
        "present_count": sum(p in ATTENDED for p in rows),
        "unexcused_count": sum(p == Presence.UNEXCUSED for p in rows),
        "criteria_passed": sum(c.passed is True for c in results),
        "criteria_total": len(results),
    }
