"""Moderation decisions on comments: the policy for new comments, reversible state changes
with an audit trail, and edits by moderators.

INTERFACE (used by comments/services.py, comments/views.py, comments/admin.py):
- initial_status(*, comment, viewer) -> (status, reason): the status a new, unsaved comment
  starts in under settings.COMMENTS_MODERATION and the blocklist (viewer: identity.Viewer).
- apply_action(*, comments, action, moderator) -> int: approve / unapprove / spam / remove.
- undo_last(*, comments, moderator) -> int: puts each comment back where this moderator found it.
- edit_comment(*, comment, body, moderator) -> bool: changes a comment's text, logging the old one.
- is_moderator(user) -> bool: may moderate (the comments.can_moderate permission).
"""

import ipaddress
import re
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import notifications, ratings
from .counts import refresh_comment_counts
from .models import BlocklistEntry, Comment, ModerationLog, VerifiedEmail

# action -> the status it leads to
ACTION_STATUS = {
    ModerationLog.Action.APPROVE: Comment.Status.APPROVED,
    ModerationLog.Action.UNAPPROVE: Comment.Status.PENDING,
    ModerationLog.Action.SPAM: Comment.Status.SPAM,
    ModerationLog.Action.REMOVE: Comment.Status.REMOVED,
}
# status -> the action that leads back to it (used by undo)
STATUS_ACTION = {status: action for action, status in ACTION_STATUS.items()}

MODERATE_PERMISSION = "comments.can_moderate"
SKIP_MODERATION_PERMISSION = "comments.skip_moderation"

# A link is "http://", "https://" or a bare "www." not already part of one of those.
LINK_RE = re.compile(r"https?://|(?<![/\w.])www\.", re.IGNORECASE)
# Pasted HTML: <a href="X">X</a> is one link, not two (its address and its text).
ANCHOR_RE = re.compile(r"<a\b[^>]*>.*?</a\s*>", re.IGNORECASE | re.DOTALL)

# Why a comment is held, for moderators (stored in the comment's held_reason when it is saved).
REASON_ALL = _("Every comment is held for moderation.")
REASON_FIRST_TIME = _("First comment from this commenter")
REASON_RATING_CHANGE = _("Changes this reader’s counted rating of the film from %(old)d to %(new)d")


def is_moderator(user) -> bool:
    """May moderate (the queue, the admin's actions): active users with comments.can_moderate.

    The admin asks the same permission, so the two never disagree; superusers have it.
    """
    return bool(user and user.is_active and user.has_perm(MODERATE_PERMISSION))


def _is_trusted_user(user) -> bool:
    """Signed in with comments.skip_moderation (authors, moderators): approved under any policy."""
    return bool(user and user.is_active and user.has_perm(SKIP_MODERATION_PERMISSION))


# --- Blocklist


def _word_pattern(word):
    # Whole words only, so "ass" does not catch "classic"; phrases match as typed.
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)


def _ip_matches(ip, entry):
    if not ip:
        return False
    try:
        if "/" in entry:
            return ipaddress.ip_address(ip) in ipaddress.ip_network(entry, strict=False)
        return ipaddress.ip_address(ip) == ipaddress.ip_address(entry)
    except ValueError:
        return False


def _email_matches(email, entry):
    email, entry = email.strip().casefold(), entry.strip().casefold()
    if entry.startswith("@"):  # "@example.com" blocks a whole domain
        return email.endswith(entry)
    return email == entry


def _blocklist():
    # Read fresh each time: one small query per posted comment, and an entry a moderator adds
    # in the admin works at once.
    entries = {kind: [] for kind in BlocklistEntry.Kind.values}
    for kind, value in BlocklistEntry.objects.values_list("kind", "value"):
        if value.strip():
            entries[kind].append(value.strip())
    return entries


def count_links(text) -> int:
    """Links in a comment's text; a pasted <a …>…</a> holding any counts once."""
    text = text or ""
    anchors = sum(1 for anchor in ANCHOR_RE.findall(text) if LINK_RE.search(anchor))
    return anchors + len(LINK_RE.findall(ANCHOR_RE.sub(" ", text)))


