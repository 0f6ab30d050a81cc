"""Vietnamese display filters, available in every template (registered as a builtin): the functions of
``core.formats`` and a few template helpers. Domain code never imports this module."""

from __future__ import annotations

from django import template

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
