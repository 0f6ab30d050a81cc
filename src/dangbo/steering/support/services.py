"""Support programmes for communes (DOMAIN §6): writes (programmes, contributions, a commune's flags) and
reads (who sees which programme, the totals of a period).

A contribution belongs to the supporting organization's place in the tree *on its date* (``org_path``), so
the totals of a subtree over a past period stay true after restructuring (``restructure`` re-paths the
contributions dated on or after a move). Totals are never stored: ``totals`` computes them with a few
aggregate queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay, tien
from dangbo.core.policies import subtree_q
from dangbo.core.text import NOT_A_NUMBER, clean_text, parse_vn_number, read_number
from dangbo.members.counts.selectors import path_periods
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import work_q

from ..choices import ContributionKind
from ..models import Commune, Contribution, Programme
from .selectors import CURRENT_FROM, era_on

PROGRAMME_FIELDS = ("name", "start_date", "end_date", "description")
# The edit page's version token (audit.concurrency): a save over someone else's change is refused.
PROGRAMME_VERSION = Tracked(PROGRAMME_FIELDS, noun="Chương trình này")
CONTRIBUTION_FIELDS = ("supporter", "commune", "date", "kind", "value", "quantity", "description")
FLAG_FIELDS = ("poor", "mountainous", "border")


def _is_root(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False) and actor.is_active)


# --- Scope --------------------------------------------------------------------------------------------------


def contribution_q(actor) -> Q | None:
    """Contributions the actor may see: those of programmes run in their directing-work scope, and those of
    supporting organizations in it. ``Q()`` for everything, None for nothing."""
    if _is_root(actor):
        return Q()
    parts = [q for q in (work_q(actor, "steer", "programme__organization"),
                         work_q(actor, "steer", "supporter")) if q is not None]  # fmt: skip
    if any(q == Q() for q in parts):
        return Q()
    return reduce(or_, parts) if parts else None


def programme_scope(actor) -> QuerySet:
    """Programmes the actor sees: those run by an organization in their directing-work view scope, those to
    which an organization of their scope contributed, and those their own organizations may contribute to
    (run by a committee above an organization where they file contributions)."""
    return policies.scope(actor, policies.VIEW, Programme.objects.all())


def can_manage_programme(actor, programme: Programme) -> bool:
    """Staff (and grassroots secretaries) of the committee running the programme, or above: edit it, mark the
    communes' flags, record any supporter's contribution."""
    return policies.can(actor, "direct", programme.organization)


def supporter_choices(actor, programme: Programme) -> QuerySet:
    """Active organizations under the programme's committee for which the actor may record a contribution."""
    qs = Organization.objects.filter(subtree_q(programme.organization.path), end_date__isnull=True)
    if not can_manage_programme(actor, programme):
        qs = policies.scope(actor, "report", qs)
    return qs.select_related("parent").order_by("path")


def can_record_for(actor, programme: Programme, supporter: Organization) -> bool:
    return can_manage_programme(actor, programme) or policies.can(actor, "report", supporter)


# --- Programmes ---------------------------------------------------------------------------------------------


