"""Widgets whose markup does not cost a template render per option on every request."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

_options: dict[tuple, str] = {}  # the <option> markup of each list of choices, built once per process


class FastSelect(forms.Select):
    """A ``<select>`` with the markup of Django's, its options written once per process (Django renders one
    template per option on every request: ~1 ms for a list of 50 nationalities). For fixed choices
    (``TextChoices``, constant lists), not for querysets. ``key``: names the (constant) choices, so that they
    are not even read again."""

    def __init__(self, attrs=None, choices=(), *, key: str | None = None):
        super().__init__(attrs, choices)
        self.key = key

    def render(self, name, value, attrs=None, renderer=None):
        options = _options.get(self.key) if self.key else None
        if options is None:
            choices = tuple((str(v), str(label)) for v, label in self.choices)
            options = _options.get(choices)
            if options is None:
                options = "".join(f'<option value="{escape(v)}">{escape(lb)}</option>' for v, lb in choices)
                _options[choices] = options
            if self.key:
                _options[self.key] = options
        chosen = (
            "" if value is None else str(value[0] if isinstance(value, list | tuple) and value else value)
        )
        if chosen:
            marker = f'<option value="{escape(chosen)}">'
            options = options.replace(marker, f'<option value="{escape(chosen)}" selected>', 1)
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")


class FastTextInput(forms.TextInput):
    """A text ``<input>`` with the markup of Django's ``input.html`` and ``attrs.html`` (attributes in their
    order, ``True`` as a bare name, ``False`` left out), written here instead of through two templates on every
    request (the member list's search box: bench/run.py, issue 19)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        extra = "".join(
            f" {conditional_escape(key)}"
            if val is True
            else f' {conditional_escape(key)}="{conditional_escape(val)}"'
            for key, val in widget["attrs"].items()
            if val is not False
        )
        return mark_safe(
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{shown}{extra}>'
        )
