"""Name search of the member list against a plain reading of the rule, on both databases (PostgreSQL answers it
from the word table, SQLite from FTS5): every query word is a whole word of the folded name, the last one a word
prefix; only members in the user's scope; Vietnamese name order; pages in both directions; and the index follows
renames, moves of a whole organization and deletions."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.urls import reverse

from dangbo.core.dates import add_years
from dangbo.core.text import fold
from dangbo.members.models import Member

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hồ", "Đặng", "Vi", "Moong", "Lô"]
MIDDLE = ["Văn", "Thị", "Đức", "Hữu", "Thị Thu", ""]
GIVEN = ["Hùng", "Hưng", "Hà", "Hải", "Hoa", "Huy", "Hương", "An", "Anh", "Đào", "Dũng", "Thu", "Văn"]
QUERIES = [
    "hung", "hu", "h", "nguyen", "nguyen van hung", "nguyen van hu", "hung nguyen", "thi", "thi thu",
    "tran thi h", "van", "moong", "dang", "d", "an", "anh", "thu ha", "le huu huy", "vi van", "zz", "nguyen zz",
]  # fmt: skip


@pytest.fixture
def many(tree, make_member):
    rng = random.Random(7)
    cells = [tree.a1, tree.a2, tree.b]
    made = []
    for _ in range(70):
        name = " ".join(p for p in (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)) if p)
        born = dt.date(rng.randint(1955, 2000), rng.randint(1, 12), rng.randint(1, 28))
        made.append(make_member(
            rng.choice(cells), name, gender=rng.choice(["nam", "nu"]), ethnicity=rng.choice(["Kinh", "Thái"]),
            birth_date=born, joined_date=add_years(born, 20), official_date=add_years(born, 21),
            political_theory=rng.choice(["so_cap", "trung_cap", "cao_cap"]),
        ))  # fmt: skip
    return made


def expected(query: str, members) -> list[int]:
    *whole, last = fold(query).split()
    hits = []
    for m in members:
        words = fold(m.full_name).split()
        if all(w in words for w in whole) and any(w.startswith(last) for w in words):
            hits.append(m)
    return [m.pk for m in sorted(hits, key=lambda m: (m.name_sort, m.pk))]


def every_page(client, params) -> tuple[list[int], list]:
    url = reverse("members:list")
    seen, pages, extra = [], [], {}
    while True:
        page = client.get(url, {**params, **extra}).context["page"]
        pages.append([m.pk for m in page.rows])
        seen += pages[-1]
        if not page.next_after:
            return seen, pages
        extra = {"sau": page.next_after}


@pytest.fixture(params=["chosen", "index", "scan", "walk"])
def plan(request, monkeypatch):
    """The plan the list picks, or one forced for every search: the search index, the names of a small
    scope checked row by row, or a walk along the name order through a large scope checking each name."""
    from dangbo.members import selectors

    if request.param != "chosen":
        monkeypatch.setattr(selectors, "scan_is_cheaper", lambda *args, **kwargs: request.param != "index")
    if request.param == "walk":
        monkeypatch.setattr(selectors, "LARGE_SCOPE", 0)
    return request.param


@pytest.mark.parametrize("analyzed", [False, True])
def test_every_query_finds_exactly_the_members_the_rule_names(client, settings, people, many, analyzed, plan):
    if analyzed and connection.vendor != "postgresql":
        pytest.skip("SQLite reads exact word counts from the FTS5 vocabulary: nothing to analyze")
    if analyzed:
        with connection.cursor() as cur:  # column statistics change which word the search reads first
            cur.execute("ANALYZE members_member_word")
    settings.DANGBO_PAGE_SIZE = 7
    client.force_login(people.staff)
    members = list(Member.objects.all())
    for query in QUERIES:
        seen, pages = every_page(client, {"q": query})
        assert seen == expected(query, members), query
        total = client.get(reverse("members:list"), {"q": query}).context["total"]
        assert total == len(seen), query
        if len(pages) > 2:  # and back from the third page with "trang trước"
            third = client.get(reverse("members:list"), {"q": query, "sau": pages[1][-1]}).context["page"]
            back = client.get(reverse("members:list"), {"q": query, "truoc": third.rows[0].pk}).context[
                "page"
            ]
            assert [m.pk for m in back.rows] == pages[1], query


def test_search_stays_inside_the_scope_and_the_chosen_organization(client, tree, people, many, plan):
    members = list(Member.objects.all())
    in_a = [m for m in members if m.org_path.startswith(tree.a.path)]
    client.force_login(people.secretary_a)
    for query in ("hung", "nguyen", "thi h"):
        assert every_page(client, {"q": query})[0] == expected(query, in_a), query
    client.force_login(people.staff)
    in_a2 = [m for m in members if m.org_path.startswith(tree.a2.path)]
    assert every_page(client, {"q": "h", "organization": tree.a2.pk})[0] == expected("h", in_a2)
    client.force_login(people.member_user)  # a plain member: their own record only
    assert every_page(client, {"q": "hung"})[0] == [people.m_a1.pk]
    assert every_page(client, {"q": "lan"})[0] == []


def test_the_index_follows_renames_moves_and_deletions(client, tree, people, root_user, make_member):
    from dangbo.members import services
    from dangbo.organizations.choices import OrgKind
    from dangbo.organizations.services import organization_create
    from dangbo.organizations.tree import services as restructure

    client.force_login(people.staff)
    url = reverse("members:list")

    def found(**params):
        return [m.full_name for m in client.get(url, params).context["page"].rows]

    member = make_member(tree.a1, "Vi Văn Khăm")
    services.member_update(actor=root_user, member=member, data={"full_name": "Vi Văn Khánh"})
    assert found(q="kham") == [] and found(q="vi van khanh") == ["Vi Văn Khánh"]
    assert found(q="khanh", gender="nu") == []
    services.member_update(actor=root_user, member=member, data={"gender": "nu"})  # a carried filter column
    assert found(q="khanh", gender="nu") == ["Vi Văn Khánh"] and found(q="khanh", gender="nam") == []
    # The whole Sở Y tế moves under another committee: its members' paths change, the search follows.
    other = organization_create(actor=root_user, parent=tree.province, data={
        "name": "Đảng bộ UBND tỉnh", "code": "UBND", "kind": OrgKind.DIRECT, "founding_date": dt.date(2024, 5, 1)})  # fmt: skip
    restructure.organization_move(
        actor=root_user, organization=tree.a, new_parent=other, date=dt.date(2024, 6, 1)
    )
    assert found(q="khanh") == []  # the bloc's staff no longer reach the Sở Y tế
    client.force_login(root_user)
    assert found(q="khanh", organization=other.pk) == ["Vi Văn Khánh"]
    assert found(q="khanh", organization=tree.bloc.pk) == []
    services.member_delete(actor=root_user, member=Member.objects.get(pk=member.pk))
    assert found(q="khanh") == []
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM members_member_word WHERE row_id = %s", [member.pk])
            assert cur.fetchone()[0] == 0


def test_a_name_typed_with_the_legacy_eth_is_found_by_d(client, tree, people, make_member, plan):
    """Old fonts and keyboards type "Ð" (U+00D0) for "Đ": it is stored as Đ, and "doan" finds it."""
    member = make_member(tree.a1, "Ðoàn Văn Nam")
    assert member.full_name == "Đoàn Văn Nam"
    client.force_login(people.staff)
    for query in ("doan", "đoàn", "Ðoàn văn", "nam doan"):
        found = client.get(reverse("members:list"), {"q": query}).context["page"].rows
        assert [m.pk for m in found] == [member.pk], query


def _migration(app: str, name: str):
    """The module of ``app``'s migration named ``NNNN_<name>`` (numbers may change when branches merge)."""
    import importlib
    import pkgutil

    package = importlib.import_module(f"dangbo.{app}.migrations")
    (module,) = [m.name for m in pkgutil.iter_modules(package.__path__) if m.name.endswith(f"_{name}")]
    return importlib.import_module(f"dangbo.{app}.migrations.{module}")


