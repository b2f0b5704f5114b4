"""Spam defences with no outside service (honeypot, signed timestamp, rate limit, duplicates).

INTERFACE (used by comments/forms.py and comments/services.py):
- HONEYPOT_FIELD / TIMESTAMP_FIELD: names of the two extra hidden form fields.
- issue_timestamp() -> str: a signed token of "now", the initial value of TIMESTAMP_FIELD.
- check_timestamp(token) -> str | None: a message for a human when the token is forged, posted
  too fast (< COMMENTS_MIN_SECONDS) or stale (> COMMENTS_MAX_FORM_AGE); None when fine.
  Whenever it returns a message the form must be re-rendered with a fresh token
  (issue_timestamp()), or the reader could never post again from that page.
- is_honeypot_filled(value) -> bool: True when a bot filled the hidden field.
- check_post(*, ip, review, email, body) -> str | None: rate limit per IP and duplicate
  check; a message for a human, or None when fine.
- client_ip(request) -> str | None: the reader's address, honouring TRUSTED_PROXY_COUNT.
"""

import ipaddress
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

HONEYPOT_FIELD = "honeypot"
TIMESTAMP_FIELD = "timestamp"
# The signed value carries its own issue time, read back through the public signing API (the
# signer's timestamp is not for reading). ".v2": a token of the earlier format, signed "form"
# with the signer's timestamp, fails the signature and counts as forged.
_SALT = "comments.form-timestamp.v2"

# Messages for the reader, marked for translation here (gettext_noop) and translated when
# returned, so the constants stay plain strings (the English text) for callers and tests.
MESSAGE_TOO_FAST = gettext_noop(
    "You posted very quickly after the page loaded. Please wait a few seconds and post again; "
    "your comment is kept below."
)
MESSAGE_STALE = gettext_noop(
    "This form was open too long. Your comment is kept below: please post it again."
)
MESSAGE_FORGED = gettext_noop(
    "We could not check this form (it may have been altered or saved from an old page). "
    "Your comment is kept below: please post it again."
)
MESSAGE_RATE = gettext_noop(
    "You are posting too quickly. Please wait a minute and post again; your comment is kept below."
)
MESSAGE_DUPLICATE = gettext_noop("You have already posted this comment.")


def issue_timestamp() -> str:
    return signing.Signer(salt=_SALT).sign_object({"issued": int(time.time())})


def check_timestamp(token) -> str | None:
    message = _timestamp_problem(token)
    return gettext(message) if message else None


def _timestamp_problem(token) -> str | None:
    if not token or not isinstance(token, str):
        return MESSAGE_FORGED
    try:
        value = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        return MESSAGE_FORGED
    issued = value.get("issued") if isinstance(value, dict) else None
    if not isinstance(issued, int):  # pragma: no cover - only issue_timestamp() signs with _SALT
        return MESSAGE_FORGED
    # Both limits are measured here, so a stale form and a hasty post each get their own message.
    age = time.time() - issued
    if age > settings.COMMENTS_MAX_FORM_AGE:
        return MESSAGE_STALE
    if age < settings.COMMENTS_MIN_SECONDS:
        return MESSAGE_TOO_FAST
    return None


def is_honeypot_filled(value) -> bool:
    return bool(value and str(value).strip())


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


def normalise_body(body) -> str:
    """The text as the duplicate check compares it: whitespace collapsed, case folded."""
    return " ".join(str(body or "").split()).casefold()


def _rate_limited(ip) -> bool:
    window = max(settings.COMMENTS_RATE_WINDOW, 1)
    # One counter per IP per fixed window; cache.add only creates it when missing, so
    # concurrent posts share the same counter (atomic incr on Redis and LocMemCache).
    key = f"comments:rate:{ip}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    return count > settings.COMMENTS_RATE_LIMIT


def is_duplicate(*, review, email, ip, body) -> bool:
    from .models import Comment

    same_person = Q(email__iexact=email) if email else Q(pk__in=[])
    if ip:
        same_person |= Q(ip_address=ip)
    wanted = normalise_body(body)
    if not wanted:
        return False
    bodies = (
        Comment.objects.filter(review=review, is_erased=False)
        .filter(same_person)
        .values_list("body", flat=True)
    )
    return any(normalise_body(existing) == wanted for existing in bodies.iterator())


def check_post(*, ip, review, email, body) -> str | None:
    if ip and _rate_limited(ip):
        return gettext(MESSAGE_RATE)
    if is_duplicate(review=review, email=email, ip=ip, body=body):
        return gettext(MESSAGE_DUPLICATE)
    return None
