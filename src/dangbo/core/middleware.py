from django.http import QueryDict

from .text import nfc


def _normalized(query: QueryDict) -> QueryDict:
    copy = query.copy()
    for key in list(copy.keys()):
        copy.setlist(key, [nfc(v) if isinstance(v, str) else v for v in copy.getlist(key)])
    copy._mutable = False
    return copy


class NFCMiddleware:
    """NFC-normalise every submitted text (query string and form body) before any view sees it.

    Legacy data and some keyboards send decomposed Vietnamese ("e" + U+0302 + U+0301 instead of "ế");
    stored data and search keys must not depend on that. Services normalise again for API callers.
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
