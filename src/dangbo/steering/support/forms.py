"""Forms of support programmes: they only parse; the rules are in ``services.py``."""

from __future__ import annotations

from django import forms

from dangbo.audit.concurrency.services import version_field
from dangbo.core.forms import VNFormMixin, VNNumberField
from dangbo.organizations.models import Organization

from ..choices import ContributionKind
from ..models import Commune, Programme
from .services import FLAG_FIELDS, MAX_WORK_DAYS, PROGRAMME_FIELDS


class ProgrammeForm(VNFormMixin, forms.ModelForm):
    version = version_field()  # the edit page's version token (audit.concurrency)

    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def _post_clean(self):
        pass  # rules live in support.programme_save


class ContributionForm(VNFormMixin, forms.Form):
    date = forms.DateField(label="Ngày")
    supporter = forms.ModelChoiceField(label="Tổ chức hỗ trợ", queryset=Organization.objects.none())
    commune = forms.ModelChoiceField(label="Xã được hỗ trợ", queryset=Commune.objects.all())
    kind = forms.ChoiceField(label="Hình thức", choices=ContributionKind.choices)
    value = VNNumberField(
        label="Giá trị quy ra tiền (đồng)", example="2.150.000",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "ví dụ 2.150.000", "autocomplete": "off",
                                      "maxlength": 30}),
    )  # fmt: skip
    quantity = VNNumberField(label="Số ngày công", required=False, decimal_places=1, min_value=0,
                             max_value=MAX_WORK_DAYS, example="12,5",
                             help_text="Chỉ ghi với hình thức ngày công, ví dụ 12,5.")  # fmt: skip
    description = forms.CharField(label="Nội dung", required=False, max_length=500,
                                  widget=forms.TextInput(attrs={"placeholder": "ví dụ: 50 suất quà cho học sinh nghèo"}))  # fmt: skip

    def __init__(self, *args, supporters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if supporters is not None:
            self.fields["supporter"].queryset = supporters
            self.fields["supporter"].label_from_instance = lambda o: o.long_name
        self.fields["supporter"].empty_label = "— chọn tổ chức —"
        self.fields["commune"].error_messages["invalid_choice"] = "hãy tìm và chọn một xã trong danh sách."


class PeriodForm(VNFormMixin, forms.Form):
    tu = forms.DateField(label="Từ ngày")
    den = forms.DateField(label="Đến ngày")

    def clean(self):
        data = super().clean()
        if data.get("tu") and data.get("den") and data["den"] < data["tu"]:
            self.add_error("den", "Đến ngày: phải từ ngày bắt đầu trở về sau.")
        return data


class FlagsForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=Commune.objects.all())
    poor = forms.BooleanField(label="Xã nghèo", required=False)
    mountainous = forms.BooleanField(label="Miền núi", required=False)
    border = forms.BooleanField(label="Biên giới", required=False)

    field_order = ["commune", *FLAG_FIELDS]
