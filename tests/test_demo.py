"""The demo data as users meet it (one load, checked through the pages)."""

import pytest
from django.urls import reverse

from dangbo.accounts.models import User
from dangbo.demo.loader import load_demo
from dangbo.members.models import Member
from dangbo.organizations.choices import GRASSROOTS_KINDS
from dangbo.organizations.models import Organization


@pytest.fixture
def demo(db):
    return load_demo()


def test_demo_has_the_bloc_with_59_grassroots_organizations(demo, client):
    bloc = Organization.objects.get(code="KCQ")
    assert bloc.name == "Đảng bộ Khối các cơ quan tỉnh Nghệ An"
    assert Organization.objects.filter(parent=bloc, kind__in=GRASSROOTS_KINDS).count() == 59
    assert 5500 <= Member.objects.count() <= 6500
    assert set(Member.objects.values_list("ethnicity", flat=True)) >= {"Kinh", "Thái", "Khơ Mú", "Mông"}
    assert bloc.terms.get(name="2010–2015").seats.filter(position="bi_thu").count() == 1


def test_grassroots_secretary_sees_only_their_organization(demo, client):
    client.force_login(User.objects.get(username="bithu.syt"))
    home = client.get(reverse("core:home")).content.decode()
    assert "Đảng bộ Sở Y tế" in home and "Sở Tài chính" not in home
    listed = client.get(reverse("members:list"))
    syt = Organization.objects.get(code="KCQ-SYT")
    assert listed.context["total"] == Member.objects.filter(org_path__startswith=syt.path).count()
    other = Member.objects.filter(organization__parent__code="KCQ-STC").first()
    assert client.get(reverse("members:detail", args=[other.pk])).status_code == 404


def test_demo_logins_work_with_the_documented_password(demo, client):
    from dangbo.demo.loader import DEMO_PASSWORD, PERSONAS

    for username, *_ in PERSONAS:
        response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.post(reverse("accounts:logout"))
