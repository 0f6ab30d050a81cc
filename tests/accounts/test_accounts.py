import pytest
from django.test import Client
from django.urls import reverse

from dangbo.accounts.models import User
from dangbo.audit.selectors import history_for


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("a", password="Mat-khau-9x")
    assert user.password.startswith("argon2")


def test_login_logout_and_wrong_password_message(client, people):
    response = client.post(reverse("accounts:login"), {"username": "staff", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "staff", "password": "Mat-khau-9x"})
    assert response.status_code == 302
    assert client.get(reverse("workspace:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("workspace:home")).status_code == 302


def test_repeated_failed_logins_are_throttled(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "staff", "password": "sai"})
    response = client.post(reverse("accounts:login"), {"username": "staff", "password": "Mat-khau-9x"})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()


@pytest.mark.parametrize(("new", "ok"), [("Doi-mat-khau-2026", True), ("123", False)])
def test_password_change(client, people, new, ok):
    client.force_login(people.staff)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Mat-khau-9x", "new_password1": new, "new_password2": new},
    )
    people.staff.refresh_from_db()
    assert people.staff.check_password(new) is ok
    if not ok:  # Django's own messages come out in Vietnamese too (our vi catalog fills its gaps)
        body = response.content.decode()
        assert "Xác nhận mật khẩu mới: Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in body
        assert "too short" not in body


def test_staff_creates_a_login_with_a_role_in_their_subtree(client, tree, people):
    client.force_login(people.staff)
    response = client.post(reverse("accounts:user_create"), {
        "username": "bithu.khoanoi", "full_name": "Lê  Văn An", "password": "Chi-bo-2026!",
        "role": "bi_thu_chi_bo", "organization": tree.a2.pk,
    })  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(username="bithu.khoanoi")
    assert user.full_name == "Lê Văn An" and user.check_password("Chi-bo-2026!")
    assert list(user.roles.values_list("organization__code", "role")) == [("SYT-2", "bi_thu_chi_bo")]
    events = history_for(user)
    assert events.filter(action="create", actor=people.staff).exists()
    assert "Chi-bo-2026!" not in str(list(events.values_list("changes", flat=True)))
    assert not any("password" in e for e in events.values_list("changes", flat=True))


def test_roles_cannot_be_granted_outside_the_staff_subtree(client, tree, people):
    client.force_login(people.staff_b)
    response = client.post(reverse("accounts:user_create"), {
        "username": "x.y", "full_name": "X", "password": "Chi-bo-2026!", "role": "can_bo", "organization": tree.a.pk,
    })  # fmt: skip
    assert response.status_code == 200
    assert "Tại tổ chức: giá trị đã chọn không hợp lệ." in response.content.decode()
    assert not User.objects.filter(username="x.y").exists()


def test_only_staff_manage_accounts(client, people):
    for persona in ("secretary_a", "cell_secretary", "leader", "member_user"):
        client.force_login(getattr(people, persona))
        assert client.get(reverse("accounts:user_list")).status_code == 404
        assert client.get(reverse("accounts:user_create")).status_code == 404
    client.force_login(people.staff)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "secretary_a" in page and "secretary_b" in page and "root" not in page


def test_member_login_from_the_member_page(client, tree, people):
    client.force_login(people.staff)
    url = reverse("accounts:user_create") + f"?dang_vien={people.m_a2.pk}"
    form = client.get(url).context["form"]
    assert form.initial["organization"] == tree.a2.pk and form.initial["role"] == "dang_vien"
    response = client.post(url, {"username": "levanan", "full_name": "Lê Văn An", "password": "Chi-bo-2026!",
                                 "role": "dang_vien", "organization": tree.a2.pk})  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(username="levanan")
    assert user.member == people.m_a2
    client.force_login(user)
    assert client.get(reverse("members:detail", args=[people.m_a2.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[people.m_a1.pk])).status_code == 404


def test_lock_reset_password_and_last_role(client, tree, people):
    client.force_login(people.staff)
    target = people.cell_secretary
    client.post(reverse("accounts:user_toggle_active", args=[target.pk]))
    target.refresh_from_db()
    assert not target.is_active
    response = Client().post(
        reverse("accounts:login"), {"username": "cell_secretary", "password": "Mat-khau-9x"}
    )
    assert response.status_code == 200  # a locked account cannot log in
    client.post(
        reverse("accounts:user_detail", args=[target.pk]),
        {"form": "password", "pw-password": "Mat-khau-moi-2026"},
    )
    target.refresh_from_db()
    assert target.check_password("Mat-khau-moi-2026")
    reset = history_for(target).filter(changes__has_key="password").get()
    assert reset.changes["password"]["after"] == "(đã đặt lại)" and "md5" not in str(reset.changes)
    role = target.roles.get()
    response = client.post(reverse("accounts:role_revoke", args=[target.pk, role.pk]), follow=True)
    assert "Không bỏ được vai trò cuối cùng" in response.content.decode()
    assert target.roles.count() == 1


def test_the_sessions_user_comes_with_their_role_assignments_in_one_query(
    client, tree, people, django_assert_num_queries
):
    """``SessionUserBackend``: the user of each request and their grants (in the order they were made) in one
    statement, the same as read separately; a user without a role has none; a deactivated user is logged out."""
    from dangbo.accounts.choices import Role
    from dangbo.accounts.models import RoleAssignment
    from dangbo.accounts.selectors import SessionUserBackend, grants

    RoleAssignment.objects.create(user=people.staff, organization=tree.a1, role=Role.LEADER)
    with django_assert_num_queries(1):
        user = SessionUserBackend().get_user(people.staff.pk)
        read = grants(user)
    fresh = User.objects.get(pk=people.staff.pk)
    assert [(g.role, g.org_id, g.path) for g in read] == [
        (Role.STAFF, tree.bloc.pk, tree.bloc.path), (Role.LEADER, tree.a1.pk, tree.a1.path)]  # fmt: skip
    assert read == grants(fresh)
    assert (user.username, user.full_name, user.last_login, user.date_joined, user.is_active) == (
        fresh.username, fresh.full_name, fresh.last_login, fresh.date_joined, fresh.is_active)  # fmt: skip
    assert grants(SessionUserBackend().get_user(people.nobody.pk)) == []
    assert SessionUserBackend().get_user(10**9) is None

    client.force_login(people.staff)
    assert client.get(reverse("workspace:home")).status_code == 200
    User.objects.filter(pk=people.staff.pk).update(is_active=False)
    assert client.get(reverse("workspace:home")).status_code == 302