def test_the_migration_corrects_legacy_rows_and_the_search_follows(
    client, tree, people, make_member, root_user
):
    """Rows stored before: "Ðoàn" kept in the name, folded to "ðoan" (not found by "doan"), and the old sort key.
    The migration writes Đ, the folded name (the FTS5 table / word table follow through their triggers) and
    every sort key again."""
    from dangbo.core.text import name_sort_key
    from dangbo.members.admission import services as admission
    from dangbo.members.models import Candidate
    from dangbo.organizations.models import Organization

    legacy = make_member(tree.a1, "Đoàn Văn Nam")
    Member.objects.filter(pk=legacy.pk).update(
        full_name="Ðoàn Văn Nam",
        introducer_1="Ðinh Văn Hai",
        name_norm="ðoan van nam",
        name_sort="NAM0 VĂN0 ÐOAN2",
    )
    Member.objects.exclude(pk=legacy.pk).update(name_sort="old")
    candidate = admission.candidate_save(actor=root_user, data={
        "organization": tree.a1, "full_name": "Ðinh Thị Ðào", "gender": "nu", "birth_date": dt.date(2000, 5, 10),
    })  # fmt: skip
    Candidate.objects.filter(pk=candidate.pk).update(full_name="Ðinh Thị Ðào", name_sort="ÐAO5 THI5 ÐINH0")
    Organization.objects.filter(pk=tree.b.pk).update(
        name="Chi bộ Sở Ðiện lực", name_norm="chi bo so ðien luc"
    )
    client.force_login(people.staff)
    url = reverse("members:list")
    assert [m.pk for m in client.get(url, {"q": "doan"}).context["page"].rows] == []  # the bug

    if (
        connection.vendor == "postgresql"
    ):  # the test's own transaction: its deferred checks would block ALTER TABLE
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    editor = connection.schema_editor(atomic=False)
    _migration("members", "name_order").forward(None, editor)
    _migration("organizations", "legacy_d_bar").forward(None, editor)

    legacy.refresh_from_db()
    assert (legacy.full_name, legacy.introducer_1, legacy.name_norm) == (
        "Đoàn Văn Nam",
        "Đinh Văn Hai",
        "doan van nam",
    )
    assert [m.pk for m in client.get(url, {"q": "doan"}).context["page"].rows] == [legacy.pk]
    assert [m.pk for m in client.get(url, {"q": "nam"}).context["page"].rows] == [legacy.pk]
    assert Candidate.objects.get(pk=candidate.pk).full_name == "Đinh Thị Đào"
    for m in [*Member.objects.all(), *Candidate.objects.all()]:
        assert m.name_sort == name_sort_key(m.full_name)
    assert Organization.objects.filter(name="Chi bộ Sở Điện lực", name_norm="chi bo so dien luc").exists()
    if connection.vendor == "postgresql":  # the word table, filled again in bulk, carries the new keys
        with connection.cursor() as cur:
            cur.execute(
                """SELECT count(*), count(*) FILTER (WHERE w.name_sort <> m.name_sort)
                     FROM members_member_word w JOIN members_member m ON m.id = w.row_id"""
            )
            rows, stale = cur.fetchone()
        assert rows >= 3 * Member.objects.count() and stale == 0


