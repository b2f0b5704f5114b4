"""Work on comments that has side effects (saving under the moderation policy, notifications)."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction

from . import moderation, notifications, spam
from .models import Comment

USER_AGENT_MAX = 300
OWN_COMMENTS_SESSION_KEY = "comments_own"  # ids this browser posted: it sees them while held
OWN_COMMENTS_KEPT = 50

REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember-author"
REMEMBER_MAX_AGE = 365 * 24 * 3600


def comment_post(*, review, form, request) -> Comment:
    """Saves a reader's comment under the moderation policy and queues its notifications.

    Raises ValidationError (a message for the reader) when the spam defences refuse the post.
    """
    data = form.cleaned_data
    message = spam.check_post(
        request=request, review=review, email=data["email"], body=data["comment"]
    )
    if message:
        raise ValidationError(message, code="spam")
    user = request.user if request.user.is_authenticated else None
    comment = Comment(
        review=review,
        parent=data.get("parent"),
        name=data["name"],
        email=data["email"],
        url=data.get("url") or "",
        body=data["comment"],
        rating=data.get("rating") if data.get("parent") is None else None,
        user=user,
        ip_address=spam.client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
    )
    status, held_reason = moderation.initial_status(comment=comment, request=request)
    comment.status = status
    comment.held_reason = (held_reason or "")[:200]
    comment.save()
    notify = bool(data.get("notify"))
    transaction.on_commit(lambda: notifications.comment_posted(comment, notify_requested=notify))
    return comment


def remember_own_comment(request, comment) -> None:
    """Lets this browser's session see its own comment while it awaits moderation."""
    own = [pk for pk in request.session.get(OWN_COMMENTS_SESSION_KEY, []) if pk != comment.pk]
    own.append(comment.pk)
    request.session[OWN_COMMENTS_SESSION_KEY] = own[-OWN_COMMENTS_KEPT:]


def own_comment_ids(request) -> list[int]:
    """Ids of comments this session posted (reading an absent session costs no query)."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    return [pk for pk in session.get(OWN_COMMENTS_SESSION_KEY, []) if isinstance(pk, int)]


def update_remembered_author(*, request, response, form) -> None:
    """Keeps name, email and website in a signed cookie only if the reader ticked the box."""
    data = form.cleaned_data
    if "remember" not in form.fields:
        return  # signed in: nothing typed, nothing to remember
    if data.get("remember"):
        value = signing.dumps(
            {"name": data["name"], "email": data["email"], "url": data.get("url") or ""},
            salt=REMEMBER_SALT,
            compress=True,
        )
        response.set_cookie(
            REMEMBER_COOKIE,
            value,
            max_age=REMEMBER_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    elif REMEMBER_COOKIE in request.COOKIES:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")


def remembered_author(request) -> dict:
    """Name, email and website from the remember-me cookie, or {} when absent or tampered with."""
    token = request.COOKIES.get(REMEMBER_COOKIE)
    if not token:
        return {}
    try:
        value = signing.loads(token, salt=REMEMBER_SALT, max_age=REMEMBER_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return {}
    if not isinstance(value, dict):
        return {}
    return {key: str(value.get(key) or "") for key in ("name", "email", "url")}
