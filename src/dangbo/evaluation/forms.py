"""Forms of the evaluation pages: they only read the input; every rule is the service's."""

from __future__ import annotations

from django import forms

from dangbo.audit.concurrency.services import version_field
from dangbo.core.forms import VNFormMixin, VNNumberField, VNRowsFormSet
from dangbo.organizations.forms import OrganizationPickerField

from .choices import Grade, Level, NotRated, Part, PeriodKind, Subject

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


class CriteriaMixin:
    """Fields ``c0``, ``c1`` … for the criteria of the rating's catalogue (``criteria.Criterion``): the points of each
    (QĐ 366) or its grade (QĐ 124, 132). ``criteria_values()`` gives them to the service, which checks them."""

    def add_criteria(self, items, filled=None):
        self.criteria_items = list(items)
        values = {f.get("text"): f.get("value") for f in filled or []}
        for i, c in enumerate(self.criteria_items):
            label = f"{c.text} (tối đa {c.points} điểm)" if c.points is not None else c.text
            if c.points is not None:
                field = VNNumberField(label=label, required=False, example=str(c.points))
            else:
                field = forms.ChoiceField(label=label, required=False, choices=[("", "—"), *Grade.choices])
            self.fields[f"c{i}"] = field
            if values.get(c.text) is not None and not self.is_bound:
                self.initial[f"c{i}"] = values[c.text]

    def criteria_fields(self):
        return [self[f"c{i}"] for i in range(len(getattr(self, "criteria_items", [])))]

    def other_fields(self):
        return [f for f in self if not (f.name[0] == "c" and f.name[1:].isdigit())]

    def service_data(self) -> dict:
        """The cleaned data with the criteria's values gathered under ``criteria``."""
        data = {k: v for k, v in self.cleaned_data.items() if not (k[0] == "c" and k[1:].isdigit())}
        data["criteria"] = {k: v for k, v in self.cleaned_data.items() if k[0] == "c" and k[1:].isdigit()}
        return data


class SelfForm(CriteriaMixin, VNFormMixin, forms.Form):
    level = forms.ChoiceField(label="Tự xếp loại", choices=LEVELS)
    text = forms.CharField(label="Tự kiểm điểm", required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 8}))  # fmt: skip


class ProposeForm(CriteriaMixin, VNFormMixin, forms.Form):
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


class CatalogueChoiceForm(VNFormMixin, forms.Form):
    """Which catalogue the page shows (GET)."""

    nam = VNNumberField(label="Áp dụng từ năm", whole=True, example="2025")
    doi_tuong = forms.ChoiceField(label="Đối tượng", choices=Subject.choices, initial=Subject.MEMBER)


class CriterionForm(VNFormMixin, forms.Form):
    part = forms.ChoiceField(label="Phần", choices=[("", "—"), *Part.choices], required=False)
    text = forms.CharField(
        label="Tiêu chí", required=False, max_length=500, widget=forms.TextInput(attrs={"size": 70})
    )
    points = VNNumberField(label="Điểm tối đa", required=False, whole=True, example="10",
                           widget=forms.TextInput(attrs={"size": 5, "inputmode": "numeric"}))  # fmt: skip


CriteriaFormSet = forms.formset_factory(
    CriterionForm, formset=VNRowsFormSet, extra=3, max_num=40, absolute_max=60
)


class CatalogueForm(VNFormMixin, forms.Form):
    """A catalogue's version token; its rows are the ``CriteriaFormSet`` beside it."""

    version = version_field()


class ResidenceForm(VNFormMixin, forms.Form):
    version = version_field()
    residence_cell = forms.CharField(label="Chi bộ nơi cư trú", max_length=255, required=False)
    received_on = forms.DateField(label="Ngày nhận phiếu nhận xét", required=False)
    comment = forms.CharField(label="Nhận xét", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    concerns = forms.BooleanField(label="Có nội dung cần lưu ý", required=False)


class ResidentCommentForm(ResidenceForm):
    """The residence cell's own page: the cell is the one the member is registered with, not typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["residence_cell"]


class ResidenceRegisterForm(VNFormMixin, forms.Form):
    """The residence cell chosen with the organization picker over every cell in operation (``?lam=residence_cell``:
    it is usually outside the actor's tree); the service checks the rest (not the member's own cell …)."""

    residence_org = OrganizationPickerField(
        label="Chi bộ nơi cư trú", required=False, empty_label="Chọn chi bộ nơi cư trú",
        help_text="Chi bộ ghi trên giấy giới thiệu sinh hoạt nơi cư trú: gõ tên chi bộ (thôn, tổ dân phố…) để tìm.",
    )  # fmt: skip
    valid_from = forms.DateField(label="Từ ngày", required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None:
            from dangbo.core import policies
            from dangbo.organizations.models import Organization

            work = "residence_cell"
            self.fields["residence_org"].for_actor(actor, policies.scope(actor, work, Organization.objects.all()),
                                                   work=work, refused="chỉ chọn được một chi bộ đang hoạt động.")  # fmt: skip
