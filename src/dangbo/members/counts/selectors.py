"""Exact figures for any organization subtree on any date, and the movement table of any period.

Everything is computed from ``MemberPeriod`` (derived from the events) and the organization's own path
history (``OrganizationLink``), so "members of the bloc on 30/06/2013" gives the same answer whenever it is
asked, whatever was restructured since.

A period row belongs to subtree S when its ``org_path`` lies under S's path *of that time*: S may itself
have moved, and its path periods are few; no member period straddles a change of S's path (the
restructuring services split them), so testing the period's start date is enough.

Movement of S over [start, end]: for each member, being counted in S is a step function of the day; every
step up inside the period is an increase, classified by how the period row began (``start_kind``), every step
down a decrease (``end_kind``). A row whose predecessor (same member, ending the day it starts) is also in S
is not a step — moves inside S, official recognition and exemptions do not count. Hence, always,
opening + increases − decreases = closing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, When

from dangbo.core.dates import add_years
from dangbo.core.policies import subtree_q
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.tree.selectors import in_subtree, link_periods, path_on, path_periods, valid_on  # noqa: F401

from ..choices import AGE_BAND_LIMITS, AgeBand, EventKind, Gender, MemberStatus, PoliticalTheory
from ..models import MemberPeriod

K = EventKind
ONE_DAY = dt.timedelta(days=1)

# Rows of the movement table (the party's statistics form "biến động đảng viên"), by the event kinds.
INCREASES = [
    ("ket_nap", "Kết nạp mới", (K.ADMISSION,)),
    ("ket_nap_lai", "Kết nạp lại, khôi phục đảng tịch", (K.READMISSION, K.RESTORATION)),
    ("chuyen_den", "Chuyển đến", (K.TRANSFER_IN, K.INTERNAL_MOVE)),
    ("sap_xep", "Chuyển đến do sắp xếp tổ chức", (K.RESTRUCTURE_MOVE,)),
    ("nhap_ho_so", "Nhập hồ sơ ban đầu", (K.ENROLL,)),
]
DECREASES = [
    ("chuyen_di", "Chuyển đi", (K.TRANSFER_OUT, K.INTERNAL_MOVE)),
    ("sap_xep", "Chuyển đi do sắp xếp tổ chức", (K.RESTRUCTURE_MOVE,)),
    ("tu_tran", "Từ trần", (K.DEATH,)),
    ("xoa_ten", "Xóa tên", (K.REMOVAL,)),
    ("khai_tru", "Khai trừ", (K.EXPULSION,)),
    ("ra_khoi_dang", "Xin ra khỏi Đảng", (K.RESIGNATION,)),
]


def on_roll(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def rows_on(org: Organization, on: dt.date):
    """Period rows of the members on the roll of ``org``'s subtree on ``on``."""
    path = path_on(org, on)
    if path is None:
        return MemberPeriod.objects.none()
    return MemberPeriod.objects.filter(subtree_q(path, "org_path"), on_roll(on))


def headcount(org: Organization, on: dt.date) -> dict[str, int]:
    """{"chinh_thuc": n, "du_bi": n, "tong": n, "mien": n} on a date."""
    agg = rows_on(org, on).aggregate(
        chinh_thuc=Count("id", filter=Q(status=MemberStatus.OFFICIAL)),
        du_bi=Count("id", filter=Q(status=MemberStatus.PROBATIONARY)),
        mien=Count("id", filter=Q(exempted=True)),
    )
    agg["tong"] = agg["chinh_thuc"] + agg["du_bi"]
    return agg


def _age_band_case(on: dt.date) -> Case:
    whens = []
    for band, (low, high) in AGE_BAND_LIMITS.items():
        # full years in [low, high]  ⇔  birth in (on − (high+1) years, on − low years]
        q = Q(member__birth_date__lte=add_years(on, -low))
        if high is not None:
            q &= Q(member__birth_date__gt=add_years(on, -(high + 1)))
        whens.append(When(q, then=list(AgeBand.values).index(band)))
    return Case(*whens, output_field=IntegerField())


@dataclass
class Composition:
    total: int
    rows: list[tuple[str, list[tuple[str, int]]]]  # (dimension, [(label, count)])


