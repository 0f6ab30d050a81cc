"""Personal API tokens: created on the user's account page (shown once, only a digest stored), named, with an
expiry, revocable, every create and revoke audited; a token acts as its user."""

import datetime as dt
import re

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from dangbo.api import services
from dangbo.api.models import ApiToken
from dangbo.audit.models import AuditEvent
from dangbo.core import dates


def _events(token, event):
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(ApiToken),
                                     object_id=str(token.pk), event=event)  # fmt: skip


def test_a_token_is_created_shown_once_used_and_revoked(client, tree, people):
    client.force_login(people.secretary_a)
    page = client.get(reverse("api_tokens:list"))
    assert page.status_code == 200 and "Bạn chưa có khóa API nào." in page.content.decode()
    expires = dates.today() + dt.timedelta(days=60)
    created = client.post(
        reverse("api_tokens:list"),
        {"name": "Cổng thông tin tỉnh", "expires_on": f"{expires:%d/%m/%Y}"},
        follow=True,
    )
    assert created.redirect_chain[-1][0] == reverse("api_tokens:list")
    body = created.content.decode()
    secret = re.search(r"dbk_[\w-]+", body).group(0)
    token = ApiToken.objects.get(user=people.secretary_a)
    # Only a digest is kept, and the audit event names the token without its secret.
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    event = _events(token, "api.token.create").get()
    assert event.actor == people.secretary_a and secret not in str(event.changes)
    assert secret not in client.get(reverse("api_tokens:list")).content.decode()  # shown once

    client.logout()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.get(reverse("api:member_detail", args=[people.m_a1.pk]), **auth)
    assert response.status_code == 200 and response.json()["full_name"] == "Nguyễn Văn Hùng"
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.force_login(people.secretary_a)
    revoked = client.post(reverse("api_tokens:revoke", args=[token.pk]), follow=True)
    assert "Đã thu hồi khóa «Cổng thông tin tỉnh»." in revoked.content.decode()
    assert _events(token, "api.token.revoke").count() == 1
    client.logout()
    refused = client.get(reverse("api:member_detail", args=[people.m_a1.pk]), **auth)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["title"] == "Chưa xác thực"


def test_wrong_and_expired_tokens_are_refused(client, tree, people, bearer, clock):
    url = reverse("api:member_list")
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer dbk_khong-phai-khoa").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Basic eDp5").status_code == 401
    clock.set(dt.date(2026, 1, 10))
    auth = bearer(people.staff, days=5)
    assert client.get(url, **auth).status_code == 200
    clock.set(dt.date(2026, 1, 15))  # the last day it is valid
    assert client.get(url, **auth).status_code == 200
    clock.set(dt.date(2026, 1, 16))
    assert client.get(url, **auth).status_code == 401
    people.staff.is_active = False  # a locked login's tokens stop too
    people.staff.save()
    clock.set(dt.date(2026, 1, 10))
    assert client.get(url, **auth).status_code == 401


def test_a_token_is_its_owners_to_revoke(client, tree, people):
    token, _ = services.token_create(actor=people.secretary_a, name="A", expires_on=dates.today())
    client.force_login(people.staff)  # even the staff above them: 404, as for a missing token
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_form_errors_name_the_field(client, tree, people):
    client.force_login(people.staff)
    too_late = dates.today() + dt.timedelta(days=400)
    page = client.post(reverse("api_tokens:list"), {"name": " ", "expires_on": f"{too_late:%d/%m/%Y}"})
    body = page.content.decode()
    assert "Tên khóa: không được để trống." in body
    page = client.post(reverse("api_tokens:list"), {"name": "X", "expires_on": f"{too_late:%d/%m/%Y}"})
    assert "Hết hạn sau ngày: không quá 365 ngày" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_a_read_only_token_reads_but_never_writes(client, tree, people, bearer):
    auth = bearer(people.staff, read_only=True)
    url = reverse("api:member_detail", args=[people.m_a1.pk])
    version = client.get(url, **auth).json()["version"]
    refused = client.patch(
        url, {"expected_version": version, "occupation": "Bác sĩ"}, content_type="application/json", **auth
    )
    assert refused.status_code == 403 and "chỉ đọc" in refused.json()["detail"]
    people.m_a1.refresh_from_db()
    assert people.m_a1.occupation == ""


def test_the_account_menu_links_to_the_tokens_page(client, tree, people):
    client.force_login(people.member_user)
    assert reverse("api_tokens:list") in client.get(reverse("workspace:home")).content.decode()


def test_a_token_with_two_problems_shows_both_and_saves_nothing(client, tree, people):
    from tests.members.test_one_round import summary

    client.force_login(people.secretary_a)
    later = dates.today() + dt.timedelta(days=60)
    services.token_create(actor=people.secretary_a, name="Cổng thông tin tỉnh", expires_on=later)
    response = client.post(
        reverse("api_tokens:list"), {"name": "Cổng thông tin tỉnh", "expires_on": "31/02/2027"}
    )
    found = summary(response)
    assert "Hết hạn sau ngày: ngày không hợp lệ" in found  # the form
    assert "Tên khóa: bạn đã có một khóa còn hiệu lực cùng tên." in found  # the service, in the same round
    assert ApiToken.objects.filter(user=people.secretary_a).count() == 1
