"""Email notifications about comments, sent through django-tasks.

INTERFACE (called by comments/services.py and comments/moderation.py):
- comment_posted(comment, *, notify_requested: bool): after a reader's comment is saved
  (held -> tell moderators; approved -> as comment_approved; notify_requested -> record an
  unconfirmed subscription, unless the comment is spam).
- comment_approved(comment): after a comment becomes approved (at post time or by a moderator,
  once per comment): tell the review's author and confirmed subscribers of the parent comment,
  and send the comment's own unconfirmed subscriptions their double opt-in confirmation.

An address nobody has confirmed gets one mail only: that confirmation, once the comment it
came with is approved, with nothing the reader typed in it. Until then the address is just
text someone typed, and a held comment must not make the site mail it (a relay for strangers).

These decide who gets what; comments/tasks.py sends each mail. Every mail is queued with
transaction.on_commit, so a rolled-back comment never sends one (outside a transaction the
callback runs at once).
"""

from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from . import tasks
from .models import Comment, Subscription


def _queue(task, *args) -> None:
    transaction.on_commit(partial(task.enqueue, *args))


def moderator_addresses() -> list[str]:
    """One address per active user who may moderate (superusers too), duplicates dropped."""
    users = (
        get_user_model()
        # The backend that holds permissions, named: with django-axes' backend listed too,
        # with_perm() refuses to guess (reviewsite/settings.py, AUTHENTICATION_BACKENDS).
        .objects.with_perm(
            "comments.can_moderate",
            is_active=True,
            include_superusers=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    seen, addresses = set(), []
    for email in users:
        if email.casefold() not in seen:
            seen.add(email.casefold())
            addresses.append(email)
    return sorted(addresses)


def comment_posted(comment, *, notify_requested: bool) -> None:
    # Spam gets no subscription, so never a confirmation: a spammer must not use us to mail
    # someone else. Recorded first, so an approved comment's confirmation goes out below.
    if notify_requested and comment.status != Comment.Status.SPAM and comment.email:
        subscribe(comment)
    if comment.status == Comment.Status.PENDING:
        for address in moderator_addresses():
            _queue(tasks.send_held_comment_mail, comment.pk, address)
    elif comment.status == Comment.Status.APPROVED:
        comment_approved(comment)


def subscribe(comment) -> Subscription:
    """Records an unconfirmed subscription; its confirmation waits for the comment's approval."""
    subscription, _ = Subscription.objects.get_or_create(
        comment=comment, email=comment.email.strip()
    )
    return subscription


def _ask_to_confirm(comment) -> None:
    """The double opt-in mail for the comment's unconfirmed subscriptions (one at most)."""
    pending = Subscription.objects.filter(
        comment=comment, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).values_list("pk", flat=True)
    for subscription_id in pending:
        _queue(tasks.send_confirmation_mail, subscription_id)


def comment_approved(comment) -> None:
    _ask_to_confirm(comment)
    if comment.url and comment.show_recent_post and settings.COMMENTS_FETCH_RECENT_POSTS:
        _queue(tasks.fetch_recent_post, comment.pk)  # "<name> recently posted: <title>"
    author_user = comment.review.author.user
    commenter = (comment.email or "").casefold()
    told = {commenter}
    author_email = (author_user.email or "").casefold()
    wrote_it = comment.user_id == author_user.pk or (author_email and author_email == commenter)
    if author_email and not wrote_it:
        _queue(tasks.send_author_mail, comment.pk)
        told.add(author_email)
    if comment.parent_id:
        subscribers = Subscription.objects.filter(
            comment_id=comment.parent_id, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).order_by("pk")
        for subscription in subscribers:
            address = subscription.email.casefold()
            if address in told:  # never mail the replier about their own reply, nor twice
                continue
            told.add(address)
            _queue(tasks.send_reply_mail, comment.pk, subscription.pk)
