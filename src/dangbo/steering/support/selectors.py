"""The communes a support programme helps, of both eras:

* since 01/07/2025 (two-level local government, no districts): the installed ``vietnam-provinces`` package
  (release 2025.x) — Nghệ An has 130;
* before: ``data/communes_truoc_2025.csv``, made by ``scripts/communes_before_2025.py`` from release 0.6.0 of
  the same package (the whole country, with the district of each commune) — Nghệ An has 412 there.

``load`` is idempotent (missing rows are created, changed names updated; the poor / mountainous / border
flags the committee set are never touched) and is run by the data migration 0003 for the whole country.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from dangbo.core.search import tokens
from dangbo.core.text import clean_spaces, fold, nfc

from ..choices import Era

BEFORE_2025_CSV = Path(__file__).parents[1] / "data" / "communes_truoc_2025.csv"
# The day the two-level local government took effect: contributions from this date go to current communes.
CURRENT_FROM = dt.date(2025, 7, 1)
NGHE_AN = 40
FIELDS = ("name", "division_type", "district_name", "province_code", "province_name")


def era_on(date: dt.date) -> str:
    return Era.CURRENT if date >= CURRENT_FROM else Era.BEFORE_2025


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


def search(query: str, *, era: str | None = None, province: int | None = None, limit: int = 30):
    """Communes whose name or former district matches every word of ``query`` (accent-free, each word
    matching the start of a word): "chau hanh" finds "Xã Châu Hạnh, Huyện Quỳ Châu"."""
    from django.db.models import Case, Q, Value, When

    from ..models import Commune

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
    from django.conf import settings

    return getattr(settings, "DANGBO_PROVINCE_CODE", NGHE_AN)
