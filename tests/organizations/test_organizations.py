"""The organization tree: allowed kinds, subtree queries, counts, history of parent links, committees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.core.errors import ApplicationError
from dangbo.core.policies import subtree_q
from dangbo.organizations import selectors, services
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization, OrganizationLink


@pytest.mark.parametrize(
    ("kind", "parent_attr", "ok"),
    [
        (OrgKind.GRASSROOTS_COMMITTEE, "bloc", True),
        (OrgKind.GRASSROOTS_CELL, "bloc", True),
        (OrgKind.SUBORDINATE_CELL, "a", True),
        (OrgKind.SUB_COMMITTEE, "a", True),
        (OrgKind.SUBORDINATE_CELL, "bloc", False),
        (OrgKind.GRASSROOTS_COMMITTEE, "a", False),
        (OrgKind.DIRECT, "bloc", False),
        (OrgKind.SUBORDINATE_CELL, "b", False),
    ],
)
def test_allowed_parent_kinds(tree, root_user, kind, parent_attr, ok):
    parent = getattr(tree, parent_attr)
    data = {"name": "Tổ chức mới", "code": "NEW", "kind": kind}
    if ok:
        assert services.organization_create(actor=root_user, parent=parent, data=data).parent == parent
    else:
        with pytest.raises(ApplicationError) as error:
            services.organization_create(actor=root_user, parent=parent, data=data)
        assert error.value.field_errors["parent"].startswith("Trực thuộc: ")
        assert not Organization.objects.filter(code="NEW").exists()


def test_subtree_is_one_range_query_and_does_not_catch_lookalike_ids(tree, root_user):
    # An organization whose id starts with A's digits: path "…/12." beside A's "…/1." must stay outside.
    lookalike_pk = int(f"{tree.a.pk}0")
    Organization.objects.create(
        pk=lookalike_pk, name="Chi bộ X", code="X", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc,
        path=f"{tree.bloc.path}{lookalike_pk}.", depth=tree.a.depth,
    )  # fmt: skip
    with CaptureQueriesContext(connection) as q:
        ids = set(Organization.objects.filter(subtree_q(tree.a.path)).values_list("pk", flat=True))
    assert len(q) == 1
    assert ids == {tree.a.pk, tree.a1.pk, tree.a2.pk}


def test_tree_counts_use_a_fixed_number_of_queries(client, tree, people, make_member):
    client.force_login(people.staff)
    url = reverse("organizations:children", args=[tree.bloc.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(5):
        services.organization_create(
            actor=people.staff, parent=tree.bloc, data={"name": f"Chi bộ {i}", "code": f"C{i}", "kind": OrgKind.GRASSROOTS_CELL}
        )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(after) == len(before)
    nodes = {n.code: n for n in response.context["nodes"]}
    assert nodes["SYT"].member_count == 3 and nodes["STP"].member_count == 1 and nodes["C0"].member_count == 0
    assert nodes["SYT"].has_children and not nodes["STP"].has_children


def test_tree_on_a_past_date_follows_parent_links(tree, people, root_user):
    # B sat under another committee until 01/01/2020; then it joined the bloc.
    other = services.organization_create(
        actor=root_user, parent=tree.province, data={"name": "Đảng bộ Khối Doanh nghiệp", "code": "KDN", "kind": OrgKind.DIRECT}
    )  # fmt: skip
    link = OrganizationLink.objects.get(organization=tree.b, valid_to__isnull=True)
    link.valid_from = dt.date(2020, 1, 1)
    link.save()
    OrganizationLink.objects.create(
        organization=tree.b, parent=other, valid_from=None, valid_to=dt.date(2020, 1, 1)
    )
    codes = lambda parent, on: [n.code for n in selectors.tree_children(root_user, parent, on=on)]  # noqa: E731
    assert codes(tree.bloc, dt.date(2013, 6, 30)) == ["SYT"]
    assert codes(other, dt.date(2013, 6, 30)) == ["STP"]
    assert codes(tree.bloc, dt.date(2024, 1, 1)) == ["STP", "SYT"]  # siblings in name order


def test_create_and_edit_through_pages_with_audit(client, tree, people):
    client.force_login(people.secretary_a)
    response = client.post(
        reverse("organizations:create", args=[tree.a.pk]),
        {
            "name": "Chi bộ  Khoa Ngoại",
            "code": "SYT-3",
            "kind": OrgKind.SUBORDINATE_CELL,
            "founding_date": "05/09/2013",
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(code="SYT-3")
    assert (
        org.name == "Chi bộ Khoa Ngoại"
        and org.path == f"{tree.a.path}{org.pk}."
        and org.founding_date == dt.date(2013, 9, 5)
    )
    response = client.post(
        reverse("organizations:edit", args=[org.pk]),
        {
            "name": "Chi bộ Khoa Ngoại tổng hợp",
            "code": "SYT-3",
            "kind": OrgKind.SUBORDINATE_CELL,
            "founding_date": "05/09/2013",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("organizations:detail", args=[org.pk])).content.decode()
    assert "Lịch sử thay đổi" in page and "Chi bộ Khoa Ngoại → Chi bộ Khoa Ngoại tổng hợp" in page


def test_duplicate_code_and_wrong_dates_are_refused(client, tree, people):
    client.force_login(people.staff)
    response = client.post(
        reverse("organizations:create", args=[tree.bloc.pk]),
        {
            "name": "Chi bộ Y",
            "code": "STP",
            "kind": OrgKind.GRASSROOTS_CELL,
            "founding_date": "05/09/2013",
            "end_date": "01/01/2010",
        },
    )
    body = response.content.decode()
    assert "Mã tổ chức: mã «STP» đã được dùng cho tổ chức khác." in body
    assert "Ngày kết thúc hoạt động: phải sau ngày thành lập." in body
    assert not Organization.objects.filter(name="Chi bộ Y").exists()


def test_committee_term_and_seats(client, tree, people):
    client.force_login(people.secretary_a)
    url = reverse("organizations:committee", args=[tree.a.pk])
    assert (
        client.post(
            url, {"form": "term", "term-name": "2020–2025", "term-start_date": "01/08/2020"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"form": "seat", "seat-member": people.m_a1.pk, "seat-position": "bi_thu"}
        ).status_code
        == 302
    )
    # A member of another organization cannot sit on A's committee.
    response = client.post(url, {"form": "seat", "seat-member": people.m_b.pk, "seat-position": "pho_bi_thu"})
    assert response.status_code == 200 and "Đảng viên" in response.content.decode()
    page = client.get(reverse("organizations:detail", args=[tree.a.pk])).content.decode()
    assert "Cấp ủy nhiệm kỳ 2020–2025" in page and "Bí thư" in page and "Nguyễn Văn Hùng" in page


def test_a_term_records_the_congress_that_opened_it(client, tree, people, root_user):
    """The congress days place the congress's own documents (they are numbered together); the term starts during
    the congress (the new committee's first plenary) or the day after it closed; nothing overlaps."""
    D = dt.date
    term = services.term_create(actor=root_user, organization=tree.a, name="2020–2025", start_date=D(2020, 8, 1),
                                congress_start=D(2020, 7, 30), congress_end=D(2020, 7, 31))  # fmt: skip
    assert (term.congress_start, term.congress_end) == (D(2020, 7, 30), D(2020, 7, 31))
    assert selectors.congress_on(tree.a, D(2020, 7, 29)) is None
    assert selectors.congress_on(tree.a, D(2020, 7, 31)) == term
    cases = [
        ({"congress_start": D(2025, 7, 30)}, "congress_end",
         "Ngày bế mạc đại hội: ghi cả ngày họp phiên trù bị và ngày bế mạc của đại hội."),
        ({"congress_start": D(2025, 7, 31), "congress_end": D(2025, 7, 30)}, "congress_end",
         "Ngày bế mạc đại hội: trước ngày họp phiên trù bị."),
        ({"congress_start": D(2025, 6, 1), "congress_end": D(2025, 6, 3)}, "start_date",
         "Ngày bắt đầu: nhiệm kỳ bắt đầu trong thời gian đại hội (phiên họp thứ nhất của cấp ủy mới) hoặc ngày sau "
         "ngày bế mạc (04/06/2025)."),
        ({"start_date": D(2020, 7, 31), "congress_start": D(2020, 7, 31), "congress_end": D(2020, 7, 31)},
         "congress_start", "Ngày họp phiên trù bị đại hội: trùng thời gian đại hội của nhiệm kỳ 2020–2025 "
         "(30/07/2020 – 31/07/2020)."),
        ({"start_date": D(2020, 8, 1)}, "start_date", "Ngày bắt đầu: nhiệm kỳ 2020–2025 cũng bắt đầu ngày 01/08/2020."),
    ]  # fmt: skip
    for over, field, message in cases:
        with pytest.raises(ApplicationError) as err:
            services.term_create(actor=root_user, organization=tree.a, name="2025–2030",
                                 **{"start_date": D(2025, 8, 1), **over})  # fmt: skip
        assert err.value.field_errors[field] == message
    assert tree.a.terms.count() == 1
    # The committee page takes the congress days.
    client.force_login(people.secretary_a)
    url = reverse("organizations:committee", args=[tree.a.pk])
    assert "Ngày họp phiên trù bị đại hội" in client.get(url).content.decode()
    r = client.post(url, {"form": "term", "term-name": "2025–2030", "term-start_date": "01/08/2025",
                          "term-congress_start": "30/07/2025", "term-congress_end": "31/07/2025"})  # fmt: skip
    assert r.status_code == 302 and selectors.congress_on(tree.a, D(2025, 7, 30)).name == "2025–2030"


def test_stored_counts_follow_every_member_change_and_agree_with_a_full_recount(
    client, tree, people, make_member
):
    from dangbo.core.dates import today
    from dangbo.members import services as member_services
    from dangbo.members.counts.services import recount
    from dangbo.members.history import services as lifecycle

    def snapshot():
        return {o.code: (o.official_count, o.probationary_count) for o in Organization.objects.all()}

    assert snapshot()["SYT"] == (3, 0) and snapshot()["KCQ"] == (4, 0)
    newcomer = make_member(tree.a2, "Vi Văn Tường", status="du_bi", official_date=None)
    sent = lifecycle.transfer_send(actor=people.staff, member=people.m_a1, kind="chinh_thuc",
                                   to_organization=tree.b, sent_date=today(), letter_no="9-GGT/ĐU")  # fmt: skip
    lifecycle.transfer_receive(actor=people.staff, transfer=sent, cell=tree.b, received_date=today())
    lifecycle.event_record(actor=people.staff, member=people.m_a2, kind="tu_tran", date=today())
    member_services.member_delete(actor=people.staff, member=people.m_b)
    incremental = snapshot()
    assert incremental["SYT"] == (1, 1) and incremental["STP"] == (1, 0) and incremental["KCQ"] == (2, 1)
    assert newcomer.organization.code == "SYT-2"
    recount()
    assert snapshot() == incremental


def test_committee_of_a_large_organization_takes_the_member_by_record_number(
    client, tree, people, monkeypatch
):
    from dangbo.organizations.forms import SeatForm

    monkeypatch.setattr(SeatForm, "MAX_CHOICES", 1)
    client.force_login(people.secretary_a)
    url = reverse("organizations:committee", args=[tree.a.pk])
    client.post(url, {"form": "term", "term-name": "2020–2025", "term-start_date": "01/08/2020"})
    page = client.get(url).content.decode()
    assert 'type="number" name="seat-member"' in page and "Trần Thị Lan" not in page
    assert (
        client.post(
            url, {"form": "seat", "seat-member": people.m_a1b.pk, "seat-position": "pho_bi_thu"}
        ).status_code
        == 302
    )
    response = client.post(
        url, {"form": "seat", "seat-member": people.m_b.pk, "seat-position": "uy_vien_bch"}
    )
    assert "giá trị đã chọn không hợp lệ" in response.content.decode()


def test_the_date_of_the_tree_page_is_checked(client, tree, people):
    client.force_login(people.staff)
    url = reverse("organizations:tree")
    for raw in ("30/02/2025", "abc", "01/01/0001", "31/12/9999"):
        r = client.get(url, {"ngay": raw})
        assert r.status_code == 200 and r.context["on"] is None, raw
        assert r.context["date_error"] == f"Ngày «{raw}» không hợp lệ, cần có dạng dd/mm/yyyy."
    future = client.get(url, {"ngay": "01/01/2999"})
    assert (
        future.context["on"] is None
        and future.context["date_error"] == "Ngày xem cây tổ chức không được sau ngày hôm nay."
    )
    good = client.get(url, {"ngay": " 01/06/2024 "})
    assert good.context["on"] == dt.date(2024, 6, 1) and good.context["date_error"] == ""
    assert client.get(reverse("organizations:children", args=[tree.a.pk]), {"ngay": "abc"}).status_code == 200


def test_a_move_keeps_the_stored_counts_and_needs_a_parent_active_on_the_date(
    tree, people, root_user, make_member
):
    from dangbo.members.counts import services as counts
    from dangbo.members.history import services as lifecycle
    from dangbo.organizations.tree import services as restructure

    make_member(tree.a1, "Phạm Văn Dự", status="du_bi", official_date=None)
    lifecycle.event_record(actor=root_user, member=people.m_a2, kind="mien", date=dt.date(2024, 1, 1))
    new_home = services.organization_create(actor=root_user, parent=tree.province, data={
        "name": "Đảng bộ UBND tỉnh", "code": "UBND", "kind": OrgKind.DIRECT, "founding_date": dt.date(2024, 5, 1)})  # fmt: skip
    with pytest.raises(ApplicationError) as error:
        restructure.organization_move(
            actor=root_user, organization=tree.a, new_parent=new_home, date=dt.date(2024, 4, 1)
        )
    assert (
        error.value.field_errors["new_parent"]
        == "Trực thuộc: «Đảng bộ UBND tỉnh» không hoạt động vào ngày 01/04/2024."
    )
    restructure.organization_move(
        actor=root_user, organization=tree.a, new_parent=new_home, date=dt.date(2024, 6, 1)
    )
    stored = {o.code: (o.official_count, o.probationary_count) for o in Organization.objects.all()}
    assert (
        stored["SYT"] == (3, 1)
        and stored["UBND"] == (3, 1)
        and stored["KCQ"] == (1, 0)
        and stored["NA"] == (4, 1)
    )
    counts.recount()
    assert {o.code: (o.official_count, o.probationary_count) for o in Organization.objects.all()} == stored


def test_the_report_names_exempted_members_by_the_official_term(client, tree, people, root_user):
    from dangbo.members.history import services as lifecycle

    lifecycle.event_record(actor=root_user, member=people.m_a2, kind="mien", date=dt.date(2024, 1, 1))
    client.force_login(people.staff)
    body = client.get(
        reverse("reports:index"), {"organization": tree.a.pk, "on": "01/06/2024"}
    ).content.decode()
    assert "được miễn công tác và sinh hoạt đảng" in body and "được miễn sinh hoạt<" not in body


def test_every_org_path_column_is_registered_for_restructuring():
    """A table that copies an organization's path is re-pathed when the organization moves only if its app
    registered it (core.registries.PATH_TABLES): a new column that is forgotten fails here."""
    from django.apps import apps

    from dangbo.core.registries import PATH_TABLES

    carried = {
        m._meta.label for m in apps.get_models() if m.__module__.startswith("dangbo.")
        for f in m._meta.concrete_fields if f.name == "org_path"
    }  # fmt: skip
    assert carried and carried == {t.model for t in PATH_TABLES}


def test_organization_update_refuses_a_stale_version_and_the_page_keeps_the_input(
    client, tree, people, root_user
):
    from django.test import Client

    from dangbo.audit.concurrency.services import StaleEdit
    from dangbo.organizations import services as org_services
    from dangbo.organizations.models import Organization
    from tests.pageform import form_values

    version = org_services.ORG_VERSION.of(tree.a1)
    org_services.organization_update(actor=root_user, organization=tree.a1, data={"host_unit": "Văn phòng Sở"},
                                     expected_version=version)  # fmt: skip
    with pytest.raises(StaleEdit) as refused:
        org_services.organization_update(actor=root_user, organization=tree.a1, data={"short_name": "VP"},
                                         expected_version=version)  # fmt: skip
    assert refused.value.changed == ["host_unit"] and "Thông tin tổ chức này đã được" in refused.value.message

    url = reverse("organizations:edit", args=[tree.b.pk])
    first, second = Client(), Client()
    first.force_login(people.secretary_b)
    second.force_login(people.staff)
    first_form = form_values(first.get(url).content.decode())
    second_form = form_values(second.get(url).content.decode())
    first_form["host_unit"] = "Sở Tư pháp tỉnh"
    assert first.post(url, first_form).status_code == 302
    second_form["short_name"] = "CB STP"
    page = second.post(url, second_form).content.decode()
    assert "Thông tin tổ chức này đã được secretary_b sửa lúc" in page
    assert form_values(page)["short_name"] == "CB STP" and form_values(page)["host_unit"] == "Sở Tư pháp tỉnh"
    assert Organization.objects.get(pk=tree.b.pk).short_name != "CB STP"
