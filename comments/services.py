"""Work on comments that has side effects (saving under the moderation policy, notifications)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import moderation, notifications, spam
from .models import Comment, CommentReport, ModerationLog

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
        has_spoilers=bool(data.get("spoilers")),
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


# --- A reader's own comment: edit or delete for a few minutes, from the same browser

EDITABLE_STATUSES = (Comment.Status.APPROVED, Comment.Status.PENDING)
REMOVED_BY_WRITER_NOTE = "removed by its writer"
# Policy reasons that hold *every* new comment: an edit is not a new comment, so they do not apply.
_POLICY_REASONS = (moderation.REASON_ALL, moderation.REASON_FIRST_TIME)


def edit_deadline(comment):
    return comment.created_at + timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)


def may_change_own(comment, *, own_ids, now=None) -> bool:
    """This browser wrote the comment, it is still shown, and the edit window is open."""
    return (
        comment.pk in own_ids
        and comment.status in EDITABLE_STATUSES
        and (now or timezone.now()) < edit_deadline(comment)
    )


def edit_own_comment(*, comment, body, has_spoilers, request) -> Comment:
    """Saves the writer's new text; text the policy would hold sends the comment back to the
    queue (with the reason), as if it were new. The old text stays in the audit trail."""
    with transaction.atomic():
        moderation.edit_comment(comment=comment, body=body, moderator=None)
        if comment.has_spoilers != has_spoilers:
            comment.has_spoilers = has_spoilers
            comment.save(update_fields=["has_spoilers"])
        status, reason = moderation.initial_status(comment=comment, request=request)
        held = status == Comment.Status.SPAM or (
            status == Comment.Status.PENDING and reason not in _POLICY_REASONS
        )
        if held:
            if comment.status == Comment.Status.APPROVED:
                moderation.apply_action(
                    comments=[comment], action=ModerationLog.Action.UNAPPROVE, moderator=None
                )
            comment.held_reason = reason[:200]
            comment.save(update_fields=["held_reason"])
    return comment


def delete_own_comment(*, comment) -> None:
    """Removes the comment (reversibly: a moderator can still see and restore it)."""
    with transaction.atomic():
        from_status = comment.status
        comment.status = Comment.Status.REMOVED
        comment.moderated_by = None
        comment.moderated_at = timezone.now()
        comment.save(update_fields=["status", "moderated_by", "moderated_at"])
        ModerationLog.objects.create(
            comment=comment,
            moderator=None,
            action=ModerationLog.Action.REMOVE,
            from_status=from_status,
            to_status=Comment.Status.REMOVED,
            note=REMOVED_BY_WRITER_NOTE,
        )


# --- Reports

REPORTED_SESSION_KEY = "comments_reported"  # ids this browser reported: one report each
REPORTED_KEPT = 200
REPORTED_REASON = "Reported by readers"
REPORT_REASON_MAX = 300


def already_reported(request, comment) -> bool:
    return comment.pk in request.session.get(REPORTED_SESSION_KEY, [])


def report_comment(*, comment, request, reason="") -> bool:
    """Records a reader's report; at COMMENTS_REPORTS_TO_HOLD reports the comment goes back
    to the queue. Returns False (and records nothing) when this session reported it already."""
    if already_reported(request, comment):
        return False
    with transaction.atomic():
        CommentReport.objects.create(
            comment=comment,
            ip_address=spam.client_ip(request),
            reason=(reason or "").strip()[:REPORT_REASON_MAX],
        )
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        reports = CommentReport.objects.filter(comment=comment).count()
        if comment.status == Comment.Status.APPROVED and reports >= max(
            1, settings.COMMENTS_REPORTS_TO_HOLD
        ):
            moderation.apply_action(
                comments=[comment], action=ModerationLog.Action.UNAPPROVE, moderator=None
            )
            comment.held_reason = REPORTED_REASON
            comment.save(update_fields=["held_reason"])
    reported = [pk for pk in request.session.get(REPORTED_SESSION_KEY, []) if pk != comment.pk]
    reported.append(comment.pk)
    request.session[REPORTED_SESSION_KEY] = reported[-REPORTED_KEPT:]
    return True
