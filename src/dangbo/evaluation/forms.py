"""Forms of the evaluation pages: they only read the input; every rule is the service's."""

from __future__ import annotations

from django import forms

from dangbo.core.forms import VNFormMixin, VNNumberField

from .choices import Level, NotRated, PeriodKind

LEVELS = [("", "— chọn mức —"), *Level.choices]


class OpenForm(VNFormMixin, forms.Form):
    year = VNNumberField(label="Năm", whole=True, example="2025")
    period_kind = forms.ChoiceField(label="Kỳ đánh giá", choices=PeriodKind.choices, initial=PeriodKind.YEAR)
    period_start = forms.DateField(label="Từ ngày (kỳ khác năm)", required=False)
    period_end = forms.DateField(label="Đến ngày (kỳ khác năm)", required=False)
    deadline = forms.DateField(label="Hạn tự đánh giá")
    organizations = forms.BooleanField(
        label="Đánh giá cả các tổ chức trực thuộc (tập thể)", required=False, initial=True
    )


class SelfForm(VNFormMixin, forms.Form):
    level = forms.ChoiceField(label="Tự xếp loại", choices=LEVELS)
    text = forms.CharField(label="Tự kiểm điểm", required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 8}))  # fmt: skip


class ProposeForm(VNFormMixin, forms.Form):
    level = forms.ChoiceField(label="Mức đề xuất", choices=LEVELS, required=False)
    score = VNNumberField(label="Điểm (thang 100)", required=False, example="85 hoặc 92,5")
    remedied = forms.BooleanField(label="Vi phạm đã tự phát hiện và khắc phục (QĐ 124)", required=False)
    note = forms.CharField(
        label="Nhận xét", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    not_rated = forms.ChoiceField(
        label="Hoặc: chưa xếp loại vì", choices=[("", "—"), *NotRated.choices], required=False
    )
    not_rated_note = forms.CharField(label="Ghi chú chưa xếp loại", required=False, max_length=255)


class DecideForm(VNFormMixin, forms.Form):
    decision_no = forms.CharField(label="Số quyết định", max_length=100, required=False)
    decision_date = forms.DateField(label="Ngày quyết định", required=False)


class ReopenForm(VNFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do mở lại", max_length=500, required=False)
