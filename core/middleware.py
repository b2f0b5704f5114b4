"""Middleware of the site's own: the request id every log line carries, the health probes
answered for any Host, the input boundary every request passes before any view or database
query, and the choice of database (primary or read replica) for each request."""

import logging
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext

from . import routers
from .health import healthz, readyz
from .logging import new_request_id, sane_request_id, set_request_id
from .text import has_url_control_characters

logger = logging.getLogger("django.security.InputBoundary")
HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz}


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


class RequestIdMiddleware:
    """Gives every request an id: in each log line written while answering it (core/logging.py)
    and in the response's X-Request-ID header, so a reader's report or a proxy's access log
    leads to the app's lines.

    The proxy's X-Request-ID (nginx: `proxy_set_header X-Request-ID $request_id;`) is used only
    when the site is behind trusted proxies (TRUSTED_PROXY_COUNT > 0, the rule of
    core.http.client_ip) and looks like an id; otherwise the client could have typed it, and a
    new one is made. First in MIDDLEWARE, so every response carries it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.META.get("HTTP_X_REQUEST_ID", "").strip()
        if settings.TRUSTED_PROXY_COUNT > 0 and sane_request_id(offered):
            request_id = offered
        else:
            request_id = new_request_id()
        request.request_id = request_id
        set_request_id(request_id)
        if settings.SENTRY_DSN:
            import sentry_sdk

            sentry_sdk.set_tag("request_id", request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class HealthCheckMiddleware:
    """Answers /healthz and /readyz (core/health.py) whatever the Host header says.

    A load balancer probes each app server by its IP address, which is not in ALLOWED_HOSTS:
    further down, CommonMiddleware's request.get_host() would refuse it with a 400. So this
    middleware sits above CommonMiddleware and answers the probe itself. It may sit below
    SecurityMiddleware (whose headers the answer then gets) only because SECURE_REDIRECT_EXEMPT
    lists both paths: there it never asks for the host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = HEALTH_VIEWS.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)


class ReplicaRoutingMiddleware:
    """Read replicas (core/routers.py): which requests may read from one.

    A GET or HEAD of a public page (`core.pagecache.public_page`) without a session cookie
    (signed in, or a reader with held comments) and without the pin cookie may; nothing else
    does, so the admin, moderation and every POST read the primary. A POST's response sets the
    pin cookie for REPLICA_PIN_SECONDS, so the reader's next pages show what they just wrote
    even from a lagging replica. A public page whose replica breaks mid-request is rendered once
    more from the primary (the view only reads), and that replica is rested.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = routers.begin_request()
        try:
            response = self.get_response(request)
        finally:
            routers.end_request(token)
        pin_seconds = settings.REPLICA_PIN_SECONDS
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        if unsafe and pin_seconds and routers.replicas():
            response.set_cookie(
                routers.PIN_COOKIE,
                "1",
                max_age=pin_seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method in ("GET", "HEAD")
            and getattr(view_func, "page_cache_params", None) is not None
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and routers.PIN_COOKIE not in request.COOKIES
            and not request.META.get("HTTP_AUTHORIZATION")
        ):
            routers.allow_replica()
        return None

    def process_exception(self, request, exception):
        alias = routers.replica_in_use()
        if (
            alias is None
            or not isinstance(exception, (OperationalError, InterfaceError))
            or not connections[alias].errors_occurred  # the primary failed: nothing to retry
        ):
            return None
        routers.logger.warning(
            "Read replica %s failed during %s: rendering it from the primary",
            alias,
            request.path,
            exc_info=exception,
        )
        routers.use_primary(failed_alias=alias)
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        # Raised while a TemplateResponse rendered, the handler does not render this one.
        if callable(getattr(response, "render", None)):
            response = response.render()
        return response
