"""Work on comments that has side effects (saving under the moderation policy, notifications)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import strip_control_characters

from . import limits, moderation, notifications, ratings, spam
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
        show_recent_post=bool(data.get("show_recent_post")),
        user=viewer.user,
        ip_address=viewer.ip,
        user_agent=viewer.user_agent,
    )
    comment.duplicate_key_email, comment.duplicate_key_ip = spam.duplicate_keys(
        email=data["email"], ip=viewer.ip, body=data["comment"]
    )
    # Who this is for the audience score (one rating per person and film), from what the
    # browser proves: the moderation policy reads it.
    comment.rater_key = ratings.rater_key(email=data["email"], viewer=viewer)
    status, held_reason = moderation.initial_status(comment=comment, viewer=viewer)
    comment.status = status
    comment.held_reason = (held_reason or "")[:200]
    notify = bool(data.get("notify"))
    # One transaction: the row and its thread path land together, and the mails queued on
    # commit go out only once the comment is really there.
    try:
        with transaction.atomic():
            comment.save()
            transaction.on_commit(
                lambda: notifications.comment_posted(comment, notify_requested=notify)
            )
    except IntegrityError:
        # The same text posted at the same moment (a double click, a bot): check_post() saw
        # neither, the duplicate keys' unique constraints let one in. The rest get the answer
        # the check gives once the first one is there.
        if not spam.is_duplicate(
            review=review, email=data["email"], ip=viewer.ip, body=data["comment"]
        ):
            raise
        raise ValidationError(gettext(spam.MESSAGE_DUPLICATE), code="spam") from None
    viewer.posted(comment)
    if not viewer.is_signed_in:  # a signed-in user typed no name to remember
        if data.get("remember"):
            viewer.remember_author(
                name=data["name"],
                email=data["email"],
                url=data.get("url"),
                show_recent_post=bool(data.get("show_recent_post")),
            )
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


def report_network_hash(ip) -> str:
    """The reporter's network (an IPv4 address, an IPv6 /64) as the report table keeps it."""
    return limits.keyed_hash(limits.network(ip), purpose="report-network")


def report_rate_limited(viewer) -> bool:
    """Counts one report attempt from the viewer's network; True once it made too many lately."""
    return limits.over_limit(
        f"report:{report_network_hash(viewer.ip)}",
        limit=settings.COMMENTS_REPORT_RATE_LIMIT,
        window=settings.COMMENTS_REPORT_RATE_WINDOW,
    )


def distinct_reporters(comment) -> int:
    return (
        CommentReport.objects.filter(comment=comment)
        .exclude(ip_hash="")
        .values("ip_hash")
        .distinct()
        .count()
    )


def report_comment(*, comment, viewer, reason="") -> bool:
    """Records a reader's report; once COMMENTS_REPORTS_TO_HOLD distinct networks reported it,
    the comment goes back to the queue. Returns False (and records nothing) when this browser,
    or any browser on the same network, reported it already: fresh sessions, cookies cleared,
    count as the reporter they are."""
    if viewer.has_reported(comment.pk):
        return False
    report = CommentReport(
        comment=comment,
        ip_address=viewer.ip,
        # A note for moderators, typed with no form to show again: invisible characters go.
        reason=strip_control_characters(reason or "").strip()[:REPORT_REASON_MAX],
        ip_hash=report_network_hash(viewer.ip),
        reporter_hash=viewer.reporter_hash(),
    )
    with transaction.atomic():
        # The comment's row lock first: reports on one comment are recorded and counted in turn.
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        try:
            with transaction.atomic():  # a savepoint: a refused row leaves the rest usable
                report.save()
        except IntegrityError:  # the unique network or reporter: this reporter counted already
            viewer.reported(comment.pk)
            return False
        if comment.status == Comment.Status.APPROVED and distinct_reporters(comment) >= max(
            1, settings.COMMENTS_REPORTS_TO_HOLD
        ):
            moderation.apply_action(
                comments=[comment], action=ModerationLog.Action.UNAPPROVE, moderator=None
            )
            comment.held_reason = REPORTED_REASON
            comment.save(update_fields=["held_reason"])
    viewer.reported(comment.pk)
    return True
