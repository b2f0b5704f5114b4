"""Email notifications about comments, sent through django-tasks.

INTERFACE (called by comments/services.py and comments/moderation.py):
- comment_posted(comment, *, notify_requested: bool): after a reader's comment is saved
  (held -> tell moderators; approved -> as comment_approved; notify_requested -> send the
  double opt-in confirmation mail).
- comment_approved(comment): after a comment becomes approved (at post time or by a moderator):
  tell the review's author and confirmed subscribers of the parent comment.

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
        .objects.with_perm("comments.can_moderate", is_active=True, include_superusers=True)
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
    if comment.status == Comment.Status.PENDING:
        for address in moderator_addresses():
            _queue(tasks.send_held_comment_mail, comment.pk, address)
    elif comment.status == Comment.Status.APPROVED:
        comment_approved(comment)
    # Spam gets no confirmation mail: a spammer must not use us to mail someone else.
    if notify_requested and comment.status != Comment.Status.SPAM and comment.email:
        subscribe(comment)


def subscribe(comment) -> Subscription:
    """Records an unconfirmed subscription and mails the confirmation link (double opt-in)."""
    subscription, _ = Subscription.objects.get_or_create(
        comment=comment, email=comment.email.strip()
    )
    if subscription.confirmed_at is None:
        _queue(tasks.send_confirmation_mail, subscription.pk)
    return subscription


def comment_approved(comment) -> None:
    if comment.url and settings.COMMENTS_FETCH_RECENT_POSTS:
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
