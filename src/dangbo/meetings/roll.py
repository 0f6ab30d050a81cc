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

from dangbo.members.asof import path_on
from dangbo.members.choices import TransferKind, TransferState
from dangbo.members.models import Member, MemberPeriod, Transfer
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.paths import subtree_q

BASE, EXEMPTED, AWAY, ATTACHED = "base", "mien", "tam_di", "tam_den"
LABELS = {BASE: "Đảng viên của chi bộ", ATTACHED: "Sinh hoạt tạm thời tại chi bộ", EXEMPTED: "Được miễn sinh hoạt",
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
    the roll is every member of its subtree that day."""
    if cell.kind in CELL_KINDS:
        placed = Q(organization=cell)
    else:  # a committee's plenary: every member of its subtree that day
        path = path_on(cell, day)
        placed = subtree_q(path, "org_path") if path else Q(pk__in=[])
    periods = MemberPeriod.objects.filter(placed, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )
    own = {p.member_id: p.exempted for p in periods.only("member_id", "exempted")}
    away = set(Transfer.objects.filter(_temporary_on(day), member_id__in=own).values_list("member_id", flat=True))
    here = Q(received_cell=cell) | Q(received_cell__isnull=True, to_organization=cell)
    if cell.kind not in CELL_KINDS:
        here = Q(received_cell__path__startswith=cell.path) | Q(received_cell__isnull=True, to_organization__path__startswith=cell.path)
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
