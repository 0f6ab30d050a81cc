"""Hostile input into every form a persona can reach: never a server error, and a refused form changes nothing.

For each persona the test opens every page it may see (the URL walk of ``test_scope_every_url``, filled with objects
of its own organization), reads the POST forms on the page, and submits them again and again with hypothesis-made
values in every field: numbers too big for any column, exponents, NaN, impossible dates, very long text, markup,
control characters, ids of objects that do not exist or belong to someone else. Each answer must be a page or a
redirect, never 500; when the form is refused (no redirect), no row of any table changed and nothing was written to
the audit log; and the markup typed in never comes back unescaped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_scope_every_url import all_patterns, urls_of_a

MARKUP = '<script>alert("x")</script>'
HOSTILE = st.one_of(
    st.sampled_from(
        [
            "99999999999999999999999",
            "40000",
            "-1",
            "0",
            "1e28",
            "1e309",
            "-1e309",
            "NaN",
            "inf",
            "1_000",
            "²",
            "٣",
            "1.250",
            "1,5",
            "33.333,333",
            "31/02/2024",
            "29/02/2023",
            "01/01/0001",
            "31/12/9999",
            "00/00/0000",
            "2024-02-30",
            "13/13/2024",
            "",
            " ",
            "\x00",
            "\u202e",
            "Ðoàn Văn Ðức",
            MARKUP,
            "=1+1",
            "' OR 1=1 --",
            "x" * 5000,
            "9" * 40,
            "2147483648",
            "9223372036854775808",
            "-9223372036854775809",
            "true",
            "on",
        ]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


class _Forms(HTMLParser):
    """The forms of a page with the given method: (action, {field: [options]})."""

    def __init__(self, method: str = "post"):
        super().__init__()
        self.method = method
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._current = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == self.method:
            self._current = (a.get("action") or "", {})
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select") and a.get("name"):
            if a.get("type") in ("submit", "button", "file") or a["name"] == "csrfmiddlewaretoken":
                return
            self._current[1].setdefault(a["name"], [])
            if tag == "select":
                self._select = a["name"]
        elif self._current is not None and tag == "option" and self._select and a.get("value"):
            self._current[1][self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def _forms_of(html: str, page: str, method: str = "post") -> list[tuple[str, list[str]]]:
    parser = _Forms(method)
    parser.feed(html)
    return [(action or page, sorted(fields)) for action, fields in parser.forms if fields]


def _counts() -> dict[str, int]:
    """The number of rows of every model of the project (its default manager's), in one statement: the test asks
    twice per submitted form, hundreds of times per persona — a query per model was a large part of its time."""
    models = [m for m in apps.get_models() if m.__module__.startswith("dangbo.")]
    parts, params = [], []
    for m in models:
        sql, values = m._default_manager.values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS rows_of_{len(parts)})")
        params += values
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip((m._meta.label for m in models), cursor.fetchone(), strict=True))


def _pages(tree, people, seat, history):  # noqa: F811 - the fixtures' values
    pages = [reverse(name) for name, params in all_patterns() if not params and ":" in name]
    return pages + [url for _, url in urls_of_a(tree, people, seat, history)]


@pytest.mark.parametrize("persona", ["staff", "secretary_a", "cell_secretary", "member_user"])
def test_hostile_values_in_every_form(client, tree, people, seat, history_of_a, persona):  # noqa: F811
    user = getattr(people, persona)
    client.force_login(user)
    forms, searches = {}, {}
    for page in _pages(tree, people, seat, history_of_a):
        response = client.get(page)
        assert response.status_code != 500, page
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            html = response.content.decode()
            for action, fields in _forms_of(html, page):
                if "/dang-xuat" in action or "logout" in action:
                    continue
                forms.setdefault((action, tuple(fields)), fields)
            for action, fields in _forms_of(html, page, "get"):
                searches.setdefault((action, tuple(fields)), fields)
    assert forms and searches, "the persona reaches no form: the walk is broken"

    @settings(max_examples=4, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
    @given(values=st.lists(HOSTILE, min_size=1, max_size=8))
    def search(action, fields, values):
        """Filters and pickers (GET forms): any value gives a page, never 500, and no markup comes back."""
        data = {f: values[i % len(values)] for i, f in enumerate(fields)}
        response = client.get(action, data)
        assert response.status_code != 500, (action, data)
        assert MARKUP not in response.content.decode(errors="replace"), (action, data)

    for (action, _), fields in sorted(searches.items()):
        search(action, fields)

    @settings(max_examples=6, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
    @given(values=st.lists(HOSTILE, min_size=1, max_size=12))
    def submit(action, fields, values):
        data = {f: values[i % len(values)] for i, f in enumerate(fields)}
        before = _counts()
        response = client.post(action, data)
        assert response.status_code != 500, (action, data)
        if response.status_code == 200:  # refused (the form shown again with its messages): nothing changed
            assert _counts() == before, (action, data)
            assert MARKUP not in response.content.decode(), (action, data)

    for (action, _), fields in sorted(forms.items()):
        submit(action, fields)


def test_the_walk_finds_the_forms_of_a_secretary(client, tree, people, seat, history_of_a):  # noqa: F811
    """The test above is only as good as its form finder: a cell secretary reaches the member form and the meeting
    plan form."""
    client.force_login(people.cell_secretary)
    html = client.get(reverse("members:create")).content.decode()
    assert any("full_name" in fields for _, fields in _forms_of(html, "/"))
    html = client.get(reverse("meetings:plan")).content.decode()
    assert any("planned_at" in fields for _, fields in _forms_of(html, "/"))
    assert re.search(r"<form[^>]*method=\"post\"", html)
