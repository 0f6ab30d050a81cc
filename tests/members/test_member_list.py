"""The member list: accent-insensitive search, filters, Vietnamese order, keyset pages, query budget."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core.dates import add_years, today
from dangbo.members.models import Member

NAMES = [
    "Nguyễn Văn Hùng", "Nguyễn Văn Hưng", "Trần Văn Hùng", "Đặng Thị Đào", "Lê Thị An", "Phạm Văn Anh",
    "Hồ Thị Ăn", "Võ Văn Dũng", "Bùi Đức Đông", "Nguyễn Hùng", "Hùng Văn Nguyễn",
]  # fmt: skip


@pytest.fixture
def crowd(tree, make_member):
    return [make_member(tree.a1 if i % 2 else tree.a2, name) for i, name in enumerate(NAMES)]


def names_in(response):
    return [m.full_name for m in response.context["page"].rows]


@pytest.mark.parametrize(
    "query",
    [
        "nguyen van hung",
        "NGUYỄN văn hùng",
        unicodedata.normalize("NFD", "Nguyễn Văn Hùng"),
        "hung nguyen van",
    ],
)
def test_search_ignores_accents_case_and_normal_form(client, people, crowd, query):
    client.force_login(people.staff)
    found = names_in(client.get(reverse("members:list"), {"q": query}))
    assert "Nguyễn Văn Hùng" in found
    assert "Nguyễn Văn Hưng" in found  # without accents "hung" is also "Hưng"
    assert "Trần Văn Hùng" not in found and "Lê Thị An" not in found


def test_search_dang_finds_dang_with_d_bar(client, people, crowd):
    client.force_login(people.staff)
    assert names_in(client.get(reverse("members:list"), {"q": "dang"})) == ["Đặng Thị Đào", "Đặng Thị Hoa"]
    assert names_in(client.get(reverse("members:list"), {"q": "dao"})) == ["Đặng Thị Đào"]


def test_search_matches_word_prefixes(client, people, crowd):
    client.force_login(people.staff)
    found = names_in(client.get(reverse("members:list"), {"q": "nguyen van hu"}))
    assert set(found) >= {"Nguyễn Văn Hùng", "Nguyễn Văn Hưng"}


def test_results_are_in_vietnamese_name_order(client, people, crowd):
    client.force_login(people.staff)
    found = names_in(client.get(reverse("members:list"), {"q": "hung"}))
    # Given name first (Hùng < Hưng < Nguyễn), then middle name(s), then family name (Nguyễn < Trần).
    assert found == [
        "Nguyễn Hùng", "Nguyễn Văn Hùng", "Nguyễn Văn Hùng", "Trần Văn Hùng", "Nguyễn Văn Hưng", "Hùng Văn Nguyễn",
    ]  # fmt: skip


def test_the_list_pages_through_names_in_icu_vietnamese_order(client, settings, tree, people, make_member):
    """Given name, middle names, family name, each compared whole (letters, then tones, then case) — the order of
    ICU's "vi" collation (tests/core/test_text.py) — across keyset pages; the caption says so."""
    typed = ["Đinh Ảnh Anh", "Trần Anh", "Nguyễn Văn Ðức", "Nguyễn Văn Dũng", "Phạm Ức", "Trần Thị Hòa",
             "Trần Thị Hoà", "Lê Thị Thủ Hương", "Lê Thị Thu Hường", "Lê Thị Thù Hương", "Vũ Đức", "Anh", "Lê Anh Đức"]  # fmt: skip
    for name in typed:
        make_member(tree.a2, name)
    settings.DANGBO_PAGE_SIZE = 4
    client.force_login(people.staff)
    url = reverse("members:list")
    seen, params = [], {"organization": tree.a2.pk}
    while True:
        response = client.get(url, params)
        seen += names_in(response)
        if not response.context["page"].next_after:
            break
        params = {"organization": tree.a2.pk, "sau": response.context["page"].next_after}
    assert seen == [
        "Lê Văn An", "Anh", "Trần Anh", "Đinh Ảnh Anh", "Nguyễn Văn Dũng", "Vũ Đức", "Lê Anh Đức", "Nguyễn Văn Đức",
        "Trần Thị Hoà", "Trần Thị Hòa", "Lê Thị Thù Hương", "Lê Thị Thủ Hương", "Lê Thị Thu Hường", "Phạm Ức",
    ]  # fmt: skip
    assert "xếp theo tên (tên, tên đệm, họ)" in response.content.decode()


