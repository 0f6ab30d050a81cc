"""Reads of cell meetings, scoped: a cell's calendar, the month × organization grid of the directing
committee, and members absent without reason 3 months in a year (a removal-candidate signal, DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

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


@dataclass
class GridRow:
    org: Organization
    cells: int = 0  # cells counted under this row
    months: list = field(default_factory=list)  # per month: dict(held, not_recorded, not_held, rate, url, status)
    thematic: list = field(default_factory=list)  # per quarter: cells with a thematic meeting
    weak: bool = False


def grid(actor, root: Organization, year: int) -> tuple[list[GridRow], list[dt.date]]:
    """Rows: the children of ``root`` (its cells' figures added up) or, for a cell, the cell itself.

    The database does the adding up: one grouped query over the year's regular meetings (by row and month), one for
    thematic meetings by quarter, one for the cells of each row — whatever the number of cells (~10,000 for a
    province). Each row is placed by the organization's path of today (the tree the user looks at)."""
    now = today()
    this_month = now.replace(day=1)
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    scope = policy.scope(actor, policy.VIEW, Organization.objects.all())
    live_cells = (
        scope.filter(subtree_q(root.path), kind__in=CELL_KINDS)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=months[0]))
        .filter(Q(founding_date__isnull=True) | Q(founding_date__lte=dt.date(year, 12, 31)))
    )
    if root.kind in CELL_KINDS:
        groups = [root] if live_cells.filter(pk=root.pk).exists() else []
    else:
        groups = list(scope.filter(parent=root).order_by("name_norm", "id"))
    if not groups:
        return [], months
    row_of = Case(*[When(subtree_q(g.path, "organization__path"), then=Value(g.pk)) for g in groups],
                  output_field=IntegerField())  # fmt: skip
    cell_count = dict(
        live_cells.annotate(row=Case(*[When(subtree_q(g.path), then=Value(g.pk)) for g in groups],
                                     output_field=IntegerField()))  # fmt: skip
        .values_list("row").annotate(n=Count("id")).order_by()
    )
    ahead = ExpressionWrapper(
        Q(planned_at__gte=timezone.make_aware(dt.datetime.combine(now, dt.time.min))), output_field=BooleanField()
    )
    base = Meeting.objects.filter(
        subtree_q(root.path, "organization__path"), organization__in=live_cells, month__gte=months[0],
        month__lte=months[-1],
    ).exclude(state=MeetingState.CANCELLED)  # fmt: skip
    figures = (
        base.filter(kind=MeetingKind.REGULAR)
        .annotate(row=row_of, ahead=ahead)
        .values_list("row", "month", "state", "ahead")
        .annotate(n=Count("id"), base=Sum("base_count"), present=Sum("present_count"), last=Max("id"))
        .order_by()
    )
    by_key: dict[tuple[int, int], dict] = defaultdict(lambda: {HELD: 0, NOT_RECORDED: 0, FUTURE: 0, "base": 0,
                                                               "present": 0, "last": None})  # fmt: skip
    for row, month, state, is_ahead, n, base_sum, present_sum, last in figures:
        slot = by_key[(row, month.month)]
        if state == MeetingState.HELD:
            slot[HELD] += n
            slot["base"] += base_sum or 0
            slot["present"] += present_sum or 0
            slot["last"] = last
        else:
            slot[FUTURE if is_ahead or month > this_month else NOT_RECORDED] += n
    quarter = Case(*[When(month__gte=dt.date(year, 3 * q + 1, 1), month__lt=dt.date(year + (q == 3), (3 * q + 3) % 12 + 1, 1),
                          then=Value(q)) for q in range(4)], output_field=IntegerField())  # fmt: skip
    thematic = dict(
        ((row, q), n)
        for row, q, n in base.filter(kind=MeetingKind.THEMATIC, state=MeetingState.HELD)
        .annotate(row=row_of, quarter=quarter)
        .values_list("row", "quarter")
        .annotate(n=Count("organization_id", distinct=True))
        .order_by()
    )
    rows = []
    for g in groups:
        cells = cell_count.get(g.pk, 0)
        if not cells:
            continue
        row = GridRow(org=g, cells=cells)
        missed = 0
        for month in months:
            slot = by_key.get((g.pk, month.month)) or {HELD: 0, NOT_RECORDED: 0, FUTURE: 0, "base": 0, "present": 0,
                                                        "last": None}  # fmt: skip
            counts = {HELD: slot[HELD], NOT_RECORDED: slot[NOT_RECORDED], FUTURE: slot[FUTURE], NOT_HELD: 0}
            if month > this_month:
                counts[FUTURE] = cells
            else:
                counts[NOT_HELD] = max(cells - slot[HELD] - slot[NOT_RECORDED] - slot[FUTURE], 0)
            missed += counts[NOT_HELD] + counts[NOT_RECORDED]
            url = reverse("meetings:detail", args=[slot["last"]]) if cells == 1 and slot[HELD] else None
            row.months.append({
                "counts": counts, "rate": 100 * slot["present"] / slot["base"] if slot["base"] else None, "url": url,
                "status": max(counts, key=lambda k: counts[k]) if cells == 1 else None,
            })  # fmt: skip
        row.thematic = [thematic.get((g.pk, q), 0) for q in range(4)]
        row.weak = missed >= 2 * cells or any(m["rate"] is not None and m["rate"] <= 85 for m in row.months)
        rows.append(row)
    return rows, months


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