@transaction.atomic
def programme_save(
    *,
    actor,
    organization: Organization,
    data: dict,
    programme: Programme | None = None,
    expected_version: str | None = None,
) -> Programme:
    """Create (``programme=None``) or edit a support programme run by ``organization``. ``expected_version``: the
    edit page's token (``PROGRAMME_VERSION``); a stale one is refused."""
    if programme is not None:
        programme = Programme.objects.select_for_update().select_related("organization").get(pk=programme.pk)
        organization = programme.organization
    if not policies.can(actor, "direct", organization):
        raise PermissionDenied("Bạn không có quyền lập chương trình hỗ trợ cho tổ chức này.")
    if programme is not None:
        PROGRAMME_VERSION.check(programme, expected_version)
    before = snapshot(programme) if programme is not None else None
    p = programme or Programme(organization=organization)
    for k in PROGRAMME_FIELDS:
        if k in data:
            setattr(p, k, clean_text(data[k]) if k in ("name", "description") else data[k])
    p.name, p.description = p.name or "", p.description or ""
    e = {}
    if not p.name:
        e["name"] = "Tên chương trình: không được để trống."
    elif len(p.name) > 300:
        e["name"] = "Tên chương trình: tối đa 300 ký tự."
    if p.start_date is None:
        e["start_date"] = "Từ ngày: không được để trống."
    elif p.end_date is not None and p.end_date < p.start_date:
        e["end_date"] = f"Đến ngày: phải từ ngày bắt đầu ({ngay(p.start_date)}) trở về sau."
    if organization.end_date and p.start_date and p.start_date >= organization.end_date:
        # A programme of the past (entered afterwards) is fine while the committee still existed.
        e["start_date"] = (
            f"Từ ngày: «{organization}» đã kết thúc hoạt động ngày {ngay(organization.end_date)}."
        )
    if programme is not None and p.start_date and not e:
        outside = programme.contributions.filter(
            Q(date__lt=p.start_date) | (Q(date__gt=p.end_date) if p.end_date else Q(pk=None))
        )
        first = outside.order_by("date").values_list("date", flat=True).first()
        if first is not None:
            e["start_date" if first < p.start_date else "end_date"] = (
                f"{'Từ ngày' if first < p.start_date else 'Đến ngày'}: đã có đóng góp ngày {ngay(first)} ngoài thời gian mới."
            )
    if e:
        raise ApplicationError("Chưa lưu được chương trình, xin xem các ô được đánh dấu.", field_errors=e)
    p.save()
    record(actor=actor, action=Action.UPDATE if before is not None else Action.CREATE, obj=p, before=before,
           scope_path=organization.path)  # fmt: skip
    return p


# --- Contributions ------------------------------------------------------------------------------------------


class _Paths:
    """Each organization's path periods, read once per call (a bulk import asks about the same few)."""

    def __init__(self):
        self._cache: dict[int, list] = {}

    def on(self, org: Organization, day: dt.date) -> str | None:
        periods = self._cache.get(org.pk)
        if periods is None:
            periods = self._cache[org.pk] = path_periods(org)
        for valid_from, valid_to, path in periods:
            if (valid_from is None or valid_from <= day) and (valid_to is None or valid_to > day):
                return path
        return None


# Work days of one contribution: the column (DecimalField(max_digits=10, decimal_places=1)) is roomier, but a
# million days is a typing error.
MAX_WORK_DAYS = 999_999


def _money(value) -> tuple[int | None, str | None]:
    """A value in đồng as a whole number, or the problem with it (the one reader of numbers: "2.150.000")."""
    if value is None or value == "":
        return None, "Giá trị: không được để trống."
    try:
        d = parse_vn_number(value)
    except ValueError as error:
        return None, ("Giá trị: chỉ ghi số đồng, ví dụ 2.150.000." if str(error) == NOT_A_NUMBER
                      else f"Giá trị: {error}")  # fmt: skip
    if d != d.to_integral_value():
        return None, "Giá trị: phải là số đồng nguyên (không có phần lẻ)."
    return int(d), None


