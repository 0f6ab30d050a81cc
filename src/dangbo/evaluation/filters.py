"""The one filter definition of a campaign's member ratings: the campaign page (``views.campaign``) and the results
page (``views.results``) list the same rows, 50 a page (``core.pagination.keyset_page``, by name), filtered by level
(``muc``: the decided level, else the proposed one), stage (``tinh_trang``: not yet proposed, not yet decided, not
rated) and cell (``chi_bo``: the cells of the campaign the actor sees).

The conditions are on (not_rated, decided_level, proposed_level) and the cell only — the fields of the stored counts
(``LevelTally``) as well as of the ratings: ``conditions`` is applied to both, so the count of a filtered list is
read from the tallies (a few rows per cell), not counted over the campaign's ratings."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.lookups import Exact

from .choices import Level
from .models import NOT_RATED_MARK, ListLevel

STAGES = [
    ("chua_de_xuat", "Chưa đề xuất"),
    ("chua_quyet_dinh", "Chưa quyết định"),
    ("da_quyet_dinh", "Đã quyết định"),
    ("chua_xep_loai", "Chưa xếp loại"),
]


def conditions(data: dict, *, cell_field: str) -> Q:
    """The filter's cleaned values as a Q on the fields ratings and tallies share (``cell_field``: ``cell_id`` on
    a rating, ``organization_id`` on a tally). A level, «chưa đề xuất» and «chưa xếp loại» are one value of
    ``ListLevel`` (on a rating: the index ``evaluation_rating_level``, in name order)."""
    q = Q()
    level = data.get("muc")
    if level:  # not rated, the decided level, else the proposed one
        q &= Q(Exact(ListLevel(), level))
    stage = data.get("tinh_trang")
    if stage == "chua_de_xuat":  # neither rated nor proposed nor decided
        q &= Q(Exact(ListLevel(), ""))
    elif stage == "chua_quyet_dinh":
        q &= Q(not_rated="", decided_level="")
    elif stage == "da_quyet_dinh":
        q &= Q(not_rated="") & ~Q(decided_level="")
    elif stage == "chua_xep_loai":
        q &= Q(Exact(ListLevel(), NOT_RATED_MARK))
    cell = data.get("chi_bo")
    if cell:
        q &= Q(**{cell_field: int(cell)})
    return q


def level_values(params) -> dict:
    """The valid values of the filter's level and stage in ``params`` (as ``RatingFilter.values`` cleans them),
    read before the cells the filter offers are known (``selectors.campaign_cells(levels=)``)."""
    out = {}
    if params.get("muc") in Level.values:
        out["muc"] = params["muc"]
    if params.get("tinh_trang") in dict(STAGES):
        out["tinh_trang"] = params["tinh_trang"]
    return out


def matches(data: dict, not_rated: str, decided: str, proposed: str) -> bool:
    """Whether counts of (not rated, decided, proposed) meet the filter's cleaned values but the cell — the same
    conditions as ``conditions``, on rows already read (the whole campaign's stored counts)."""
    level = data.get("muc")
    if level and (not_rated or (decided or proposed) != level):
        return False
    stage = data.get("tinh_trang")
    if stage == "chua_de_xuat":
        return not (not_rated or decided or proposed)
    if stage == "chua_quyet_dinh":
        return not (not_rated or decided)
    if stage == "da_quyet_dinh":
        return not not_rated and bool(decided)
    if stage == "chua_xep_loai":
        return bool(not_rated)
    return True


# More cells than this (a province's campaign: 10,000) and «chi_bo» is the organization picker, not a <select> of every
# cell (its 10,000 options took seconds to render).
CELL_SELECT_MAX = 300


class _CellPicker(forms.Widget):
    """The project's organization picker (``organizations.forms.picker_html``) for «chi_bo»; the choice is still
    checked against the campaign's cells the actor sees."""

    def __init__(self, actor, empty_label: str):
        super().__init__()
        self.actor, self.empty_label = actor, empty_label

    def render(self, name, value, attrs=None, renderer=None):
        from dangbo.organizations.forms import picker_html

        return picker_html(self.actor, name, value, empty_label=self.empty_label,
                           attrs=self.build_attrs(self.attrs, attrs))  # fmt: skip

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class RatingFilter(django_filters.FilterSet):
    """``cells``: [(id, name)], the choices of «chi_bo» — the campaign's cells the actor sees
    (``selectors.campaign_cells``); ``actor`` given (more than ``CELL_SELECT_MAX`` cells: ``cells`` then holds only
    the chosen one): «chi_bo» is the organization picker."""

    muc = django_filters.ChoiceFilter(label="Mức xếp loại", choices=Level.choices, method="noop",
                                      empty_label="Tất cả các mức")  # fmt: skip
    tinh_trang = django_filters.ChoiceFilter(label="Tình trạng", choices=STAGES, method="noop",
                                             empty_label="Tất cả")  # fmt: skip
    chi_bo = django_filters.ChoiceFilter(
        label="Chi bộ", choices=[], method="noop", empty_label="Tất cả các chi bộ"
    )

    def __init__(self, data=None, *args, cells=(), actor=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["chi_bo"].extra["choices"] = [(str(pk), name) for pk, name in cells]
        if actor is not None:
            self.filters["chi_bo"].extra["widget"] = _CellPicker(actor, "Tất cả các chi bộ")

    def noop(self, queryset, name, value):
        return queryset  # ``filter_queryset`` applies ``conditions`` once

    def values(self) -> dict:
        """The valid values (an invalid one is left out: its error is shown, the rest still filters)."""
        self.is_valid()
        return {k: v for k, v in getattr(self.form, "cleaned_data", {}).items() if v}

    def filter_queryset(self, queryset):
        return queryset.filter(conditions(self.values(), cell_field="cell_id"))
