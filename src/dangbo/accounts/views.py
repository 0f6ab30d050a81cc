from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.audit.models import Action
from dangbo.audit.selectors import history_page
from dangbo.audit.services import record
from dangbo.core import policies
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import VNFormMixin
from dangbo.core.http import int_param
from dangbo.core.views import form_page
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

from . import services
from .choices import Role
from .forms import PasswordResetForm, RoleForm, UserCreateForm
from .models import RoleAssignment, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường.",
        "inactive": "Tài khoản này đã bị khóa.",
    }


class PasswordForm(VNFormMixin, PasswordChangeForm):
    pass


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordForm
    success_url = reverse_lazy("workspace:home")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            record(
                actor=form.user, action=Action.UPDATE, obj=form.user,
                extra={"password": {"label": "Mật khẩu", "before": "", "after": "(tự đổi)"}},
            )  # fmt: skip
        messages.success(self.request, "Đã đổi mật khẩu.")
        return response


def _grantable_orgs(actor):
    return policies.scope(
        actor, "grant_roles", Organization.objects.select_related("parent").order_by("path")
    )


def _require_manager(request):
    if not policies.anywhere(request.user, policies.VIEW, User):
        raise Http404


@login_required
def user_list(request):
    _require_manager(request)
    users = (
        policies.scope(request.user, policies.VIEW, User.objects.all())
        .prefetch_related("roles__organization")
        .order_by("username")
    )
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_manager(request)
    member = None
    if (mid := int_param(request.GET.get("dang_vien"))) is not None:
        member = (
            policies.scope(request.user, policies.VIEW, Member.objects.all())
            .filter(pk=mid)
            .select_related("organization")
            .first()
        )
    initial = (
        {"role": Role.MEMBER, "organization": member.organization_id, "full_name": member.full_name}
        if member
        else {}
    )
    form = UserCreateForm(
        request.POST or None, actor=request.user, organizations=_grantable_orgs(request.user), initial=initial
    )
    return form_page(request, form, lambda d: services.user_create(actor=request.user, member=member, **d),
                     template="accounts/user_form.html", context={"member": member},
                     success=lambda user: f"Đã tạo tài khoản {user.username}.",
                     redirect_to=lambda user: reverse("accounts:user_detail", args=[user.pk]))  # fmt: skip


def _managed_user(request, pk):
    _require_manager(request)
    return get_object_or_404(policies.scope(request.user, policies.VIEW, User.objects.all()), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    user = _managed_user(request, pk)
    can_manage = policies.can(request.user, policies.CHANGE, user)
    role_form = RoleForm(request.POST if request.POST.get("form") == "role" else None, prefix="role",
                         actor=request.user, organizations=_grantable_orgs(request.user))  # fmt: skip
    password_form = PasswordResetForm(
        request.POST if request.POST.get("form") == "password" else None, prefix="pw"
    )
    if request.method == "POST" and not can_manage:
        raise Http404
    form, save, success = role_form, None, None
    if request.POST.get("form") == "role":
        save = lambda d: services.role_grant(actor=request.user, user=user, **d)  # noqa: E731
        success = "Đã giao vai trò."
    elif request.POST.get("form") == "password":
        form, success = password_form, "Đã đặt lại mật khẩu."
        save = lambda d: services.password_reset(actor=request.user, user=user, password=d["password"])  # noqa: E731
    return form_page(request, form, save, name=None, template="accounts/user_detail.html", context={
        "account": user, "roles": user.roles.select_related("organization__parent"), "can_manage": can_manage,
        "role_form": role_form, "password_form": password_form, "history": history_page(user),
    }, success=success, redirect_to=reverse("accounts:user_detail", args=[user.pk]))  # fmt: skip


@login_required
@require_POST
def role_revoke(request, pk, role_pk):
    user = _managed_user(request, pk)
    assignment = get_object_or_404(RoleAssignment, pk=role_pk, user=user)
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
        messages.success(request, "Đã bỏ vai trò.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_toggle_active(request, pk):
    user = _managed_user(request, pk)
    try:
        services.user_set_active(actor=request.user, user=user, active=not user.is_active)
        messages.success(request, "Đã mở khóa tài khoản." if user.is_active else "Đã khóa tài khoản.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("accounts:user_detail", pk=user.pk)
