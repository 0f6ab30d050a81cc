from django import forms
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dangbo.audit.concurrency.services import version_field
from dangbo.core import policies
from dangbo.core.forms import VNFormMixin
from dangbo.core.http import int_param
from dangbo.members.models import Member

from .choices import ALLOWED_PARENTS, OrgKind, Position
from .models import Organization, Term
from .selectors import ENDED, picker_entry, picker_offered


class OrganizationForm(VNFormMixin, forms.ModelForm):
    version = version_field()  # the edit page's version token (audit.concurrency)

    class Meta:
        model = Organization
        fields = [
            "name", "short_name", "code", "kind", "host_unit", "founding_decision_no", "founding_date",
            "founding_issuer", "end_date", "end_decision_no", "meeting_day",
        ]  # fmt: skip

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        parent_kind = (
            parent.kind
            if parent is not None
            else (self.instance.parent.kind if self.instance.parent_id else None)
        )
        allowed = [k for k, parents in ALLOWED_PARENTS.items() if parent_kind in parents]
        self.fields["kind"].choices = [(k, OrgKind(k).label) for k in allowed]

    def _post_clean(self):
        # Model validation (uniqueness, rules) belongs to the service; the form only parses input.
        pass


class TermForm(VNFormMixin, forms.ModelForm):
    class Meta:
        model = Term
        fields = ["name", "start_date", "end_date", "congress_start", "congress_end"]
        help_texts = {
            "start_date": "Ngày đầu của nhiệm kỳ: ngày cấp ủy mới họp phiên thứ nhất nếu họp trong đại hội (thường là "
                          "ngày bế mạc), nếu không thì ngày sau ngày bế mạc; cấp ủy được chỉ định: ngày chỉ định. Văn bản "
                          "của cấp ủy được đánh số từ 01 theo từng loại trong mỗi nhiệm kỳ.",
            "end_date": "Ngày bế mạc đại hội nhiệm kỳ sau; để trống khi nhiệm kỳ đang diễn ra.",
            "congress_start": "Đại hội mở đầu nhiệm kỳ này (nếu có). Văn bản của đại hội được đánh số chung từ 01, từ "
                              "phiên trù bị đến khi bế mạc.",
        }  # fmt: skip

    def _post_clean(self):
        pass


class SeatForm(VNFormMixin, forms.Form):
    member = forms.ModelChoiceField(label="Đảng viên", queryset=Member.objects.none())
    position = forms.ChoiceField(label="Chức vụ", choices=Position.choices)
    start_date = forms.DateField(label="Từ ngày", required=False)

    # Above this many members a drop-down is unusable (and slow to render): the member is entered by the
    # "Mã hồ sơ" shown on their page.
    MAX_CHOICES = 1500

    def __init__(self, *args, members=None, member_total=0, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members
        if member_total > self.MAX_CHOICES:
            self.fields["member"].widget = forms.NumberInput(attrs={"min": 1})
            self.fields["member"].label = "Mã hồ sơ đảng viên"
            self.fields["member"].help_text = "Số ghi ở mục «Mã hồ sơ» trên trang của đảng viên."


# --- The organization picker (its data: selectors.py) ------------------------------------------------------------------------------------------------


def picker_html(actor, name: str, value=None, *, empty_label: str | None = None, attrs: dict | None = None,
                work: str = policies.VIEW) -> str:  # fmt: skip
    """The picker's markup: a <select> (the offered list, the chosen organization selected) that picker.js turns
    into a search box."""
    entries, options = picker_offered(actor, work)
    chosen = int_param(getattr(value, "pk", value))
    if chosen is not None:
        marker = f'<option value="{chosen}" '
        if marker in options:
            options = options.replace(marker, f'<option selected value="{chosen}" ', 1)
        elif (entry := picker_entry(actor, chosen, work)) is not None:
            options = entry.option().replace("<option ", "<option selected ", 1) + options
    attrs = {"id": f"id_{name}", **(attrs or {}), "name": name}
    shown = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items() if v is not None and v is not False)
    empty = f'<option value="">{escape(empty_label)}</option>' if empty_label is not None else ""
    source = reverse("organizations:picker")
    scope = f' data-work="{escape(work)}"' if work != policies.VIEW else ""
    return mark_safe(
        f'<span class="org-picker" data-org-picker data-source="{source}"{scope}>'
        f"<select {shown}>{empty}{options}</select></span>"
    )


