"""The one filter definition of the member list: used by the page, the API and the export."""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from dangbo.core.dates import add_years, today
from dangbo.core.policies import subtree_q
from dangbo.core.search import tokens, word_match_condition, word_patterns
from dangbo.core.widgets import FastSelect, FastTextInput
from dangbo.organizations.forms import OrganizationPickerField

from .choices import (
    ACTIVE_STATUSES,
    AGE_BAND_LIMITS,
    ETHNICITY_CHOICES,
    AgeBand,
    Gender,
    MemberStatus,
    PoliticalTheory,
)
from .models import Member


def search_members(queryset, query: str, *, row_by_row: bool = False):
    """Accent- and case-insensitive name search: every word of the query is a word of the name, the last one
    a word prefix. ``row_by_row``: checked on each row's name instead of read from the search index (see
    ``core.search.scan_is_cheaper``)."""
    words = tokens(query)
    if not words:
        return queryset
    if row_by_row:
        return queryset.filter(*(Q(name_norm__regex=p) for p in word_patterns(words)))
    sql, params = word_match_condition(Member._meta.db_table, words)
    return queryset.filter(RawSQL(sql, params, output_field=BooleanField()))


def age_band_births(band: str, on=None) -> tuple:
    """(latest, before) birth dates of the members whose age in full years on ``on`` lies in ``band``: born on
    or before ``latest`` and after ``before`` (None: no lower bound)."""
    on = on or today()
    low, high = AGE_BAND_LIMITS[AgeBand(band)]
    # older than high+1 full years is out: born after on - (high+1) years
    return add_years(on, -low), (add_years(on, -(high + 1)) if high is not None else None)


def age_band_q(band: str, on=None) -> Q:
    """Members whose age in full years on ``on`` lies in ``band``."""
    latest, before = age_band_births(band, on)
    q = Q(birth_date__lte=latest)
    return q & Q(birth_date__gt=before) if before else q


EQUAL_FILTERS = ("gender", "ethnicity", "political_theory")
# Every filter of MemberFilter, as the word-table search applies them (q, organization: core.search).
WORD_TABLE_FILTERS = {"q", "organization", "status", "age_band", *EQUAL_FILTERS}

# The status filter: by default the list shows the members on the roll (official and probationary, exempted
# ones included) — the members the stored counts, the organization page and the headcount report count. Those
# who left the roll (transferred out, struck off, expelled, resigned, deceased, in transit) are shown only when
# asked for: all of them, everyone, or one status.
STATUS_LEFT = "da_ra"
STATUS_ALL = "tat_ca"
STATUS_CHOICES = [(STATUS_LEFT, "Đã ra khỏi danh sách"), (STATUS_ALL, "Tất cả"), *MemberStatus.choices]
ON_ROLL = [str(s) for s in ACTIVE_STATUSES]


def status_q(value: str | None) -> Q:
    """The members the status filter's ``value`` selects ("" / None: those on the roll)."""
    if not value:
        return Q(status__in=ON_ROLL)
    if value == STATUS_LEFT:
        return ~Q(status__in=ON_ROLL)
    if value == STATUS_ALL:
        return Q()
    return Q(status=value)


def status_sql(value: str | None, alias: str = "w") -> tuple[str | None, list]:
    """``status_q`` as SQL on a table carrying the status column."""
    marks = ", ".join(["%s"] * len(ON_ROLL))
    if not value:
        return f"{alias}.status IN ({marks})", list(ON_ROLL)
    if value == STATUS_LEFT:
        return f"{alias}.status NOT IN ({marks})", list(ON_ROLL)
    if value == STATUS_ALL:
        return None, []
    return f"{alias}.status = %s", [value]


def carried_conditions(cleaned: dict, alias: str = "w") -> tuple[list[str], list]:
    """The attribute filters of a valid ``MemberFilter`` as SQL on a table carrying the member's filter
    columns (the search word table, ``core.search``), with their params."""
    sql, params = [], []
    condition, values = status_sql(cleaned.get("status"), alias)
    if condition:
        sql.append(condition)
        params.extend(values)
    for name in EQUAL_FILTERS:
        if cleaned.get(name):
            sql.append(f"{alias}.{name} = %s")
            params.append(cleaned[name])
    if cleaned.get("age_band"):
        latest, before = age_band_births(cleaned["age_band"])
        sql.append(f"{alias}.birth_date <= %s")
        params.append(latest)
        if before:
            sql.append(f"{alias}.birth_date > %s")
            params.append(before)
    return sql, params


