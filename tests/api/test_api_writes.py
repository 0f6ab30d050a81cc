"""The API beyond the member record: any other address answers a problem; a member's history (read, and events
recorded through the lifecycle service, so the replay rules apply); the roll call of a meeting through the
meetings service with its version check; the movement figures of the reports layer."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core.dates import today
from dangbo.meetings.models import Meeting
from dangbo.members.models import Member
from dangbo.reports import selectors as report_selectors
from tests.meetings.test_meetings import D, cell, plan  # noqa: F401 - fixture

JSON = "application/json"
PROBLEM = "application/problem+json"


# --- Unknown addresses and methods ---------------------------------------------------------------------------------


def test_an_unknown_address_or_method_answers_a_problem_in_vietnamese(client, people, bearer):
    auth = bearer(people.secretary_a)
    for headers in (auth, {}):  # signed in or not: the same answer, never the site's HTML page
        missing = client.get("/api/v1/khong-co-dia-chi-nay", **headers)
        assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
        body = missing.json()
        assert body["status"] == 404 and body["title"] == "Không tìm thấy"
        assert "Không có địa chỉ này trong API" in body["detail"]
    strict = Client(enforce_csrf_checks=True)  # as a real caller: no CSRF cookie, a token
    nested = strict.post("/api/v1/members/1/khong-co", {}, content_type=JSON, **auth)
    assert nested.status_code == 404 and nested["Content-Type"] == PROBLEM
    assert strict.put(reverse("api:member_list"), {}, content_type=JSON, **auth).status_code == 405

    refused = client.delete(reverse("api:member_list"), **auth)
    assert refused.status_code == 405 and refused["Content-Type"] == PROBLEM
    assert set(refused["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    body = refused.json()
    assert body["title"] == "Phương thức không được nhận" and "DELETE" in body["detail"]
    # The pages and the API's own answers are unchanged.
    assert client.get(reverse("api:member_list"), **auth).status_code == 200


# --- Member history events -----------------------------------------------------------------------------------------


def _events(client, auth, member):
    return client.get(reverse("api:member_event_list", args=[member.pk]), **auth)


def _record(client, auth, member, **body):
    return client.post(reverse("api:member_event_list", args=[member.pk]), body, content_type=JSON, **auth)


def _audit(member):
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Member),
                                     object_id=str(member.pk), action="update")  # fmt: skip


def test_member_events_listed_and_recorded_through_the_lifecycle(client, tree, people, bearer):
    auth = bearer(people.cell_secretary)
    listed = _events(client, auth, people.m_a1)
    assert listed.status_code == 200
    assert [(e["kind"], e["date"]) for e in listed.json()] == [("nhap_ho_so", "2015-01-01")]
    assert _events(client, auth, people.m_b).status_code == 404  # another cell: as missing

    done = _record(client, auth, people.m_a1, kind="mien", date="2024-01-10", note="Tuổi cao, sức yếu")
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["kind_label"] == "Miễn công tác và sinh hoạt đảng" and body["member_status"] == "chinh_thuc"
    member = Member.objects.get(pk=people.m_a1.pk)
    assert member.exempted  # re-derived from the history, as when the page records it
    assert [e["kind"] for e in _events(client, auth, member).json()] == ["nhap_ho_so", "mien"]
    audit = _audit(member).order_by("-id").first()
    assert audit.actor == people.cell_secretary
    assert audit.changes["source"]["after"].startswith("API, khóa «Khóa cell_secretary»")
    assert "Miễn công tác và sinh hoạt đảng — 10/01/2024" in audit.changes["event"]["after"]


def test_refused_events_name_the_field_and_write_nothing(client, tree, people, bearer):
    auth = bearer(people.cell_secretary)
    member = people.m_a1
    before = (member.events.count(), _audit(member).count())

    # The replay of the history refuses it: an exemption that never began cannot end.
    refused = _record(client, auth, member, kind="het_mien", date="2024-01-10")
    assert refused.status_code == 422 and refused["Content-Type"] == PROBLEM
    assert [e["field"] for e in refused.json()["errors"]] == ["kind"]
    assert refused.json()["errors"][0]["message"].startswith("Sự kiện: ")

    future = (today() + dt.timedelta(days=1)).isoformat()
    late = _record(client, auth, member, kind="mien", date=future)
    assert late.status_code == 422
    assert late.json()["errors"] == [
        {"field": "date", "message": "Ngày có hiệu lực: không được sau ngày hôm nay."}
    ]
    no_cell = _record(client, auth, member, kind="chuyen_noi_bo", date="2024-01-10")
    assert no_cell.status_code == 422 and [e["field"] for e in no_cell.json()["errors"]] == ["organization"]
    outside = _record(client, auth, member, kind="chuyen_noi_bo", date="2024-01-10", organization=tree.b.pk)
    assert outside.status_code == 422 and [e["field"] for e in outside.json()["errors"]] == ["organization"]
    # Kinds with their own page (transfers, admission) and unknown fields are not taken here.
    wrong = _record(client, auth, member, kind="chuyen_di", date="2024-01-10", extra="x")
    assert wrong.status_code == 422 and {e["field"] for e in wrong.json()["errors"]} == {"kind", "extra"}
    # No decision for a recognition: the level's power is checked as on the page.
    undecided = _record(
        client, auth, member, kind="ky_luat", date="2024-01-10", discipline_form="khien_trach"
    )
    assert undecided.status_code == 422 and undecided.json()["errors"]

    assert (member.events.count(), _audit(member).count()) == before


def test_member_events_write_tokens_and_roles_only(client, tree, people, bearer):
    read_only = bearer(people.cell_secretary, read_only=True)
    assert _events(client, read_only, people.m_a1).status_code == 200
    assert _record(client, read_only, people.m_a1, kind="mien", date="2024-01-10").status_code == 403
    # A member sees their own record's history but may not write it; another cell's member is missing.
    own = bearer(people.member_user)
    assert _events(client, own, people.m_a1).status_code == 200
    assert _record(client, own, people.m_a1, kind="mien", date="2024-01-10").status_code == 404
    other = bearer(people.secretary_b)
    assert _record(client, other, people.m_a1, kind="mien", date="2024-01-10").status_code == 404
    assert people.m_a1.events.count() == 1


# --- Meeting attendance ----------------------------------------------------------------------------------------------


def _roll(client, auth, m, rows, version):
    return client.put(reverse("api:meeting_attendance", args=[m.pk]),
                      {"expected_version": version, "rows": rows}, content_type=JSON, **auth)  # fmt: skip


def test_roll_call_through_the_service_with_the_version_check(client, cell, people, bearer, root_user):  # noqa: F811 - the fixture
    m = plan(root_user, cell, D(2024, 3, 5))
    auth = bearer(people.cell_secretary)
    detail = client.get(reverse("api:meeting_detail", args=[m.pk]), **auth).json()
    roll = client.get(reverse("api:meeting_roll", args=[m.pk]), **auth).json()
    assert roll["attendance_version"] == detail["attendance_version"]
    ids = [r["member_id"] for r in roll["rows"] if r["counted"]]
    assert sorted(ids) == sorted(Member.objects.filter(organization=cell).values_list("pk", flat=True))
    assert {r["presence"] for r in roll["rows"]} == {None}  # not called yet
    rows = [{"member_id": pk, "presence": "co_mat"} for pk in ids]
    rows[0] = {"member_id": ids[0], "presence": "vang_co_ly_do", "reason": "Đi công tác"}

    done = _roll(client, auth, m, rows, detail["attendance_version"])
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["present_count"], body["base_count"], body["state"]) == (3, 4, "da_hop")
    assert {a["member_id"]: a["presence"] for a in body["attendance"]}[ids[0]] == "vang_co_ly_do"
    audit = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Meeting),
                                      object_id=str(m.pk)).order_by("-id").first()  # fmt: skip
    assert audit.changes["attendance"]["after"] == "3/4 có mặt"
    assert audit.changes["source"]["after"].startswith("API, khóa")

    # Someone else called the roll since that version was read: refused, nothing written.
    rows[0] = {"member_id": ids[0], "presence": "co_mat"}
    stale = _roll(client, auth, m, rows, detail["attendance_version"])
    assert stale.status_code == 409 and stale["Content-Type"] == PROBLEM
    assert stale.json()["errors"] == [
        {"field": "attendance", "message": "Điểm danh: đã được sửa sau khi bạn đọc hồ sơ."}
    ]
    assert Meeting.objects.get(pk=m.pk).present_count == 3
    called = client.get(reverse("api:meeting_roll", args=[m.pk]), **auth).json()["rows"]
    assert {r["member_id"]: r["presence"] for r in called}[ids[0]] == "vang_co_ly_do"
    assert (
        client.get(reverse("api:meeting_roll", args=[m.pk]), **bearer(people.secretary_b)).status_code == 404
    )
    fresh = _roll(client, auth, m, rows, body["attendance_version"])
    assert fresh.status_code == 200 and fresh.json()["present_count"] == 4


def test_roll_call_errors_name_the_row_and_scope(client, cell, people, bearer, root_user):  # noqa: F811 - the fixture
    m = plan(root_user, cell, D(2024, 3, 5))
    auth = bearer(people.cell_secretary)
    version = client.get(reverse("api:meeting_detail", args=[m.pk]), **auth).json()["attendance_version"]
    ids = sorted(Member.objects.filter(organization=cell).values_list("pk", flat=True))
    rows = [{"member_id": pk, "presence": "co_mat"} for pk in ids]
    rows[1] = {"member_id": ids[1], "presence": "vang_co_ly_do"}  # no reason
    missing_reason = _roll(client, auth, m, rows, version)
    assert missing_reason.status_code == 422
    assert [e["field"] for e in missing_reason.json()["errors"]] == ["rows.1"]
    short = _roll(client, auth, m, [{"member_id": ids[0], "presence": "co_mat"}], version)
    assert short.status_code == 422 and {e["field"] for e in short.json()["errors"]} == {"rows"}
    outsider = _roll(
        client, auth, m, [*rows[:1], {"member_id": people.m_b.pk, "presence": "co_mat"}], version
    )
    assert outsider.status_code == 422 and "rows.1" in {e["field"] for e in outsider.json()["errors"]}
    assert not m.attendance.exists()
    assert _roll(client, bearer(people.secretary_b), m, rows, version).status_code == 404
    # The page carries the same token: its roll call after the API's is refused, not silently overwritten.
    rows[1]["reason"] = "Ốm"
    assert _roll(client, auth, m, rows, version).status_code == 200
    client.force_login(people.cell_secretary)
    url = reverse("meetings:attendance", args=[m.pk])
    page = client.post(url, {"version": version, **{f"m{pk}": "co_mat" for pk in ids}})
    assert page.status_code == 200 and "Điểm danh của buổi sinh hoạt này đã được" in page.content.decode()
    assert Meeting.objects.get(pk=m.pk).present_count == 3


# --- Movement figures ------------------------------------------------------------------------------------------------


def test_movement_figures_as_the_report_page(client, tree, people, bearer, make_member):
    make_member(tree.a2, "Vũ Văn Mới", since=dt.date(2024, 2, 1))
    auth = bearer(people.secretary_a)
    url = reverse("api:report_movement")
    answer = client.get(
        url, {"organization": tree.a.pk, "from_date": "2024-01-01", "to_date": "2024-06-30"}, **auth
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    section = report_selectors.movement(people.secretary_a, tree.a, dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert body["figures"] == section.figures and body["rows"] == section.rows
    assert (body["figures"]["dau_ky"], body["figures"]["cuoi_ky"], body["figures"]["tang"]) == (3, 4, 1)
    assert body["figures"]["can_doi"] is True
    assert client.get(url, {"organization": tree.b.pk}, **auth).status_code == 404
    backwards = client.get(url, {"organization": tree.a.pk, "from_date": "2024-06-30", "to_date": "2024-01-01"},
                           **auth)  # fmt: skip
    assert backwards.status_code == 422 and [e["field"] for e in backwards.json()["errors"]] == ["to_date"]
    default = client.get(url, **auth).json()  # the caller's top organization, the current half-year
    assert default["organization"]["id"] == tree.a.pk and default["to_date"] == today().isoformat()


def test_the_new_operations_are_documented_in_vietnamese():
    from dangbo.api.api import api

    paths = api.get_openapi_schema()["paths"]
    for path, method in [("/api/v1/members/{member_pk}/events", "get"), ("/api/v1/members/{member_pk}/events", "post"),
                         ("/api/v1/meetings/{meeting_pk}/attendance", "get"),
                         ("/api/v1/meetings/{meeting_pk}/attendance", "put"), ("/api/v1/reports/movement", "get")]:  # fmt: skip
        operation = paths[path][method]
        for text in (operation["summary"], operation["description"]):
            assert not text.isascii(), (path, method, text)  # Vietnamese, not the code's English docstring
        assert "application/problem+json" in operation["responses"]["404"]["content"]
