"""Walks every URL of the app as users outside the object's subtree and proves nothing leaks.

Each URL pattern is filled with the id of an object that lives under "Đảng bộ Sở Y tế" (organization A).
Users of the sibling organization B, users without roles and plain members of another cell must get 404 —
the same answer as for a missing object — for every method, and list pages must not show A's data.
A new URL pattern with a parameter this test does not know fails the test, so it cannot be forgotten.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

A_NAMES = [
    "Nguyễn Văn Hùng",
    "Trần Thị Lan",
    "Lê Văn An",
    "Đảng bộ Sở Y tế",
    "Chi bộ Khoa Nội",
    "secretary_a",
    "Võ Thị Ứng Viên",
    "Đảng ủy Sở Y tế",
    "Phòng họp Sở Y tế A",
]


def all_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from all_patterns(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name, list(p.pattern.regex.groupindex)


# Parameters that name a kind of import or a list to export (core.registries), not an object: those pages answer
# from the viewer's own scope — ``keyed_urls`` lists one URL per key, walked by
# ``test_imports_and_exports_show_nothing_of_a`` below and measured by the query budgets.
KEYED_PARAMS = {"import_kind": "IMPORT_KINDS", "export_list": "EXPORT_LISTS"}


def keyed_urls():
    from dangbo.core import registries

    out = []
    for name, params in all_patterns():
        if len(params) == 1 and params[0] in KEYED_PARAMS:
            for key in getattr(registries, KEYED_PARAMS[params[0]]).keys():
                out.append((f"{name}[{key}]", reverse(name, kwargs={params[0]: key})))
    return out


def urls_of_a(tree, people, seat, history=None):
    """Every named URL with parameters, filled with objects of organization A's subtree."""
    objects = {"organizations": tree.a, "members": people.m_a1, "accounts": people.secretary_a,
               "meetings": (history or {}).get("meeting"), "evaluation": (history or {}).get("campaign")}  # fmt: skip
    out = []
    for name, params in all_patterns():
        if not params or set(params) & set(KEYED_PARAMS):
            continue
        namespace = name.split(":")[0]
        kwargs = {}
        for param in params:
            if param in ("pk", "parent_pk"):
                kwargs[param] = objects[namespace].pk
            elif param == "seat_pk":
                kwargs[param] = seat.pk
            elif param == "cell_pk":  # dues: a cell of A
                kwargs[param] = tree.a1.pk
            elif param == "org_pk":  # dues: A itself (reports and books of a level)
                kwargs[param] = tree.a.pk
            elif param == "member_pk":
                kwargs[param] = people.m_a1.pk
            elif param == "role_pk":
                kwargs[param] = people.secretary_a.roles.get().pk
            elif history and param in history:
                kwargs[param] = history[param]
            else:  # pragma: no cover - a new kind of parameter must be taught to this test
                raise AssertionError(f"test_scope_every_url does not know URL parameter {param!r} of {name}")
        out.append((name, reverse(name, kwargs=kwargs)))
    return out


def test_every_parameterised_url_is_covered(tree, people, seat, history_of_a):
    names = {name for name, _ in urls_of_a(tree, people, seat, history_of_a)}
    assert {
        "organizations:detail",
        "members:detail",
        "members:edit",
        "organizations:seat_end",
        "accounts:user_detail",
        "accounts:role_revoke",
        "members:transfer",
        "members:transfer_letter",
        "members:candidate",
        "members:event_delete",
        "members:event_create",
        "meetings:detail",
        "reports:review_detail",
        "meetings:attendance",
        "meetings:minutes_docx",
        "steering:document",
        "steering:document_file",
        "steering:task",
        "steering:report",
        "steering:term_targets",
        "steering:target",
        "steering:programme",
        "steering:contribution_create",
        "jobs:detail",
        "jobs:file",
        "jobs:cancel",
        "jobs:start",
        "dues:sheet",
        "dues:book",
        "dues:member",
        "dues:report",
        "dues:grassroots_book",
        "evaluation:campaign",
        "evaluation:rating",
        "evaluation:organization",
        "evaluation:decide",
        "api_tokens:revoke",
        "api:organization_detail",
        "api:organization_tree",
        "api:member_detail",
        "api:member_update",
        "api:meeting_detail",
        "api:meeting_roll",
        "api:member_event_list",
        "api:document_detail",
        "api:task_detail",
        "evaluation:criteria",
    } <= names


@pytest.mark.parametrize("persona", ["secretary_b", "staff_b", "nobody"])
def test_objects_of_a_sibling_answer_404(client, tree, people, seat, history_of_a, persona):
    client.force_login(getattr(people, persona))
    for name, url in urls_of_a(tree, people, seat, history_of_a):
        get = client.get(url)
        assert get.status_code in (404, 405), f"GET {name} {url} → {get.status_code}"
        if name.startswith(
            "api:"
        ):  # the JSON API writes with PATCH and a JSON body; a GET-only route says 405
            patch = client.patch(
                url, {"expected_version": "x", "full_name": "X"}, content_type="application/json"
            )
            assert patch.status_code in (404, 405), f"PATCH {name} {url} → {patch.status_code}"
            continue
        post = client.post(url, {"full_name": "X", "name": "X", "form": "term"})
        assert post.status_code == 404, f"POST {name} {url} → {post.status_code}"
    people.m_a1.refresh_from_db()
    assert people.m_a1.full_name == "Nguyễn Văn Hùng"


