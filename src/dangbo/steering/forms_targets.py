"""Forms of congress targets. They only parse; the rules live in ``targets.py`` (``target_save``,
``target_value_enter``, ``check_value``)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms

from dangbo.core.forms import VNFormMixin

from . import sources
from .choices import Measure, TargetDirection, Unit
from .models import Target

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


class VNNumberField(forms.Field):
    """A number written the Vietnamese way: "1.234.567", "92,4", "1.234,5" (also "92.4"). Spaces, "đ" and "%"
    are ignored. Returns a Decimal; the unit's rules are checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 30})
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            value = value.normalize()
            text = f"{value:f}"
            return text.replace(".", ",")
        return value

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > 30:
            raise forms.ValidationError("quá dài.")
        text = re.sub(r"[\s\u00a0đ%]", "", text.lower().replace("đồng", ""))
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif _GROUPED.match(text):
            text = text.replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("phải là một số (ví dụ: 1.250 hoặc 92,5).") from None
        if not number.is_finite():
            raise forms.ValidationError("phải là một số (ví dụ: 1.250 hoặc 92,5).")
        return number


class TargetForm(VNFormMixin, forms.ModelForm):
    baseline = VNNumberField(label="Mức đầu nhiệm kỳ", required=False,
                             help_text="Để trống nếu không có; với chỉ tiêu mức đạt, mức yêu cầu tăng dần từ mức này.")  # fmt: skip
    goal = VNNumberField(label="Mục tiêu cuối nhiệm kỳ")
    source = forms.ChoiceField(label="Nguồn số liệu", required=False)

    class Meta:
        model = Target
        fields = ["number", "text", "unit", "direction", "measure", "baseline", "goal", "source"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Nhập theo kỳ (kèm căn cứ)"), *sources.choices()]
        self.fields["source"].help_text = (
            "Chọn nguồn thì thực hiện được tính tự động từ dữ liệu của hệ thống; đơn vị tính và cách tính của "
            "chỉ tiêu phải trùng với nguồn. Để «Nhập theo kỳ» thì nhập số liệu kèm căn cứ ở trang chỉ tiêu."
        )
        self.fields["unit"].choices = [("", "— chọn —"), *Unit.choices]
        self.fields["direction"].initial = TargetDirection.AT_LEAST
        self.fields["measure"].initial = Measure.LEVEL

    def _post_clean(self):
        pass  # rules live in the service


class TargetValueForm(VNFormMixin, forms.Form):
    period_end = forms.DateField(label="Tính đến ngày")
    value = VNNumberField(label="Giá trị")
    evidence = forms.CharField(label="Căn cứ", max_length=500,
                               help_text="Văn bản, báo cáo làm căn cứ, ví dụ: Báo cáo số 12-BC/ĐU ngày 10/7/2023.")  # fmt: skip


class DateForm(VNFormMixin, forms.Form):
    ngay = forms.DateField(label="Tại ngày", required=False)
