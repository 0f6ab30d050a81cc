"""Forms of admission and probation: the candidate's dossier, a decision (admission, official recognition)."""

from __future__ import annotations

import copy

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q

from dangbo.audit.concurrency.services import version_field
from dangbo.core.formats import so
from dangbo.core.forms import VNFormMixin
from dangbo.organizations.models import Organization

from ..choices import DecisionLevel, MemberStatus
from ..forms import CellChoiceField
from ..models import VOTES_MAX, Candidate, Member
from .services import CANDIDATE_FIELDS, check_candidate


class DecisionForm(VNFormMixin, forms.Form):
    decision_no = forms.CharField(label="Số quyết định", max_length=100)
    decision_date = forms.DateField(label="Ngày quyết định")
    decision_level = forms.ChoiceField(label="Cấp ra quyết định", choices=[("", "—"), *DecisionLevel.choices])
    decision_issuer = forms.CharField(label="Cơ quan ra quyết định", max_length=255)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.organization.name})"


class CandidateForm(VNFormMixin, forms.ModelForm):
    """The dossier of a person applying to join, step by step; mentor and introducers are chosen among the
    members of the candidate's grassroots organization."""

    version = version_field()  # the dossier page's version token (audit.concurrency)

    class Meta:
        model = Candidate
        fields = list(CANDIDATE_FIELDS)

    def __init__(self, *args, cells=None, members=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = CellChoiceField(
            label="Chi bộ", queryset=cells if cells is not None else Organization.objects.none()
        )
        if actor is not None:
            self.fields["organization"].pick(actor)
        members = members if members is not None else Member.objects.none()
        for name in ("mentor", "introducer_1", "introducer_2"):
            label = self.fields[name].label
            self.fields[name] = MemberChoiceField(label=label, required=False, queryset=members)
        # Introducers are official members (on the cell's date, which the service checks); the ones already in the
        # dossier stay choosable, so an older dossier can be saved and shows its problem.
        chosen = [i for i in (self.instance.introducer_1_id, self.instance.introducer_2_id) if i]
        for name in ("introducer_1", "introducer_2"):
            self.fields[name].queryset = members.filter(Q(status=MemberStatus.OFFICIAL) | Q(pk__in=chosen))
            self.fields[name].error_messages["invalid_choice"] = "chỉ chọn được đảng viên chính thức."
        self.fields["mentor"].error_messages["invalid_choice"] = "giá trị đã chọn không hợp lệ."
        for name, low in (("votes_for", 0), ("official_members", 1)):  # whole numbers, within a small integer
            if name in self.fields:
                field = self.fields[name]
                field.min_value, field.max_value = low, VOTES_MAX
                bounds = f"phải là số nguyên từ {low} đến {so(VOTES_MAX)}."
                field.validators = [MinValueValidator(low, bounds), MaxValueValidator(VOTES_MAX, bounds)]
                field.widget.attrs.update({"min": low, "max": VOTES_MAX})
                field.error_messages["invalid"] = "phải là một số nguyên."
        if not self.instance.pk:  # first the person; the dossier steps once the cell is known
            for name in CANDIDATE_FIELDS:
                if name not in ("organization", "full_name", "gender", "birth_date", "ethnicity", "religion",
                                "occupation", "general_education", "education_exception", "note"):  # fmt: skip
                    self.fields.pop(name)

    def clean(self):
        """Every rule of the service that makes a dossier impossible (``admission.check_candidate``), shown beside
        its field before anything is saved."""
        cleaned = super().clean()
        for name, message in check_candidate(data=cleaned, instance=self.instance).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def _post_clean(self):
        """The model's own validation (field validators, constraints) on a copy: the instance the page shows
        stays as saved until the service (``admission.candidate_save``, which checks every rule) saves."""
        shown = self.instance
        self.instance = copy.copy(shown)
        try:
            super()._post_clean()
        finally:
            self.instance = shown

    SECTIONS = [
        ("Người xin vào Đảng", ["organization", "full_name", "gender", "birth_date", "ethnicity", "religion",
                                "occupation", "general_education", "education_exception"]),
        ("Bồi dưỡng, đơn và lý lịch", ["mentor", "course_certificate_no", "course_date", "application_date",
                                       "cv_verified_date"]),
        ("Người giới thiệu", ["introducer_1", "introducer_1_since", "introducer_2", "introducer_2_since"]),
        ("Chi bộ và đảng ủy cơ sở xét", ["cell_resolution_date", "votes_for", "official_members",
                                         "grassroots_resolution_date", "note"]),
    ]  # fmt: skip

    def sections(self):
        out = []
        for title, names in self.SECTIONS:
            fields = [self[n] for n in names if n in self.fields]
            if fields:
                out.append((title, fields))
        return out
