"""The member endpoints: the page's scope, filter and order; writes through the services with audit rows;
lost-update protection; errors as problems in Vietnamese that name the field."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.members.models import Member

JSON = "application/json"


def _walk(client, params, auth, limit):
    """Every row of the API list, following next_cursor."""
    ids, cursor, pages = [], None, 0
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        body = client.get(reverse("api:member_list"), query, **auth).json()
        ids += [m["id"] for m in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if not cursor:
            return ids, pages


def _page_walk(client, params):
    """Every row of the member list page, following its "sau" links."""
    ids, after = [], None
    while True:
        page = client.get(reverse("members:list"), {**params, **({"sau": after} if after else {})}).context[
            "page"
        ]
        ids += [m.pk for m in page.rows]
        after = page.next_after
        if not after:
            return ids


def test_a_cell_secretary_sees_their_cell_only(client, tree, people, bearer):
    auth = bearer(people.cell_secretary)
    assert client.get(reverse("api:member_detail", args=[people.m_a2.pk]), **auth).status_code == 404
    assert client.get(reverse("api:member_detail", args=[people.m_b.pk]), **auth).status_code == 404
    assert client.get(reverse("api:member_detail", args=[people.m_a1.pk]), **auth).status_code == 200
    listed = {m["id"] for m in client.get(reverse("api:member_list"), **auth).json()["items"]}
    assert listed == {people.m_a1.pk, people.m_a1b.pk}
    client.force_login(people.cell_secretary)
    assert listed == set(_page_walk(client, {}))
    # Asking for a subtree outside the scope answers as missing.
    outside = client.get(reverse("api:member_list"), {"organization": tree.a2.pk}, **auth)
    assert outside.status_code == 404 and outside["Content-Type"] == "application/problem+json"
    gone = client.get(reverse("api:organization_detail", args=[tree.b.pk]), **auth)
    assert gone.status_code == 404


@pytest.fixture
def crowd(tree, make_member):
    """Namesakes (ties on the sort key) and variety for the filters."""
    for i in range(5):
        make_member(tree.a1, "Nguyễn Văn Hùng")
        make_member(tree.a2, f"Phạm Thị Mai {chr(65 + i)}", gender="nu", political_theory="cao_cap")
    make_member(tree.b, "Nguyễn Văn Hưng", birth_date=dt.date(2000, 1, 1), joined_date=dt.date(2020, 1, 1),
                official_date=dt.date(2021, 1, 1))  # fmt: skip


@pytest.mark.parametrize("params", [
    {}, {"q": "nguyen van hung"}, {"q": "hu"}, {"gender": "nu"}, {"organization": "a2"}, {"status": "tat_ca"},
    {"political_theory": "cao_cap", "gender": "nu"}, {"age_band": "duoi_30"}, {"status": "da_ra"},
])  # fmt: skip
def test_the_api_lists_what_the_page_lists_each_row_once(
    client, tree, people, crowd, bearer, settings, params
):
    settings.DANGBO_PAGE_SIZE = 3
    params = {k: (getattr(tree, v).pk if k == "organization" else v) for k, v in params.items()}
    auth = bearer(people.staff)
    ids, pages = _walk(client, params, auth, limit=3)
    client.force_login(people.staff)
    assert ids == _page_walk(client, params)
    assert len(ids) == len(set(ids))
    if not params:
        scope = Member.objects.filter(status__in=["chinh_thuc", "du_bi"]).order_by("name_sort", "id")
        assert ids == list(scope.values_list("pk", flat=True)) and pages > 3


def test_a_page_of_one_walks_every_row(client, tree, people, crowd, bearer):
    ids, _ = _walk(client, {"status": "tat_ca"}, bearer(people.staff), limit=1)
    assert sorted(ids) == sorted(Member.objects.values_list("pk", flat=True))


def test_pages_are_bounded_and_cursors_checked(client, tree, people, bearer):
    auth = bearer(people.staff)
    too_many = client.get(reverse("api:member_list"), {"limit": 201}, **auth)
    assert too_many.status_code == 422
    assert too_many.json()["errors"] == [
        {"field": "limit", "message": "Số dòng mỗi trang: không được lớn hơn 200."}
    ]
    bad = client.get(reverse("api:member_list"), {"cursor": "!!!"}, **auth)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def _created(client, auth, cell, **overrides):
    body = {"full_name": "hoàng thị thu", "gender": "nu", "birth_date": "1990-04-02", "organization": cell.pk,
            "status": "chinh_thuc", "joined_date": "2015-06-01", "official_date": "2016-06-01",
            "citizen_id": "040190000777", "since": "2020-01-01", **overrides}  # fmt: skip
    return client.post(reverse("api:member_list"), body, content_type=JSON, **auth)


def _audit(member, action):
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Member),
                                     object_id=str(member.pk), action=action)  # fmt: skip


def test_create_and_update_go_through_the_services_with_audit(client, tree, people, bearer):
    auth = bearer(people.cell_secretary)
    response = _created(client, auth, tree.a1)
    assert response.status_code == 201, response.content
    body = response.json()
    member = Member.objects.get(pk=body["id"])
    assert member.full_name == "Hoàng Thị Thu" and member.organization == tree.a1  # the service's name case
    assert member.events.get().kind == "nhap_ho_so"
    created = _audit(member, "create").get()
    assert created.actor == people.cell_secretary
    assert created.changes["source"]["after"].startswith("API, khóa «Khóa cell_secretary»")

    url = reverse("api:member_detail", args=[member.pk])
    updated = client.patch(url, {"expected_version": body["version"], "occupation": "Bác sĩ"}, content_type=JSON,
                           **auth)  # fmt: skip
    assert updated.status_code == 200 and updated.json()["occupation"] == "Bác sĩ"
    change = _audit(member, "update").get()
    assert change.changes["occupation"]["after"] == "Bác sĩ" and "source" in change.changes

    # Someone else saves meanwhile: the old version is refused (409), nothing written.
    stale = client.patch(url, {"expected_version": body["version"], "occupation": "Dược sĩ"}, content_type=JSON,
                         **auth)  # fmt: skip
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    problem = stale.json()
    assert problem["status"] == 409 and problem["errors"] == [
        {"field": "occupation", "message": "Nghề nghiệp: đã được sửa sau khi bạn đọc hồ sơ."}
    ]
    member.refresh_from_db()
    assert member.occupation == "Bác sĩ" and _audit(member, "update").count() == 1
    # The source belongs to the API call only: a change made on a page afterwards says nothing of it.
    from dangbo.members import services

    services.member_update(actor=people.cell_secretary, member=member, data={"occupation": "Y tá"})
    assert "source" not in _audit(member, "update").order_by("-id").first().changes


def test_writes_outside_the_scope_or_role(client, tree, people, bearer):
    refused = _created(client, bearer(people.cell_secretary), tree.a2)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "organization"
    leader = bearer(people.leader)  # reads the subtree, changes nothing
    version = client.get(reverse("api:member_detail", args=[people.m_a1.pk]), **leader).json()["version"]
    response = client.patch(reverse("api:member_detail", args=[people.m_a1.pk]),
                            {"expected_version": version, "occupation": "X"}, content_type=JSON, **leader)  # fmt: skip
    assert response.status_code == 404
    assert not Member.objects.filter(full_name="Hoàng Thị Thu").exists()


def test_bad_input_is_a_problem_in_vietnamese_naming_the_field(client, tree, people, bearer):
    auth = bearer(people.staff)
    cases = [
        ({"birth_date": "17/05/1980"}, "birth_date", "Ngày sinh: ngày không hợp lệ"),
        ({"birth_date": "2099-01-01"}, "birth_date", "Ngày sinh: không được sau ngày hôm nay."),
        ({"gender": "khac"}, "gender", "Giới tính: giá trị không được nhận"),
        ({"organization": "một"}, "organization", "Chi bộ: phải là số nguyên."),
        ({"full_name": None}, "full_name", "Họ và tên: không được để trống."),
        ({"full_name": "x" * 121}, "full_name", "Họ và tên: dài quá 120 ký tự."),
        ({"mat_khau": "1"}, "mat_khau", "mat_khau: trường này không có trong API"),
        ({"citizen_id": "12345"}, "citizen_id", "Số CCCD: phải gồm đúng 12 chữ số."),
        ({"phone": "0912 345 67a"}, "phone", "Điện thoại"),
    ]
    for change, field, text in cases:
        response = _created(client, auth, tree.a1, **change)
        assert response.status_code == 422, (change, response.content)
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert {"type", "title", "status", "detail", "errors"} <= set(problem) and problem["status"] == 422
        messages = {e["field"]: e["message"] for e in problem["errors"]}
        assert messages[field].startswith(text), (change, problem)
        for value in change.values():  # the input is never echoed (it may be a citizen ID, an address…)
            if isinstance(value, str) and len(value) > 4:
                assert value not in response.content.decode()
    missing = client.post(reverse("api:member_list"), {}, content_type=JSON, **auth).json()
    assert {e["field"] for e in missing["errors"]} == {"full_name", "gender", "birth_date", "organization"}
    broken = client.post(reverse("api:member_list"), "{nope", content_type=JSON, **auth)
    assert broken.status_code == 400 and broken.json()["errors"][0]["field"] == "body"
    assert not Member.objects.filter(organization=tree.a1, full_name__startswith="Hoàng").exists()
    _created(client, auth, tree.a1)
    twice = _created(client, auth, tree.a1)
    assert twice.json()["errors"] == [
        {"field": "citizen_id", "message": "Số CCCD: số này đã có trong hồ sơ của một đảng viên khác."}
    ]
    assert "040190000777" not in twice.content.decode()


def test_personal_fields_follow_the_page(client, tree, people, bearer):
    """The member page shows the citizen ID, address and phone to whoever may see the record and records each
    showing; the API shows them in the detail (recorded the same way), never in the list."""
    auth = bearer(people.staff)
    detail = client.get(reverse("api:member_detail", args=[people.m_a1.pk]), **auth).json()
    assert detail["citizen_id"] == people.m_a1.citizen_id
    assert _audit(people.m_a1, "view").filter(actor=people.staff).count() == 1
    item = client.get(reverse("api:member_list"), **auth).json()["items"][0]
    assert not {"citizen_id", "residence", "phone"} & set(item)