FILTERS = [
    ({"gender": "nu"}, lambda m: m.gender == "nu"),
    ({"ethnicity": "Thái", "political_theory": "trung_cap"}, lambda m: m.ethnicity == "Thái" and m.political_theory == "trung_cap"),
    ({"age_band": "51_60"}, None),
    ({"status": "chinh_thuc", "gender": "nam"}, lambda m: m.status == "chinh_thuc" and m.gender == "nam"),
]  # fmt: skip


def test_search_with_attribute_filters_matches_the_filters_alone(client, settings, people, many, plan):
    """The search path reads the filter columns from the word table's index (PostgreSQL): the same rows as the
    list filtered without a search, then narrowed by the rule."""
    settings.DANGBO_PAGE_SIZE = 5
    client.force_login(people.staff)
    url = reverse("members:list")
    for params, _rule in FILTERS:
        settings.DANGBO_PAGE_SIZE = 1000
        filtered = [m.pk for m in client.get(url, params).context["page"].rows]  # the plain list (no search)
        settings.DANGBO_PAGE_SIZE = 5
        pool = list(Member.objects.filter(pk__in=filtered))
        for query in ("h", "nguyen", "thi h", "van"):
            assert every_page(client, {**params, "q": query})[0] == expected(query, pool), (params, query)
        assert _rule is None or all(_rule(m) for m in pool)


