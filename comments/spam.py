"""Spam defences with no outside service (honeypot, signed timestamp, rate limit, duplicates).

INTERFACE (used by comments/forms.py and comments/services.py):
- HONEYPOT_FIELD / TIMESTAMP_FIELD: names of the two extra hidden form fields; CSRF_FIELD: the
  CSRF token's field, which the comment form renders itself (see "The form token" below).
- issue_timestamp(csrf_token) -> str: a signed token of "now" for the browser holding
  `csrf_token` (the masked CSRF token rendered in the same form), the value of TIMESTAMP_FIELD.
- check_timestamp(token, *, csrf_token) -> str | None: a message for a human when the token is
  forged or from another browser's form, posted too fast (< COMMENTS_MIN_SECONDS) or stale
  (> COMMENTS_MAX_FORM_AGE); None when fine. It has no side effect.
- spend_timestamp(token) -> bool: marks a checked token as used; False when it was used before
  (a replay: the caller refuses the post with MESSAGE_FORGED).
  Whenever the form is refused it must be re-rendered with a fresh token (issue_timestamp()),
  or the reader could never post again from that page.
- is_honeypot_filled(value) -> bool: True when a bot filled the hidden field.
- check_post(*, ip, review, email, body) -> str | None: rate limit per IP and duplicate
  check; a message for a human, or None when fine.
- duplicate_keys(*, email, ip, body) -> (str | None, str | None): the keys of the database's
  duplicate guard (Comment.duplicate_key_email / _ip), unique per review.
- client_ip(request) -> str | None: the reader's address, honouring TRUSTED_PROXY_COUNT.

The form token. It proves that a person loaded the form a few seconds (and not a day) ago, in
this browser, and it serves one post. Three ways were weighed:
- A nonce in the session, signed into the token: an anonymous reader has no session, and
  starting one for every visitor who opens a review writes a session row per crawler hit and
  makes every page personal.
- A nonce cookie of our own, set with the page that shows the form: the review view belongs to
  a lower app and would have to set a comments cookie, and every first visit would get one more
  cookie besides the CSRF cookie, for the same purpose.
- Chosen: the CSRF token. Django already gives every browser that sees a form a secret in the
  CSRF cookie (set with the page, so a first visit with no JavaScript works) and puts a masked
  copy of it in the form; CsrfViewMiddleware refuses a post whose form copy does not match the
  cookie. The comment form renders that copy itself (CSRF_FIELD) and the timestamp token signs
  a hash of it, so the token is only good together with the CSRF token of the same page, which
  is only good with that browser's cookie: copied into another browser, it is refused. Each
  token carries a random id that spend_timestamp() records in the cache (for the token's
  lifetime, COMMENTS_MAX_FORM_AGE) with an atomic add(), so it serves one post even when the
  same form is sent twice at once (across processes with Redis, REDIS_URL, as the rate limit;
  the local-memory cache keeps spent ids per process). The page holds no per-visitor value
  beyond the CSRF token it already held: a cache of anonymous pages substitutes the two fields
  together per request (issue_timestamp() depends only on the CSRF token and the clock). The
  cost: a token dies with its CSRF token (Django rotates it at sign-in), and such a post gets
  the CSRF page, which keeps the text (comments.views.posting.csrf_failure).
"""

import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, gettext_noop

from core import http, pagecache, ratelimit

HONEYPOT_FIELD = "honeypot"
TIMESTAMP_FIELD = "timestamp"
CSRF_FIELD = "csrfmiddlewaretoken"  # the field name CsrfViewMiddleware reads
# The signed value carries its own issue time, read back through the public signing API (the
# signer's timestamp is not for reading). ".v3": tokens of earlier formats (unbound ".v2", and
# "form" signed with the signer's timestamp) fail the signature and count as forged.
_SALT = "comments.form-timestamp.v3"
_USED_KEY = "comments:form-used:{}"
TIMESTAMP_PLACEHOLDER = "comments.form-timestamp"

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


