"""Support programmes for communes (DOMAIN §6), the writes: programmes, contributions, a commune's flags; and the
communes of both eras (``load``, run by the data migration 0003 for the whole country). The reads (who sees which
programme, the totals of a period): ``selectors.py``.

A contribution belongs to the supporting organization's place in the tree *on its date* (``org_path``), so
the totals of a subtree over a past period stay true after restructuring (``organizations.tree.services``
re-paths the contributions dated on or after a move).

The communes: since 01/07/2025 (two-level local government, no districts) from the installed ``vietnam-provinces``
package (release 2025.x) — Nghệ An has 130; before, from ``data/communes_truoc_2025.csv``, made by
``scripts/communes_before_2025.py`` from release 0.6.0 of the same package (the whole country, with the district of
each commune) — Nghệ An has 412 there. ``load`` is idempotent (missing rows are created, changed names updated; the
poor / mountainous / border flags the committee set are never touched).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay, tien
from dangbo.core.text import NOT_A_NUMBER, clean_spaces, clean_text, fold, nfc, parse_vn_number, read_number
from dangbo.members.counts.selectors import path_periods
from dangbo.organizations.models import Organization

from ..choices import ContributionKind, Era
from ..models import Commune, Contribution, Programme
from .selectors import CURRENT_FROM, era_on

PROGRAMME_FIELDS = ("name", "start_date", "end_date", "description")
# The edit page's version token (audit.concurrency): a save over someone else's change is refused.
PROGRAMME_VERSION = Tracked(PROGRAMME_FIELDS, noun="Chương trình này")
CONTRIBUTION_FIELDS = ("supporter", "commune", "date", "kind", "value", "quantity", "description")
FLAG_FIELDS = ("poor", "mountainous", "border")


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
            allowed[supporter.pk] = policies.can(
                actor, policies.ADD, Contribution(programme=programme, supporter=supporter)
            )
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
    if not policies.can(actor, policies.CHANGE, programme):
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


# --- The communes of both eras (the data migration 0003 loads them) -----------------------------------------


BEFORE_2025_CSV = Path(__file__).parents[1] / "data" / "communes_truoc_2025.csv"


FIELDS = ("name", "division_type", "district_name", "province_code", "province_name")


def name_norm(name: str, district: str = "") -> str:
    """The accent-free search key of a commune: its name and its (former) district."""
    return fold(f"{name} {district}")


def _clean(value: str) -> str:
    return clean_spaces(nfc(value or ""))


def current_rows(provinces: Iterable[int] | None = None) -> Iterator[dict]:
    """Communes since 01/07/2025, from the installed ``vietnam-provinces`` package."""
    from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

    wanted = set(provinces or ())
    for province in json.loads(Path(NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8")):
        if wanted and province["code"] not in wanted:
            continue
        for ward in province["wards"]:
            yield {
                "code": str(ward["code"]), "name": _clean(ward["name"]), "division_type": _clean(ward["division_type"]),
                "district_name": "", "province_code": int(province["code"]), "province_name": _clean(province["name"]),
            }  # fmt: skip


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


def before_2025_rows(provinces: Iterable[int] | None = None) -> Iterator[dict]:
    """Communes before 01/07/2025, from the shipped CSV file."""
    wanted = set(provinces or ())
    with BEFORE_2025_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = int(row["province_code"])
            if wanted and code not in wanted:
                continue
            yield {
                "code": row["code"].strip(), "name": _clean(row["name"]), "division_type": _clean(row["division_type"]),
                "district_name": _clean(row["district_name"]), "province_code": code,
                "province_name": _clean(row["province_name"]),
            }  # fmt: skip


def load(provinces: Iterable[int] | None = None, *, model=None) -> dict[str, int]:
    """Load the communes of both eras (all provinces, or only ``provinces`` by code). Idempotent.

    ``model``: the Commune model to write (a data migration passes its historical model).
    Returns {"created": n, "updated": n}."""
    if model is None:
        from ..models import Commune as model
    provinces = list(provinces) if provinces else None
    created = updated = 0
    for era, source in ((Era.CURRENT, current_rows), (Era.BEFORE_2025, before_2025_rows)):
        rows = list(source(provinces))
        existing = {c.code: c for c in model.objects.filter(era=era).only("pk", "code", *FIELDS, "name_norm")}
        new, changed = [], []
        for row in rows:
            norm = name_norm(row["name"], row["district_name"])
            current = existing.get(row["code"])
            if current is None:
                new.append(model(era=era, name_norm=norm, **row))
            elif any(getattr(current, f) != row[f] for f in FIELDS) or current.name_norm != norm:
                for f in FIELDS:
                    setattr(current, f, row[f])
                current.name_norm = norm
                changed.append(current)
        model.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        if changed:
            model.objects.bulk_update(changed, [*FIELDS, "name_norm"], batch_size=500)
        created, updated = created + len(new), updated + len(changed)
    return {"created": created, "updated": updated}