class OrganizationFilter(django_filters.ModelChoiceFilter):
    """A subtree filter chosen with the one organization picker (``organizations.forms``, its data in ``organizations.selectors``)."""

    field_class = OrganizationPickerField


class ConstantChoiceField(django_filters.fields.ChoiceField):
    """A choice field whose (constant) choices each form copies by reference: Django deep-copies a form's fields
    for every form instance, and for a ChoiceField that means its choices too (the 55 ethnic groups, the
    statuses…) — a tenth of the member list's CPU (cProfile, issue 19). The choices here are module constants
    that nothing changes."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        iterator = copy.copy(self._choices)  # django-filter's ChoiceIterator: (field, choices)
        if hasattr(iterator, "field"):
            iterator.field = result
        result._choices = iterator
        return result


class _ConstantChoiceFilter(django_filters.ChoiceFilter):
    field_class = ConstantChoiceField

    def __deepcopy__(self, memo):
        """Each FilterSet deep-copies its filters, and with them their (constant) choices: a shallow copy here,
        with its own ``extra`` and its method bound to the copy (django-filter's ``FilterMethod``)."""
        result = copy.copy(self)
        memo[id(self)] = result
        result.extra = dict(self.extra)
        result.__dict__.pop("_field", None)  # built again from ``extra`` when asked for
        if self.method is not None:
            result.method = self.method
        return result


def _choice(label: str, choices, empty_label: str, **kwargs) -> django_filters.ChoiceFilter:
    """A choice filter whose <select> markup is built once per process (``core.widgets.FastSelect``)."""
    return _ConstantChoiceFilter(
        label=label,
        choices=choices,
        empty_label=empty_label,
        widget=FastSelect(key=f"members:{label}"),
        **kwargs,
    )


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm theo tên", method="filter_q", widget=FastTextInput)
    organization = OrganizationFilter(
        label="Thuộc tổ chức", method="filter_subtree", empty_label="Tất cả trong phạm vi"
    )
    status = _choice("Tình trạng", STATUS_CHOICES, "Đang sinh hoạt (trong danh sách)", method="filter_status")
    gender = _choice("Giới tính", Gender.choices, "Tất cả")
    ethnicity = _choice("Dân tộc", ETHNICITY_CHOICES, "Tất cả")
    age_band = _choice("Độ tuổi", AgeBand.choices, "Tất cả", method="filter_age")
    political_theory = _choice("Lý luận chính trị", PoliticalTheory.choices, "Tất cả")

    class Meta:
        model = Member
        fields = ["q", "organization", "status", "gender", "ethnicity", "age_band", "political_theory"]

    def __init__(self, *args, actor=None, large=False, row_by_row=False, rows=None, **kwargs):
        """``rows``: a callable giving the base queryset (instead of ``queryset``), called when ``qs`` is first read
        — a page whose queries are compiled once per process may never need it."""
        super().__init__(*args, **kwargs)
        if rows is not None:
            self._rows, self._queryset = rows, None
        self.large = large
        self.row_by_row = row_by_row
        if actor is not None:  # any organization in the actor's scope is accepted; the picker offers them
            self.form.fields["organization"].for_actor(actor)

    @property
    def queryset(self):
        if self._queryset is None:
            self._queryset = self._rows()
        return self._queryset

    @queryset.setter
    def queryset(self, value):
        self._queryset = value

    def get_form_class(self):
        """The form class, built once (django-filter builds a class and its fields on every request); each form
        instance still copies the fields (the picker's scope is set on the copy)."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filtered(self, queryset, *, large: bool = False, row_by_row: bool = False):
        """This (valid) filter applied to another base ``queryset`` with other plan flags — the form is not
        validated again."""
        saved = self.large, self.row_by_row
        self.large, self.row_by_row = large, row_by_row
        try:
            return self.filter_queryset(queryset.all())
        finally:
            self.large, self.row_by_row = saved

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):  # no choice: the members on the roll
            queryset = queryset.filter(status_q(None))
        return super().filter_queryset(queryset)

    def filter_status(self, queryset, name, value):
        return queryset.filter(status_q(value))

    def filter_q(self, queryset, name, value):
        return search_members(queryset, value, row_by_row=self.row_by_row)

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(subtree_q(value.path, "org_path", use_index=not self.large))

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_band_q(value))