def test_filters_subtree_gender_and_age_band(client, tree, people, make_member):
    young = make_member(tree.a1, "Lò Thị Mai", gender="nu", birth_date=add_years(today(), -25),
                        joined_date=add_years(today(), -6), official_date=add_years(today(), -5), ethnicity="Thái")  # fmt: skip
    client.force_login(people.staff)
    url = reverse("members:list")
    assert names_in(client.get(url, {"organization": tree.a.pk, "gender": "nu"})) == [
        "Trần Thị Lan",
        "Lò Thị Mai",
    ]
    assert names_in(client.get(url, {"age_band": "duoi_30"})) == [young.full_name]
    assert names_in(client.get(url, {"ethnicity": "Thái"})) == [young.full_name]
    assert names_in(client.get(url, {"organization": tree.b.pk})) == ["Đặng Thị Hoa"]


def test_age_band_boundaries(tree, make_member):
    from dangbo.members.filters import age_band_q

    on = dt.date(2026, 6, 15)
    thirty_today = make_member(tree.a1, "Lê Văn Ba", birth_date=dt.date(1996, 6, 15), joined_date=dt.date(2016, 1, 1),
                               official_date=dt.date(2017, 1, 1))  # fmt: skip
    assert Member.objects.filter(age_band_q("30_40", on)).filter(pk=thirty_today.pk).exists()
    assert not Member.objects.filter(age_band_q("duoi_30", on)).filter(pk=thirty_today.pk).exists()


def test_keyset_pages_cover_everything_once_in_order(client, settings, people, crowd):
    settings.DANGBO_PAGE_SIZE = 4
    client.force_login(people.staff)
    url = reverse("members:list")
    seen, params = [], {}
    while True:
        response = client.get(url, params)
        seen += [m.pk for m in response.context["page"].rows]
        after = response.context["page"].next_after
        if not after:
            break
        params = {"sau": after}
    expected = list(Member.objects.order_by("name_sort", "id").values_list("pk", flat=True))
    assert seen == expected
    # and back again with "trang trước"
    last = client.get(url, {"sau": seen[7]})
    back = client.get(url, {"truoc": last.context["page"].rows[0].pk})
    assert [m.pk for m in back.context["page"].rows] == seen[4:8]


def test_list_query_count_does_not_grow_with_rows(client, people, crowd):
    client.force_login(people.staff)
    url = reverse("members:list")
    for q in ("dang", "h"):  # the search statistics are read once in a while, not per request (core.search)
        client.get(url, {"q": q})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "dang"})
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": "h"})
    assert len(many) == len(few) <= 13  # fixed: session, user, roles, filter options, count, ids, rows, …
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    assert len(plain) <= 12


def test_unknown_filter_value_is_reported_not_a_500(client, people, crowd):
    client.force_login(people.staff)
    response = client.get(reverse("members:list"), {"status": "khong_co", "sau": "abc"})
    assert response.status_code == 200
    assert "Tình trạng" in response.content.decode()
    assert response.context["page"].rows == []


def test_large_scope_plan_returns_the_same_rows(client, monkeypatch, tree, people, crowd):
    """Above LARGE_SCOPE the list rewrites the subtree predicate for the planner; the rows must not change."""
    from dangbo.members import selectors

    client.force_login(people.secretary_a)
    url = reverse("members:list")
    cases = [{}, {"organization": tree.a1.pk}, {"q": "hung"}, {"gender": "nam", "sau": crowd[3].pk}]
    normal = [names_in(client.get(url, params)) for params in cases]
    monkeypatch.setattr(selectors, "LARGE_SCOPE", 0)
    assert [names_in(client.get(url, params)) for params in cases] == normal
    assert "Đặng Thị Hoa" not in sum(normal, [])  # still scoped: B's member never appears


def test_count_is_capped(client, monkeypatch, people, crowd):
    from dangbo.members import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    monkeypatch.setattr(selectors, "FILTERED_COUNT_CAP", 2)
    client.force_login(people.staff)
    response = client.get(reverse("members:list"))
    assert response.context["total"] == 6
    assert "Hơn 5 đảng viên" in response.content.decode()
    response = client.get(reverse("members:list"), {"q": "hung"})
    assert response.context["total"] == 3 and "Hơn 2 đảng viên" in response.content.decode()
    assert client.get(reverse("members:list"), {"q": "dang"}).context["total"] == 2


