from django import forms

from dangbo.core.forms import VNFormMixin
from dangbo.organizations.forms import OrganizationPickerField

from .choices import Role


class RoleForm(VNFormMixin, forms.Form):
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    organization = OrganizationPickerField(label="Tại tổ chức")

    def __init__(self, *args, actor=None, organizations=None, **kwargs):
        """``organizations``: where ``actor`` may grant roles (the picker offers and searches that scope)."""
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.fields["organization"].for_actor(actor, organizations, work="grant_roles")


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
