from __future__ import annotations

import datetime as dt

from django import forms

from dangbo.core.dates import today
from dangbo.core.forms import VNFormMixin
from dangbo.organizations.forms import OrganizationPickerField

from .choices import ReviewKind
from .selectors import PeriodError, review_period


class ReportForm(VNFormMixin, forms.Form):
    """Organization and date(s) of a report; the organization is chosen with the one picker (any in scope)."""

    organization = OrganizationPickerField(label="Tổ chức")
    on = forms.DateField(label="Tại ngày", required=False)
    start = forms.DateField(label="Từ ngày", required=False)
    end = forms.DateField(label="Đến ngày", required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].for_actor(actor)

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


class ReviewForm(ReportForm):
    """A review report: organization, kind and year (the preset period), or typed dates; the report's date and the
    next period's tasks (free text, one a line)."""

    kind = forms.ChoiceField(label="Loại báo cáo", choices=ReviewKind.choices, initial=ReviewKind.HALF_YEAR)
    year = forms.IntegerField(label="Năm", min_value=1930, max_value=9999)
    day = forms.DateField(label="Ngày báo cáo", required=False, help_text="Để trống: hôm nay.")
    next_tasks = forms.CharField(label="Phương hướng, nhiệm vụ kỳ tới", required=False, max_length=20000,
                                 widget=forms.Textarea(attrs={"rows": 6}),
                                 help_text="Mỗi dòng một đoạn; để trống: bản báo cáo để dòng chấm để viết tay.")  # fmt: skip
    field_order = ["organization", "kind", "year", "start", "end", "day", "next_tasks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["on"]
        self.fields["start"].help_text = "Để trống: theo loại báo cáo và năm."
        self.fields["year"].error_messages["invalid"] = "cần là một năm, ví dụ 2013."
        self.fields["year"].error_messages["min_value"] = "không được trước năm 1930."
        self.fields["year"].error_messages["max_value"] = "năm không hợp lệ."
        self.period = None

    def clean(self):
        cleaned = super().clean()
        org, kind, year = cleaned.get("organization"), cleaned.get("kind"), cleaned.get("year")
        if self.errors or org is None or not kind or year is None:
            return cleaned
        try:
            period = review_period(org, kind, year, cleaned.get("start"), cleaned.get("end"))
        except PeriodError as e:
            self.add_error("kind", f"Loại báo cáo: {e}")
            return cleaned
        now = today()
        if period.end < period.start:
            self.add_error("end", f"Đến ngày: phải sau từ ngày ({period.start:%d/%m/%Y}).")
        elif period.start > now:
            self.add_error("year", f"Năm: kỳ báo cáo bắt đầu ngày {period.start:%d/%m/%Y}, sau ngày hôm nay.")
        else:
            period.end = min(period.end, now)  # a report written before its period ends counts to today
            self.period = period
            day = cleaned.get("day") or now
            if day < period.end:
                self.add_error(
                    "day", f"Ngày báo cáo: không được trước ngày cuối của kỳ báo cáo ({period.end:%d/%m/%Y})."
                )
            cleaned["day"] = day
        return cleaned


class DraftForm(VNFormMixin, forms.Form):
    """Revising a draft review report from its page: the report's date and the next period's tasks."""

    next_tasks = forms.CharField(label="Phương hướng, nhiệm vụ kỳ tới (mỗi dòng một nhiệm vụ)", required=False,
                                 max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip
    day = forms.DateField(label="Ngày báo cáo", widget=forms.DateInput(attrs={"maxlength": 10}))


class IssueForm(VNFormMixin, forms.Form):
    """Issuing a draft review report into the register."""

    signer = forms.CharField(label="Người ký", max_length=120, required=False)
