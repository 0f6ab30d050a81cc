from django import forms

from dangbo.core.forms import VNFormMixin
from dangbo.organizations.models import Organization

from .choices import Role


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("\u2003" * obj.depth) + obj.long_name


class RoleForm(VNFormMixin, forms.Form):
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    organization = OrgChoiceField(label="Tại tổ chức", queryset=Organization.objects.none())

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class UserCreateForm(RoleForm):
    """A login is created together with its first role."""

    field_order = ["username", "full_name", "password", "role", "organization"]
    username = forms.CharField(
        label="Tên đăng nhập", max_length=40, help_text="Chữ thường không dấu, chữ số, dấu . _ -"
    )
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    password = forms.CharField(label="Mật khẩu ban đầu", widget=forms.PasswordInput(render_value=False),
                               help_text="Ít nhất 8 ký tự; người dùng nên đổi sau lần đăng nhập đầu.")  # fmt: skip


class PasswordResetForm(VNFormMixin, forms.Form):
    password = forms.CharField(label="Mật khẩu mới", widget=forms.PasswordInput(render_value=False))