def _check(
    actor, programme: Programme, data: dict, paths: _Paths, allowed: dict
) -> tuple[Contribution, dict]:
    """Build the contribution from ``data`` and list every broken rule ({field: message})."""
    e: dict[str, str] = {}
    supporter, commune, day = data.get("supporter"), data.get("commune"), data.get("date")
    kind = data.get("kind") or ""
    c = Contribution(programme=programme, kind=kind, description=clean_text(data.get("description"))[:500])
    # Who: the supporter's secretary (or cell secretary), or the committee running the programme.
    if supporter is None:
        e["supporter"] = "Tổ chức hỗ trợ: không được để trống."
    else:
        if supporter.pk not in allowed:
            allowed[supporter.pk] = can_record_for(actor, programme, supporter)
        if not allowed[supporter.pk]:
            raise PermissionDenied(f"Bạn không có quyền ghi đóng góp của «{supporter}».")
        c.supporter = supporter
    # When: within the programme, not in the future.
    if day is None:
        e["date"] = "Ngày: không được để trống."
    elif day > today():
        e["date"] = "Ngày: không được sau hôm nay."
    elif day < programme.start_date or (programme.end_date and day > programme.end_date):
        end = ngay(programme.end_date) if programme.end_date else "nay"
        e["date"] = f"Ngày: ngoài thời gian của chương trình ({ngay(programme.start_date)} – {end})."
    else:
        c.date = day
    # Where in the tree on that day: inside the programme's committee.
    if supporter is not None and c.date is not None:
        top = paths.on(programme.organization, day)
        own = paths.on(supporter, day)
        if top is None:
            e["date"] = f"Ngày: «{programme.organization}» không hoạt động vào ngày {ngay(day)}."
        elif own is None:
            e["supporter"] = f"Tổ chức hỗ trợ: «{supporter}» không hoạt động vào ngày {ngay(day)}."
        elif not own.startswith(top):
            e["supporter"] = (
                f"Tổ chức hỗ trợ: «{supporter}» không thuộc «{programme.organization}» vào ngày {ngay(day)}."
            )
        else:
            c.org_path = own
    # The commune of the era of the date.
    if commune is None:
        e["commune"] = "Xã được hỗ trợ: không được để trống."
    else:
        c.commune = commune
        if day is not None and commune.era != era_on(day):
            e["commune"] = (
                f"Xã được hỗ trợ: «{commune}» là đơn vị hành chính trước 01/07/2025, còn ngày đóng góp "
                f"{ngay(day)} từ 01/07/2025 trở đi: hãy chọn xã, phường hiện nay."
                if day >= CURRENT_FROM else
                f"Xã được hỗ trợ: «{commune}» là xã, phường từ 01/07/2025, còn ngày đóng góp {ngay(day)} trước "
                f"đó: hãy chọn xã, phường, thị trấn trước sắp xếp (có tên huyện)."
            )  # fmt: skip
    if kind not in ContributionKind.values:
        e["kind"] = (
            "Hình thức: không được để trống." if not kind else "Hình thức: giá trị đã chọn không hợp lệ."
        )
    # Value in đồng: whole, positive, not absurd.
    value, problem = _money(data.get("value"))
    limit = settings.DANGBO_CONTRIBUTION_MAX
    if problem:
        e["value"] = problem
    elif value <= 0:
        e["value"] = "Giá trị: phải lớn hơn 0 đồng."
    elif value > limit:
        e["value"] = (
            f"Giá trị: {tien(value)} vượt mức tối đa {tien(limit)} cho một lần đóng góp, xin kiểm tra lại."
        )
    else:
        c.value = value
    if kind == ContributionKind.WORK:
        q, problem = read_number(
            data.get("quantity"), "Số ngày công", decimal_places=1, max_value=MAX_WORK_DAYS
        )
        if problem:
            e["quantity"] = problem
        elif q is None:
            e["quantity"] = "Số ngày công: bắt buộc với hình thức ngày công."
        elif q <= 0:
            e["quantity"] = "Số ngày công: phải lớn hơn 0 (ví dụ 12,5)."
        else:
            c.quantity = q
    else:
        c.quantity = None
    return c, e


@transaction.atomic
def contribution_add(*, actor, programme: Programme, data: dict) -> Contribution:
    """Record one contribution of an organization (``data``: supporter, commune, date, kind, value in đồng,
    quantity (work days), description). Every rule is checked before anything is saved."""
    programme = Programme.objects.select_related("organization").get(pk=programme.pk)
    c, e = _check(actor, programme, data, _Paths(), {})
    if e:
        raise ApplicationError("Chưa ghi được đóng góp, xin xem các ô được đánh dấu.", field_errors=e)
    c.save()
    record(actor=actor, action=Action.CREATE, obj=c, scope_path=c.org_path)
    return c


