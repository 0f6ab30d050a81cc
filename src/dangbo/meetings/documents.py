"""The documents of the meetings app. Biên bản sinh hoạt chi bộ: the minutes of a cell meeting, a Word document rendered
from a docxtpl template.

The template (``docx_templates/bien_ban_sinh_hoat.docx``) is built by ``docx_templates/build_templates.py``,
rendered by ``dangbo.core.docx.render_docx`` (like the transfer letter, ``dangbo.members.letters.documents``), and follows
the party document format (Hướng dẫn 36-HD/VPTW, 2018). Users may open it in Word and adapt it; the variables
it may use are the keys of :func:`minutes_context`.

The rendering (``minutes_context``, ``minutes_docx``) is pure: it knows nothing of the database; ``minutes_for``
(at the end) maps a meeting of the database to a :class:`Minutes`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from dangbo.core.docx import render_docx
from dangbo.core.formats import ngay, ngay_van_ban, tien
from dangbo.members.letters.selectors import _place
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.selectors import valid_on

from .choices import MeetingKind, Presence
from .selectors import ATTACHED, AWAY, EXEMPTED, roll

TEMPLATE = "bien_ban_sinh_hoat.docx"
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")

# Shown where a value the minutes must carry is missing, so it can be filled in by hand.
BLANK = "…………………"
SHORT_BLANK = "……"
NUMBER_BLANK = "\u00a0" * 6  # the number of the minutes, written by hand when registered
# Rows of an empty "Nhiệm vụ tháng tới" table, to be filled in by hand.
BLANK_TASK_ROWS = 3

# Control characters are not allowed in XML; "\t" (a tab) and "\n" (a line break) are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, kw_only=True)
class Minutes:
    """Everything printed on the minutes of one cell meeting, as plain Python values.

    Free texts (``last_month_results`` … ``resolution``) are printed one paragraph a line (blank lines are
    dropped); an empty one is printed as lines of dots to be filled in by hand."""

    # Header.
    superior_body: str  # "ĐẢNG BỘ SỞ Y TẾ"
    issuing_body: str  # "CHI BỘ VĂN PHÒNG"
    number_symbol: str = (
        ""  # optional, printed "Số 05-BB/CB" under the "*"; minutes_for leaves the number blank
    )
    kind: str = MeetingKind.REGULAR  # the sections' headings follow the meeting's kind (HEADINGS)
    place: str  # "Nghệ An", for the dated line
    date: dt.date  # the date of the minutes (the meeting day)
    kind_title: str  # "Sinh hoạt chi bộ thường kỳ tháng 07/2013", "Sinh hoạt chuyên đề: …"
    # Opening.
    started_at: dt.datetime | None = None  # naive local time, or aware (shown in Asia/Ho_Chi_Minh)
    ended_at: dt.datetime | None = None
    location: str = ""
    chair: str = ""  # names only: "đồng chí" is in the template
    secretary: str = ""
    # Attendance. ``expected`` and ``present`` are None before the roll call: the counts are left to fill in.
    total_members: int
    expected: int | None  # phải dự
    present: int | None  # có mặt, late arrivals included
    late: int = 0
    excused: tuple[tuple[str, str], ...] = ()  # (name, reason)
    unexcused: tuple[str, ...] = ()  # names
    exempted: int = 0  # được miễn công tác và sinh hoạt đảng
    away: int = 0  # đang sinh hoạt tạm thời nơi khác
    attached: int = 0  # sinh hoạt tạm thời tại chi bộ
    # Content.
    dues_collected: bool = False
    dues_amount: int | None = None  # đồng
    last_month_results: str = ""
    news_guidance: str = ""
    study_follow: str = ""
    opinions: str = ""
    tasks: tuple[tuple[str, str, dt.date | None], ...] = ()  # (content, person, due date)
    resolution: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "excused", tuple((name, reason) for name, reason in self.excused))
        object.__setattr__(self, "unexcused", tuple(self.unexcused))
        object.__setattr__(self, "tasks", tuple((c, p, d) for c, p, d in self.tasks))
        counts = {
            "Tổng số đảng viên": self.total_members,
            "Số phải dự": self.expected,
            "Số có mặt": self.present,
            "Số đi muộn": self.late,
            "Số được miễn công tác và sinh hoạt đảng": self.exempted,
            "Số sinh hoạt tạm thời nơi khác": self.away,
            "Số sinh hoạt tạm thời tại chi bộ": self.attached,
            "Số tiền đảng phí": self.dues_amount,
            "Số tán thành": self.votes_for,
            "Số không tán thành": self.votes_against,
            "Số không biểu quyết": self.votes_abstain,
        }
        for label, value in counts.items():
            if value is not None and value < 0:
                raise ValueError(f"{label}: không được âm ({value}).")
        # The record must be possible: what a roll call adds up to, votes within those present.
        called = self.expected is not None and self.present is not None
        absent = len(self.excused) + len(self.unexcused)
        if (self.expected is None) != (self.present is None) or (not called and (absent or self.late)):
            raise ValueError("Số phải dự, số có mặt: cả hai cùng có (đã điểm danh) hoặc cùng để trống.")
        if called and self.present + absent != self.expected:
            raise ValueError("Số có mặt và số vắng: cộng lại phải bằng số phải dự.")
        if self.late > (self.present or 0):
            raise ValueError("Số đi muộn: không được lớn hơn số có mặt.")
        votes = [v for v in (self.votes_for, self.votes_against, self.votes_abstain) if v is not None]
        if votes and (not called or sum(votes) > self.present):
            raise ValueError("Biểu quyết: tổng số biểu quyết không được lớn hơn số có mặt.")
        if self.started_at and self.ended_at and _local(self.ended_at) < _local(self.started_at):
            raise ValueError("Giờ kết thúc: không được trước giờ bắt đầu.")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text or "").strip()


def _local(moment: dt.datetime) -> dt.datetime:
    """Naive local time: an aware datetime is converted to Vietnam time."""
    return moment.astimezone(LOCAL_TIME).replace(tzinfo=None) if moment.tzinfo else moment


def paragraphs(text: str) -> list[str]:
    """A free text as its paragraphs: one a line, blank lines dropped."""
    return [line for line in (_clean(line) for line in (text or "").splitlines()) if line]


def clock(moment: dt.datetime | None) -> str:
    """ "14 giờ 00", "08 giờ 30"; dots to fill in by hand when unknown."""
    if moment is None:
        return f"{SHORT_BLANK} giờ {SHORT_BLANK}"
    moment = _local(moment)
    return f"{moment.hour:02d} giờ {moment.minute:02d}"


def duration(started_at: dt.datetime | None, ended_at: dt.datetime | None) -> str:
    """ "2 giờ", "1 giờ 45 phút", "50 phút"; empty when a time is unknown."""
    if started_at is None or ended_at is None:
        return ""
    minutes = int((_local(ended_at) - _local(started_at)).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} phút"
    return f"{hours} giờ" + (f" {minutes:02d} phút" if minutes else "")


def _count(value: int | None) -> str:
    return SHORT_BLANK if value is None else str(value)


# The headings of the minutes' sections for each kind of meeting, in the template's order (dues, last month's
# results, news and guidance, study of Hồ Chí Minh, opinions, tasks, resolution). None: the section is left out;
# "?" : printed only when the minutes have something in it. A regular meeting follows the standard agenda
# (DOMAIN §3); a thematic meeting is its topic presented, discussed and concluded.
HEADINGS: dict[str, dict[str, str | None]] = {
    MeetingKind.REGULAR: {
        "dues": "Thu đảng phí", "last_month": "Kết quả thực hiện nhiệm vụ tháng trước",
        "news": "Thông tin thời sự, văn bản, hướng dẫn của cấp trên",
        "study": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "opinions": "Ý kiến của đảng viên, phản ánh của quần chúng", "tasks": "Nhiệm vụ tháng tới",
        "resolution": "Nghị quyết (kết luận)",
    },
    MeetingKind.THEMATIC: {
        "dues": "?Thu đảng phí", "last_month": "?Tình hình liên quan đến chuyên đề", "news": "Nội dung chuyên đề",
        "study": "?Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "opinions": "Thảo luận của đảng viên", "tasks": "Nhiệm vụ, giải pháp thực hiện",
        "resolution": "Kết luận của đồng chí chủ trì",
    },
    "": {  # extraordinary meetings, committee meetings, plenaries
        "dues": "?Thu đảng phí", "last_month": "?Kết quả thực hiện nhiệm vụ thời gian qua", "news": "Nội dung",
        "study": "?Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "opinions": "Ý kiến thảo luận", "tasks": "Nhiệm vụ thời gian tới", "resolution": "Kết luận",
    },
}  # fmt: skip
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def headings(m: Minutes) -> dict[str, str]:
    """The numbered headings of the sections printed for ``m`` (a section left out has an empty heading)."""
    has = {"dues": m.dues_collected, "last_month": m.last_month_results.strip(), "news": m.news_guidance.strip(),
           "study": m.study_follow.strip(), "opinions": m.opinions.strip(), "tasks": m.tasks,
           "resolution": m.resolution.strip()}  # fmt: skip
    out: dict[str, str] = {}
    n = 0
    for key, text in HEADINGS.get(m.kind, HEADINGS[""]).items():
        if text is None or (text.startswith("?") and not has[key]):
            out[key] = ""
            continue
        out[key] = f"{_ROMAN[n]}. {text.removeprefix('?')}"
        n += 1
    return out


def minutes_context(m: Minutes) -> dict[str, object]:
    """The template variables: every value already formatted as text, free texts as lists of paragraphs."""
    start_day = _local(m.started_at).date() if m.started_at else m.date
    end_day = _local(m.ended_at).date() if m.ended_at else start_day
    votes = (m.votes_for, m.votes_against, m.votes_abstain)
    tasks = [
        {"stt": str(i), "content": _clean(content), "person": _clean(person), "due": ngay(due)}
        for i, (content, person, due) in enumerate(m.tasks, start=1)
    ]
    if not tasks:
        tasks = [{"stt": "", "content": "", "person": "", "due": ""}] * BLANK_TASK_ROWS
    return {
        "superior_body": _clean(m.superior_body),
        "issuing_body": _clean(m.issuing_body),
        "number_symbol": _CONTROL.sub(
            "", m.number_symbol
        ).rstrip(),  # a blank number keeps its leading spaces
        "place_date": ngay_van_ban(m.date, _clean(m.place)),
        "kind_title": _clean(m.kind_title),
        "h": headings(m),
        "start_time": clock(m.started_at),
        "start_date": ngay(start_day),
        "location": _clean(m.location) or BLANK,
        "chair": _clean(m.chair) or BLANK,
        "secretary": _clean(m.secretary) or BLANK,
        "chair_name": _clean(m.chair),  # under the signature: left empty to be written by hand
        "secretary_name": _clean(m.secretary),
        "total_members": m.total_members,
        "expected": _count(m.expected),
        "present": _count(m.present),
        "late": m.late,
        "excused_count": len(m.excused) if m.present is not None else SHORT_BLANK,
        "excused_names": ", ".join(
            f"{_clean(name)} – {_clean(reason)}" if _clean(reason) else _clean(name)
            for name, reason in m.excused
        ),
        "unexcused_count": len(m.unexcused) if m.present is not None else SHORT_BLANK,
        "unexcused_names": ", ".join(_clean(name) for name in m.unexcused),
        "exempted": m.exempted,
        "away": m.away,
        "attached": m.attached,
        "dues_collected": m.dues_collected,
        "dues_amount": tien(m.dues_amount) if m.dues_amount is not None else f"{BLANK} đ",
        "last_month_results": paragraphs(m.last_month_results),
        "news_guidance": paragraphs(m.news_guidance),
        "study_follow": paragraphs(m.study_follow),
        "opinions": paragraphs(m.opinions),
        "tasks": tasks,
        "resolution": paragraphs(m.resolution),
        "votes_for": _count(m.votes_for),
        "votes_total": _count(None if None in votes else sum(votes)),
        "votes_against": _count(m.votes_against),
        "votes_abstain": _count(m.votes_abstain),
        "end_time": clock(m.ended_at),
        "end_day": "cùng ngày" if end_day == start_day else f"ngày {ngay(end_day)}",
        "duration": duration(m.started_at, m.ended_at),
    }


def minutes_docx(m: Minutes) -> bytes:
    """The minutes as the bytes of a .docx file."""
    return render_docx(__package__, TEMPLATE, minutes_context(m))


# --- From the database ----------------------------------------------------------------------------------------


def names_on(org: Organization, day) -> tuple[str, str]:
    """(the organization's name, its superior's name) as they were on ``day`` (``OrganizationLink``): the minutes
    of a past meeting keep the names of its time after a renaming or a move. Today's names if no link covers it."""
    link = OrganizationLink.objects.filter(valid_on(day), organization=org).first()
    name = (link.name if link else "") or org.name
    parent_id = link.parent_id if link else org.parent_id
    if parent_id is None:
        return name, ""
    names = OrganizationLink.objects.filter(valid_on(day), organization_id=parent_id).values_list(
        "name", flat=True
    )
    superior = (
        names.first() or Organization.objects.filter(pk=parent_id).values_list("name", flat=True).first()
    )
    return name, superior or ""


