"""What the record already says about a subject in a period, each item linked to its source (issue 14 §4):
meetings expected / attended / absent without excuse (the roll calls), discipline in the period, probation,
transfers. ``discipline_in`` is also the fact ``services.propose`` checks the level against.

``summary`` reads a whole campaign table in three queries (and one per registered source); ``items`` gives one
rating's list with links. Apps above this one add evidence through ``core.registries.EVIDENCE_SOURCES`` (dues:
arrears in the period); the residence cell's comment (QĐ 213) is this app's own record."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from dangbo.core.db import prepared
from dangbo.core.formats import ngay
from dangbo.meetings.choices import ATTENDED, MeetingState, Presence
from dangbo.meetings.models import Attendance
from dangbo.members.choices import EventKind, MemberStatus
from dangbo.members.models import MemberEvent, MemberPeriod, Transfer

from ..choices import SHORT


@dataclass(frozen=True)
class Item:
    kind: str  # "hop", "ky_luat", "du_bi", "chuyen"
    text: str
    url: str = ""
    warn: bool = False


@dataclass
class Summary:
    expected: int = 0
    attended: int = 0
    unexcused: int = 0
    disciplines: list = field(default_factory=list)  # MemberEvent
    transfers: int = 0
    extra: list = field(default_factory=list)  # items of the registered sources (EVIDENCE_SOURCES)

    @property
    def warnings(self) -> list:
        return [i for i in self.extra if i.warn]

    @property
    def disciplined(self) -> bool:
        return bool(self.disciplines)


def _discipline_q(start: dt.date, end: dt.date, year: int | None) -> Q:
    """A discipline counts for the period when its effective date lies in it, or (yearly periods) it is recorded
    as counting for that year (DOMAIN §2: "the year it counts for")."""
    q = Q(date__gte=start, date__lte=end)
    if year is not None:
        q |= Q(discipline_year=year)
    return Q(kind=EventKind.DISCIPLINE) & q


def discipline_in(member_id: int, start: dt.date, end: dt.date, year: int | None = None) -> list[MemberEvent]:
    return list(
        MemberEvent.objects.filter(_discipline_q(start, end, year), member_id=member_id).order_by(
            "date", "id"
        )
    )


def discipline_text(event: MemberEvent) -> str:
    form = event.get_discipline_form_display() or "kỷ luật"
    return f"kỷ luật {form.lower()} {event.date:%m/%Y}"


def cap_reason(rules, events, remedied: bool) -> str:
    """ "kỷ luật khiển trách 05/2025 → không quá HTNV" (empty when nothing caps the level)."""
    cap = rules.highest_allowed(disciplined=bool(events), remedied=remedied)
    if cap is None:
        return ""
    what = ", ".join(discipline_text(e) for e in events)
    from ..choices import Level

    limit = "KHTNV" if cap == Level.FAILED else f"không quá {SHORT[cap]}"
    return f"{what} → {limit}"


def _moment(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _meetings_q(start: dt.date, end: dt.date) -> Q:
    """Held meetings of the period, by datetime bounds (a cast to date would not use the index)."""
    return Q(meeting__state=MeetingState.HELD, meeting__planned_at__gte=_moment(start),
             meeting__planned_at__lt=_moment(end + dt.timedelta(days=1)))  # fmt: skip


def summary(campaign, member_ids: list[int]) -> dict[int, Summary]:
    """Evidence counts for many members of a campaign's period at once."""
    start, end = campaign.period_start, campaign.period_end
    year = campaign.year if campaign.period_kind == "nam" else None
    out = {m: Summary() for m in member_ids}
    if not member_ids:
        return out
    rows = (Attendance.objects.filter(_meetings_q(start, end), member_id__in=member_ids).values("member_id")
            .annotate(n=Count("id"), present=Count("id", filter=Q(presence__in=ATTENDED)),
                      unexcused=Count("id", filter=Q(presence=Presence.UNEXCUSED))))  # fmt: skip
    for r in rows:
        s = out[r["member_id"]]
        s.expected, s.attended, s.unexcused = r["n"], r["present"], r["unexcused"]
    for e in MemberEvent.objects.filter(_discipline_q(start, end, year), member_id__in=member_ids).order_by(
        "date", "id"
    ):
        out[e.member_id].disciplines.append(e)
    moved = (Transfer.objects.filter(member_id__in=member_ids, sent_date__gte=start, sent_date__lte=end)
             .values("member_id").annotate(n=Count("id")))  # fmt: skip
    for r in moved:
        out[r["member_id"]].transfers = r["n"]
    for member_id, found in sourced(member_ids, start, end).items():
        out[member_id].extra.extend(found)
    return out


