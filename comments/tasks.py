"""Background jobs that send the comment mails (django-tasks).

Each task sends exactly one message to exactly one recipient, so no mail ever lists other
readers' addresses, and one bad address cannot stop the others. Arguments are ids and plain
strings (the database backend stores them as JSON); the rows are read again when the task runs,
since with `db_worker` that may be a while after the request, and the state may have changed.

Development and tests run them at once (ImmediateBackend); production stores them with
django_tasks_db.DatabaseBackend and `manage.py db_worker` sends them. Every mail task is
`@retried` (core/tasks.py): a mail server that is down or silent gets the mail later.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django_tasks import task

from core.tasks import retried

from . import recent_posts, tokens
from .models import Comment, Subscription

EXCERPT = 200


def absolute(path) -> str:
    return f"{settings.SITE_URL}{path}"


def comment_url(comment) -> str:
    """Absolute link to a comment on its review page."""
    try:
        path = comment.get_absolute_url()
    except NoReverseMatch:  # the permalink route is optional; the anchor always works
        path = f"{comment.review.get_absolute_url()}#comment-{comment.pk}"
    return absolute(path)


def _send(template, *, to, context, headers=None) -> None:
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"comments/email/{template}_subject.txt", context)
    body = render_to_string(f"comments/email/{template}.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),  # headers must be one line
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    ).send()


def _comment(comment_id):
    return (
        Comment.objects.select_related("review__author__user", "parent")
        .filter(pk=comment_id)
        .first()
    )


@task()
@retried
def send_held_comment_mail(comment_id: int, recipient: str) -> None:
    """Tells one moderator that a comment waits in the queue."""
    comment = _comment(comment_id)
    if comment is None or comment.status != Comment.Status.PENDING:
        return  # already decided by someone: nothing to ask for
    _send(
        "held_comment",
        to=recipient,
        context={
            "comment": comment,
            "review": comment.review,
            "review_url": absolute(comment.review.get_absolute_url()),
            "queue_url": absolute(reverse("moderation:queue")),
        },
    )


@task()
@retried
def send_author_mail(comment_id: int) -> None:
    """Tells a review's author about an approved comment on their review."""
    comment = _comment(comment_id)
    if comment is None or comment.status != Comment.Status.APPROVED:
        return
    author = comment.review.author
    if not author.user.email:
        return
    _send(
        "author_comment",
        to=author.user.email,
        context={
            "comment": comment,
            "review": comment.review,
            "author": author,
            "comment_url": comment_url(comment),
        },
    )


@task()
@retried
def send_reply_mail(comment_id: int, subscription_id: int) -> None:
    """Mails one subscriber an approved reply to their comment, with a one-click unsubscribe."""
    comment = _comment(comment_id)
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if comment is None or comment.status != Comment.Status.APPROVED:
        return
    if subscription is None or not subscription.is_active:
        return
    unsubscribe_url = absolute(
        reverse(
            "subscriptions:unsubscribe",
            kwargs={"token": tokens.make_unsubscribe_token(subscription)},
        )
    )
    _send(
        "reply",
        to=subscription.email,
        context={
            "comment": comment,
            "parent": comment.parent,
            "review": comment.review,
            "comment_url": comment_url(comment),
            "unsubscribe_url": unsubscribe_url,
        },
        # RFC 2369 and RFC 8058: mail clients show their own one-click "Unsubscribe" button.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@task()
@retried
def send_confirmation_mail(subscription_id: int) -> None:
    """The double opt-in: asks a reader to confirm they want replies by email.

    Only for an approved comment (it may have been held or removed since this was queued), and
    with nothing the reader typed: the address is not confirmed, so whoever typed it must not
    be able to put words in a mail to it. Hence no comment (no name) in the context.
    """
    subscription = (
        Subscription.objects.select_related("comment__review").filter(pk=subscription_id).first()
    )
    if subscription is None or subscription.confirmed_at or subscription.unsubscribed_at:
        return
    if subscription.comment.status != Comment.Status.APPROVED:
        return
    confirm_url = absolute(
        reverse("subscriptions:confirm", kwargs={"token": tokens.make_confirm_token(subscription)})
    )
    _send(
        "confirm_subscription",
        to=subscription.email,
        context={
            "review": subscription.comment.review,
            "confirm_url": confirm_url,
            "max_age_days": tokens.CONFIRM_MAX_AGE // 86400,
        },
    )


@task()
@retried
def send_verification_mail(email: str) -> None:
    """A link proving the reader owns `email`, so later comments skip the first-time hold."""
    verify_url = absolute(
        reverse("subscriptions:verify_email", kwargs={"token": tokens.make_verify_token(email)})
    )
    _send(
        "verify_email",
        to=email,
        context={"verify_url": verify_url, "max_age_days": tokens.VERIFY_MAX_AGE // 86400},
    )


@task()
def fetch_recent_post(comment_id: int) -> None:
    """Reads the latest post of an approved commenter's own blog (guarded; never raises).

    After a failure it queues itself again for the site's next time (10 min, 1 h, 6 h, a day),
    a few times at most (recent_posts.SCHEDULED_RETRIES), where the backend can run a task later
    (the database one; the immediate one leaves the retry to the next approved comment or to
    `manage.py backfill_recent_posts`). The retry finds nothing to do if the site was read
    meanwhile.
    """
    refreshed = recent_posts.refresh_for_comment(comment_id)
    retry_at = refreshed.retry_at
    if retry_at is not None and fetch_recent_post.get_backend().supports_defer:
        fetch_recent_post.using(run_after=retry_at).enqueue(comment_id)