def test_plain_member_sees_only_own_record(client, tree, people, seat):
    client.force_login(people.member_user)
    assert client.get(reverse("members:detail", args=[people.m_a1.pk])).status_code == 200
    for other in (people.m_a1b, people.m_a2, people.m_b):
        assert client.get(reverse("members:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("members:edit", args=[people.m_a1.pk])).status_code == 404
    page = client.get(reverse("members:list")).content.decode()
    assert "Nguyễn Văn Hùng" in page and "Trần Thị Lan" not in page


@pytest.mark.parametrize("persona", ["secretary_b", "staff_b", "nobody"])
def test_pages_without_parameters_show_nothing_of_a(client, tree, people, seat, history_of_a, persona):
    client.force_login(getattr(people, persona))
    for name, params in all_patterns():
        if params or name in ("accounts:login", "accounts:logout"):
            continue
        response = client.get(reverse(name))
        if name in (
            "members:import_template",
            "members:own_record",
        ):  # XLSX: a blank template; the viewer's own
            assert response.status_code in (200, 404)
            continue
        body = response.content.decode()
        for text in A_NAMES:
            assert text not in body, f"{name} shows {text!r} to {persona}"
    # The month and the year of A's meeting (03/2024): the calendar and the grid show nothing of it.
    for name, params in (
        ("meetings:calendar", {"thang": "03/2024"}),
        ("meetings:overview", {"nam": "2024"}),
        ("meetings:overview", {"nam": "2024", "to_chuc": tree.a.pk}),
        ("organizations:picker", {"q": "so y te"}),  # the organization picker's search
        ("organizations:picker", {"q": "khoa noi"}),
    ):
        response = client.get(reverse(name), params)
        # A month outside the calendar's range of the persona's own data is a page that says so (404).
        ok = (200, 404) if name == "meetings:calendar" else (200,)
        assert response.status_code in ok, f"{name} {params} → {response.status_code}"
        body = response.content.decode()
        for text in A_NAMES:
            assert text not in body, f"{name} {params} shows {text!r} to {persona}"
    # Asking the list for A's subtree explicitly does not help either.
    body = client.get(reverse("members:list"), {"organization": tree.a.pk}).content.decode()
    for text in A_NAMES[:3]:
        assert text not in body
    body = client.get(reverse("members:list"), {"q": "nguyen"}).content.decode()
    assert "Nguyễn Văn Hùng" not in body


def test_staff_of_the_bloc_see_the_meeting_of_a(client, tree, people, seat, history_of_a):
    """The other side of the pages above: the meeting of A is on them for those whose scope includes A."""
    client.force_login(people.staff)
    body = client.get(reverse("meetings:calendar"), {"thang": "03/2024"}).content.decode()
    assert "Phòng họp Sở Y tế A" in body and history_of_a["meeting"].get_absolute_url() in body
    grid = client.get(reverse("meetings:overview"), {"nam": "2024", "to_chuc": tree.a.pk})
    assert grid.context["root"] == tree.a and "Chi bộ Khoa Nội" in grid.content.decode()


def test_anonymous_is_sent_to_login(client, tree, people, seat, history_of_a):
    for name, url in urls_of_a(tree, people, seat, history_of_a):
        response = client.get(url)
        if name.startswith("api:"):  # the JSON API asks for a token
            assert response.status_code == 401, name
            continue
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert reverse("accounts:login") in response["Location"]


def test_ancestor_roles_see_the_subtree(client, tree, people, seat):
    for persona in ("staff", "leader", "secretary_a"):
        client.force_login(getattr(people, persona))
        assert client.get(reverse("members:detail", args=[people.m_a1.pk])).status_code == 200
        assert client.get(reverse("organizations:detail", args=[tree.a1.pk])).status_code == 200
    client.force_login(people.leader)  # read only
    assert client.get(reverse("members:edit", args=[people.m_a1.pk])).status_code == 404
    client.force_login(people.cell_secretary)
    assert client.get(reverse("members:edit", args=[people.m_a1.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[people.m_a2.pk])).status_code == 404


def test_a_page_cursor_outside_the_scope_reveals_nothing(client, tree, people, seat):
    """?sau=<id of a member of A> must not tell a sibling where that member's name sorts."""
    client.force_login(people.secretary_b)
    url = reverse("members:list")
    first = client.get(url)
    probed = client.get(url, {"sau": people.m_a1.pk})
    assert [m.pk for m in probed.context["page"].rows] == [m.pk for m in first.context["page"].rows]


@pytest.mark.parametrize("persona", ["secretary_b", "staff_b", "nobody"])
def test_imports_and_exports_show_nothing_of_a(client, tree, people, seat, history_of_a, persona):
    """Every import page and template, every export (with A's organization asked for explicitly): 404, or the
    persona's own scope — nothing of A."""
    import io

    from openpyxl import load_workbook

    client.force_login(getattr(people, persona))
    for name, url in keyed_urls():
        response = client.get(url, {"organization": tree.a.pk, "thang": "03/2024"})
        assert response.status_code in (200, 302, 404), f"{name} → {response.status_code}"
        if response.status_code != 200:
            continue
        if response["Content-Type"].startswith("application/vnd.openxmlformats"):
            if name.startswith("jobs:import_template"):
                continue  # a blank template: the same file for everyone
            book = load_workbook(io.BytesIO(response.content))
            body = "\n".join(
                str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None
            )
        else:
            body = response.content.decode()
        for text in A_NAMES:
            assert text not in body, f"{name} shows {text!r} to {persona}"