def summary_annotations(campaign) -> dict:
    """``summary``'s counts as expressions on a rating (subqueries on its member): the campaign page reads them with
    its rows (``selectors.ratings_page(annotations=...)``) rather than in two queries of their own; then
    ``summary_of_rows``. The same expressions for a period (they are copied when a query uses them)."""
    return _summary_annotations(campaign.period_start, campaign.period_end)


@functools.lru_cache(maxsize=64)
def _summary_annotations(start: dt.date, end: dt.date) -> dict:
    from django.db.models import IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    member = OuterRef("member_id")

    def counted(queryset, **where):
        found = queryset.filter(**where).order_by().values("member_id").annotate(c=Count("*")).values("c")
        return Coalesce(Subquery(found, output_field=IntegerField()), Value(0))

    held = Attendance.objects.filter(_meetings_q(start, end), member_id=member)
    return {
        "ev_expected": counted(held),
        "ev_attended": counted(held, presence__in=ATTENDED),
        "ev_unexcused": counted(held, presence=Presence.UNEXCUSED),
        "ev_transfers": counted(
            Transfer.objects.filter(member_id=member, sent_date__gte=start, sent_date__lte=end)
        ),
    }


def summary_of_rows(campaign, rows) -> dict[int, Summary]:
    """``summary`` of the members of ``rows`` read with ``summary_annotations``: their disciplines (the events
    themselves: the level they cap is said with their form and date) and the registered sources as in ``summary``
    — the same queries whether a row has one or not."""
    start, end = campaign.period_start, campaign.period_end
    year = campaign.year if campaign.period_kind == "nam" else None
    out = {
        r.member_id: Summary(r.ev_expected, r.ev_attended, r.ev_unexcused, transfers=r.ev_transfers)
        for r in rows
    }
    if not out:
        return out
    ids = list(out)
    # Compiled once per process for the period and the number of members (``core.db.prepared``).
    events = prepared(("evaluation-disciplines", start, end, year, len(ids)), lambda *ids: MemberEvent.objects.filter(
        _discipline_q(start, end, year), member_id__in=ids).order_by("date", "id"), *ids)  # fmt: skip
    for e in events:
        out[e.member_id].disciplines.append(e)
    for member_id, found in sourced(list(out), start, end).items():
        out[member_id].extra.extend(found)
    return out


def sourced(member_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list]:
    """The items every registered source (``core.registries.EVIDENCE_SOURCES``) gives for the members."""
    from dangbo.core.registries import EVIDENCE_SOURCES

    out: dict[int, list] = {}
    for source in EVIDENCE_SOURCES:
        for member_id, found in source(member_ids, start, end).items():
            out.setdefault(member_id, []).extend(found)
    return out


def residence_item(member_id: int, year: int) -> Item | None:
    """The residence cell's comment of the year (QĐ 213), or that there is none yet (``DANGBO_EVALUATION_RESIDENCE_
    COMMENTS``)."""
    from django.conf import settings

    from ..models import ResidenceComment

    if not settings.DANGBO_EVALUATION_RESIDENCE_COMMENTS:
        return None
    comment = ResidenceComment.objects.filter(member_id=member_id, year=year).first()
    if comment is None:
        return Item("cu_tru", f"Chưa ghi nhận xét năm {year} của chi bộ nơi cư trú (QĐ 213-QĐ/TW)")
    received = f", nhận ngày {ngay(comment.received_on)}" if comment.received_on else ""
    return Item(
        "cu_tru", f"Nhận xét của {comment.residence_cell}{received}: {comment.comment}", "", comment.concerns
    )


