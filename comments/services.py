"""Work on comments that has side effects (saving under the moderation policy, notifications)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import moderation, notifications, spam
from .models import Comment, CommentReport, ModerationLog


def comment_post(*, review, data, viewer) -> Comment:
    """Saves a reader's comment under the moderation policy and queues its notifications.

    `data` is the comment form's cleaned data. Records on `viewer` that this browser wrote the
    comment (and remembers or forgets its author, as the reader chose); the view writes that
    back. Raises ValidationError (a message for the reader) when the spam defences refuse it.
    """
    message = spam.check_post(
        ip=viewer.ip, review=review, email=data["email"], body=data["comment"]
    )
    if message:
        raise ValidationError(message, code="spam")
    parent = data.get("parent")
    comment = Comment(
        review=review,
        parent=parent,
        name=data["name"],
        email=data["email"],
        url=data.get("url") or "",
        body=data["comment"],
        rating=data.get("rating") if parent is None else None,
        has_spoilers=bool(data.get("spoilers")),
        user=viewer.user,
        ip_address=viewer.ip,
        user_agent=viewer.user_agent,
    )
    status, held_reason = moderation.initial_status(comment=comment, viewer=viewer)
    comment.status = status
    comment.held_reason = (held_reason or "")[:200]
    notify = bool(data.get("notify"))
    # One transaction: the row and its thread path land together, and the mails queued on
    # commit go out only once the comment is really there.
    with transaction.atomic():
        comment.save()
        transaction.on_commit(
            lambda: notifications.comment_posted(comment, notify_requested=notify)
        )
    viewer.posted(comment)
    if not viewer.is_signed_in:  # a signed-in user typed no name to remember
        if data.get("remember"):
            viewer.remember_author(name=data["name"], email=data["email"], url=data.get("url"))
        else:
            viewer.forget_author()
    return comment


# --- A reader's own comment: edit or delete for a few minutes, from the same browser

EDITABLE_STATUSES = (Comment.Status.APPROVED, Comment.Status.PENDING)
REMOVED_BY_WRITER_NOTE = _("removed by its writer")  # in the moderation history
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


def edit_own_comment(*, comment, body, has_spoilers, viewer) -> Comment:
    """Saves the writer's new text; text the policy would hold sends the comment back to the
    queue (with the reason), as if it were new. The old text stays in the audit trail."""
    with transaction.atomic():
        moderation.edit_comment(comment=comment, body=body, moderator=None)
        if comment.has_spoilers != has_spoilers:
            comment.has_spoilers = has_spoilers
            comment.save(update_fields=["has_spoilers"])
        status, reason = moderation.initial_status(comment=comment, viewer=viewer)
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
        # The status stored now, under a lock (a moderator may have acted since the page was
        # loaded): the log records what the delete really changed, and a comment a moderator
        # already took out of sight (spam, removed) stays as they left it.
        locked = Comment.objects.select_for_update().values_list("status", flat=True)
        from_status = locked.get(pk=comment.pk)
        if from_status not in EDITABLE_STATUSES:
            comment.status = from_status
            return
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

REPORTED_REASON = _("Reported by readers")  # held reason, for moderators
REPORT_REASON_MAX = 300


def report_comment(*, comment, viewer, reason="") -> bool:
    """Records a reader's report; at COMMENTS_REPORTS_TO_HOLD reports the comment goes back
    to the queue. Returns False (and records nothing) when this browser reported it already."""
    if viewer.has_reported(comment.pk):
        return False
    with transaction.atomic():
        CommentReport.objects.create(
            comment=comment,
            ip_address=viewer.ip,
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
    viewer.reported(comment.pk)
    return True