def test_every_list_filter_is_known_to_the_word_table_search():
    from dangbo.members.filters import WORD_TABLE_FILTERS, MemberFilter

    assert set(MemberFilter.base_filters) == WORD_TABLE_FILTERS


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the word table is PostgreSQL's (SQLite keeps its FTS5 table)")


def test_emptying_the_members_table_empties_the_word_table(people):
    """Django's flush and the test runner empty tables with TRUNCATE, which fires no row trigger."""
    _postgresql_only()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM members_member_word")
        assert cur.fetchone()[0] > 0
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (Django's deferred foreign keys would block TRUNCATE)
        cur.execute("TRUNCATE members_member CASCADE")
        cur.execute("SELECT count(*) FROM members_member_word")
        assert cur.fetchone()[0] == 0


def test_a_word_row_out_of_step_never_shows_a_wrong_member(client, people):
    """The page's rows are checked again by name: a stray word row (as a restored or hand-edited database could
    hold) hides nothing it should show and shows no one whose name does not match."""
    _postgresql_only()
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO members_member_word (row_id, word, org_path, name_sort, name_words, status, gender,
                                               political_theory, ethnicity, birth_date)
               SELECT id, 'kham', org_path, name_sort, ' vi van kham ', status, gender, political_theory, ethnicity,
                      birth_date FROM members_member WHERE id = %s""",
            [people.m_b.pk],
        )
    client.force_login(people.staff)
    assert [
        m.full_name for m in client.get(reverse("members:list"), {"q": "kham"}).context["page"].rows
    ] == []


def test_a_same_named_table_in_another_schema_changes_nothing(client, people, monkeypatch):
    """The statistics are read for this connection's own tables (a backup schema may hold copies)."""
    _postgresql_only()
    from dangbo.core import search

    monkeypatch.setattr(search, "_stats_cache", {})
    with connection.cursor() as cur:
        cur.execute("CREATE SCHEMA archive")
        cur.execute("CREATE TABLE archive.members_member_word AS SELECT * FROM members_member_word")
        cur.execute("CREATE TABLE archive.members_member AS SELECT * FROM members_member")
        cur.execute("ANALYZE archive.members_member_word")
        cur.execute("ANALYZE members_member_word")
    client.force_login(people.staff)
    response = client.get(reverse("members:list"), {"q": "hung"})
    assert [m.full_name for m in response.context["page"].rows] == ["Nguyễn Văn Hùng"]


def test_the_word_table_carries_the_list_filters_the_bulk_loader_writes(db):
    """``dangbo synth`` fills the word table with ``LIST_INDEX_FILTERS``; the migrations must have made exactly
    those columns (a new list filter needs a migration of the word table — CONTRIBUTING.md)."""
    _postgresql_only()
    from dangbo.members.models import LIST_INDEX_FILTERS

    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'members_member_word' "
            "AND table_schema = current_schema()"
        )
        columns = {row[0] for row in cur.fetchall()}
    assert columns - {"row_id", "word", "org_path", "name_sort", "name_words"} == set(LIST_INDEX_FILTERS)
