"""The one organization picker (organizations/forms.py, its data in organizations/selectors.py): what it offers and finds, for whom, and that it follows
the tree although it is cached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.organizations import selectors as picker
from dangbo.organizations import services
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.tree import services as restructure

pytestmark = pytest.mark.django_db


def _search(client, user, q=""):
    client.force_login(user)
    response = client.get(reverse("organizations:picker"), {"q": q})
    assert response.status_code == 200
    return response.json()


def _names(data):
    return [r["name"] for r in data["results"]]


def test_search_is_accent_and_case_insensitive_and_shows_the_path(client, tree, people):
    for q in ("khoa noi", "KHOA NỘI", "Khoa nôi", "noi"):
        data = _search(client, people.staff, q)
        assert _names(data) == ["Chi bộ Khoa Nội"], q
    found = data["results"][0]
    # The path holds the ancestors the user sees: the bloc's staff do not see the province above it.
    assert found["path"] == "Đảng bộ Khối các cơ quan tỉnh › Đảng bộ Sở Y tế"
    assert found["id"] == tree.a2.pk and found["ended"] is False
    assert _names(_search(client, people.staff, "so y te")) == ["Đảng bộ Sở Y tế"]
    assert _names(_search(client, people.staff, "đảng bộ sở")) == ["Đảng bộ Sở Y tế"]


def test_no_words_give_the_offered_list_in_tree_order(client, tree, people):
    data = _search(client, people.staff)
    assert _names(data) == [
        "Đảng bộ Khối các cơ quan tỉnh", "Chi bộ Sở Tư pháp", "Đảng bộ Sở Y tế",
        "Chi bộ Khoa Nội", "Chi bộ Văn phòng",
    ]  # fmt: skip
    assert [r["depth"] for r in data["results"]] == [0, 1, 1, 2, 2]


def test_a_secretary_never_sees_organizations_outside_the_scope(client, tree, people):
    assert _names(_search(client, people.secretary_b, "y te")) == []
    assert _names(_search(client, people.secretary_b, "chi bo")) == ["Chi bộ Sở Tư pháp"]
    assert _names(_search(client, people.secretary_b)) == ["Chi bộ Sở Tư pháp"]
    offered = _search(client, people.secretary_a)
    assert _names(offered) == ["Đảng bộ Sở Y tế", "Chi bộ Khoa Nội", "Chi bộ Văn phòng"]
    assert all("Khối" not in r["path"] for r in offered["results"])  # the bloc above is not in its scope
    assert _names(_search(client, people.secretary_a, "tu phap")) == []
    assert _names(_search(client, people.member_user, "khoa")) == []


def test_ended_organizations_are_marked(client, tree, people, root_user):
    old = services.organization_create(actor=root_user, parent=tree.a, data={
        "name": "Chi bộ Khoa Ngoại", "code": "SYT-3", "kind": OrgKind.SUBORDINATE_CELL})  # fmt: skip
    restructure.organization_dissolve(actor=root_user, organization=old, date=dt.date(2025, 2, 13))
    found = _search(client, people.staff, "khoa ngoai")["results"]
    assert (
        found[0]["ended"] is True
        and _search(client, people.staff, "khoa noi")["results"][0]["ended"] is False
    )
    page = client.get(reverse("members:list")).content.decode()
    assert "Chi bộ Khoa Ngoại (đã kết thúc)" in page
    assert f'value="{old.pk}" data-path="Đảng bộ Khối các cơ quan tỉnh › Đảng bộ Sở Y tế" data-ended' in page
    # Today's tree marks it too; the tree of a day when it was active does not.
    children = reverse("organizations:children", args=[tree.a.pk])
    assert "đã kết thúc 13/02/2025" in client.get(children).content.decode()
    assert "đã kết thúc" not in client.get(children, {"ngay": "01/01/2025"}).content.decode()


def test_the_cached_picker_follows_renames_and_moves(client, tree, people, root_user):
    client.force_login(people.staff)
    assert "Chi bộ Văn phòng" in client.get(reverse("members:list")).content.decode()
    restructure.organization_rename(actor=root_user, organization=tree.a1, name="Chi bộ Văn phòng Sở",
                                    date=dt.date(2024, 1, 1))  # fmt: skip
    assert "Chi bộ Văn phòng Sở" in client.get(reverse("members:list")).content.decode()
    other = services.organization_create(actor=root_user, parent=tree.bloc, data={
        "name": "Đảng bộ Sở Xây dựng", "code": "SXD", "kind": OrgKind.GRASSROOTS_COMMITTEE})  # fmt: skip
    assert _search(client, people.staff, "khoa noi")["results"][0]["path"].endswith("Đảng bộ Sở Y tế")
    restructure.organization_move(actor=root_user, organization=tree.a2, new_parent=other,
                                  date=dt.date(2024, 1, 1))  # fmt: skip
    moved = _search(client, people.staff, "khoa noi")["results"][0]
    assert moved["path"] == "Đảng bộ Khối các cơ quan tỉnh › Đảng bộ Sở Xây dựng"


def test_search_is_bounded(client, tree, people, monkeypatch):
    monkeypatch.setattr(picker, "PICKER_SEARCH_LIMIT", 2)
    data = _search(client, people.staff, "chi bo")
    assert len(data["results"]) == 2 and data["more"] is True


def test_the_member_filter_offers_the_picker_and_keeps_the_choice(client, tree, people):
    client.force_login(people.staff)
    page = client.get(reverse("members:list"), {"organization": tree.a1.pk}).content.decode()
    assert 'data-org-picker data-source="/to-chuc/chon/"' in page
    assert f'<option selected value="{tree.a1.pk}"' in page
    # Every form that chooses an organization uses the same picker: the reports and the meeting grid.
    for url in (reverse("reports:index"), reverse("reports:movement"), reverse("meetings:overview")):
        assert "data-org-picker" in client.get(url).content.decode(), url


def test_a_chosen_organization_outside_the_scope_is_refused(client, tree, people):
    client.force_login(people.secretary_b)
    response = client.get(reverse("members:list"), {"organization": tree.a1.pk})
    assert "Chi bộ Văn phòng" not in response.content.decode()