# --- Policy


def is_returning(*, email, viewer) -> bool:
    """Proof, not a claim: an approved earlier comment by this browser (`viewer.proof_ids`, from
    its signed cookie) with the same email, or an address verified through a link opened in
    this browser (its signed cookie; the VerifiedEmail row must still be there, so erasing the
    address ends the trust). Typing a verified address in another browser proves nothing."""
    if not email:
        return False
    if viewer.has_verified(email) and VerifiedEmail.objects.filter(email__iexact=email).exists():
        return True
    ids = list(viewer.proof_ids)
    return bool(ids) and (
        Comment.objects.filter(
            pk__in=ids, status=Comment.Status.APPROVED, email__iexact=email
        ).exists()
    )


def initial_status(*, comment, viewer) -> tuple[str, str]:
    """The status a new comment starts in, and the reason when it is held or spam."""
    ip = comment.ip_address or viewer.ip
    blocklist = _blocklist()

    for entry in blocklist[BlocklistEntry.Kind.EMAIL]:
        if comment.email and _email_matches(comment.email, entry):
            return Comment.Status.SPAM, gettext("Blocklisted email address")
    for entry in blocklist[BlocklistEntry.Kind.IP]:
        if _ip_matches(ip, entry):
            return Comment.Status.SPAM, gettext("Blocklisted IP address")
    words = blocklist[BlocklistEntry.Kind.WORD]
    for word in words:
        if _word_pattern(word).search(comment.name or ""):
            reason = gettext("Blocklisted word in the name: “%(word)s”") % {"word": word}
            return Comment.Status.SPAM, reason
        # A website is not prose: "casino" should catch "best-casino-online.example" too.
        if word.casefold() in (comment.url or "").casefold():
            reason = gettext("Blocklisted word in the website: “%(word)s”") % {"word": word}
            return Comment.Status.SPAM, reason

    links = count_links(comment.body)
    if links > settings.COMMENTS_MAX_LINKS:
        return (
            Comment.Status.PENDING,
            ngettext(
                "Contains %(count)d link (more than %(limit)d)",
                "Contains %(count)d links (more than %(limit)d)",
                links,
            )
            % {"count": links, "limit": settings.COMMENTS_MAX_LINKS},
        )
    for word in words:
        if _word_pattern(word).search(comment.body or ""):
            reason = gettext("Contains a blocklisted word: “%(word)s”") % {"word": word}
            return Comment.Status.PENDING, reason

    if _is_trusted_user(viewer.user):
        return Comment.Status.APPROVED, ""

    # One reader, one rating per film: a new score that would replace the one counted for this
    # reader is a moderator's call whatever the policy (a returning commenter's rated comments
    # would otherwise go live, and anyone typing their address could change their score).
    changed_from = _counted_rating_replaced(comment)
    if changed_from is not None:
        return (
            Comment.Status.PENDING,
            str(REASON_RATING_CHANGE) % {"old": changed_from, "new": comment.rating},
        )

    policy = settings.COMMENTS_MODERATION
    if policy == "none":
        return Comment.Status.APPROVED, ""
    if policy == "first_time" and is_returning(email=comment.email, viewer=viewer):
        return Comment.Status.APPROVED, ""
    if policy == "first_time":
        return Comment.Status.PENDING, str(REASON_FIRST_TIME)
    # "all", and any unknown value: holding is the safe choice.
    return Comment.Status.PENDING, str(REASON_ALL)


def _counted_rating_replaced(comment) -> int | None:
    """The reader's counted rating of the film that this new rated comment would replace with
    another score, or None (no rating, a reply, an edit, no counted rating, the same score)."""
    if comment.pk is not None or comment.rating is None or comment.parent_id is not None:
        return None
    key = comment.rater_key or ratings.email_key(comment.email)
    current = ratings.counted_rating(film_id=comment.review.film_id, key=key)
    return current if current is not None and current != comment.rating else None


# --- Decisions


def _was_ever_approved(comment) -> bool:
    """True when readers were already told about this comment once (no second round of mail)."""
    return (
        ModerationLog.objects.filter(comment=comment)
        .filter(Q(from_status=Comment.Status.APPROVED) | Q(to_status=Comment.Status.APPROVED))
        .exists()
    )