def org_items(rating) -> list[Item]:
    """The evidence of an organization's rating: its regular meetings held in the period and their quality (the
    upper level's grade, else its own), and its members' levels in the same period — with the older rule's
    aggregates (HD 21-HD/BTCTW: 100 % at least HTNV and ≥ 80 % at least HTTNV for HTXSNV, [U] under 366)."""
    from django.db.models import Count, Min
    from django.db.models.functions import Coalesce

    from dangbo.core.policies import subtree_q
    from dangbo.meetings.choices import MeetingKind
    from dangbo.meetings.models import Meeting

    from ..choices import RANK, Level
    from ..models import Rating

    c, org, path = rating.campaign, rating.subject_org, rating.org_path
    start, end = c.period_start, c.period_end
    out: list[Item] = []
    held = (Meeting.objects.filter(subtree_q(path, "org_path"), state=MeetingState.HELD, kind=MeetingKind.REGULAR,
                                   planned_at__date__gte=start, planned_at__date__lte=end)
            .annotate(rank=Coalesce("upper_grade__rank", "self_grade__rank")))  # fmt: skip
    agg = held.aggregate(n=Count("id"), months=Count("month", distinct=True), graded=Count("rank"),
                         good=Count("id", filter=Q(rank__lte=2)), best=Min("rank"))  # fmt: skip
    url = f"{reverse('meetings:overview')}?nam={c.year}&to_chuc={org.pk}"
    out.append(Item("hop", f"Sinh hoạt thường kỳ: {agg['n']} buổi trong {agg['months']} tháng; "
                           f"{agg['good']}/{agg['graded']} buổi được xếp loại tốt, khá", url))  # fmt: skip
    levels = (Rating.objects.filter(subtree_q(path, "org_path"), member__isnull=False, campaign__period_end=end,
                                    campaign__period_start=start, not_rated="")
              .values_list("decided_level", "proposed_level"))  # fmt: skip
    counts: dict[str, int] = {}
    for decided, proposed in levels:
        level = decided or proposed
        if level:
            counts[level] = counts.get(level, 0) + 1
    n = sum(counts.values())
    if n:
        parts = ", ".join(f"{SHORT[lv]} {counts.get(lv, 0)}" for lv in Level.values)
        good = sum(k for lv, k in counts.items() if RANK[lv] <= RANK[Level.GOOD])
        failed = counts.get(Level.FAILED, 0)
        out.append(Item("dang_vien", f"Đảng viên ({n}): {parts}; từ HTTNV trở lên {100 * good / n:.1f}%"
                                     f"{'; có đảng viên KHTNV' if failed else ''}".replace(".", ","),
                        "", bool(failed)))  # fmt: skip
    return out


def items(rating) -> list[Item]:
    """The evidence of one rating, each item linked to where it comes from."""
    if not rating.member_id:
        return org_items(rating) if rating.subject_org_id else []
    c = rating.campaign
    start, end = c.period_start, c.period_end
    member_url = reverse("members:detail", args=[rating.member_id])
    out: list[Item] = []
    attendance = list(Attendance.objects.filter(_meetings_q(start, end), member_id=rating.member_id)
                      .select_related("meeting").order_by("meeting__planned_at"))  # fmt: skip
    attended = sum(1 for a in attendance if a.presence in ATTENDED)
    unexcused = [a for a in attendance if a.presence == Presence.UNEXCUSED]
    out.append(Item("hop", f"Sinh hoạt chi bộ: phải dự {len(attendance)}, có mặt {attended}, "
                           f"vắng không lý do {len(unexcused)}", reverse("meetings:calendar"), bool(unexcused)))  # fmt: skip
    for a in unexcused:
        out.append(Item("hop", f"Vắng không lý do: {a.meeting}", a.meeting.get_absolute_url(), True))
    for e in discipline_in(rating.member_id, start, end, c.year if c.period_kind == "nam" else None):
        reason = cap_reason(c.rules, [e], rating.remedied)
        text = f"Kỷ luật {e.get_discipline_form_display().lower() or ''} ngày {ngay(e.date)}"
        if e.decision_no:
            text += f" (QĐ số {e.decision_no})"
        out.append(Item("ky_luat", f"{text}{' — ' + reason if reason else ''}", member_url, True))
    probation = (MemberPeriod.objects.filter(member_id=rating.member_id, status=MemberStatus.PROBATIONARY,
                                             valid_from__lte=end).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
                 .order_by("valid_from").first())  # fmt: skip
    if probation is not None:
        out.append(Item("du_bi", f"Đảng viên dự bị trong kỳ (từ {ngay(probation.valid_from)})", member_url))
    for t in Transfer.objects.filter(
        member_id=rating.member_id, sent_date__gte=start, sent_date__lte=end
    ).order_by("sent_date"):
        out.append(Item("chuyen", f"{t.get_kind_display()} ngày {ngay(t.sent_date)}",
                        reverse("members:transfer", args=[t.pk])))  # fmt: skip
    residence = residence_item(rating.member_id, c.year)
    if residence is not None:
        out.append(residence)
    out.extend(sourced([rating.member_id], start, end).get(rating.member_id, []))
    return out
