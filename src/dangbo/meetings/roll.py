"""Who is expected at a cell's meeting on a date (DOMAIN §3).

From the members' roll periods (``MemberPeriod``) and temporary transfers:
* on the cell's roll that day → counted, unless exempted from party work and meetings ("miễn") or
  temporarily transferred out ("tạm chuyển đi") — those are shown apart and excluded from the base;
* temporarily attached to this cell that day ("sinh hoạt tạm thời") → counted.
Armed-forces members on special duty are also excluded by the rule; the registry does not mark them yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from dangbo.members.asof import on_roll, path_on, rows_on
from dangbo.members.choices import TransferKind, TransferState
from dangbo.members.models import Member, MemberPeriod, Transfer
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import OrganizationLink
from dangbo.organizations.paths import subtree_q
from dangbo.organizations.selectors import valid_on

BASE, EXEMPTED, AWAY, ATTACHED = "base", "mien", "tam_di", "tam_den"
LABELS = {BASE: "Đảng viên của chi bộ", ATTACHED: "Sinh hoạt tạm thời tại chi bộ", EXEMPTED: "Được miễn công tác và sinh hoạt đảng",
          AWAY: "Đang sinh hoạt tạm thời nơi khác"}  # fmt: skip


@dataclass(frozen=True)
class RollEntry:
    member: Member
    category: str

    @property
    def counted(self) -> bool:
        return self.category in (BASE, ATTACHED)


def _temporary_on(day: dt.date) -> Q:
    return (
        Q(kind=TransferKind.TEMPORARY, sent_date__lte=day)
        & ~Q(state=TransferState.CANCELLED)
        & (Q(ended_date__isnull=True) | Q(ended_date__gt=day))
    )


def roll(cell, day: dt.date) -> list[RollEntry]:
    """The roll of ``cell`` on ``day``, in Vietnamese name order. For a committee (plenary, hội nghị toàn thể)
    the roll is every member of its subtree that day, and the members attached to a cell of that subtree *as the
    tree was on that day* (a cell moved in or out since does not change a past roll)."""
    if cell.kind in CELL_KINDS:
        periods = MemberPeriod.objects.filter(on_roll(day), organization=cell)
        here = Q(received_cell=cell) | Q(received_cell__isnull=True, to_organization=cell)
    else:  # a committee's plenary: every member of its subtree that day
        periods = rows_on(cell, day)
        path = path_on(cell, day)
        in_tree = subtree_q(path, "path") if path else Q(pk__in=[])
        inside = OrganizationLink.objects.filter(valid_on(day), in_tree).values("organization_id")
        here = Q(received_cell__in=inside) | Q(received_cell__isnull=True, to_organization__in=inside)
    own = {p.member_id: p.exempted for p in periods.only("member_id", "exempted")}
    away = set(
        Transfer.objects.filter(_temporary_on(day), member_id__in=own).values_list("member_id", flat=True)
    )
    attached = set(
        Transfer.objects.filter(_temporary_on(day), received_date__lte=day)
        .filter(here)
        .values_list("member_id", flat=True)
    ) - set(own)
    members = Member.objects.filter(pk__in=set(own) | attached).order_by("name_sort", "id")
    out = []
    for m in members:
        if m.pk in attached:
            category = ATTACHED
        elif own[m.pk]:
            category = EXEMPTED
        elif m.pk in away:
            category = AWAY
        else:
            category = BASE
        out.append(RollEntry(m, category))
    return out
