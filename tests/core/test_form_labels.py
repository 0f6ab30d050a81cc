"""A service's error on a page names the field as the page labels it: the ceremony date is «Ngày tổ chức lễ kết
nạp» on the member page, not the event's «Ngày có hiệu lực»."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.members.test_alerts import admit


def test_the_ceremony_date_error_says_the_pages_label(client, clock, tree, root_user, people):
    clock.set(dt.date(2024, 6, 3))
    m = admit(root_user, tree.a1, "Lê Văn Mới", dt.date(2024, 5, 27))
    client.force_login(people.secretary_a)
    response = client.post(reverse("members:ceremony", args=[m.pk]), {"date": "05/06/2024"}, follow=True)
    page = response.content.decode()
    assert "Ngày tổ chức lễ kết nạp: không được sau ngày hôm nay." in page
    assert "Ngày có hiệu lực" not in page


def test_before_the_ceremony_the_member_page_has_no_empty_joined_date(client, clock, tree, root_user, people):
    clock.set(dt.date(2024, 6, 3))
    m = admit(root_user, tree.a1, "Lê Văn Mới", dt.date(2024, 5, 27))
    client.force_login(people.secretary_a)
    page = client.get(m.get_absolute_url()).content.decode()
    joined = page[page.index("<dt>Ngày vào Đảng</dt>") :][:200]
    assert "chưa tổ chức lễ kết nạp" in joined and ", tại" not in joined