def _current_statuses(comments) -> dict:
    """{pk: status} of the comments' rows as stored now, locked until the transaction ends.

    Decisions are taken on these, not on the caller's instances, which may have been loaded
    before another moderator acted. The lock makes a concurrent decision on the same comment
    wait until this one commits, and then see its result; taken in pk order so that two bulk
    actions over overlapping selections cannot deadlock.
    """
    return dict(
        Comment.objects.select_for_update()
        .filter(pk__in=[c.pk for c in comments])
        .order_by("pk")
        .values_list("pk", "status")
    )


def apply_action(*, comments, action, moderator) -> int:
    """Moves each comment to the status `action` leads to, recording who and when.

    Returns how many comments changed. Comments already in that state (now, in the database) are
    left alone, so of two moderators making the same decision at once only the first changes,
    logs and announces anything. A comment approved for the first time is announced (author,
    subscribers) once the transaction commits. The given instances get the status they are in.
    """
    action = ModerationLog.Action(action)
    to_status = ACTION_STATUS[action]
    now = timezone.now()
    changed = 0
    recount = set()  # reviews whose approved-comment count this moves
    with transaction.atomic():
        comments = list(comments)
        current = _current_statuses(comments)
        for comment in comments:
            from_status = current.get(comment.pk)
            if from_status is None:  # deleted since it was loaded
                continue
            comment.status = from_status
            if from_status == to_status:
                continue
            # Conditional on the status just read: where the database has no row locks, a
            # decision that got in first leaves this one nothing to change.
            if not Comment.objects.filter(pk=comment.pk, status=from_status).update(
                status=to_status, moderated_by=moderator, moderated_at=now
            ):
                continue
            current[comment.pk] = to_status
            announce = to_status == Comment.Status.APPROVED and not _was_ever_approved(comment)
            comment.status = to_status
            comment.moderated_by = moderator
            comment.moderated_at = now
            ModerationLog.objects.create(
                comment=comment,
                moderator=moderator,
                action=action,
                from_status=from_status,
                to_status=to_status,
            )
            if announce:
                transaction.on_commit(partial(notifications.comment_approved, comment))
            if Comment.Status.APPROVED in (from_status, to_status):
                recount.add(comment.review_id)
            changed += 1
        # The update above sends no signal: the counts change here, in the same transaction.
        refresh_comment_counts(recount)
    return changed


def undo_last(*, comments, moderator) -> int:
    """Puts each comment back in the status it had before this moderator's last decision on it.

    Skipped when someone changed the comment since (its status, as stored now, is no longer what
    that decision left). The undo is itself a logged decision. Returns how many comments changed.
    """
    restored = 0
    with transaction.atomic():
        comments = list(comments)
        current = _current_statuses(comments)
        for comment in comments:
            status = current.get(comment.pk)
            if status is None:
                continue
            comment.status = status
            last = (
                ModerationLog.objects.filter(
                    comment=comment, moderator=moderator, action__in=list(ACTION_STATUS)
                )
                .order_by("-created_at", "-id")
                .first()
            )
            if last is None or last.to_status != status or not last.from_status:
                continue
            action = STATUS_ACTION.get(last.from_status)
            if action is None:
                continue
            restored += apply_action(comments=[comment], action=action, moderator=moderator)
    return restored


def edit_comment(*, comment, body, moderator) -> bool:
    """Replaces a comment's text; the old text is kept in the audit trail. False if unchanged."""
    if body == comment.body:
        return False
    with transaction.atomic():
        # The text replaced is the one stored now, read under a lock: had another moderator
        # edited since this instance was loaded, logging the instance's text would lose theirs.
        locked = Comment.objects.select_for_update().values_list("body", flat=True)
        old_body = locked.get(pk=comment.pk)
        if body == old_body:
            comment.body = old_body
            return False
        ModerationLog.objects.create(
            comment=comment,
            moderator=moderator,
            action=ModerationLog.Action.EDIT,
            from_status=comment.status,
            to_status=comment.status,
            note=old_body,
        )
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
    return True
