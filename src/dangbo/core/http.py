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


def file_response(content: bytes, filename: str) -> HttpResponse:
    """A generated DOCX/XLSX/… file as a download (the type from the file name's extension)."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