@transaction.atomic
def contributions_bulk(*, actor, programme: Programme, rows: list[dict]) -> list[Contribution]:
    """Many contributions at once (imports, the demo loader), with the same rules as ``contribution_add``:
    all or nothing; the first broken row is reported with its number. One audit event on the programme."""
    programme = Programme.objects.select_related("organization").get(pk=programme.pk)
    paths, allowed, out = _Paths(), {}, []
    for i, data in enumerate(rows, start=1):
        c, e = _check(actor, programme, data, paths, allowed)
        if e:
            raise ApplicationError(f"Dòng {i}: " + " ".join(e.values()), field_errors=e)
        out.append(c)
    Contribution.objects.bulk_create(out, batch_size=500)
    if out:
        total = sum(c.value for c in out)
        record(actor=actor, action=Action.UPDATE, obj=programme, before=snapshot(programme),
               scope_path=programme.organization.path,
               extra={"contributions": {"label": "Đóng góp hỗ trợ", "before": "",
                                        "after": f"Ghi {len(out)} đóng góp, tổng giá trị {tien(total)}"}})  # fmt: skip
    return out


@transaction.atomic
def commune_flags_set(*, actor, programme: Programme, commune: Commune, data: dict) -> Commune:
    """Mark a commune poor / mountainous / border (data the committee keeps; the package has none)."""
    if not can_manage_programme(actor, programme):
        raise PermissionDenied("Bạn không có quyền đánh dấu xã này.")
    if not programme.contributions.filter(commune=commune).exists():
        # The flags are shared by every programme: only a commune this programme supports is its to mark.
        raise ApplicationError(
            "Xã: chương trình này chưa hỗ trợ xã này.",
            field_errors={"commune": "Xã: chương trình này chưa hỗ trợ xã này."},
        )
    c = Commune.objects.select_for_update().get(pk=commune.pk)
    before = snapshot(c)
    for k in FLAG_FIELDS:
        setattr(c, k, bool(data.get(k)))
    c.save(update_fields=list(FLAG_FIELDS))
    record(actor=actor, action=Action.UPDATE, obj=c, before=before, scope_path=programme.organization.path)
    return c


# --- Totals -------------------------------------------------------------------------------------------------


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
    if actor is not None:
        q = contribution_q(actor)
        qs = qs.none() if q is None else qs.filter(q)
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
    return programme_scope(actor).select_related("organization__parent").order_by("-start_date", "-id")


def programme_rows(actor, programmes) -> list[tuple[Programme, dict]]:
    """Programmes with the number and value of their contributions the actor sees (one query)."""
    programmes = list(programmes)
    q = contribution_q(actor)
    sums = {}
    if q is not None and programmes:
        for r in (Contribution.objects.filter(q, programme__in=[p.pk for p in programmes]).values("programme")
                  .annotate(n=Count("id"), v=Sum("value"), c=Count("commune", distinct=True))):  # fmt: skip
            sums[r["programme"]] = r
    return [(p, sums.get(p.pk, {"n": 0, "v": 0, "c": 0})) for p in programmes]


def period_presets(programme, year: int, on: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The periods a programme's page offers at one click (label, from, to): the half-years and the whole of
    ``year``, the year before, and the whole programme (to ``on`` while it has no end)."""
    return [
        (f"6 tháng đầu năm {year}", dt.date(year, 1, 1), dt.date(year, 6, 30)),
        (f"6 tháng cuối năm {year}", dt.date(year, 7, 1), dt.date(year, 12, 31)),
        (f"Cả năm {year}", dt.date(year, 1, 1), dt.date(year, 12, 31)),
        (f"Cả năm {year - 1}", dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)),
        ("Toàn chương trình", programme.start_date, programme.end_date or max(on, programme.start_date)),
    ]


def half_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The half-year containing ``day``: 01/01–30/06 or 01/07–31/12."""
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)
