"""Vietnamese display filters, available in every template (registered as a builtin): the functions of
``core.formats`` and a few template helpers. Domain code never imports this module."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from dangbo.core import formats, policies
from dangbo.core.formats import group_thousands, ngay, ngay_van_ban, phantram, so, tien, ty_le  # noqa: F401 - moving

register = template.Library()


for _name in ("so", "tien", "phantram", "ty_le", "ngay", "ngay_van_ban"):
    register.filter(_name, getattr(formats, _name))


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination and sort links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def filter_fields(form, wide: str = "") -> str:
    """``{% filter_fields filter.form wide="q status" %}`` — a filter form's fields, each its label and widget in a
    ``<div class="field">`` (the fields named in ``wide`` with the class «wide» too): the markup of a template loop
    over the form, written here — the loop's nodes cost a share of every list request (bench/run.py, issue 19)."""
    names = set(wide.split())
    return mark_safe("".join(
        f'\n  <div class="field{" wide" if bf.name in names else ""}"><label for="{conditional_escape(bf.id_for_label)}">'
        f"{conditional_escape(bf.label)}</label>{bf}</div>\n  " for bf in form
    ))  # fmt: skip


@register.filter
def split(value: str) -> list[str]:
    """ "a b c"|split → ["a", "b", "c"] (to list form fields in a template)."""
    return str(value).split()


@register.filter
def field(form, name: str):
    """form|field:"name" → the bound field (templates cannot index with a variable)."""
    return form[name]


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.simple_tag(takes_context=True)
def can(context, action: str, obj) -> bool:
    """``{% can "change" member as can_change %}`` — which actions a page offers comes from the model's policy
    (``core.policies.can``), never from comparing raw values in the template."""
    user = getattr(context.get("request"), "user", None)
    return bool(user is not None and obj is not None and policies.can(user, action, obj))


@register.simple_tag(takes_context=True)
def import_links(context, *keys: str) -> str:
    """``{% import_links "to_chuc" "cap_uy" %}`` — a link to the import page of each kind (``core.imports``) the
    user may import; nothing for the others."""
    from django.urls import reverse
    from django.utils.html import format_html_join

    from dangbo.core.registries import IMPORT_KINDS

    user = getattr(context.get("request"), "user", None)
    kinds = [k for k in (IMPORT_KINDS.get(key) for key in keys) if k is not None and user is not None]
    shown = [(reverse("jobs:import", args=[k.key]), k.title) for k in kinds if k.top(user) is not None]
    return format_html_join(" ", '<a class="btn" href="{}">{}</a>', shown) if shown else ""


@register.simple_tag(takes_context=True)
def export_link(context, name: str, label: str = "Xuất Excel") -> str:
    """``{% export_link "dang_vien" %}`` — the XLSX export of the list (``core.exports``) with the page's current
    filters, for a user who may export it."""
    from django.urls import reverse
    from django.utils.html import format_html

    from dangbo.core.registries import EXPORT_LISTS

    request = context.get("request")
    spec = EXPORT_LISTS.get(name)
    if request is None or spec is None or not spec.allowed(request.user):
        return ""
    query = request.GET.copy()
    for key in ("trang", "sau", "truoc", "page"):
        query.pop(key, None)
    url = reverse("jobs:export", args=[name]) + (f"?{query.urlencode()}" if query else "")
    return format_html('<a class="btn" href="{}" rel="nofollow">{}</a>', url, label)
