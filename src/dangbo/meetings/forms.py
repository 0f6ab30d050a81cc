from __future__ import annotations

from django import forms
from django.utils import timezone

from dangbo.audit.concurrency.services import version_field
from dangbo.core.forms import VNFormMixin, VNNumberField, VNRowsFormSet, check_model_numbers
from dangbo.members.models import Member

from .choices import Presence
from .models import GradeLevel, Meeting
from .services import MAX_DUES, MAX_VOTES, MINUTES_FIELDS, PLAN_FIELDS

DATETIME_FORMAT = "%d/%m/%Y %H:%M"


class VNDateTimeField(forms.DateTimeField):
    """ "dd/mm/yyyy hh:mm" (the hour may be left out: 00:00)."""

    input_formats = [DATETIME_FORMAT, "%d/%m/%Y %H.%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateTimeInput(format=DATETIME_FORMAT, attrs={
            "placeholder": "dd/mm/yyyy hh:mm", "inputmode": "numeric", "autocomplete": "off"}))  # fmt: skip
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = "ngày giờ không hợp lệ, cần có dạng dd/mm/yyyy hh:mm."


class TimeOfMeetingField(forms.TimeField):
    input_formats = ["%H:%M", "%H.%M", "%Hh%M", "%Hh"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "inputmode": "numeric"})
        )
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = "giờ không hợp lệ, cần có dạng hh:mm (ví dụ 14:00)."


class PlanForm(VNFormMixin, forms.ModelForm):
    version = version_field()  # the edit page's version token (audit.concurrency)
    planned_at = VNDateTimeField(label="Thời gian")

    class Meta:
        model = Meeting
        fields = list(PLAN_FIELDS)
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_at"].error_messages["invalid"] = (
            "ngày giờ không hợp lệ, cần có dạng dd/mm/yyyy hh:mm."
        )

    def _post_clean(self):
        pass  # rules live in services


class AttendanceForm(VNFormMixin, forms.Form):
    """One row per expected member: presence (radio buttons) and a reason. Built from the roll."""

    version = version_field()  # the page's version token (audit.concurrency): no silent overwrite

    def __init__(self, *args, entries, initial_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = [e for e in entries if e.counted]
        self.apart = [e for e in entries if not e.counted]
        initial_rows = initial_rows or {}
        for e in self.entries:
            pk = e.member.pk
            presence, reason = initial_rows.get(pk, (Presence.PRESENT, ""))
            self.fields[f"m{pk}"] = forms.ChoiceField(
                label=e.member.full_name, choices=Presence.choices, widget=forms.RadioSelect, initial=presence
            )
            self.fields[f"r{pk}"] = forms.CharField(
                label=f"Lý do vắng của {e.member.full_name}",
                required=False,
                max_length=255,
                initial=reason,
                widget=forms.TextInput(attrs={"placeholder": "Lý do vắng (nếu vắng)"}),
            )

    def rows(self):
        return [(e, self[f"m{e.member.pk}"], self[f"r{e.member.pk}"]) for e in self.entries]

    def cleaned_rows(self) -> dict[int, tuple[str, str]]:
        return {e.member.pk: (self.cleaned_data[f"m{e.member.pk}"], self.cleaned_data.get(f"r{e.member.pk}", ""))
                for e in self.entries}  # fmt: skip


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class MinutesForm(VNFormMixin, forms.ModelForm):
    """Parses the minutes; the rules (votes within the members present, the chair present …) are the service's."""

    version = version_field()  # the page's version token (audit.concurrency)

    start_time = TimeOfMeetingField(label="Bắt đầu lúc", required=False)
    end_time = TimeOfMeetingField(label="Kết thúc lúc", required=False)
    dues_amount = VNNumberField(label="Số tiền đảng phí thu được (đồng)", required=False, whole=True, min_value=0,
                                max_value=MAX_DUES, example="180.000")  # fmt: skip
    votes_for = VNNumberField(label="Số tán thành", required=False, whole=True, min_value=0, max_value=MAX_VOTES,
                              example="12")  # fmt: skip
    votes_against = VNNumberField(label="Số không tán thành", required=False, whole=True, min_value=0,
                                  max_value=MAX_VOTES, example="0")  # fmt: skip
    votes_abstain = VNNumberField(label="Số không biểu quyết", required=False, whole=True, min_value=0,
                                  max_value=MAX_VOTES, example="0")  # fmt: skip
    # The service names the times as the model does; they are typed in these fields.
    SERVICE_FIELDS = {"started_at": "start_time", "ended_at": "end_time"}

    class Meta:
        model = Meeting
        fields = [f for f in MINUTES_FIELDS if f not in ("started_at", "ended_at")]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in (
            "last_month_results", "news_guidance", "study_follow", "opinions", "resolution")}  # fmt: skip

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "minutes_secretary"):
            self.fields[name] = MemberChoice(label=self.fields[name].label, required=False,
                                             queryset=members if members is not None else Member.objects.none())  # fmt: skip
        # The times as read on the meeting's clock (the stored value is UTC): re-saving the page keeps them.
        if self.instance.started_at:
            self.initial["start_time"] = timezone.localtime(self.instance.started_at).time()
        if self.instance.ended_at:
            self.initial["end_time"] = timezone.localtime(self.instance.ended_at).time()
        self.order_fields(["start_time", "end_time", "chair", "minutes_secretary"])

    def _post_clean(self):
        check_model_numbers(self)  # the columns' ranges; the other rules are the service's

    def apply_error(self, error, **kwargs):
        error.field_errors = {self.SERVICE_FIELDS.get(k, k): v for k, v in error.field_errors.items()}
        super().apply_error(error, **kwargs)


class TaskForm(VNFormMixin, forms.Form):
    content = forms.CharField(label="Nhiệm vụ", max_length=500, required=False)
    member = MemberChoice(label="Người thực hiện", queryset=Member.objects.none(), required=False)
    due_date = forms.DateField(label="Thời hạn", required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members


TaskFormSet = forms.formset_factory(
    TaskForm, formset=VNRowsFormSet, extra=0, min_num=6, max_num=20, absolute_max=20
)


class GradeForm(forms.Form):
    level = forms.ModelChoiceField(
        label="Xếp loại", queryset=GradeLevel.objects.filter(active=True), empty_label=None
    )
    note = forms.CharField(label="Nhận xét", max_length=500, required=False)
