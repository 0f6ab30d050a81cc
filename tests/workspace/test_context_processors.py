"""The navigation shows a menu only where the user may see or do something there."""

from __future__ import annotations

import pytest
from django.urls import reverse

RECORD_MENUS = ("Kết nạp</a>", "Chuyển sinh hoạt</a>", "Báo cáo</a>")


def menus(client, user) -> str:
    client.force_login(user)
    body = client.get(reverse("workspace:home")).content.decode()
    return body[body.index('<nav class="mainnav">') : body.index("</nav>")]


def test_a_plain_member_does_not_see_the_record_keepers_menus(client, people):
    nav = menus(client, people.member_user)
    assert not any(m in nav for m in RECORD_MENUS)
    assert "Đảng viên</a>" in nav and "Sinh hoạt chi bộ</a>" in nav


@pytest.mark.parametrize("persona", ["staff", "leader", "secretary_a", "cell_secretary"])
def test_those_who_keep_member_records_see_them(client, people, persona):
    nav = menus(client, getattr(people, persona))
    assert all(m in nav for m in RECORD_MENUS)


def test_the_home_page_counts_grassroots_organizations_only_for_those_who_have_some(client, people):
    """A cell secretary's scope is one cell: no "0 tổ chức cơ sở đảng" card; the bloc's staff see the count."""
    client.force_login(people.cell_secretary)
    cell = client.get(reverse("workspace:home")).content.decode()
    assert "tổ chức cơ sở đảng" not in cell and "đảng viên chính thức" in cell
    client.force_login(people.staff)
    assert "tổ chức cơ sở đảng" in client.get(reverse("workspace:home")).content.decode()