class OrganizationPicker(forms.Widget):
    """The picker as a form widget; ``actor`` is set by ``OrganizationPickerField.for_actor``."""

    actor = None
    empty_label: str | None = None
    work: str = policies.VIEW

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        return picker_html(self.actor, name, value, empty_label=self.empty_label, attrs=attrs, work=self.work)

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class OrganizationPickerField(forms.ModelChoiceField):
    """A choice of one organization in the actor's scope, with the picker. The offered list never becomes
    ``choices`` (no option objects are built per request); any organization in ``queryset`` is accepted."""

    widget = OrganizationPicker

    _scope_of = (
        None  # ``for_actor`` without a queryset: the actor whose scope ``queryset`` is, built when read
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.none())
        super().__init__(*args, **kwargs)

    def _get_queryset(self):
        if self._queryset is None and self._scope_of is not None:
            self._queryset = policies.scope(self._scope_of, policies.VIEW, Organization.objects.all())
        return self._queryset

    def _set_queryset(self, queryset):
        self._scope_of = None
        super()._set_queryset(queryset)

    queryset = property(_get_queryset, _set_queryset)

    def for_actor(self, actor, queryset=None, *, work: str = policies.VIEW, refused: str | None = None):
        """Offer and search the organizations of ``actor``'s scope for ``work`` (one of ``PICKER_WORKS``);
        accept those of ``queryset`` (default: the scope); ``refused``: the message for one the picker offers
        that this field does not accept (a cell asked, a committee chosen …)."""
        if (
            queryset is None
        ):  # the scope, built when a chosen organization is checked (most requests choose none)
            self._queryset, self._scope_of = None, actor
        else:
            self.queryset = queryset
        self.widget.actor = actor
        self.widget.empty_label = self.empty_label
        self.widget.work = work
        if refused:
            self.error_messages["invalid_choice"] = refused
        return self

    def label_from_instance(self, obj):
        return obj.name + (ENDED if obj.end_date else "")


class DecisionMixin(forms.Form):
    date = forms.DateField(label="Ngày có hiệu lực")
    decision_no = forms.CharField(label="Số quyết định", max_length=100)


class MoveForm(VNFormMixin, DecisionMixin):
    """Move an organization, or hand over several, under another parent (chuyển trực thuộc, bàn giao)."""

    new_parent = OrganizationPickerField(label="Chuyển về trực thuộc")

    def __init__(self, *args, actor=None, parents=None, **kwargs):
        """``parents``: the organizations that may take it (the picker offers where ``actor`` may add)."""
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.fields["new_parent"].for_actor(actor, parents, work=policies.ADD, refused=(
                "tổ chức này không nhận được tổ chức chuyển đến (cấp không phù hợp, đã kết thúc, "
                "hoặc là chính tổ chức, cấp trên hiện tại hay một tổ chức trực thuộc nó)."))  # fmt: skip
        self.order_fields(["new_parent", "date", "decision_no"])


class HandoverForm(MoveForm):
    organizations = forms.ModelMultipleChoiceField(
        label="Các tổ chức bàn giao",
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, children=None, **kwargs):
        super().__init__(*args, **kwargs)
        if children is not None:
            self.fields["organizations"].queryset = children
            self.fields["organizations"].label_from_instance = lambda o: (
                f"{o.name} ({o.member_count} đảng viên)"
            )


class RenameForm(VNFormMixin, DecisionMixin):
    name = forms.CharField(label="Tên mới", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt mới", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "short_name", "date", "decision_no"])


class MergeForm(VNFormMixin, DecisionMixin):
    target = OrganizationPickerField(label="Hợp nhất vào")

    def __init__(self, *args, actor=None, targets=None, **kwargs):
        """``targets``: the organizations it may merge into (same kind, same parent, active)."""
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.fields["target"].for_actor(actor, targets, work=policies.CHANGE, refused=(
                "chỉ hợp nhất được vào một tổ chức cùng loại, cùng cấp trên, đang hoạt động."))  # fmt: skip
        self.order_fields(["target", "date", "decision_no"])


class DissolveForm(VNFormMixin, DecisionMixin):
    pass


class SplitForm(VNFormMixin, DecisionMixin):
    """Split off a new cell beside this one (tách) and move the chosen members to it."""

    name = forms.CharField(label="Tên tổ chức mới", max_length=255)
    code = forms.CharField(label="Mã tổ chức mới", max_length=50)
    members = forms.ModelMultipleChoiceField(
        label="Đảng viên chuyển sang tổ chức mới", queryset=Member.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["members"].queryset = members
        self.order_fields(["name", "code", "date", "decision_no", "members"])


class OrganizationChoiceForm(VNFormMixin, forms.Form):
    """A page's first question, «of which organization?» (a GET form that submits when the choice changes): the
    picker over the organizations where the actor does ``work``; accepted: those of ``queryset``, any other
    refused with ``refused``. ``chosen`` is the accepted organization, or None (nothing asked yet, or refused)."""

    def __init__(self, data=None, *, name: str, label: str, actor, queryset, work: str, refused: str,
                 empty_label: str = "— chọn tổ chức —", initial=None):  # fmt: skip
        super().__init__(data if data and data.get(name) else None, initial={name: initial})
        self.name = name
        field = OrganizationPickerField(label=label, required=False, empty_label=empty_label)
        self.fields[name] = field.for_actor(actor, queryset, work=work, refused=refused)
        self.fields[name].widget.attrs["data-auto-submit"] = ""

    @property
    def chosen(self) -> Organization | None:
        return self.cleaned_data.get(self.name) if self.is_bound and self.is_valid() else None

    def pick(self, request, posted: str = "organization") -> Organization | None:
        """The organization the page is for: on a POST, the one its form carries (the field ``posted``) if
        accepted; on a GET, the one chosen here."""
        if request.method == "POST":
            return self.fields[self.name].queryset.filter(pk=int_param(request.POST.get(posted), 0)).first()
        return self.chosen

    def suggest(self, organization: Organization | None) -> None:
        """Show ``organization`` chosen when nothing was asked."""
        if organization is not None and not self.is_bound:
            self.initial[self.name] = organization.pk
