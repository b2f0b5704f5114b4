"""The input boundary every request passes before any view or database query."""

import logging
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext

from .text import has_url_control_characters

logger = logging.getLogger("django.security.InputBoundary")


def _raw_bytes(value: str) -> bytes:
    """The bytes of a WSGI value, which servers hand over as Latin-1 text (PEP 3333); under
    ASGI the text is already decoded, and a lone surrogate left in it is not UTF-8."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def _clean(raw: bytes) -> bool:
    """True when the percent-decoded bytes are UTF-8 text without control characters."""
    try:
        text = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not has_url_control_characters(text)


class InputBoundaryMiddleware:
    """Answers 400 to a path or query string holding a control character or invalid UTF-8.

    Such an address is never a page of the site, yet further down it would reach a query (the
    legacy-redirect lookup of every 404, a filter), and PostgreSQL refuses NUL with an error
    (a 500). Django itself would let invalid UTF-8 through as "%XX" or "�". It goes near the
    top of MIDDLEWARE, so no other middleware and no view sees such a request.

    Cookies holding control characters (which RFC 6265 forbids) are dropped instead: a bad
    cookie set by another site of the domain must not lock a reader out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The server percent-decoded the path, and Django put the bytes that are not UTF-8
        # back as "%XX", so the path is decoded again: no page of the site has a "%" in its
        # address, and a literal "%00" or "%C0" there is the same probe as the raw byte.
        path = request.path_info.encode("utf-8", "surrogatepass")
        query = _raw_bytes(request.META.get("QUERY_STRING", ""))
        if not (_clean(path) and _clean(query)):
            logger.info("Refused a request with control characters or invalid UTF-8 in its URL")
            return self._bad_request()
        for name, value in list(request.COOKIES.items()):
            if has_url_control_characters(name) or has_url_control_characters(value):
                del request.COOKIES[name]
        return self.get_response(request)

    def _bad_request(self):
        response = HttpResponseBadRequest(
            gettext(
                "Bad request: this web address contains characters that no address of this "
                "site contains. Please check the link."
            ),
            content_type="text/plain; charset=utf-8",
        )
        # The middlewares that add these headers to every other response are further down.
        response["X-Frame-Options"] = "DENY"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        return response