def test_the_organization_picker_stays_short_however_wide_the_scope(
    client, monkeypatch, tree, people, root_user
):
    """Two levels under the user's top organization, one when that is too long, the top ones only when even one
    level is (a national account: 34 provinces with ~1,600 committees under them); in tree order, siblings by
    name. Deeper organizations are found by the picker's search."""
    import re

    from dangbo.organizations import selectors as picker

    def offered(user, **params):
        client.force_login(user)
        page = client.get(reverse("members:list"), params).content.decode()
        select = re.search(r'<select id="id_organization".*?</select>', page).group(0)
        return [label.strip("\u2003") for pk, label in re.findall(r'value="(\d+)"[^>]*>([^<]*)<', select)]

    assert offered(people.staff) == [
        "Đảng bộ Khối các cơ quan tỉnh", "Chi bộ Sở Tư pháp", "Đảng bộ Sở Y tế", "Chi bộ Khoa Nội", "Chi bộ Văn phòng",
    ]  # fmt: skip
    monkeypatch.setattr(picker, "PICKER_MAX_OFFERED", 3)
    picker.tree_changed()
    assert offered(root_user) == ["Đảng bộ tỉnh Nghệ An", "Đảng bộ Khối các cơ quan tỉnh"]
    monkeypatch.setattr(picker, "PICKER_MAX_OFFERED", 1)
    picker.tree_changed()
    assert offered(root_user) == ["Đảng bộ tỉnh Nghệ An"]
    # A deeper organization stays reachable: the chosen one is offered too, selected.
    assert offered(root_user, organization=tree.a1.pk) == ["Chi bộ Văn phòng", "Đảng bộ tỉnh Nghệ An"]


def _counted(response) -> int:
    return response.context["total"]


@pytest.fixture
def with_former(tree, people, root_user, clock, make_member):
    """The people of tests/conftest.py, a probationary member of A2, an exempted one of A1, and three who left
    the roll: A1's Lan struck off, A2's An deceased, one of A1 transferred out of the province."""
    from dangbo.members.history import services as lifecycle
    from tests.conftest import decided

    clock.set(dt.date(2024, 7, 10))
    make_member(tree.a2, "Vũ Văn Mới", status="du_bi", official_date=None, joined_date=dt.date(2024, 3, 10))
    make_member(tree.a1, "Hồ Văn Miễn", exempted=True)
    lifecycle.event_record(actor=root_user, member=people.m_a1b, kind="xoa_ten", date=dt.date(2024, 2, 1),
                           **decided("xoa_ten", dt.date(2024, 2, 1)))  # fmt: skip
    lifecycle.event_record(actor=root_user, member=people.m_a2, kind="tu_tran", date=dt.date(2024, 3, 1))
    leaving = make_member(tree.a1, "Phan Văn Đi")
    transfer = lifecycle.transfer_send(actor=root_user, member=leaving, kind="chinh_thuc", to_external="Tỉnh ủy Hà Tĩnh",
                                       sent_date=dt.date(2024, 4, 1), letter_no="9-GGT/ĐU")  # fmt: skip
    return transfer


def test_the_list_shows_members_on_the_roll_and_former_ones_only_when_asked(
    client, tree, people, with_former
):
    client.force_login(people.staff)
    url = reverse("members:list")
    on_roll = set(names_in(client.get(url, {"organization": tree.a.pk})))
    assert "Trần Thị Lan" not in on_roll and "Lê Văn An" not in on_roll and "Phan Văn Đi" not in on_roll
    assert {"Nguyễn Văn Hùng", "Vũ Văn Mới"} <= on_roll
    left = set(names_in(client.get(url, {"organization": tree.a.pk, "status": "da_ra"})))
    assert left == {"Trần Thị Lan", "Lê Văn An", "Phan Văn Đi"}
    everyone = set(names_in(client.get(url, {"organization": tree.a.pk, "status": "tat_ca"})))
    assert everyone == on_roll | left
    assert names_in(client.get(url, {"organization": tree.a.pk, "status": "tu_tran"})) == ["Lê Văn An"]
    body = client.get(url).content.decode()
    assert "Đã ra khỏi danh sách" in body and "Đang sinh hoạt (trong danh sách)" in body


def test_home_list_organization_page_and_headcount_agree(client, tree, people, with_former):
    """A grassroots committee's members counted four ways: its secretary's home page, the member list, the
    organization page (its cells' rolls) and the headcount report — the same number."""
    from dangbo.members.choices import ACTIVE_STATUSES

    client.force_login(people.secretary_a)
    tree.a.refresh_from_db()
    expected = Member.objects.filter(org_path__startswith=tree.a.path, status__in=ACTIVE_STATUSES).count()
    assert expected == tree.a.member_count and expected >= 2
    home = client.get(reverse("workspace:home"))
    assert [r.member_count for r in home.context["roots"]] == [expected]
    assert _counted(client.get(reverse("members:list"))) == expected
    assert _counted(client.get(reverse("members:list"), {"organization": tree.a.pk})) == expected
    on_pages = sum(len(client.get(reverse("organizations:detail", args=[c.pk])).context["direct_members"])
                   for c in (tree.a1, tree.a2))  # fmt: skip
    assert on_pages == expected
    report = client.get(reverse("reports:index"), {"organization": tree.a.pk, "on": "10/07/2024"})
    assert report.context["result"]["headcount"]["tong"] == expected


