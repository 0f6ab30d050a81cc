from django import forms

from dangbo.audit.concurrency.services import version_field
from dangbo.core import policies
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import VNFormMixin
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.forms import OrganizationPicker
from dangbo.organizations.models import Organization

from .choices import MemberStatus
from .models import Member
from .services import EDIT_FIELDS, MEMBER_FIELDS, STANDING_FIELDS, check_member

# Sections of the member form, in the order of the phiếu đảng viên.
SECTIONS = [
    ("Sơ yếu", ["full_name", "other_names", "gender", "birth_date", "birth_place", "native_place", "residence",
                "ethnicity", "religion", "occupation", "citizen_id", "phone"]),
    ("Sinh hoạt đảng", ["organization", "since", "from_external", "status", "card_number", "cv_number", "joined_date",
                        "joined_cell", "admission_decision_date", "official_date", "official_cell",
                        "introducer_1", "introducer_2", "youth_union_date"]),
    ("Trình độ", ["general_education", "professional_education", "degree", "academic_title", "political_theory"]),
]  # fmt: skip


class CellChoiceField(forms.ModelChoiceField):
    """A cell. With ``pick(actor)`` it is chosen with the one organization picker (searchable, in tree order)
    over the organizations where ``actor`` places members; only the field's cells (active ones) are accepted."""

    def label_from_instance(self, obj):
        return obj.long_name

    def pick(self, actor):
        empty = None if self.required else self.empty_label
        self.widget = OrganizationPicker()
        self.widget.actor, self.widget.work, self.widget.empty_label = actor, "place_members", empty
        self.error_messages["invalid_choice"] = (
            "hãy chọn một chi bộ đang hoạt động trong phạm vi của bạn (đảng bộ không có đảng viên sinh hoạt trực tiếp)."
        )
        return self


class MemberForm(VNFormMixin, forms.ModelForm):
    """The phiếu đảng viên. Creating a record also asks from when the member is on this cell's roll (the
    "nhập hồ sơ" event); editing it leaves the standing alone — cell, status and exemption change by events."""

    organization = CellChoiceField(label="Chi bộ", queryset=Organization.objects.none())
    since = forms.DateField(
        label="Sinh hoạt tại chi bộ từ ngày", required=False,
        help_text="Ngày bắt đầu sinh hoạt tại chi bộ này; bỏ trống là hôm nay.",
    )  # fmt: skip
    from_external = forms.CharField(
        label="Chuyển đến từ (ngoài hệ thống)", max_length=255, required=False,
        help_text="Ghi nơi chuyển đến khi đảng viên chuyển sinh hoạt từ ngoài phạm vi hệ thống (tỉnh khác …).",
    )  # fmt: skip

    version = version_field()  # the edit page's version token (audit.concurrency)

    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)

    def __init__(self, *args, cells=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s.value, s.label) for s in (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY)
        ]
        self.fields["citizen_id"].widget.attrs.update({"inputmode": "numeric", "maxlength": 12})
        if self.instance.pk:
            for name in (*STANDING_FIELDS, "since", "from_external"):
                self.fields.pop(name, None)
            return
        field = self.fields["organization"]
        if cells is not None:
            field.queryset = cells
            if actor is not None:  # the one organization picker: searchable whatever the number of cells
                field.pick(actor)

    def _post_clean(self):
        # Model validation (uniqueness, cross-field rules) is the service's job: services.validate_member.
        pass

    def clean(self):
        cleaned = super().clean()
        # Ask the service's rules now too, so the user sees every problem at once, not one round at a time.
        try:
            data = {
                k: v for k, v in cleaned.items() if k in (EDIT_FIELDS if self.instance.pk else MEMBER_FIELDS)
            }
            check_member(data=data, instance=self.instance if self.instance.pk else None)
        except ApplicationError as error:
            for name, message in error.field_errors.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    def sections(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in SECTIONS]


def cell_choices(organizations_qs, *, include=None):
    """Cells offered in the member form: active cell-level organizations in the actor's scope."""
    qs = organizations_qs.filter(kind__in=CELL_KINDS, end_date__isnull=True)
    if include is not None:
        qs = qs | organizations_qs.filter(pk=include)
    return qs.select_related("parent").order_by("path")


def place_cells(actor, *, include=None):
    """``cell_choices`` of the cells where ``actor`` may place members (and ``include``, a member's own cell)."""
    return cell_choices(policies.scope(actor, "place_members", Organization.objects.all()), include=include)


def sole_choice(queryset) -> int | None:
    """The id of the only row of ``queryset`` (a cell secretary has one cell: nothing to choose), else None."""
    ids = list(queryset.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


class ImportForm(VNFormMixin, forms.Form):
    """The member import page: the file, and the cell of the rows that do not name theirs by "Mã chi bộ"."""

    organization = CellChoiceField(
        label="Chi bộ", queryset=Organization.objects.none(), required=False,
        help_text="Chi bộ của các dòng không ghi «Mã chi bộ»; bỏ trống khi mỗi dòng ghi mã chi bộ của mình.",
    )  # fmt: skip
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc CSV",
        help_text="Theo tệp mẫu. Tệp nhiều dòng được kiểm tra và nhập ở chế độ chạy nền, có tiến độ.",
    )

    def __init__(self, *args, cells=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = cells if cells is not None else Organization.objects.none()
        if actor is not None:  # the one organization picker: searchable whatever the number of cells
            field.pick(actor)


def import_form(actor, data, files):
    """The member import page's form (``imports.MEMBERS.form``): the cells the actor may place members in."""
    from dangbo.core import policies

    cells = cell_choices(policies.scope(actor, "place_members", Organization.objects.all()))
    initial = {"organization": only} if (only := sole_choice(cells)) else {}
    return ImportForm(data, files, cells=cells, actor=actor, initial=initial)
