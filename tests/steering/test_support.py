"""Support programmes for communes: the communes of both eras, programmes, contributions and their rules,
totals of a period within a subtree and within the actor's scope, pages, and re-pathing on a move."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.organizations import services as org_services
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.tree import services as restructure
from dangbo.steering.choices import ContributionKind, Era
from dangbo.steering.models import Commune, Contribution, Programme
from dangbo.steering.support import selectors as support_selectors
from dangbo.steering.support import services as support

D = dt.date


def old(name: str, district: str) -> Commune:
    return Commune.objects.get(era=Era.BEFORE_2025, province_code=40, name=name, district_name=district)


def new(name: str) -> Commune:
    return Commune.objects.get(era=Era.CURRENT, province_code=40, name=name)


@pytest.fixture
def places(db):
    class P:
        chau_hanh = old("Xã Châu Hạnh", "Huyện Quỳ Châu")
        tri_le = old("Xã Tri Lễ", "Huyện Quế Phong")
        now_a = Commune.objects.filter(era=Era.CURRENT, province_code=40).order_by("code")[0]
        now_b = Commune.objects.filter(era=Era.CURRENT, province_code=40).order_by("code")[1]

    return P


@pytest.fixture
def programme(tree, root_user):
    """Run by the bloc since 01/01/2024, open-ended."""
    return support.programme_save(actor=root_user, organization=tree.bloc, data={
        "name": "Giúp đỡ xã nghèo miền núi", "start_date": D(2024, 1, 1), "end_date": None, "description": "",
    })  # fmt: skip


def give(actor, programme, supporter, commune, day, value, kind=ContributionKind.MONEY, **extra):
    return support.contribution_add(actor=actor, programme=programme, data={
        "supporter": supporter, "commune": commune, "date": day, "kind": kind, "value": value, **extra,
    })  # fmt: skip


# --- Communes -----------------------------------------------------------------------------------------------


def csv_count(province: int) -> int:
    with support.BEFORE_2025_CSV.open(encoding="utf-8") as f:
        return sum(1 for r in csv.DictReader(f) if int(r["province_code"]) == province)


def test_migration_loaded_both_eras_of_the_whole_country(db):
    na = Commune.objects.filter(province_code=40)
    assert na.filter(era=Era.CURRENT).count() == 130  # since 01/07/2025
    assert na.filter(era=Era.BEFORE_2025).count() == csv_count(40) == 412  # the shipped file
    assert Commune.objects.filter(era=Era.CURRENT).count() == 3321
    assert Commune.objects.filter(era=Era.BEFORE_2025).count() == 10051
    c = old("Thị trấn Quỳ Hợp", "Huyện Quỳ Hợp")
    assert (c.division_type, c.province_name, c.name_norm) == (
        "thị trấn",
        "Tỉnh Nghệ An",
        "thi tran quy hop huyen quy hop",
    )
    assert new("Phường Vinh Hưng").district_name == ""


def test_load_is_idempotent_and_keeps_the_committees_flags(db):
    before = Commune.objects.count()
    assert support.load() == {"created": 0, "updated": 0}
    assert Commune.objects.count() == before
    marked = old("Xã Tri Lễ", "Huyện Quế Phong")
    Commune.objects.filter(pk=marked.pk).update(poor=True, border=True, name="Tri Le (sửa tay)")
    Commune.objects.filter(era=Era.CURRENT, province_code=40, name__startswith="Phường").delete()
    result = support.load(provinces=[40])
    assert result == {"created": 11, "updated": 1}
    assert Commune.objects.count() == before
    marked.refresh_from_db()
    assert (marked.name, marked.poor, marked.border) == ("Xã Tri Lễ", True, True)
    assert support.load(provinces=[40]) == {"created": 0, "updated": 0}


def test_load_from_empty_table(db):
    Commune.objects.all().delete()
    assert support.load(provinces=[40])["created"] == 130 + 412
    assert support.load()["created"] == 3321 + 10051 - 130 - 412


def test_search_is_accent_free_by_word_and_restricted_to_the_era(db):
    found = list(support_selectors.search("chau hanh", era=Era.BEFORE_2025))
    assert old("Xã Châu Hạnh", "Huyện Quỳ Châu") in found
    assert all(c.era == Era.BEFORE_2025 for c in found)
    assert found[0].province_code == 40  # the deployment's province first
    # The former district is searchable too, and words match at word starts only.
    assert {c.district_name for c in support_selectors.search("tri le que phong", era=Era.BEFORE_2025)} == {
        "Huyện Quế Phong"
    }
    assert not support_selectors.search("inh hung", era=Era.CURRENT, province=40).exists()
    assert [c.name for c in support_selectors.search("VINH HƯNG", era=Era.CURRENT, province=40)] == [
        "Phường Vinh Hưng"
    ]
    assert not support_selectors.search("   ", era=Era.CURRENT).exists()


# --- Programmes ---------------------------------------------------------------------------------------------


def test_programme_rules(tree, people, root_user):
    with pytest.raises(ApplicationError) as e:
        support.programme_save(actor=root_user, organization=tree.bloc,
                               data={"name": "  ", "start_date": D(2024, 5, 1), "end_date": D(2024, 4, 1)})  # fmt: skip
    assert e.value.field_errors == {"name": "Tên chương trình: không được để trống.",
                                    "end_date": "Đến ngày: phải từ ngày bắt đầu (01/05/2024) trở về sau."}  # fmt: skip
    with pytest.raises(PermissionDenied):  # a sibling's secretary cannot run a programme of the bloc
        support.programme_save(actor=people.secretary_b, organization=tree.bloc,
                               data={"name": "X", "start_date": D(2024, 1, 1)})  # fmt: skip
    with pytest.raises(PermissionDenied):  # a leader only reads
        support.programme_save(
            actor=people.leader, organization=tree.bloc, data={"name": "X", "start_date": D(2024, 1, 1)}
        )
    assert not Programme.objects.exists()
    p = support.programme_save(actor=people.staff, organization=tree.bloc,
                               data={"name": "Giúp  xã   Tri Lễ", "start_date": D(2024, 1, 1)})  # fmt: skip
    assert (p.name, p.organization) == ("Giúp xã Tri Lễ", tree.bloc)
    assert AuditEvent.objects.filter(object_id=str(p.pk), content_type__model="programme").count() == 1


def test_programme_period_cannot_leave_out_recorded_contributions(tree, people, root_user, programme, places):
    give(root_user, programme, tree.a1, places.chau_hanh, D(2024, 3, 10), 1_000_000)
    with pytest.raises(ApplicationError) as e:
        support.programme_save(actor=root_user, organization=tree.bloc, programme=programme,
                               data={"start_date": D(2024, 6, 1)})  # fmt: skip
    assert "10/03/2024" in e.value.field_errors["start_date"]
    programme.refresh_from_db()
    assert programme.start_date == D(2024, 1, 1)


# --- Contributions ------------------------------------------------------------------------------------------


BAD = [
    ("negative", {"value": -500_000}, "value", "Giá trị: phải lớn hơn 0 đồng."),
    ("zero", {"value": 0}, "value", "Giá trị: phải lớn hơn 0 đồng."),
    ("absurd", {"value": 50_000_000_000}, "value",
     "Giá trị: 50.000.000.000 đ vượt mức tối đa 10.000.000.000 đ cho một lần đóng góp, xin kiểm tra lại."),
    ("fraction", {"value": 1500.5}, "value", "Giá trị: phải là số đồng nguyên (không có phần lẻ)."),
    ("text", {"value": "năm triệu"}, "value", "Giá trị: chỉ ghi số đồng, ví dụ 2.150.000."),
    ("old commune after 01/07/2025", {"date": D(2025, 8, 1)}, "commune", "hãy chọn xã, phường hiện nay"),
    ("current commune before 01/07/2025", {"commune": "now_a"}, "commune", "trước sắp xếp"),
    ("before the programme", {"date": D(2023, 12, 31)}, "date", "ngoài thời gian của chương trình (01/01/2024 – nay)"),
    ("future", {"date": D(2999, 1, 1)}, "date", "Ngày: không được sau hôm nay."),
    ("outside the subtree", {"supporter": "province"}, "supporter", "không thuộc «Đảng bộ Khối các cơ quan tỉnh»"),
    ("work days without a number", {"kind": ContributionKind.WORK}, "quantity", "Số ngày công: bắt buộc"),
    ("unknown kind", {"kind": "vang"}, "kind", "Hình thức: giá trị đã chọn không hợp lệ."),
    # Issue 18: exponents, NaN/Infinity and absurd digits are refused with a message, never a 500.
    ("value with an exponent", {"value": "1e28"}, "value", "Giá trị: không ghi số dạng lũy thừa (như 1e5)"),
    ("value of 27 digits", {"value": "9" * 27}, "value", "Giá trị: số quá lớn (tối đa 18 chữ số trước dấu phẩy)."),
    ("value NaN", {"value": Decimal("NaN")}, "value", "Giá trị: chỉ ghi số đồng, ví dụ 2.150.000."),
    ("value infinite", {"value": float("inf")}, "value", "Giá trị: chỉ ghi số đồng, ví dụ 2.150.000."),
    ("value 1e309", {"value": 1e309}, "value", "Giá trị: chỉ ghi số đồng, ví dụ 2.150.000."),
    ("value a boolean", {"value": True}, "value", "Giá trị: chỉ ghi số đồng, ví dụ 2.150.000."),
    ("work days NaN", {"kind": ContributionKind.WORK, "quantity": "NaN"}, "quantity", "Số ngày công: phải là một số."),
    ("work days NaN decimal", {"kind": ContributionKind.WORK, "quantity": Decimal("NaN")}, "quantity",
     "Số ngày công: phải là một số."),
    ("work days exponent", {"kind": ContributionKind.WORK, "quantity": "1e5"}, "quantity",
     "Số ngày công: không ghi số dạng lũy thừa"),
    ("work days absurd", {"kind": ContributionKind.WORK, "quantity": Decimal("1E+7")}, "quantity",
     "Số ngày công: số quá lớn (tối đa 999.999)."),
    ("work days two decimals", {"kind": ContributionKind.WORK, "quantity": "12,55"}, "quantity",
     "Số ngày công: tối đa 1 chữ số thập phân."),
    ("work days zero", {"kind": ContributionKind.WORK, "quantity": 0}, "quantity", "Số ngày công: phải lớn hơn 0"),
]  # fmt: skip


@pytest.mark.parametrize("case,change,field,message", BAD, ids=[b[0] for b in BAD])
def test_bad_contribution_is_refused_and_nothing_saved(
    tree, root_user, programme, places, case, change, field, message
):
    data = {"supporter": tree.a1, "commune": places.chau_hanh, "date": D(2024, 5, 1), "kind": ContributionKind.MONEY,
            "value": 2_000_000, "description": "Quà cho học sinh"}  # fmt: skip
    data.update(change)
    if data["supporter"] == "province":
        data["supporter"] = tree.province
    if data["commune"] == "now_a":
        data["commune"] = places.now_a
    with pytest.raises(ApplicationError) as e:
        support.contribution_add(actor=root_user, programme=programme, data=data)
    assert message in e.value.field_errors[field]
    assert e.value.field_errors[field].split(":")[0] in ("Giá trị", "Xã được hỗ trợ", "Ngày", "Tổ chức hỗ trợ",
                                                         "Số ngày công", "Hình thức")  # fmt: skip
    assert not Contribution.objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="contribution").exists()


def test_contribution_after_the_programme_ended(tree, root_user, places):
    p = support.programme_save(actor=root_user, organization=tree.bloc,
                               data={"name": "Đợt 2024", "start_date": D(2024, 1, 1), "end_date": D(2024, 12, 31)})  # fmt: skip
    with pytest.raises(ApplicationError) as e:
        give(root_user, p, tree.a1, places.now_a, D(2025, 8, 1), 1_000_000)
    assert e.value.field_errors["date"] == "Ngày: ngoài thời gian của chương trình (01/01/2024 – 31/12/2024)."


def test_good_contributions_of_both_eras(tree, people, root_user, programme, places):
    c = give(
        people.staff, programme, tree.a1, places.chau_hanh, D(2025, 6, 30), 2_150_000, description="  Gạo  "
    )
    assert (c.org_path, c.value, c.description, c.quantity) == (tree.a1.path, 2_150_000, "Gạo", None)
    w = give(people.cell_secretary, programme, tree.a1, places.now_a, D(2025, 7, 1), 3_000_000,
             kind=ContributionKind.WORK, quantity="12.5")  # fmt: skip
    assert w.quantity == 12.5
    ev = AuditEvent.objects.get(content_type__model="contribution", object_id=str(c.pk))
    assert ev.changes["value"]["after"] == "2.150.000 đ" and ev.actor == people.staff


def test_who_may_record(tree, people, programme, places):
    # The supporter's own secretaries (grassroots, cell) may; a sibling's secretary and a leader may not.
    give(people.secretary_a, programme, tree.a2, places.chau_hanh, D(2024, 5, 1), 1_000_000)
    give(people.cell_secretary, programme, tree.a1, places.chau_hanh, D(2024, 5, 1), 1_000_000)
    for actor, supporter in ((people.secretary_b, tree.a1), (people.cell_secretary, tree.a2),
                             (people.leader, tree.b), (people.member_user, tree.a1)):  # fmt: skip
        with pytest.raises(PermissionDenied):
            give(actor, programme, supporter, places.chau_hanh, D(2024, 5, 1), 1_000_000)
    assert Contribution.objects.count() == 2
    assert set(support_selectors.supporter_choices(people.cell_secretary, programme)) == {tree.a1}
    assert set(support_selectors.supporter_choices(people.staff, programme)) == {
        tree.bloc,
        tree.a,
        tree.a1,
        tree.a2,
        tree.b,
    }


def test_bulk_follows_the_same_rules_all_or_nothing(tree, root_user, programme, places):
    rows = [{"supporter": org, "commune": places.tri_le, "date": D(2024, 2, 1) + dt.timedelta(days=i), "kind": ContributionKind.GOODS,
             "value": 1_000_000 * (i + 1)} for i, org in enumerate([tree.a1, tree.a2, tree.b] * 20)]  # fmt: skip
    bad = [*rows, {**rows[0], "value": 0}]
    with pytest.raises(ApplicationError) as e:
        support.contributions_bulk(actor=root_user, programme=programme, rows=bad)
    assert e.value.message.startswith("Dòng 61:")
    assert not Contribution.objects.exists()
    saved = support.contributions_bulk(actor=root_user, programme=programme, rows=rows)
    assert len(saved) == Contribution.objects.count() == 60
    assert set(Contribution.objects.values_list("org_path", flat=True)) == {
        tree.a1.path,
        tree.a2.path,
        tree.b.path,
    }
    assert (
        AuditEvent.objects.filter(content_type__model="programme", object_id=str(programme.pk)).count() == 2
    )


# --- Totals -------------------------------------------------------------------------------------------------


@pytest.fixture
def contributed(tree, root_user, programme, places):
    give(root_user, programme, tree.a1, places.chau_hanh, D(2024, 2, 1), 1_000_000)
    give(root_user, programme, tree.a1, places.chau_hanh, D(2024, 3, 1), 500_000, kind=ContributionKind.GOODS)
    give(
        root_user,
        programme,
        tree.a2,
        places.chau_hanh,
        D(2024, 4, 1),
        2_000_000,
        kind=ContributionKind.WORK,
        quantity=10,
    )
    give(root_user, programme, tree.b, places.tri_le, D(2024, 5, 1), 7_000_000)
    give(root_user, programme, tree.b, places.tri_le, D(2024, 9, 1), 100_000_000)  # second half of the year
    return programme


def test_totals_distinct_counts_sums_and_breakdowns(tree, contributed, places):
    t = support_selectors.totals(programme=contributed, start=D(2024, 1, 1), end=D(2024, 6, 30))
    assert (t.count, t.supporters, t.communes, t.value) == (4, 3, 2, 10_500_000)
    by_kind = {k["kind"]: (k["count"], k["value"]) for k in t.by_kind}
    assert by_kind == {"tien": (2, 8_000_000), "hien_vat": (1, 500_000), "ngay_cong": (1, 2_000_000)}
    assert [(c["name"], c["district"], c["supporters"], c["value"]) for c in t.by_commune] == [
        ("Xã Tri Lễ", "Huyện Quế Phong", 1, 7_000_000),
        ("Xã Châu Hạnh", "Huyện Quỳ Châu", 2, 3_500_000),
    ]
    assert [(s["name"], s["communes"], s["value"]) for s in t.by_supporter] == [
        ("Chi bộ Sở Tư pháp", 1, 7_000_000),
        ("Chi bộ Khoa Nội", 1, 2_000_000),
        ("Chi bộ Văn phòng", 1, 1_500_000),
    ]
    year = support_selectors.totals(programme=contributed, start=D(2024, 1, 1), end=D(2024, 12, 31))
    assert (year.count, year.supporters, year.value) == (5, 3, 110_500_000)
    # A subtree: only the supporters under Sở Y tế.
    sub = support_selectors.totals(
        programme=contributed, scope_org=tree.a, start=D(2024, 1, 1), end=D(2024, 12, 31)
    )
    assert (sub.supporters, sub.communes, sub.value) == (2, 1, 3_500_000)
    empty = support_selectors.totals(programme=contributed, start=D(2023, 1, 1), end=D(2023, 12, 31))
    assert (empty.count, empty.supporters, empty.value, empty.by_commune) == (0, 0, 0, [])


def test_totals_within_the_actors_scope(tree, people, contributed):
    whole = (D(2024, 1, 1), D(2024, 12, 31))
    assert (
        support_selectors.totals(
            programme=contributed, start=whole[0], end=whole[1], actor=people.staff
        ).value
        == 110_500_000
    )
    mine = support_selectors.totals(
        programme=contributed, start=whole[0], end=whole[1], actor=people.secretary_b
    )
    assert (mine.supporters, mine.value) == (1, 107_000_000)
    assert (
        support_selectors.totals(
            programme=contributed, start=whole[0], end=whole[1], actor=people.nobody
        ).count
        == 0
    )


# --- Pages and scope ----------------------------------------------------------------------------------------


def test_programme_page_shows_the_period_figures(client, tree, people, contributed):
    client.force_login(people.staff)
    url = reverse("steering:programme", args=[contributed.pk])
    r = client.get(url, {"tu": "01/01/2024", "den": "30/06/2024"})
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        "<strong>3</strong> tổ chức hỗ trợ <strong>2</strong> xã, tổng giá trị <strong>10.500.000 đ</strong>"
        in html
    )
    assert "Xã Tri Lễ" in html and "Huyện Quế Phong" in html and "Chi bộ Khoa Nội" in html
    r = client.get(url, {"tu": "01/01/2024", "den": "31/12/2024"})
    assert "tổng giá trị <strong>110.500.000 đ</strong>" in r.content.decode()
    r = client.get(url, {"tu": "31/02/2024", "den": "x"})  # bad dates: the default half-year, errors shown
    assert r.status_code == 200 and "Từ ngày: ngày không hợp lệ" in r.content.decode()
    r = client.get(reverse("steering:programmes"))
    assert contributed.name in r.content.decode() and "110.500.000 đ" in r.content.decode()


def test_sibling_staff_gets_404_and_sees_nothing(client, tree, people, root_user, places):
    p = support.programme_save(actor=root_user, organization=tree.a, data={"name": "Chương trình của Sở Y tế",
                                                                          "start_date": D(2024, 1, 1)})  # fmt: skip
    give(root_user, p, tree.a1, places.chau_hanh, D(2024, 2, 1), 1_000_000)
    for persona in ("staff_b", "secretary_b", "nobody", "member_user"):
        client.force_login(getattr(people, persona))
        for name in ("steering:programme", "steering:contribution_create"):
            assert client.get(reverse(name, args=[p.pk])).status_code == 404, (persona, name)
            assert (
                client.post(reverse(name, args=[p.pk]), {"commune": places.chau_hanh.pk}).status_code == 404
            )
        assert "Chương trình của Sở Y tế" not in client.get(reverse("steering:programmes")).content.decode()
    assert Contribution.objects.count() == 1


def test_supporters_see_the_programme_they_may_contribute_to(client, tree, people, contributed):
    # Sở Tư pháp is under the bloc: its secretary sees the bloc's programme, with only its own figures.
    client.force_login(people.secretary_b)
    r = client.get(
        reverse("steering:programme", args=[contributed.pk]), {"tu": "01/01/2024", "den": "31/12/2024"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "Số liệu trong phạm vi tổ chức của đồng chí" in html
    assert "tổng giá trị <strong>107.000.000 đ</strong>" in html and "Chi bộ Văn phòng" not in html


def test_work_days_are_read_by_the_one_reader(client, tree, people, programme, places):
    """ "12,5" is twelve and a half days; "1.500" is one thousand five hundred, as every number field reads it."""
    c = give(people.cell_secretary, programme, tree.a1, places.chau_hanh, D(2024, 5, 15), 3_000_000,
             kind=ContributionKind.WORK, quantity="12,5")  # fmt: skip
    assert c.quantity == Decimal("12.5")
    client.force_login(people.cell_secretary)
    url = reverse("steering:contribution_create", args=[programme.pk])
    data = {"date": "15/05/2024", "supporter": tree.a1.pk, "commune": places.chau_hanh.pk, "kind": "ngay_cong",
            "value": "3.000.000"}  # fmt: skip
    for typed, message in (("NaN", "Số ngày công: phải là một số (ví dụ: 12,5)."), ("1e5", "lũy thừa"),
                           ("12,55", "Số ngày công: tối đa 1 chữ số thập phân."),
                           ("9.999.999", "Số ngày công: số quá lớn (tối đa 999.999).")):  # fmt: skip
        r = client.post(url, {**data, "quantity": typed})
        assert r.status_code == 200 and message in r.content.decode(), typed
    assert client.post(url, {**data, "quantity": "1.500"}).status_code == 302
    assert Contribution.objects.order_by("-id").first().quantity == 1500
    r = client.post(url, {**data, "value": "1e28"})
    assert (
        r.status_code == 200
        and "Giá trị quy ra tiền (đồng): không ghi số dạng lũy thừa" in r.content.decode()
    )


def test_record_through_the_page(client, tree, people, programme, places):
    client.force_login(people.cell_secretary)
    url = reverse("steering:contribution_create", args=[programme.pk])
    r = client.get(url)
    assert r.status_code == 200 and "Chi bộ Văn phòng" in r.content.decode()
    data = {"date": "15/05/2024", "supporter": tree.a1.pk, "commune": places.chau_hanh.pk, "kind": "tien",
            "value": "50.000.000.000", "description": "Xây nhà đại đoàn kết"}  # fmt: skip
    r = client.post(url, data)
    assert r.status_code == 200
    assert (
        "Giá trị: 50.000.000.000 đ vượt mức tối đa 10.000.000.000 đ cho một lần đóng góp"
        in r.content.decode()
    )
    assert not Contribution.objects.exists()
    r = client.post(url, {**data, "value": "-5"})
    assert "Giá trị: phải lớn hơn 0 đồng." in r.content.decode()
    r = client.post(
        url, {**data, "value": "-500.000"}
    )  # grouped thousands with a sign: still -500000, refused
    assert "Giá trị: phải lớn hơn 0 đồng." in r.content.decode()
    r = client.post(url, {**data, "value": "1.500,5"})
    assert "Giá trị: phải là số đồng nguyên (không có phần lẻ)." in r.content.decode()
    r = client.post(url, {**data, "value": "năm triệu"})
    assert "Giá trị quy ra tiền (đồng): phải là một số (ví dụ: 2.150.000)." in r.content.decode()
    assert not Contribution.objects.exists()
    r = client.post(url, {**data, "supporter": tree.a2.pk, "value": "5.000.000"})  # not theirs: not offered
    assert "Tổ chức hỗ trợ: giá trị đã chọn không hợp lệ." in r.content.decode()
    r = client.post(url, {**data, "value": "50.000.000 đ"})
    assert r.status_code == 302
    c = Contribution.objects.get()
    assert (c.value, c.supporter, c.commune, c.date) == (
        50_000_000,
        tree.a1,
        places.chau_hanh,
        D(2024, 5, 15),
    )
    r = client.post(url, {**data, "value": "3.000.000", "kind": "ngay_cong", "quantity": ""})
    assert "Số ngày công: bắt buộc với hình thức ngày công." in r.content.decode()
    r = client.post(url, {**data, "value": "3.000.000", "kind": "ngay_cong", "quantity": "12,5"})
    assert r.status_code == 302 and Contribution.objects.latest("id").quantity == 12.5


def test_commune_search_box_follows_the_date(client, tree, people, programme):
    client.force_login(people.staff)
    url = reverse("steering:contribution_create", args=[programme.pk])
    r = client.get(url, {"tim_xa": "chau hanh", "date": "01/05/2024"}, HTTP_HX_REQUEST="true")
    assert "Xã Châu Hạnh, Huyện Quỳ Châu" in r.content.decode()
    r = client.get(url, {"tim_xa": "chau hanh", "date": "01/08/2025"}, HTTP_HX_REQUEST="true")
    assert "Huyện Quỳ Châu" not in r.content.decode()
    r = client.get(url, {"tim_xa": "vinh hung", "date": "01/08/2025"}, HTTP_HX_REQUEST="true")
    assert "Phường Vinh Hưng — Nghệ An" in r.content.decode()
    assert "Đang hiện: <strong>từ 01/07/2025" in r.content.decode()


def test_empty_search_offers_the_communes_already_supported_in_that_era(
    client, tree, people, contributed, places
):
    client.force_login(people.staff)
    url = reverse("steering:contribution_create", args=[contributed.pk])
    html = client.get(url, {"tim_xa": "", "date": "01/05/2024"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Xã Tri Lễ, Huyện Quế Phong" in html and "Xã Châu Hạnh, Huyện Quỳ Châu" in html
    html = client.get(url, {"tim_xa": "", "date": "01/08/2025"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Huyện" not in html and "gõ tên xã" in html


def test_committee_marks_commune_flags_from_the_programme_page(client, tree, people, contributed, places):
    url = reverse("steering:programme", args=[contributed.pk])
    client.force_login(people.cell_secretary)  # may record, may not mark
    assert client.post(url, {"commune": places.tri_le.pk, "poor": "on"}).status_code == 404
    client.force_login(people.staff)
    r = client.post(url, {"commune": places.tri_le.pk, "poor": "on", "border": "on"})
    assert r.status_code == 302
    places.tri_le.refresh_from_db()
    assert (places.tri_le.poor, places.tri_le.mountainous, places.tri_le.border) == (True, False, True)
    assert AuditEvent.objects.filter(content_type__model="commune", object_id=str(places.tri_le.pk)).exists()


# --- Restructuring ------------------------------------------------------------------------------------------


def test_move_repaths_contributions_from_the_move_date(tree, root_user, programme, places):
    c = org_services.organization_create(actor=root_user, parent=tree.bloc,
                                         data={"name": "Đảng bộ Sở Giáo dục", "code": "SGD", "kind": OrgKind.GRASSROOTS_COMMITTEE})  # fmt: skip
    before = give(root_user, programme, tree.a1, places.now_a, D(2026, 2, 10), 1_000_000)
    after = give(root_user, programme, tree.a1, places.now_b, D(2026, 4, 10), 3_000_000)
    restructure.organization_move(actor=root_user, organization=tree.a1, new_parent=c, date=D(2026, 3, 1))
    tree.a1.refresh_from_db()
    before.refresh_from_db()
    after.refresh_from_db()
    assert before.org_path == f"{tree.a.path}{tree.a1.pk}."
    assert after.org_path == tree.a1.path == f"{c.path}{tree.a1.pk}."
    year = {"start": D(2026, 1, 1), "end": D(2026, 12, 31), "programme": programme}
    assert support_selectors.totals(scope_org=tree.a, **year).value == 1_000_000
    assert support_selectors.totals(scope_org=c, **year).value == 3_000_000
    assert support_selectors.totals(scope_org=tree.bloc, **year).value == 4_000_000
    # A contribution recorded later for a date before the move takes the path of that date.
    late = give(root_user, programme, tree.a1, places.now_a, D(2026, 2, 20), 500_000)
    assert late.org_path == before.org_path


def test_programme_save_refuses_a_stale_version(tree, root_user, programme):
    from dangbo.audit.concurrency.services import StaleEdit

    version = support.PROGRAMME_VERSION.of(programme)
    support.programme_save(actor=root_user, organization=tree.bloc, programme=programme,
                           data={"description": "Mô tả mới"}, expected_version=version)  # fmt: skip
    with pytest.raises(StaleEdit) as refused:
        support.programme_save(actor=root_user, organization=tree.bloc, programme=programme,
                               data={"name": "Tên khác"}, expected_version=version)  # fmt: skip
    assert refused.value.changed == ["description"] and "Chương trình này đã được" in refused.value.message
    programme.refresh_from_db()
    assert (programme.name, programme.description) == ("Giúp đỡ xã nghèo miền núi", "Mô tả mới")
