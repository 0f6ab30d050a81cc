"""Reads of cell meetings, scoped: a cell's calendar, the month × organization grid of the directing
committee, and members absent without reason 3 months in a year (a removal-candidate signal, DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from dangbo.accounts import policy
from dangbo.core.dates import today
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import Organization
from dangbo.organizations.paths import subtree_q

from .choices import MeetingKind, MeetingState, Presence
from .models import Attendance, Meeting

HELD, NOT_RECORDED, NOT_HELD, FUTURE = "hop", "chua_nhap", "khong_hop", "sap_toi"
CELL_LABELS = {HELD: "Đã họp", NOT_RECORDED: "Chưa nhập kết quả", NOT_HELD: "Không họp", FUTURE: ""}
ABSENCE_MONTHS = 3


def meeting_scope(actor):
    orgs = policy.scope(actor, policy.VIEW, Organization.objects.all())
    return Meeting.objects.filter(organization__in=orgs)


def month_status(meeting: Meeting | None, month: dt.date, now: dt.date) -> str:
    if meeting is not None and meeting.state == MeetingState.HELD:
        return HELD
    if month > now.replace(day=1) or (meeting is not None and meeting.planned_at.date() >= now):
        return FUTURE
    return NOT_RECORDED if meeting is not None else NOT_HELD


@dataclass
class GridRow:
    org: Organization
    cells: int = 0  # cells counted under this row
    months: list = field(default_factory=list)  # per month: dict(held, not_recorded, not_held, rate, url, status)
    thematic: list = field(default_factory=list)  # per quarter: cells with a thematic meeting
    weak: bool = False


def grid(actor, root: Organization, year: int) -> tuple[list[GridRow], list[dt.date]]:
    """Rows: the active cells directly under ``root`` or, for a committee, its children with their cells
    aggregated. One query for the cells, one for the meetings of the year (stored summaries)."""
    now = today()
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    scope = policy.scope(actor, policy.VIEW, Organization.objects.all())
    cells = list(
        scope.filter(subtree_q(root.path), kind__in=CELL_KINDS)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=dt.date(year, 1, 1)))
        .filter(Q(founding_date__isnull=True) | Q(founding_date__lte=dt.date(year, 12, 31)))
        .values_list("pk", "path")
    )
    cell_ids = [pk for pk, _ in cells]
    meetings = (
        Meeting.objects.filter(organization_id__in=cell_ids, month__year=year)
        .exclude(state=MeetingState.CANCELLED)
        .values_list("pk", "organization_id", "month", "kind", "state", "planned_at", "base_count", "present_count",
                     "criteria_passed", "criteria_total")
    )  # fmt: skip
    regular: dict[tuple[int, dt.date], tuple] = {}
    thematic: set[tuple[int, int]] = set()
    for pk, org_id, month, kind, state, planned, base, present, passed, total in meetings:
        if kind == MeetingKind.REGULAR:
            regular[(org_id, month)] = (pk, state, planned, base, present, passed, total)
        elif kind == MeetingKind.THEMATIC and state == MeetingState.HELD:
            thematic.add((org_id, (month.month - 1) // 3))
    if root.kind in CELL_KINDS:
        groups = [(root, [root.pk])]
    else:
        children = list(scope.filter(parent=root).order_by("name_norm"))
        by_child = defaultdict(list)
        for pk, path in cells:
            for child in children:
                if path.startswith(child.path):
                    by_child[child.pk].append(pk)
                    break
        groups = [(c, by_child[c.pk]) for c in children if by_child[c.pk]]
    rows = []
    for org, ids in groups:
        row = GridRow(org=org, cells=len(ids))
        not_held_total = 0
        for month in months:
            counts = {HELD: 0, NOT_RECORDED: 0, NOT_HELD: 0, FUTURE: 0}
            base = present = 0
            url = None
            for cid in ids:
                info = regular.get((cid, month))
                state = month_status(
                    None if info is None else _Stub(info[1], info[2]), month, now
                )
                counts[state] += 1
                if info is not None and state == HELD:
                    base += info[3]
                    present += info[4]
                    if len(ids) == 1:
                        url = reverse("meetings:detail", args=[info[0]])
            not_held_total += counts[NOT_HELD] + counts[NOT_RECORDED]
            row.months.append({
                "counts": counts, "rate": 100 * present / base if base else None, "url": url,
                "status": max(counts, key=lambda k: counts[k]) if len(ids) == 1 else None,
            })  # fmt: skip
        row.thematic = [sum((cid, q) in thematic for cid in ids) for q in range(4)]
        row.weak = not_held_total >= 2 * max(1, len(ids)) or any(
            m["rate"] is not None and m["rate"] <= 85 for m in row.months
        )
        rows.append(row)
    return rows, months


@dataclass(frozen=True)
class _Stub:
    state: str
    planned_at: dt.datetime


def absentees(actor, year: int, *, root: Organization | None = None, action: str = policy.VIEW) -> list[tuple[int, str, int, str]]:
    """Members absent without reason from regular meetings in ≥ 3 different months of ``year``:
    (member id, name, months, cell name). The system flags; the cell considers (DOMAIN §2)."""
    members = policy.scope(actor, action, Attendance.member.field.related_model.objects.all())
    qs = Attendance.objects.filter(
        presence=Presence.UNEXCUSED, meeting__kind=MeetingKind.REGULAR, meeting__state=MeetingState.HELD,
        meeting__month__year=year, member__in=members,
    )  # fmt: skip
    if root is not None:
        qs = qs.filter(subtree_q(root.path, "meeting__org_path"))
    rows = (
        qs.values("member_id", "member__full_name", "member__organization__name")
        .annotate(n=Count("meeting__month", distinct=True))
        .filter(n__gte=ABSENCE_MONTHS)
        .order_by("-n", "member__name_sort")
    )
    return [(r["member_id"], r["member__full_name"], r["n"], r["member__organization__name"]) for r in rows[:500]]


def absence_alerts(actor, on: dt.date):
    """Removal-candidate alerts for the home page (registered with members.selectors_history)."""
    from django.urls import reverse

    from dangbo.members.selectors_history import Alert

    return [
        Alert("warn", f"{name}: vắng sinh hoạt không lý do {n} tháng trong năm {on.year} — chi bộ xem xét, đề nghị xóa tên "
                      "nếu không có lý do chính đáng", reverse("members:detail", args=[pk]), None)
        for pk, name, n, _ in absentees(actor, on.year, action=policy.CHANGE)
    ]  # fmt: skip
