import pytest
from django.urls import reverse

from dangbo.accounts.models import User


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("a", password="Mat-khau-9x")
    assert user.password.startswith("argon2")


def test_login_logout_and_wrong_password_message(client, people):
    response = client.post(reverse("accounts:login"), {"username": "staff", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "staff", "password": "Mat-khau-9x"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


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
