"""The minutes DOCX of a meeting, filled from the database (``minutes_docx.py`` renders it)."""

from __future__ import annotations

from django.utils import timezone

from dangbo.members.letters_build import _place
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.selectors import valid_on

from .choices import MeetingKind, Presence
from .minutes_docx import Minutes, minutes_docx
from .roll import ATTACHED, AWAY, EXEMPTED, roll


def _names_on(org: Organization, day) -> tuple[str, str]:
    """(the organization's name, its superior's name) as they were on ``day`` (``OrganizationLink``): the minutes
    of a past meeting keep the names of its time after a renaming or a move. Today's names if no link covers it."""
    link = OrganizationLink.objects.filter(valid_on(day), organization=org).first()
    name = (link.name if link else "") or org.name
    parent_id = link.parent_id if link else org.parent_id
    if parent_id is None:
        return name, ""
    names = OrganizationLink.objects.filter(valid_on(day), organization_id=parent_id).values_list("name", flat=True)
    superior = names.first() or Organization.objects.filter(pk=parent_id).values_list("name", flat=True).first()
    return name, superior or ""


def minutes_for(m) -> bytes:
    org = m.organization
    day = timezone.localtime(m.planned_at).date()
    entries = roll(org, day)
    name, superior = _names_on(org, day)
    rows = list(m.attendance.select_related("member").order_by("member__name_sort"))
    if m.kind == MeetingKind.REGULAR:
        title = f"Sinh hoạt chi bộ thường kỳ tháng {m.month:%m/%Y}"
    else:
        title = m.get_kind_display() + (f": {m.topic}" if m.topic else "")
    local = timezone.localtime
    return minutes_docx(Minutes(
        # HD 36: the superior organization, then the issuing body — for minutes, the cell itself.
        superior_body=superior.upper(), issuing_body=name.upper(),
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
