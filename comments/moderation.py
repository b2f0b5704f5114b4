"""Moderation decisions on comments: reversible state changes with an audit trail."""

from django.db import transaction
from django.utils import timezone

from .models import Comment, ModerationLog

# action -> the status it leads to
ACTION_STATUS = {
    ModerationLog.Action.APPROVE: Comment.Status.APPROVED,
    ModerationLog.Action.UNAPPROVE: Comment.Status.PENDING,
    ModerationLog.Action.SPAM: Comment.Status.SPAM,
    ModerationLog.Action.REMOVE: Comment.Status.REMOVED,
}


def apply_action(*, comments, action, moderator) -> int:
    """Moves each comment to the status `action` leads to, recording who and when.

    Returns how many comments changed. Comments already in that state are left alone.
    """
    action = ModerationLog.Action(action)
    to_status = ACTION_STATUS[action]
    now = timezone.now()
    changed = []
    with transaction.atomic():
        for comment in comments:
            if comment.status == to_status:
                continue
            from_status = comment.status
            comment.status = to_status
            comment.moderated_by = moderator
            comment.moderated_at = now
            comment.save(update_fields=["status", "moderated_by", "moderated_at"])
            ModerationLog.objects.create(
                comment=comment,
                moderator=moderator,
                action=action,
                from_status=from_status,
                to_status=to_status,
            )
            changed.append(comment)
    return len(changed)


# --- Policy INTERFACE (used by comments/services.py and comments/views.py). The moderation
# helper implements the real policy; until then every comment is held, as the issue asks.


def initial_status(*, comment, request) -> tuple[str, str]:
    """The status a new comment starts in, and the reason when it is held or spam."""
    return Comment.Status.PENDING, "Every comment is held for moderation."


def remember_commenter(*, response, comment) -> None:
    """Lets the browser prove later that it wrote `comment` (sets a signed cookie)."""
    return None
