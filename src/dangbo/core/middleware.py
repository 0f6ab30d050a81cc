import logging
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import QueryDict
from django.utils.cache import add_never_cache_headers

from .text import nfc

request_log = logging.getLogger("dangbo.request")


def _normalized(query: QueryDict) -> QueryDict:
    copy = query.copy()
    for key in list(copy.keys()):
        legacy_d = "password" not in key  # a password is normalised as before, never corrected
        copy.setlist(key, [nfc(v, legacy_d=legacy_d) if isinstance(v, str) else v for v in copy.getlist(key)])
    copy._mutable = False
    return copy


class NFCMiddleware:
    """NFC-normalise every submitted text (query string and form body) before any view sees it.

    Legacy data and some keyboards send decomposed Vietnamese ("e" + U+0302 + U+0301 instead of "ế"), old fonts
    "Ð" (U+00D0) for "Đ"; stored data and search keys must not depend on that. Services normalise again for API
    callers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _normalized(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _normalized(request.POST)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (Django's never-cache headers) on every response the application makes.

    Almost every page and every download (DOCX, XLSX, attachments) carries personal data or data of one user's
    scope; the few that do not (login page, error pages, health check) gain nothing from caching. So no browser
    or proxy keeps a copy — the back button after logging out on a shared computer shows nothing. Static files
    are served by WhiteNoise above this middleware and keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RequestLogMiddleware:
    """One log line per request (logger ``dangbo.request``, INFO): method, path, status, duration, user id.

    Never the query string or the body (searches are names, forms carry citizen IDs), never the user's name or
    IP address; the request id (``RequestIdMiddleware``) ties the line to the audit events and errors of the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - start) * 1000),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")

# Where the changes being made come from when it is not a page of the application: an import ("Nhập từ tệp
# ds.xlsx"), the API and its token ("API, khóa «Cổng tỉnh» (dbk_…)"). ``audit.services.record`` writes it into every
# event recorded meanwhile (``changes["source"]``, "Nguồn").
current_source: ContextVar[str] = ContextVar("current_source", default="")


@contextmanager
def changes_from(source: str):
    """Every audit event recorded inside this block names ``source`` as where the change came from."""
    token = current_source.set(source[:200])
    try:
        yield
    finally:
        current_source.reset(token)


class RequestIdMiddleware:
    """Gives every request an id: the audit events, log lines and errors of one request carry it (a background
    job sets its own, ``cong-viec-<id>``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request_id.set(str(uuid.uuid4()))
        try:
            return self.get_response(request)
        finally:
            current_request_id.reset(token)