def test_each_row_names_the_member_its_cell_and_links_to_the_record(client, tree, people, make_member):
    """The rows are written from the page's columns (``selectors.LIST_VALUES``), not model instances: a subordinate
    cell is named with its grassroots organization (``Organization.long_name``), a grassroots cell alone."""
    a = make_member(tree.a1, "Lê Thị An")
    b = make_member(tree.b, "Bùi Đức Đông")
    client.force_login(people.staff)
    html = client.get(reverse("members:list")).content.decode()
    tree.a1.refresh_from_db()
    assert f'<a href="{reverse("members:detail", args=[a.pk])}">Lê Thị An</a>' in html
    assert f"<td>{tree.a1.long_name}</td>" in html
    assert "<td>Chi bộ Văn phòng (" in html
    assert f'<a href="{reverse("members:detail", args=[b.pk])}">Bùi Đức Đông</a>' in html
    assert "<td>Chi bộ Sở Tư pháp</td>" in html


def test_the_page_picks_its_ids_without_joining_the_shown_columns(client, settings, people, crowd):
    """The shown columns (organization, its parent) are read for the page's rows only: joined into the step that
    picks the page's ids, they changed PostgreSQL's plan of a deep page from 3 ms to 41 ms (issue 19)."""
    settings.DANGBO_PAGE_SIZE = 3
    client.force_login(people.staff)
    first = client.get(reverse("members:list")).context["page"]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("members:list"), {"sau": first.next_after})
    assert response.status_code == 200 and response.context["page"].rows
    picks = [q["sql"] for q in ctx.captured_queries if "name_sort" in q["sql"] and "LIMIT" in q["sql"]]
    assert picks
    assert all("JOIN" not in sql for sql in picks), picks


@pytest.mark.parametrize("large", [False, True])
def test_the_pages_read_by_compiled_statements_are_the_orms(
    monkeypatch, settings, tree, people, crowd, large
):
    """The list's statements are compiled once per process for what determines them (scope, filters, search): each
    page read again through them is the page the ORM builds and runs — another scope, filter or position never
    gets the rows of a statement compiled for the one before."""
    from dangbo.members import selectors

    settings.DANGBO_PAGE_SIZE = 3
    if large:  # the other plan (the subtree predicate not driving it)
        monkeypatch.setattr(selectors, "LARGE_SCOPE", 0)
    older = crowd[0]
    Member.objects.filter(pk=older.pk).update(birth_date=dt.date(1950, 1, 1))
    cases = [{}, {"q": "hung"}, {"q": "nguyen van h"}, {"gender": "nu"}, {"organization": tree.a1.pk},
             {"organization": tree.a2.pk, "q": "van"}, {"status": "tat_ca", "age_band": "tren_60"}, {"q": "zzz"}]  # fmt: skip

    def pages(actor, params):
        """Every page forward from ``params``, then the page before the last one: (pks, total) of each."""
        out, after = [], None
        for _ in range(10):
            p = {**params, **({"sau": after} if after else {})}
            flt, page, total, cap = selectors.member_list(actor=actor, params=p, as_values=True)
            orm = selectors.member_list(actor=actor, params=p)  # model instances: the ORM's statements
            assert [r.pk for r in page.rows] == [m.pk for m in orm[1].rows] and total == orm[2], (actor, p)
            assert page.next_after == orm[1].next_after and page.prev_before == orm[1].prev_before
            out.append(([r.pk for r in page.rows], total))
            if not page.next_after:
                break
            after = page.next_after
        if page.prev_before:
            back = selectors.member_list(
                actor=actor, params={**params, "truoc": page.prev_before}, as_values=True
            )
            orm = selectors.member_list(actor=actor, params={**params, "truoc": page.prev_before})
            assert [r.pk for r in back[1].rows] == [m.pk for m in orm[1].rows]
            out.append(([r.pk for r in back[1].rows], back[2]))
        return out

    seen = {}
    for _ in range(2):  # the second round runs the stored statements
        for actor in (people.staff, people.secretary_a, people.secretary_b, people.member_user):
            for params in cases:
                got = pages(actor, params)
                assert seen.setdefault((actor.pk, str(params)), got) == got
    assert older.pk in sum((rows for rows, _ in seen[(people.staff.pk, str(cases[6]))]), [])
    b_only = sum((rows for rows, _ in seen[(people.secretary_b.pk, str({}))]), [])
    assert b_only == [people.m_b.pk]  # B's secretary: B's member only, after the wider scopes' statements
    own = sum((rows for rows, _ in seen[(people.member_user.pk, str({}))]), [])
    assert own == [people.m_a1.pk]
