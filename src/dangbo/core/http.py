"""Small request/response helpers shared by the views: query parameters that never raise, and generated files
sent as downloads."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.http import HttpResponse


def int_param(value, default: int | None = None) -> int | None:
    """An id or a year from a query string or form field; ``default`` for anything that is not a whole number
    that fits a database integer."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if -(2**63) < number < 2**63 else default


def date_param(raw) -> dt.date | None:
    """A "dd/mm/yyyy" query parameter; None when empty, not a real date, or outside the years forms accept."""
    from .forms import FIRST_YEAR, LAST_YEAR

    try:
        day = dt.datetime.strptime((raw or "").strip(), "%d/%m/%Y").date()
    except (TypeError, ValueError):
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def local_next(value) -> str | None:
    """``value`` (a ``?next=`` parameter: where to go back after a form) when it is a path of this site —
    "/danh-gia/5/?muc=httnv&sau=120" —, else None: never another site, scheme or "//host" (an open redirect)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    if not isinstance(value, str) or not value.startswith("/") or len(value) > 2000:
        return None
    if value.startswith(("//", "/\\")) or any(c in value for c in "\r\n\t\x00\\"):
        return None
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts=None) else None


def file_response(content: bytes, filename: str) -> HttpResponse:
    """A generated DOCX/XLSX/… file as a download (the type from the file name's extension)."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


_id_url_prefixes: dict[tuple[str, str], str] = {}


def id_url(name: str, pk) -> str:
    """``reverse(name, args=[pk])`` for a URL whose one argument is an id at its end ("…/<int:pk>/"), with the
    part before the id reversed once per process (and script prefix): a page that links 50 organizations spent
    a tenth of its CPU reversing the same pattern (bench/run.py, issue 19)."""
    from django.urls import get_script_prefix, reverse

    if not isinstance(pk, int) or isinstance(pk, bool) or pk < 0:
        return reverse(name, args=[pk])
    key = (get_script_prefix(), name)
    prefix = _id_url_prefixes.get(key)
    if prefix is None:
        sample = reverse(name, args=[0])
        if not sample.endswith("/0/"):  # not an id at the end: reverse every time
            return reverse(name, args=[pk])
        prefix = _id_url_prefixes[key] = sample[:-2]
    return f"{prefix}{pk}/"
