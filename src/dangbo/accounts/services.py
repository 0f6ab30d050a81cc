"""Writes on accounts: creating logins, granting and revoking roles, locking, resetting passwords.

Every service checks the actor with the policy (only organization-department staff and administrators manage
accounts, and only inside their subtree), runs in one transaction and writes the audit history. Passwords
never appear in the audit history or in messages.
"""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.text import clean_spaces, nfc

from .choices import Role
from .models import RoleAssignment, User

_USERNAME = re.compile(r"^[a-z0-9._-]{3,40}$")


def _scope_path(user: User) -> str:
    return user.roles.values_list("organization__path", flat=True).first() or ""


def _password_problems(password: str, user: User, field: str, label: str) -> dict[str, str]:
    """Django's password rules, under ``label`` (the page's name for the password: «Mật khẩu ban đầu» …)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return {field: f"{label}: " + " ".join(error.messages)}
    return {}


def _check_password(password: str, user: User, field: str, label: str) -> None:
    if errors := _password_problems(password, user, field, label):
        raise ApplicationError("Mật khẩu chưa đạt yêu cầu.", field_errors=errors)


def _role_problems(actor, organization, role: str, member) -> dict[str, str]:
    """What is wrong with giving ``role`` at ``organization`` (a role outside the actor's scope is refused
    outright: PermissionDenied)."""
    if not policies.can(actor, "grant_roles", organization):
        raise PermissionDenied("Bạn chỉ giao vai trò tại các tổ chức thuộc phạm vi của mình.")
    if role == Role.MEMBER:
        if member is None:
            return {"member": "Hồ sơ đảng viên: vai trò «Đảng viên» cần gắn với hồ sơ của chính người đó."}
        if member.organization_id != organization.pk:
            return {"organization": "Tại tổ chức: vai trò «Đảng viên» phải giao tại chi bộ của đảng viên đó."}
    return {}


@transaction.atomic
def user_create(
    *, actor, username: str, full_name: str, password: str, organization, role: str, member=None
) -> User:
    """Create a login together with its first role (a login without a role could see nothing)."""
    if not policies.anywhere(actor, policies.VIEW, User):
        raise PermissionDenied("Bạn không có quyền quản lý tài khoản.")
    username = (nfc(username) or "").lower()
    full_name = clean_spaces(nfc(full_name) or "")
    errors = {}
    if not _USERNAME.match(username):
        errors["username"] = "Tên đăng nhập: 3–40 ký tự, chỉ gồm chữ thường không dấu, chữ số và . _ -"
    elif User.objects.filter(username=username).exists():
        errors["username"] = f"Tên đăng nhập: «{username}» đã có người dùng."
    if not full_name:
        errors["full_name"] = "Họ và tên: không được để trống."
    if member is not None and User.objects.filter(member=member).exists():
        errors["member"] = "Hồ sơ đảng viên: hồ sơ này đã gắn với một tài khoản khác."
    user = User(username=username, full_name=full_name, member=member)
    # Every independent problem in one error: the name, the password and the role together.
    errors.update(_password_problems(password, user, "password", "Mật khẩu ban đầu"))
    if organization is None:
        errors["organization"] = "Tại tổ chức: không được để trống."
    else:
        for key, message in _role_problems(actor, organization, role, member).items():
            errors.setdefault(key, message)
    if errors:
        raise ApplicationError("Thông tin tài khoản chưa hợp lệ.", field_errors=errors)
    user.set_password(password)
    user.save()
    assignment = RoleAssignment.objects.create(user=user, organization=organization, role=role)
    record(actor=actor, action=Action.CREATE, obj=user, scope_path=organization.path)
    record(actor=actor, action=Action.CREATE, obj=assignment, scope_path=organization.path)
    return user


@transaction.atomic
def role_grant(*, actor, user: User, organization, role: str) -> RoleAssignment:
    if not policies.can(actor, policies.CHANGE, user):
        raise PermissionDenied("Bạn không có quyền sửa tài khoản này.")
    errors = _role_problems(actor, organization, role, user.member)
    if RoleAssignment.objects.filter(user=user, organization=organization, role=role).exists():
        errors["role"] = "Vai trò: người dùng đã có vai trò này tại tổ chức này."
    if errors:
        raise ApplicationError("Chưa giao được vai trò.", field_errors=errors)
    assignment = RoleAssignment.objects.create(user=user, organization=organization, role=role)
    record(actor=actor, action=Action.CREATE, obj=assignment, scope_path=organization.path)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    user = assignment.user
    if not policies.can(actor, policies.CHANGE, user):
        raise PermissionDenied("Bạn không có quyền sửa tài khoản này.")
    if user.roles.count() == 1:
        raise ApplicationError(
            "Không bỏ được vai trò cuối cùng; nếu người này thôi dùng phần mềm, hãy khóa tài khoản."
        )
    before = snapshot(assignment)
    record(
        actor=actor,
        action=Action.DELETE,
        obj=assignment,
        before=before,
        scope_path=assignment.organization.path,
    )
    assignment.delete()


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    if not policies.can(actor, policies.CHANGE, user):
        raise PermissionDenied("Bạn không có quyền sửa tài khoản này.")
    before = snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(actor=actor, action=Action.UPDATE, obj=user, before=before, scope_path=_scope_path(user))
    return user


@transaction.atomic
def password_reset(*, actor, user: User, password: str) -> User:
    """Set a new password for someone who forgot theirs (they should change it after logging in)."""
    if not policies.can(actor, policies.CHANGE, user):
        raise PermissionDenied("Bạn không có quyền sửa tài khoản này.")
    _check_password(password, user, "password", "Mật khẩu mới")
    before = snapshot(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # The audit history never holds passwords or hashes: the event says only that it was reset.
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=user,
        before=before,
        scope_path=_scope_path(user),
        extra={"password": {"label": "Mật khẩu", "before": "", "after": "(đã đặt lại)"}},
    )
    return user
