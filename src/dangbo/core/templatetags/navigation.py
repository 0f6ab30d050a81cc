"""The main navigation's links, written once per process for each combination of menus and active page; the
layout's static file and fixed page URLs, looked up once per process.

The menu is the same on every page but for which links the user may see (the flags of ``context_processors``)
and which one is marked active (the page's app and URL name): through the template engine its 16 links, their
URL reversals and ~25 conditions cost a share of every request's CPU (``bench/run.py``, "cpu p50"); here the
markup is looked up in a dictionary. The user's name and the logout form (its CSRF token) stay in the template.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

register = template.Library()

_written: dict[tuple, str] = {}


def _active(on: bool) -> str:
    return ' class="active"' if on else ""


def _links(records: bool, steering: bool, jobs: bool, accounts: bool, app: str, name: str) -> str:
    """The links before the user's name. ``app``/``name``: the page's app and URL name ("" when none)."""
    # (shown, URL name, active, label) in the menu's order; the conditions are the ones the template had.
    items = [
        (True, "workspace:home", app == "workspace", "Trang chủ"),
        (True, "organizations:tree", app == "organizations", "Tổ chức đảng"),
        (True, "members:list", app == "members" and name in "list detail create edit event_create", "Đảng viên"),
        (records, "members:candidates", "candidate" in name, "Kết nạp"),
        (records, "members:transfers", "transfer" in name, "Chuyển sinh hoạt"),
        (True, "meetings:calendar", app == "meetings", "Sinh hoạt chi bộ"),
        (True, "dues:overview", app == "dues", "Đảng phí"),
        (steering, "steering:index", app == "steering", "Lãnh đạo, chỉ đạo"),
        (True, "evaluation:index", app == "evaluation", "Đánh giá, xếp loại"),
        (records, "reports:index", app == "reports", "Báo cáo"),
        (jobs, "jobs:list", app == "jobs", "Công việc nền"),
        (accounts, "accounts:user_list", name in ("user_list", "user_detail", "user_create"), "Tài khoản"),
    ]  # fmt: skip
    return "\n      ".join(
        f'<a href="{reverse(url)}"{_active(on)}>{label}</a>' for shown, url, on, label in items if shown
    )


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    """``{% main_nav %}`` — the menu's links for the user's flags (``nav_*``) and the current page."""
    match = getattr(context.get("request"), "resolver_match", None)
    app = (getattr(match, "app_name", "") or "") if match else ""
    name = (getattr(match, "url_name", "") or "") if match else ""
    key = (bool(context.get("nav_records")), bool(context.get("nav_steering")), bool(context.get("nav_jobs")),
           bool(context.get("nav_accounts")), app, name)  # fmt: skip
    html = _written.get(key)
    if html is None:
        html = _written[key] = _links(*key)
    return mark_safe(html)


@register.simple_tag(takes_context=True)
def api_tokens_link(context) -> str:
    """The «Khóa API» link after the user's name, marked active on its pages."""
    match = getattr(context.get("request"), "resolver_match", None)
    on = bool(match) and getattr(match, "app_name", "") == "api_tokens"
    key = ("api_tokens", on)
    html = _written.get(key)
    if html is None:
        html = _written[key] = f'<a href="{reverse("api_tokens:list")}"{_active(on)}>Khóa API</a>'
    return mark_safe(html)


_urls: dict[tuple, str] = {}


@register.simple_tag
def asset(path: str) -> str:
    """``{% asset 'dangbo/app.css' %}`` — ``{% static %}``, looked up once per process: the manifest of the static
    files is read at start and does not change while the process runs (each lookup through the storage costs as
    much as rendering a link; the layout has five on every page)."""
    url = _urls.get(("static", path))
    if url is None:
        url = _urls[("static", path)] = static(path)
    return url


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% fixed_url 'accounts:logout' %}`` — ``{% url %}`` of a page without arguments, reversed once per process
    (and per script prefix, under which the application is mounted)."""
    key = (get_script_prefix(), name)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(name)
    return url
