"""Reads of support programmes: who sees which programme and for whom they may record a contribution, the
contributions and totals of a period (never stored: ``totals`` computes them with a few aggregate queries), and the
communes a programme helps, of both eras (the era of a date, the search; loaded by ``services.load``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from dangbo.core import policies
from dangbo.core.policies import subtree_q
from dangbo.core.search import tokens
from dangbo.organizations.models import Organization

from ..choices import ContributionKind, Era
from ..models import Commune, Contribution, Programme

# The day the two-level local government took effect: contributions from this date go to current communes.
CURRENT_FROM = dt.date(2025, 7, 1)
NGHE_AN = 40


def era_on(date: dt.date) -> str:
    return Era.CURRENT if date >= CURRENT_FROM else Era.BEFORE_2025


def search(query: str, *, era: str | None = None, province: int | None = None, limit: int = 30):
    """Communes whose name or former district matches every word of ``query`` (accent-free, each word
    matching the start of a word): "chau hanh" finds "Xã Châu Hạnh, Huyện Quỳ Châu"."""
    from django.db.models import Case, Value, When

    qs = Commune.objects.all()
    if era:
        qs = qs.filter(era=era)
    if province:
        qs = qs.filter(province_code=province)
    words = tokens(query or "")
    if not words:
        return qs.none()
    for word in words:
        qs = qs.filter(Q(name_norm__startswith=word) | Q(name_norm__contains=f" {word}"))
    home = Case(When(province_code=home_province(), then=Value(0)), default=Value(1))
    return qs.order_by(home, "province_code", "name", "district_name", "pk")[:limit]


def home_province() -> int:
    """The province of the deployment, whose communes come first in searches (Nghệ An unless set)."""

    return getattr(settings, "DANGBO_PROVINCE_CODE", NGHE_AN)


def supporter_choices(actor, programme: Programme) -> QuerySet:
    """Active organizations under the programme's committee for which the actor may record a contribution."""
    qs = Organization.objects.filter(subtree_q(programme.organization.path), end_date__isnull=True)
    if not policies.can(actor, policies.CHANGE, programme):
        qs = policies.scope(actor, "report", qs)
    return qs.select_related("parent").order_by("path")


@dataclass
class Totals:
    start: dt.date
    end: dt.date
    count: int = 0
    supporters: int = 0
    communes: int = 0
    value: int = 0
    by_kind: list[dict] = field(default_factory=list)
    by_commune: list[dict] = field(default_factory=list)
    by_supporter: list[dict] = field(default_factory=list)


def contributions(*, actor=None, programme: Programme | None = None, scope_org: Organization | None = None,
                  start: dt.date | None = None, end: dt.date | None = None) -> QuerySet:  # fmt: skip
    """Contributions of a programme and/or a subtree (by the supporter's place on the date) over a period,
    within the actor's view (``actor=None``: no restriction, for internal callers)."""
    qs = Contribution.objects.all()
    if programme is not None:
        qs = qs.filter(programme=programme)
    if scope_org is not None:
        qs = qs.filter(subtree_q(scope_org.path, "org_path"))
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if actor is not None:  # those of programmes run in their scope and those of supporters in it (the policy)
        qs = policies.scope(actor, policies.VIEW, qs)
    return qs


def totals(*, programme: Programme | None = None, scope_org: Organization | None = None, start: dt.date,
           end: dt.date, actor=None) -> Totals:  # fmt: skip
    """Figures of the period [start, end]: supporting organizations, communes supported, total value, and the
    breakdowns per kind, per commune and per supporter (four aggregate queries)."""
    qs = contributions(actor=actor, programme=programme, scope_org=scope_org, start=start, end=end)
    t = Totals(start=start, end=end)
    agg = qs.aggregate(n=Count("id"), s=Count("supporter", distinct=True), c=Count("commune", distinct=True),
                       v=Sum("value"))  # fmt: skip
    t.count, t.supporters, t.communes, t.value = agg["n"], agg["s"], agg["c"], agg["v"] or 0
    if not t.count:
        return t
    labels = dict(ContributionKind.choices)
    t.by_kind = [
        {"kind": r["kind"], "label": labels.get(r["kind"], r["kind"]), "count": r["n"], "value": r["v"] or 0,
         "days": r["d"]}
        for r in qs.values("kind").annotate(n=Count("id"), v=Sum("value"), d=Sum("quantity")).order_by("kind")
    ]  # fmt: skip
    t.by_commune = [
        {"id": r["commune"], "name": r["commune__name"], "district": r["commune__district_name"],
         "province": r["commune__province_name"],
         "province_code": r["commune__province_code"], "era": r["commune__era"], "poor": r["commune__poor"],
         "mountainous": r["commune__mountainous"], "border": r["commune__border"],
         "supporters": r["s"], "count": r["n"], "value": r["v"] or 0}
        for r in qs.values("commune", "commune__name", "commune__district_name", "commune__province_name", "commune__province_code",
                           "commune__era", "commune__poor", "commune__mountainous", "commune__border")
        .annotate(s=Count("supporter", distinct=True), n=Count("id"), v=Sum("value"))
        .order_by("-v", "commune__name", "commune")
    ]  # fmt: skip
    t.by_supporter = [
        {"id": r["supporter"], "name": r["supporter__name"], "communes": r["c"], "count": r["n"], "value": r["v"] or 0}
        for r in qs.values("supporter", "supporter__name")
        .annotate(c=Count("commune", distinct=True), n=Count("id"), v=Sum("value"))
        .order_by("-v", "supporter__name", "supporter")
    ]  # fmt: skip
    return t


def programme_list(actor) -> QuerySet:
    """The programmes of the list page (and its export), newest first."""
    return (
        policies.scope(actor, policies.VIEW, Programme.objects.all())
        .select_related("organization__parent")
        .order_by("-start_date", "-id")
    )


def programme_rows(actor, programmes) -> list[tuple[Programme, dict]]:
    """Programmes with the number and value of their contributions the actor sees (one query)."""
    programmes = list(programmes)
    sums = {}
    if programmes:
        seen = policies.scope(
            actor, policies.VIEW, Contribution.objects.filter(programme__in=[p.pk for p in programmes])
        )
        for r in (seen.values("programme")
                  .annotate(n=Count("id"), v=Sum("value"), c=Count("commune", distinct=True))):  # fmt: skip
            sums[r["programme"]] = r
    return [(p, sums.get(p.pk, {"n": 0, "v": 0, "c": 0})) for p in programmes]


def half_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The half-year containing ``day``: 01/01–30/06 or 01/07–31/12."""
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)
