"""Forms of congress targets. They only parse; the rules live in ``services.py`` (``target_save``,
``target_value_enter``, ``check_value``)."""

from __future__ import annotations

from django import forms

from dangbo.audit.concurrency.services import version_field
from dangbo.core.forms import VNFormMixin, VNNumberField, check_model_numbers

from ..choices import Measure, TargetDirection, Unit
from ..models import Target
from . import selectors
from .services import DECIMAL_PLACES, INTEGER_DIGITS

COLUMN = {"integer_digits": INTEGER_DIGITS, "decimal_places": DECIMAL_PLACES}  # what the value columns hold


class TargetForm(VNFormMixin, forms.ModelForm):
    version = version_field()  # the edit page's version token (audit.concurrency)
    number = VNNumberField(label="Chỉ tiêu số", whole=True, min_value=1, max_value=999, example="3")
    baseline = VNNumberField(label="Mức đầu nhiệm kỳ", required=False, **COLUMN,
                             help_text="Để trống nếu không có; với chỉ tiêu mức đạt, mức yêu cầu tăng dần từ mức này.")  # fmt: skip
    goal = VNNumberField(label="Mục tiêu cuối nhiệm kỳ", **COLUMN)
    source = forms.ChoiceField(label="Nguồn số liệu", required=False)

    class Meta:
        model = Target
        fields = ["number", "text", "unit", "direction", "measure", "baseline", "goal", "source"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Nhập theo kỳ (kèm căn cứ)"), *selectors.choices()]
        self.fields["source"].help_text = (
            "Chọn nguồn thì thực hiện được tính tự động từ dữ liệu của hệ thống; đơn vị tính và cách tính của "
            "chỉ tiêu phải trùng với nguồn. Để «Nhập theo kỳ» thì nhập số liệu kèm căn cứ ở trang chỉ tiêu."
        )
        self.fields["unit"].choices = [("", "— chọn —"), *Unit.choices]
        self.fields["direction"].initial = TargetDirection.AT_LEAST
        self.fields["measure"].initial = Measure.LEVEL

    def _post_clean(self):
        check_model_numbers(self)  # the columns' digits; the unit's rules live in the service


class TargetValueForm(VNFormMixin, forms.Form):
    period_end = forms.DateField(label="Tính đến ngày")
    value = VNNumberField(label="Giá trị", **COLUMN)
    evidence = forms.CharField(label="Căn cứ", max_length=500,
                               help_text="Văn bản, báo cáo làm căn cứ, ví dụ: Báo cáo số 12-BC/ĐU ngày 10/7/2023.")  # fmt: skip


class DateForm(VNFormMixin, forms.Form):
    ngay = forms.DateField(label="Tại ngày", required=False)
