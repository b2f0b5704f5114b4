"""Values read from a request: the one place where a number or a redirect target typed in a URL
or a form is turned into something the site uses.

- int_param(raw, *, default=None, minimum=0, maximum=MAX_ID, clamp=False): an integer, or
  `default` for anything that is not one (see its docstring for what counts).
- page_param(raw, *, last): the page number of a list (?page=N), or Http404.
- safe_next(request, raw, *, fallback): a redirect target the site may send a browser to.
- client_ip(request): the client's address, honouring TRUSTED_PROXY_COUNT, or None.
"""

import ipaddress

from django.conf import settings
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from .text import has_url_control_characters

# The largest key a 64-bit primary key (PostgreSQL bigint, SQLite integer) holds: a bigger
# number is no row's id, and PostgreSQL refuses it in a query.
MAX_ID = 2**63 - 1
# No list of the site has that many pages; the bound keeps int() away from huge digit strings.
MAX_PAGE = 10**9


def int_param(raw, *, default=None, minimum=0, maximum=MAX_ID, clamp=False):
    """The integer typed in a query parameter or form field, or `default` when there is none.

    Only ASCII digits count (surrounding whitespace aside): `str.isdigit()` also accepts "²",
    which `int()` refuses, and `int()` itself accepts "１２" and other scripts' digits, so
    neither may judge what a visitor typed. A sign, a decimal point or a digit string longer
    than `maximum` has digits is no number either. A number outside minimum..maximum is
    `default`, or with `clamp=True` the nearest bound (a page far past the end is the last).
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if not (text.isascii() and text.isdigit()):
            return default
        digits = text.lstrip("0") or "0"
        if len(digits) > len(str(maximum)):
            return maximum if clamp else default
        number = int(digits)
    else:
        return default
    if minimum <= number <= maximum:
        return number
    if clamp:
        return min(max(number, minimum), maximum)
    return default


def page_param(raw, *, last):
    """The page a list is asked for (?page=): 1 when not given, `last` for "last"; anything
    that is not a page number is a 404, as Django's pagination answers a page past the end."""
    if raw is None or raw == "":
        return 1
    if raw == "last":
        return last
    number = int_param(raw, minimum=1, maximum=MAX_PAGE)
    if number is None:
        raise Http404(gettext("There is no such page."))
    return number


def safe_next(request, raw, *, fallback):
    """`raw` (a ?next= or a form's "next") when it is an address on this site, else `fallback`.

    The caller redirects with HttpResponseRedirect, never redirect(): redirect() first tries
    reverse() on its argument, and a `next` such as "foo" is a name it cannot reverse (a 500).
    """
    if not isinstance(raw, str) or not raw or has_url_control_characters(raw):
        return fallback
    if url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return raw
    return fallback


def client_ip(request) -> str | None:
    """The client's IP address: REMOTE_ADDR, or the address the trusted proxies saw.

    Only the last TRUSTED_PROXY_COUNT hops of X-Forwarded-For are believed; anything further
    left could have been typed by the client itself.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if hops:
            candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
