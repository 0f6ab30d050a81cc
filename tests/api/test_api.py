"""The rest of the API: organizations and the tree of a date, meetings, directing work, the headcount report,
the docs page (offline: no other host), the schema, CSRF for the browser's session."""

import datetime as dt
import re

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from dangbo.members.counts import selectors as asof
from dangbo.organizations.tree import services as restructure


def test_organizations_in_tree_order_and_the_tree_of_a_date(client, tree, people, bearer, root_user):
    auth = bearer(people.secretary_a)
    listed = client.get(reverse("api:organization_list"), {"limit": 2}, **auth).json()
    assert [o["name"] for o in listed["items"]] == ["Đảng bộ Sở Y tế", "Chi bộ Văn phòng"]
    rest = client.get(reverse("api:organization_list"), {"cursor": listed["next_cursor"]}, **auth).json()
    assert [o["name"] for o in rest["items"]] == ["Chi bộ Khoa Nội"] and rest["next_cursor"] is None
    children = client.get(reverse("api:organization_children", args=[tree.a.pk]), **auth).json()
    assert {c["name"] for c in children} == {"Chi bộ Văn phòng", "Chi bộ Khoa Nội"}
    # Renamed on 01/03/2025: the tree of an earlier date has the old name.
    restructure.organization_rename(actor=root_user, organization=tree.a1, name="Chi bộ Hành chính",
                                    date=dt.date(2025, 3, 1), decision_no="5-QĐ/ĐU")  # fmt: skip
    url = reverse("api:organization_tree", args=[tree.a.pk])
    before = client.get(url, {"on": "2025-02-28"}, **auth).json()["items"]
    after = client.get(url, {"on": "2025-03-01"}, **auth).json()["items"]
    assert "Chi bộ Văn phòng" in {n["name"] for n in before} and "Chi bộ Hành chính" in {
        n["name"] for n in after
    }
    assert client.get(reverse("api:organization_tree", args=[tree.b.pk]), **auth).status_code == 404


def test_meetings_documents_tasks_of_the_scope(client, tree, people, seat, history_of_a, bearer):
    a, b = bearer(people.secretary_a), bearer(people.secretary_b)
    url = reverse("api:meeting_list")
    assert [m["place"] for m in client.get(url, {"organization": tree.a.pk}, **a).json()["items"]] == [
        "Phòng họp Sở Y tế A"
    ]
    assert client.get(url, {"organization": tree.a.pk, "from_date": "2024-04-01"}, **a).json()["items"] == []
    assert client.get(url, **b).json()["items"] == []
    meeting = history_of_a["meeting"]
    assert client.get(reverse("api:meeting_detail", args=[meeting.pk]), **a).json()["attendance"] == []
    assert client.get(reverse("api:meeting_detail", args=[meeting.pk]), **b).status_code == 404
    docs = client.get(reverse("api:document_list"), {"q": "nghi quyet"}, **a).json()["items"]
    assert [d["symbol"] for d in docs] == ["07-NQ/ĐU"]
    assert client.get(reverse("api:document_list"), **b).json()["items"] == []
    task = client.get(reverse("api:task_detail", args=[history_of_a["task_pk"]]), **a).json()
    assert task["title"] == "Quán triệt nghị quyết của Đảng bộ Sở Y tế"
    assert client.get(reverse("api:task_detail", args=[history_of_a["task_pk"]]), **b).status_code == 404


def test_headcount_is_the_report_pages(client, tree, people, bearer):
    auth = bearer(people.secretary_a)
    body = client.get(
        reverse("api:report_headcount"), {"organization": tree.a.pk, "on": "2024-06-30"}, **auth
    ).json()
    assert body["figures"]["tong"] == asof.headcount(tree.a, dt.date(2024, 6, 30))["tong"] == 3
    assert body["on"] == "2024-06-30" and body["organization"]["name"] == "Đảng bộ Sở Y tế"
    outside = client.get(reverse("api:report_headcount"), {"organization": tree.b.pk}, **auth)
    assert outside.status_code == 404


def test_the_docs_page_loads_nothing_from_another_host(client, tree, people):
    assert client.get(reverse("api:openapi-view")).status_code == 302  # signed-in users only
    client.force_login(people.staff)
    page = client.get(reverse("api:openapi-view"))
    html = page.content.decode()
    assert page.status_code == 200 and "swagger-ui-bundle.js" in html
    references = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', html)
    assert references and all(ref.startswith("/static/") for ref in references), references
    assert not re.search(r"https?://|//cdn|jsdelivr|unpkg", html)
    for ref in references:  # served from the installed django-ninja package
        assert finders.find(ref.removeprefix("/static/")), ref
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    schema = client.get(reverse("api:openapi-json")).json()
    assert schema["openapi"].startswith("3.") and "/api/v1/members" in schema["paths"]
    assert "/api/v1/organizations/{org_pk}/tree" in schema["paths"]


def test_the_session_needs_the_csrf_token_for_writes(tree, people):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people.staff)
    url = reverse("api:member_detail", args=[people.m_a1.pk])
    assert browser.get(url).status_code == 200  # reads need no token
    refused = browser.patch(
        url, {"expected_version": "x", "occupation": "Y"}, content_type="application/json"
    )
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    people.m_a1.refresh_from_db()
    assert people.m_a1.occupation == ""


def test_calls_per_user_are_limited_when_set(client, tree, people, bearer, settings):
    settings.DANGBO_API_RATE_LIMIT = "3/m"
    auth, other = bearer(people.staff), bearer(people.leader)
    url = reverse("api:organization_list")
    assert [client.get(url, **auth).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url, **auth)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["title"] == "Quá nhiều yêu cầu"
    assert client.get(url, **other).status_code == 200  # counted per user
