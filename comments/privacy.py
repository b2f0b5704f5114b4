"""Privacy requests about one email address: export everything stored, or erase it.

Used by `manage.py comment_data` and by the comment admin's actions. Erasure is the one time a
reader's words are destroyed; the comments stay as "[deleted]" so replies keep their place.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import pagecache

from . import ratings
from .models import Comment, CommentReport, ModerationLog, Subscription, VerifiedEmail
from .rendering import render_body

DELETED = "[deleted]"
# RFC 2606 reserves .invalid: nothing can ever be delivered there.
ERASED_EMAIL = "deleted@erased.invalid"


def _iso(value):
    return value.isoformat() if value else None


def export_email(email) -> dict:
    """Everything stored about `email` (matched case-insensitively), as JSON-ready data."""
    email = email.strip()
    comments = (
        Comment.objects.filter(email__iexact=email)
        .select_related("review")
        .prefetch_related("moderation_log")
        .order_by("created_at", "pk")
    )
    subscriptions = Subscription.objects.filter(email__iexact=email).order_by("created_at", "pk")
    verified = VerifiedEmail.objects.filter(email__iexact=email).first()
    return {
        "email": email,
        "exported_at": _iso(timezone.now()),
        "comments": [
            {
                "id": c.pk,
                "review": c.review.headline,
                "review_url": f"{settings.SITE_URL}{c.review.get_absolute_url()}",
                "in_reply_to": c.parent_id,
                "name": c.name,
                "email": c.email,
                "website": c.url,
                "body": c.body,
                "rating": c.rating,
                "status": c.status,
                "created_at": _iso(c.created_at),
                "edited_at": _iso(c.edited_at),
                "ip_address": c.ip_address,
                "user_agent": c.user_agent,
                # A moderator's edit keeps the reader's earlier wording: that is theirs too.
                "earlier_versions": [
                    {"replaced_at": _iso(log.created_at), "body": log.note}
                    for log in c.moderation_log.all()
                    if log.action == ModerationLog.Action.EDIT and log.note
                ],
            }
            for c in comments
        ],
        "subscriptions": [
            {
                "comment_id": s.comment_id,
                "email": s.email,
                "created_at": _iso(s.created_at),
                "confirmed_at": _iso(s.confirmed_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
            }
            for s in subscriptions
        ],
        "verified_email": (
            {"email": verified.email, "verified_at": _iso(verified.verified_at)}
            if verified
            else None
        ),
    }


def erase_email(email, *, moderator=None) -> dict:
    """Anonymises every comment with `email` and deletes its subscriptions and verification.

    Returns how many rows of each kind were touched.
    """
    email = email.strip()
    with transaction.atomic():
        comments = list(
            Comment.objects.select_for_update().filter(email__iexact=email).exclude(is_erased=True)
        )
        ids = [c.pk for c in comments]
        rated_reviews = {c.review_id for c in comments if c.rating is not None or c.counted}
        Comment.objects.filter(pk__in=ids).update(
            name=DELETED,
            email=ERASED_EMAIL,
            url="",
            body=DELETED,
            body_html=render_body(DELETED),  # update() skips save(), which renders it
            rating=None,
            ip_address=None,
            user_agent="",
            user=None,
            held_reason="",
            is_erased=True,
            # Derived from the address, IP and text: they go with them.
            duplicate_key_email=None,
            duplicate_key_ip=None,
            rater_key="",
            counted=False,
        )
        # Comments under other addresses that this browser's proof tied to this person keep no
        # trace of it: they become their own address's person.
        linked = Comment.objects.filter(rater_key=ratings.email_key(email)).exclude(pk__in=ids)
        for pk, other_email, review_id in linked.values_list("pk", "email", "review_id"):
            Comment.objects.filter(pk=pk).update(rater_key=ratings.email_key(other_email))
            rated_reviews.add(review_id)
        # The ratings went: each reader's older rating of those films may count again.
        ratings.refresh_film_ratings(ratings.films_of_reviews(rated_reviews), announce=False)
        pagecache.content_changed()  # update() sends no signal
        # Earlier wordings kept by moderators' edits go too.
        ModerationLog.objects.filter(comment_id__in=ids).exclude(note="").update(note="")
        ModerationLog.objects.bulk_create(
            [
                ModerationLog(
                    comment=c,
                    moderator=moderator,
                    action=ModerationLog.Action.ERASE,
                    from_status=c.status,
                    to_status=c.status,
                )
                for c in comments
            ]
        )
        subscriptions, _ = Subscription.objects.filter(
            Q(email__iexact=email) | Q(comment_id__in=ids)
        ).delete()
        verified, _ = VerifiedEmail.objects.filter(email__iexact=email).delete()
    return {"comments": len(ids), "subscriptions": subscriptions, "verified_emails": verified}


def purge_old_ips(*, days=None) -> int:
    """Clears IP address and user agent of comments older than `days`; returns how many."""
    days = settings.COMMENTS_IP_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=max(days, 0))
    # Readers' reports keep an IP (to judge report floods) no longer than comments do.
    CommentReport.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .filter(Q(ip_address__isnull=False) | ~Q(user_agent="") | Q(duplicate_key_ip__isnull=False))
        .update(ip_address=None, user_agent="", duplicate_key_ip=None)  # the key holds the IP
    )