def minutes_for(m) -> bytes:
    org = m.organization
    day = timezone.localtime(m.planned_at).date()
    entries = roll(org, day)
    name, superior = names_on(org, day)
    rows = list(m.attendance.select_related("member").order_by("member__name_sort"))
    if m.kind == MeetingKind.REGULAR:
        title = f"Sinh hoạt chi bộ thường kỳ tháng {m.month:%m/%Y}"
    else:
        title = m.get_kind_display() + (f": {m.topic}" if m.topic else "")
    local = timezone.localtime
    # HD 36: a number line under the issuing body, its number left blank to be written when the minutes are
    # registered ("Số      -BB/CB"; a committee's: "-BB/ĐU").
    symbol = f"{NUMBER_BLANK}-BB/{'CB' if org.is_cell else 'ĐU'}"
    return minutes_docx(Minutes(
        # HD 36: the superior organization, then the issuing body — for minutes, the cell itself.
        superior_body=superior.upper(), issuing_body=name.upper(), number_symbol=symbol, kind=m.kind,
        place=_place(org), date=day, kind_title=title,
        started_at=local(m.started_at).replace(tzinfo=None) if m.started_at else None,
        ended_at=local(m.ended_at).replace(tzinfo=None) if m.ended_at else None,
        location=m.place, chair=str(m.chair or ""), secretary=str(m.minutes_secretary or ""),
        total_members=sum(e.category != ATTACHED for e in entries),
        expected=m.base_count if rows else None, present=m.present_count if rows else None,
        late=sum(a.presence == Presence.LATE for a in rows),
        excused=tuple((a.member.full_name, a.reason) for a in rows if a.presence == Presence.EXCUSED),
        unexcused=tuple(a.member.full_name for a in rows if a.presence == Presence.UNEXCUSED),
        exempted=sum(e.category == EXEMPTED for e in entries), away=sum(e.category == AWAY for e in entries),
        attached=sum(e.category == ATTACHED for e in entries), dues_collected=m.dues_collected,
        dues_amount=m.dues_amount, last_month_results=m.last_month_results, news_guidance=m.news_guidance,
        study_follow=m.study_follow, opinions=m.opinions,
        tasks=tuple((t.content, t.member.full_name if t.member else "", t.due_date) for t in m.tasks.select_related("member")),
        resolution=m.resolution, votes_for=m.votes_for, votes_against=m.votes_against, votes_abstain=m.votes_abstain,
    ))  # fmt: skip
