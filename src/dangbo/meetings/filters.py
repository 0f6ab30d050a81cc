"""The one filter definition of the meeting calendar: used by the page (``views.calendar``) and its export
(``exports.py``) — what you see is what you export. The parameter is the page's own: ``thang=mm/yyyy`` (this month
when absent)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms

from dangbo.core.dates import today

from .selectors import calendar_rows, month_param


class MonthField(forms.CharField):
    """«mm/yyyy» → the first day of that month; empty → None; anything else is an error naming the field."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        month = month_param(text)
        if month is None:
            raise forms.ValidationError(
                f"Tháng «{text[:20]}» không hợp lệ: cần có dạng mm/yyyy, ví dụ {today():%m/%Y}."
            )
        return month


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class CalendarFilter(django_filters.FilterSet):
    thang = MonthFilter(label="Tháng", field_name="month")

    def month(self) -> dt.date | None:
        """The month shown: «thang», this month when absent; None when «thang» is not a month
        (``problem`` says why)."""
        if not self.is_valid():
            return None
        return self.form.cleaned_data.get("thang") or today().replace(day=1)

    def problem(self) -> str:
        return " ".join(self.form.errors.get("thang", [])) if not self.is_valid() else ""

    def filter_queryset(self, queryset):
        # A month that does not parse lists this month (the export's rule; the page refuses it first).
        return queryset.filter(month=self.month() or today().replace(day=1))


def calendar_filter(*, actor, params) -> CalendarFilter:
    """The calendar's filter over the meetings ``actor`` may see (cancelled ones left out), in time order."""
    return CalendarFilter(params, queryset=calendar_rows(actor))
