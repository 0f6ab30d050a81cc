from __future__ import annotations

import datetime as dt

from django import forms

from dangbo.core.dates import today
from dangbo.core.forms import VNFormMixin
from dangbo.organizations.models import Organization


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("— " * max(obj.depth - self.top, 0)) + obj.name + (" (đã kết thúc)" if obj.end_date else "")


class ReportForm(VNFormMixin, forms.Form):
    """Organization and date(s) of a report; the organization drop-down offers the actor's top levels."""

    organization = OrgChoiceField(label="Tổ chức", queryset=Organization.objects.none())
    on = forms.DateField(label="Tại ngày", required=False)
    start = forms.DateField(label="Từ ngày", required=False)
    end = forms.DateField(label="Đến ngày", required=False)

    def __init__(self, *args, accepted, offered, top: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = accepted
        field.top = top
        field.widget.choices = forms.models.ModelChoiceIterator(field)
        field.widget.choices.queryset = offered

    def clean(self):
        cleaned = super().clean()
        now = today()
        for name in ("on", "start", "end"):
            if cleaned.get(name) and cleaned[name] > now:
                self.add_error(name, f"{self.fields[name].label}: không được sau ngày hôm nay.")
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "Đến ngày: phải sau từ ngày.")
        return cleaned


def default_period(now: dt.date) -> tuple[dt.date, dt.date]:
    """The current half-year up to today (reports are made by half-year: "6 tháng đầu năm")."""
    start = dt.date(now.year, 1 if now.month <= 6 else 7, 1)
    return start, now
