"""The one filter definition of the member list: used by the page, the API and the export."""

from __future__ import annotations

import django_filters
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from dangbo.core.dates import add_years, today
from dangbo.core.search import tokens, word_match_condition
from dangbo.organizations.models import Organization
from dangbo.organizations.paths import subtree_q

from .choices import AGE_BAND_LIMITS, ETHNICITY_CHOICES, AgeBand, Gender, MemberStatus, PoliticalTheory
from .models import Member


def search_members(queryset, query: str):
    """Accent- and case-insensitive name search: every word of the query is a word prefix of the name."""
    words = tokens(query)
    if not words:
        return queryset
    sql, params = word_match_condition(Member._meta.db_table, words)
    return queryset.filter(RawSQL(sql, params, output_field=BooleanField()))


def age_band_q(band: str, on=None) -> Q:
    """Members whose age in full years on ``on`` lies in ``band``."""
    on = on or today()
    low, high = AGE_BAND_LIMITS[AgeBand(band)]
    q = Q(birth_date__lte=add_years(on, -low))
    if high is not None:  # older than high+1 full years is out: born after on - (high+1) years
        q &= Q(birth_date__gt=add_years(on, -(high + 1)))
    return q


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm theo tên", method="filter_q")
    organization = django_filters.ModelChoiceFilter(
        label="Thuộc tổ chức", queryset=Organization.objects.none(), method="filter_subtree",
        empty_label="Tất cả trong phạm vi",
    )  # fmt: skip
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=MemberStatus.choices, empty_label="Tất cả")
    gender = django_filters.ChoiceFilter(label="Giới tính", choices=Gender.choices, empty_label="Tất cả")
    ethnicity = django_filters.ChoiceFilter(label="Dân tộc", choices=ETHNICITY_CHOICES, empty_label="Tất cả")
    age_band = django_filters.ChoiceFilter(
        label="Độ tuổi", choices=AgeBand.choices, method="filter_age", empty_label="Tất cả"
    )
    political_theory = django_filters.ChoiceFilter(
        label="Lý luận chính trị", choices=PoliticalTheory.choices, empty_label="Tất cả"
    )

    class Meta:
        model = Member
        fields = ["q", "organization", "status", "gender", "ethnicity", "age_band", "political_theory"]

    def __init__(self, *args, organizations=None, large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.large = large
        self.organizations = organizations
        if organizations is not None:
            accepted, offered = organizations
            self.filters["organization"].queryset = accepted
            field = self.form.fields["organization"]
            field.queryset = accepted
            field.widget.choices = [("", field.empty_label)] + [
                (o.pk, ("\u2003" * max(o.depth - 1, 0)) + o.name) for o in offered.only("pk", "name", "depth")
            ]

    def filter_q(self, queryset, name, value):
        return search_members(queryset, value)

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(subtree_q(value.path, "org_path", use_index=not self.large))

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_band_q(value))
