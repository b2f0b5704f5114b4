"""Spam defences with no outside service (honeypot, signed timestamp, rate limit, duplicates).

INTERFACE (used by comments/forms.py and comments/services.py; the moderation helper fills in
the bodies — until then these are permissive placeholders):
- HONEYPOT_FIELD / TIMESTAMP_FIELD: names of the two extra hidden form fields.
- issue_timestamp() -> str: a signed token of "now", the initial value of TIMESTAMP_FIELD.
- check_timestamp(token) -> str | None: a message for a human when the token is forged, posted
  too fast (< COMMENTS_MIN_SECONDS) or stale (> COMMENTS_MAX_FORM_AGE); None when fine.
- is_honeypot_filled(value) -> bool: True when a bot filled the hidden field.
- check_post(*, request, review, email, body) -> str | None: rate limit per IP and duplicate
  check; a message for a human, or None when fine.
"""

from django.core import signing

HONEYPOT_FIELD = "honeypot"
TIMESTAMP_FIELD = "timestamp"
_SALT = "comments.form-timestamp"


def issue_timestamp() -> str:
    return signing.TimestampSigner(salt=_SALT).sign("form")


def check_timestamp(token) -> str | None:
    return None


def is_honeypot_filled(value) -> bool:
    return bool(value)


def check_post(*, request, review, email, body) -> str | None:
    return None
