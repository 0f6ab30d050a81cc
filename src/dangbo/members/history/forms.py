"""Forms of a member's history: events and transfers (admission and probation: ``members/admission/forms.py``)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.db.models import Q

from dangbo.core.dates import today
from dangbo.core.forms import VNFormMixin
from dangbo.organizations.choices import CELL_KINDS, GRASSROOTS_KINDS
from dangbo.organizations.models import Organization

from ..choices import DecisionLevel, DisciplineForm, EventKind, TemporaryPurpose, TransferKind
from ..forms import CellChoiceField
from ..models import Member
from ..rules import decision_rules_on, rules_on
from .services import DIRECT_KINDS

# Events that name the cell the member goes to.
NEEDS_CELL = (EventKind.INTERNAL_MOVE, EventKind.READMISSION, EventKind.RESTORATION)


class EventForm(VNFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Sự kiện", choices=[(k.value, k.label) for k in EventKind if k in DIRECT_KINDS]
    )
    date = forms.DateField(label="Ngày có hiệu lực")
    organization = CellChoiceField(
        label="Chi bộ", queryset=Organization.objects.none(), required=False,
        help_text="Chỉ cần cho chuyển sinh hoạt nội bộ, kết nạp lại, khôi phục đảng tịch.",
    )  # fmt: skip
    decision_no = forms.CharField(label="Số quyết định", max_length=100, required=False)
    decision_date = forms.DateField(label="Ngày quyết định", required=False)
    decision_level = forms.ChoiceField(
        label="Cấp ra quyết định", required=False, choices=[("", "—"), *DecisionLevel.choices],
        help_text="Cấp có thẩm quyền theo Điều lệ Đảng: xem bảng bên dưới.",
    )  # fmt: skip
    decision_issuer = forms.CharField(
        label="Cơ quan ra quyết định", max_length=255, required=False,
        help_text="Ví dụ: Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh.",
    )  # fmt: skip
    discipline_form = forms.ChoiceField(label="Hình thức kỷ luật", required=False)
    discipline_year = forms.IntegerField(label="Tính cho năm", required=False, min_value=1930, max_value=2100)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)

    def __init__(self, *args, cells=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["organization"].queryset = cells
        if actor is not None:
            self.fields["organization"].pick(actor)
        # The forms of the discipline rules in force (rules.py); expulsion is its own event.
        forms_now = decision_rules_on(today()).all_forms
        self.fields["discipline_form"].choices = [("", "—")] + [
            (f, DisciplineForm(f).label) for f in forms_now if f != DisciplineForm.EXPULSION
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in NEEDS_CELL and not cleaned.get("organization"):
            self.add_error("organization", "Chi bộ: sự kiện này cần chọn chi bộ.")
        if cleaned.get("kind") == EventKind.DISCIPLINE and not cleaned.get("discipline_form"):
            self.add_error("discipline_form", "Hình thức kỷ luật: chưa chọn.")
        return cleaned


_MONTH = re.compile(r"^\s*(\d{1,2})/(\d{4})\s*$")


class MonthField(forms.CharField):
    """A month written "mm/yyyy" (e.g. dues paid up to 07/2013); cleaned to the first day of the month."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        m = _MONTH.match(value)
        if not m or not 1 <= int(m.group(1)) <= 12:
            raise forms.ValidationError("tháng không hợp lệ, cần có dạng mm/yyyy (ví dụ 07/2013).")
        return dt.date(int(m.group(2)), int(m.group(1)), 1)

    def prepare_value(self, value):
        return value.strftime("%m/%Y") if isinstance(value, dt.date) else value


class DestinationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.long_name


class TransferForm(VNFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Hình thức chuyển", choices=TransferKind.choices)
    to_organization = DestinationField(
        label="Nơi đến trong hệ thống", queryset=Organization.objects.none(), required=False,
        help_text="Tổ chức cơ sở đảng nơi đến; chuyển nội bộ thì chọn chi bộ trong cùng đảng bộ cơ sở.",
    )  # fmt: skip
    to_external = forms.CharField(
        label="Nơi đến ngoài hệ thống", max_length=255, required=False,
        help_text="Ghi khi chuyển ra ngoài phạm vi quản lý của hệ thống (tỉnh khác, cơ quan Trung ương …).",
    )  # fmt: skip
    sent_date = forms.DateField(label="Ngày giới thiệu")
    moved_date = forms.DateField(label="Ngày chuyển công tác, nơi cư trú", required=False)
    letter_no = forms.CharField(
        label="Số giấy giới thiệu", max_length=100, required=False, help_text="Ví dụ 15-GGT/ĐU."
    )
    dues_paid_to = MonthField(label="Đã đóng đảng phí đến hết tháng", required=False, help_text="mm/yyyy")
    temporary_until = forms.DateField(label="Sinh hoạt tạm thời đến ngày", required=False)
    purpose = forms.ChoiceField(
        label="Trường hợp chuyển tạm thời", required=False, choices=[("", "—"), *TemporaryPurpose.choices],
        help_text="Chỉ cho chuyển sinh hoạt tạm thời: thời hạn cho phép tùy trường hợp.",
    )  # fmt: skip
    issuer_level = forms.ChoiceField(label="Cấp giới thiệu", choices=DecisionLevel.choices)
    issuer = forms.CharField(label="Cấp ủy giới thiệu", max_length=255)
    reason = forms.CharField(label="Lý do", max_length=255, required=False)

    MAX_CHOICES = 1500

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        temporary = ", ".join(
            f"{TemporaryPurpose(p).label.lower()}: {span.describe()}"
            for p, span in rules_on(today()).temporary_lengths
        )
        self.fields["temporary_until"].help_text = f"Chuyển tạm thời: {temporary}."
        home = member.organization
        own = home.grassroots()
        cells_of_own = Q(kind__in=CELL_KINDS, path__startswith=own.path) if own else Q(pk__in=[])
        qs = (
            Organization.objects.filter(end_date__isnull=True)
            .filter(Q(kind__in=GRASSROOTS_KINDS) | cells_of_own)
            .exclude(pk=home.pk)
            .select_related("parent")
            .order_by("path")
        )
        field = self.fields["to_organization"]
        field.queryset = qs
        if qs[: self.MAX_CHOICES + 1].count() > self.MAX_CHOICES:
            field.to_field_name = "code"
            field.widget = forms.TextInput(attrs={"autocomplete": "off"})
            field.label = "Mã tổ chức nơi đến"


class ReceiveForm(VNFormMixin, forms.Form):
    cell = CellChoiceField(label="Chi bộ tiếp nhận", queryset=Organization.objects.none())
    received_date = forms.DateField(label="Ngày tiếp nhận")

    def __init__(self, *args, cells=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cells is not None:
            self.fields["cell"].queryset = cells
        if actor is not None:
            self.fields["cell"].pick(actor)


class DateForm(VNFormMixin, forms.Form):
    date = forms.DateField(label="Ngày")

    def __init__(self, *args, label="Ngày", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].label = label