def _binding(csrf_token) -> str:
    """What a token says about the form it was rendered in: a hash of its CSRF token."""
    return salted_hmac(_SALT, str(csrf_token or ""), algorithm="sha256").hexdigest()[:32]


def issue_timestamp(csrf_token) -> str:
    if pagecache.is_placeholder(csrf_token):
        # A page rendered for the page cache: each response gets its own (comments/apps.py).
        return pagecache.placeholder(TIMESTAMP_PLACEHOLDER)
    value = {"issued": int(time.time()), "id": secrets.token_urlsafe(12)}
    value["for"] = _binding(csrf_token)
    return signing.Signer(salt=_SALT).sign_object(value)


def _read(token) -> dict | None:
    """The signed value of a well-formed token of the current format, else None."""
    if not token or not isinstance(token, str):
        return None
    try:
        value = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):  # pragma: no cover - only issue_timestamp() signs with _SALT
        return None
    fields = (value.get("issued"), value.get("id"), value.get("for"))
    if not (isinstance(fields[0], int) and all(isinstance(f, str) for f in fields[1:])):
        return None  # pragma: no cover - the same
    return value


def check_timestamp(token, *, csrf_token) -> str | None:
    message = _timestamp_problem(token, csrf_token)
    return gettext(message) if message else None


def _timestamp_problem(token, csrf_token) -> str | None:
    value = _read(token)
    if value is None or not csrf_token or not isinstance(csrf_token, str):
        return MESSAGE_FORGED
    # Another page's (or another browser's) CSRF token: the form was not rendered for this post.
    if not constant_time_compare(value["for"], _binding(csrf_token)):
        return MESSAGE_FORGED
    # Both limits are measured here, so a stale form and a hasty post each get their own message.
    age = time.time() - value["issued"]
    if age > settings.COMMENTS_MAX_FORM_AGE:
        return MESSAGE_STALE
    if age < settings.COMMENTS_MIN_SECONDS:
        return MESSAGE_TOO_FAST
    return None


def spend_timestamp(token) -> bool:
    value = _read(token)
    if value is None:
        return False
    # add() stores only when the key is missing, atomically (Redis SET NX, LocMemCache's lock):
    # of two posts of one form, even at the same instant, one is first. Kept as long as the
    # token could still pass the age check.
    lifetime = max(settings.COMMENTS_MAX_FORM_AGE, 0) + 60
    return cache.add(_USED_KEY.format(value["id"]), 1, timeout=lifetime)


def is_honeypot_filled(value) -> bool:
    return bool(value and str(value).strip())


def client_ip(request) -> str | None:
    """The client's IP address by the site's one rule (core.http.client_ip, used by search too)."""
    return http.client_ip(request)


def normalise_body(body) -> str:
    """The text as the duplicate check compares it: whitespace collapsed, case folded."""
    return " ".join(str(body or "").split()).casefold()


def _rate_limited(ip) -> bool:
    return ratelimit.hit(
        "comments-post",
        ip,
        limit=settings.COMMENTS_RATE_LIMIT,
        window=settings.COMMENTS_RATE_WINDOW,
    )


def duplicate_keys(*, email, ip, body) -> tuple[str | None, str | None]:
    """(email key, IP key) of a post: keyed hashes of the writer and the normalised text.

    The same two ways as is_duplicate() tell that it is the same person; the review is the
    constraint's other column. Keyed (SECRET_KEY), so a key cannot be traced back to an address
    by trying addresses. None where there is nothing to compare (no address, no text).
    """
    text = normalise_body(body)
    if not text:
        return None, None

    def key(kind, who):
        value = f"{kind}\x00{who}\x00{text}"
        return salted_hmac("comments.duplicate-key", value, algorithm="sha256").hexdigest()

    email = str(email or "").strip().casefold()
    return (key("email", email) if email else None, key("ip", ip) if ip else None)


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
