"""Signed tokens for the links we mail to readers (no login needed, tampering detected).

Each purpose has its own salt, so a token made for one link is refused by the others.
"""

from django.core import signing

CONFIRM_SALT = "comments.subscription-confirm"
UNSUBSCRIBE_SALT = "comments.unsubscribe"
VERIFY_SALT = "comments.verify-email"

CONFIRM_MAX_AGE = 14 * 24 * 3600
VERIFY_MAX_AGE = 3 * 24 * 3600


class InvalidToken(Exception):
    """Forged, tampered with, or expired."""


def make_confirm_token(subscription) -> str:
    return signing.dumps([subscription.pk, subscription.email.casefold()], salt=CONFIRM_SALT)


def make_unsubscribe_token(subscription) -> str:
    # No expiry: an unsubscribe link in an old mail must keep working.
    return signing.dumps([subscription.pk, subscription.email.casefold()], salt=UNSUBSCRIBE_SALT)


def make_verify_token(email) -> str:
    return signing.dumps(email.casefold(), salt=VERIFY_SALT)


def _load(token, *, salt, max_age=None):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidToken("expired") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidToken("bad signature") from exc


def _subscription(token, *, salt, max_age=None):
    from .models import Subscription

    data = _load(token, salt=salt, max_age=max_age)
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)):
        raise InvalidToken("bad payload")
    subscription = Subscription.objects.select_related("comment__review").filter(pk=data[0]).first()
    # The address must still match: an erased or re-addressed subscription is not this one.
    if subscription is None or subscription.email.casefold() != data[1]:
        raise InvalidToken("unknown subscription")
    return subscription


def subscription_from_confirm_token(token):
    return _subscription(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def subscription_from_unsubscribe_token(token):
    return _subscription(token, salt=UNSUBSCRIBE_SALT)


def email_from_verify_token(token) -> str:
    email = _load(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    if not isinstance(email, str) or "@" not in email:
        raise InvalidToken("bad payload")
    return email