def composition(org: Organization, on: dt.date) -> Composition:
    """Headcount by status, gender, age band, ethnicity and political theory on a date.

    Status and age are those of the date; gender, ethnicity and theory level are the record's (the registry
    does not keep a dated history of theory degrees)."""
    qs = rows_on(org, on)
    status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    gender = dict(qs.values_list("member__gender").annotate(n=Count("id")).order_by())
    kinh = qs.filter(member__ethnicity="Kinh").count()
    theory = dict(qs.values_list("member__political_theory").annotate(n=Count("id")).order_by())
    ages = dict(qs.annotate(band=_age_band_case(on)).values_list("band").annotate(n=Count("id")).order_by())
    total = sum(status.values())
    bands = list(AgeBand)
    return Composition(
        total=total,
        rows=[
            ("Loại đảng viên", [(MemberStatus.OFFICIAL.label, status.get(MemberStatus.OFFICIAL, 0)),
                                (MemberStatus.PROBATIONARY.label, status.get(MemberStatus.PROBATIONARY, 0))]),
            ("Giới tính", [(g.label, gender.get(g.value, 0)) for g in Gender]),
            ("Độ tuổi", [(b.label, ages.get(i, 0)) for i, b in enumerate(bands)]),
            ("Dân tộc", [("Kinh", kinh), ("Dân tộc thiểu số và khác", total - kinh)]),
            ("Lý luận chính trị", [(t.label, theory.get(t.value, 0)) for t in PoliticalTheory]),
        ],
    )  # fmt: skip


@dataclass
class Movement:
    organization: Organization
    start: dt.date
    end: dt.date
    opening: int
    closing: int
    increases: list[tuple[str, str, int]]
    decreases: list[tuple[str, str, int]]

    @property
    def increase_total(self) -> int:
        return sum(n for _, _, n in self.increases)

    @property
    def decrease_total(self) -> int:
        return sum(n for _, _, n in self.decreases)

    @property
    def balanced(self) -> bool:
        return self.opening + self.increase_total - self.decrease_total == self.closing


def steps(org: Organization, start: dt.date, end: dt.date):
    """The period rows behind the movement table: (rows whose start is an increase, rows whose end is a decrease)."""
    in_s = in_subtree(org)
    neighbour_in_s = in_subtree(org)
    predecessor = MemberPeriod.objects.filter(
        neighbour_in_s, member=OuterRef("member"), valid_to=OuterRef("valid_from")
    )
    successor = MemberPeriod.objects.filter(
        neighbour_in_s, member=OuterRef("member"), valid_from=OuterRef("valid_to")
    )
    ups = MemberPeriod.objects.filter(in_s, valid_from__gte=start, valid_from__lte=end).exclude(
        Exists(predecessor)
    )
    downs = MemberPeriod.objects.filter(in_s, valid_to__gte=start, valid_to__lte=end).exclude(
        Exists(successor)
    )
    return ups, downs


def movement(org: Organization, start: dt.date, end: dt.date) -> Movement:
    """The movement table of ``org``'s subtree from ``start`` to ``end`` (both days included)."""
    up_rows, down_rows = steps(org, start, end)
    ups = dict(up_rows.values_list("start_kind").annotate(n=Count("id")).order_by())
    downs = dict(down_rows.values_list("end_kind").annotate(n=Count("id")).order_by())
    opening = headcount(org, start - ONE_DAY)["tong"]
    closing = headcount(org, end)["tong"]
    increases = [(key, label, sum(ups.pop(k, 0) for k in kinds)) for key, label, kinds in INCREASES]
    decreases = [(key, label, sum(downs.pop(k, 0) for k in kinds)) for key, label, kinds in DECREASES]
    if ups:  # pragma: no cover - every opening kind is classified above
        increases.append(("khac", "Khác", sum(ups.values())))
    if downs:  # pragma: no cover
        decreases.append(("khac", "Khác", sum(downs.values())))
    return Movement(org, start, end, opening, closing, increases, decreases)


def counts_on(nodes: list[Organization], on: dt.date) -> dict[int, tuple[int, int]]:
    """(official, probationary) of each node's subtree on a date — one query for all the nodes."""
    if not nodes:
        return {}
    live = dict(
        OrganizationLink.objects.filter(valid_on(on), organization__in=[n.pk for n in nodes]).values_list(
            "organization_id", "path"
        )
    )  # the nodes' paths on the date, in one query
    if not live:
        return {n.pk: (0, 0) for n in nodes}
    aggregates = {}
    for pk, path in live.items():
        inside = subtree_q(path, "org_path")
        aggregates[f"o{pk}"] = Count("id", filter=inside & Q(status=MemberStatus.OFFICIAL))
        aggregates[f"p{pk}"] = Count("id", filter=inside & Q(status=MemberStatus.PROBATIONARY))
    common = reduce(or_, [subtree_q(p, "org_path") for p in live.values()])
    result = MemberPeriod.objects.filter(common, on_roll(on)).aggregate(**aggregates)
    return {n.pk: (result.get(f"o{n.pk}", 0) or 0, result.get(f"p{n.pk}", 0) or 0) for n in nodes}
