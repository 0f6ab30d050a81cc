from __future__ import annotations

from django import forms

from dangbo.audit.concurrency.services import version_field
from dangbo.core.forms import VNFormMixin, VNNumberField, check_model_numbers
from dangbo.organizations.forms import OrganizationPickerField
from dangbo.organizations.models import Organization

from ..choices import AssigneeMode, ReportKind
from ..models import Assignment, Document, Task
from .services import MAX_FIGURE


class TaskForm(VNFormMixin, forms.ModelForm):
    mode = forms.ChoiceField(label="Giao cho", choices=AssigneeMode.choices, widget=forms.RadioSelect,
                             initial=AssigneeMode.ALL_GRASSROOTS)  # fmt: skip
    under = OrganizationPickerField(label="Trong đảng bộ", required=False, empty_label="Chọn đảng bộ trực thuộc",
                                    help_text="Khi giao cho các tổ chức trong một đảng bộ trực thuộc")  # fmt: skip
    chosen = forms.ModelMultipleChoiceField(label="Các tổ chức được chọn", queryset=Organization.objects.none(),
                                            required=False, widget=forms.CheckboxSelectMultiple)  # fmt: skip

    class Meta:
        model = Task
        fields = [
            "document",
            "title",
            "instructions",
            "report_kind",
            "figure_label",
            "assigned_date",
            "deadline",
        ]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3}), "report_kind": forms.RadioSelect}

    def __init__(self, *args, actor=None, documents=None, children=(), subcommittees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents if documents is not None else Document.objects.none()
        self.fields["document"].label_from_instance = lambda d: (
            f"Số {d.symbol} ({d.issued_date:%d/%m/%Y}) – {d.summary[:90]}"
        )
        self.fields["document"].empty_label = "— nhiệm vụ không theo văn bản —"
        self.fields["report_kind"].choices = ReportKind.choices
        self.fields["chosen"].queryset = Organization.objects.filter(
            pk__in=[o.pk for o in children]
        ).order_by("name_norm")
        self.fields["chosen"].label_from_instance = lambda o: o.name
        if actor is not None:  # the picker: any organization in view; accepted: a committee directly under
            self.fields["under"].for_actor(actor, subcommittees, refused=(
                "chỉ chọn được một đảng bộ trực thuộc cấp ủy giao nhiệm vụ (không phải chi bộ)."))  # fmt: skip

    def _post_clean(self):
        pass  # rules live in the service


class TaskEditForm(VNFormMixin, forms.ModelForm):
    version = version_field()  # the edit page's version token (audit.concurrency)

    class Meta:
        model = Task
        fields = ["title", "instructions", "figure_label", "deadline"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.report_kind != ReportKind.FIGURE:
            del self.fields["figure_label"]
        for f in self.fields.values():  # the service reports every problem at once
            f.required = False

    def _post_clean(self):
        pass


class ReportForm(VNFormMixin, forms.ModelForm):
    attended = VNNumberField(
        label="Số đảng viên tham dự", required=False, whole=True, min_value=0, example="25"
    )
    figure = VNNumberField(
        label="Số liệu", required=False, decimal_places=2, min_value=0, max_value=MAX_FIGURE
    )
    upload = forms.FileField(label="Tệp đính kèm", required=False,
                             help_text="PDF, Word, Excel, OpenDocument hoặc ảnh chụp; tối đa theo cấu hình (mặc định 20 MB).")  # fmt: skip

    class Meta:
        model = Assignment
        fields = ["session_date", "attended", "programme_symbol", "programme_date", "figure", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import REPORT_FIELDS

        keep = set(REPORT_FIELDS[task.report_kind])
        for name in list(self.fields):
            if name != "upload" and name not in keep:
                del self.fields[name]
        if "figure" in self.fields and task.figure_label:
            self.fields["figure"].label = task.figure_label
        for name in ("session_date", "attended", "programme_symbol", "programme_date", "figure"):
            if name in self.fields:
                self.fields[name].required = True
        if "attended" in self.fields:
            self.fields[
                "attended"
            ].help_text = "Số đảng viên của tổ chức ngày học tập được lấy từ danh sách đảng viên."

    def _post_clean(self):
        check_model_numbers(self)  # the columns' ranges; the report's rules live in the service


class CloseForm(VNFormMixin, forms.Form):
    closed_date = forms.DateField(label="Ngày kết thúc nhận báo cáo", required=False)
