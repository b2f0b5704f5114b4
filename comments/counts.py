"""The approved-comment count stored on each review (`Review.comment_count`).

Lists of reviews show how many comments each has; counting them there would join and group
every comment row on every list. So the count lives on the review's row, and every change to a
comment that can move it updates it in the same transaction:

- a comment saved (signal): a new approved one adds one; a saved status or review recounts;
- a comment deleted (signal): recounts its review unless the review itself is being deleted;
- changes made with QuerySet.update() (moderation decisions, imports) call
  `refresh_comment_counts()` themselves.

`recount_comments` (management command) recounts every review, e.g. after raw SQL.

The same changes can move which rating of a film counts for its reader (comments/ratings.py):
wherever a review is recounted here, its film's counted ratings are refreshed too.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, router, transaction
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save

from core.pagecache import content_changed
from reviews.models import Review

from . import ratings
from .models import Comment

# Fields whose change can move a review's count (or a film's counted ratings); a save of any
# other field leaves them alone.
COUNTED_FIELDS = frozenset({"status", "review", "review_id", "rating", "rater_key"})

# Inside `deferred_comment_counts()`: the ids of reviews to recount when the block ends.
_pending: ContextVar[set | None] = ContextVar("comment_counts_pending", default=None)


def _approved_count():
    return Coalesce(
        Subquery(
            Comment.objects.filter(review=OuterRef("pk"), status=Comment.Status.APPROVED)
            .order_by()
            .values("review")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def refresh_comment_counts(review_ids, *, using=None, announce=True) -> None:
    """Recounts the approved comments of these reviews and stores the counts on their rows.

    `announce`: tell the page cache (core.pagecache) that pages changed; the signal handlers
    leave that to the save or delete that called them, which the cache sees itself.
    """
    ids = sorted({pk for pk in review_ids if pk is not None})
    if not ids:
        return
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return
    using = using or router.db_for_write(Review)
    with transaction.atomic(using=using, savepoint=False):
        if connections[using].features.has_select_for_update:
            # The rows are locked before counting, in a statement of its own: a count taken in
            # the UPDATE alone would use a snapshot from before a concurrent transaction that
            # commits while this one waits for the row, and store a count without its comment.
            # NO KEY: new comments hold a key-share lock on their review, which this must not
            # wait for (two posts on one review would deadlock).
            list(
                Review.objects.using(using)
                .select_for_update(no_key=True)
                .filter(pk__in=ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        Review.objects.using(using).filter(pk__in=ids).update(comment_count=_approved_count())
        ratings.refresh_film_ratings(
            ratings.films_of_reviews(ids, using=using), using=using, announce=False
        )
    if announce:
        content_changed(using)


def _add_one(comment, *, using):
    """A new approved comment: one more, without counting (the increment is safe under the
    row's lock, so concurrent posts each add theirs). The comment's save already tells the page
    cache that content changed. A rating may replace its reader's counted one."""
    if _pending.get() is not None:
        refresh_comment_counts([comment.review_id], using=using)
        return
    Review.objects.using(using).filter(pk=comment.review_id).update(
        comment_count=F("comment_count") + 1
    )
    if comment.rating is not None and comment.parent_id is None:
        ratings.refresh_film_ratings([comment.review.film_id], using=using, announce=False)


def recount_all(*, using=None) -> int:
    """Recounts every review; returns how many reviews' stored counts were wrong.

    (`ratings.recount_all_ratings` does the same for the films' counted ratings.)"""
    using = using or router.db_for_write(Review)
    with transaction.atomic(using=using):
        wrong = (
            Review.objects.using(using)
            .alias(actual=_approved_count())
            .exclude(comment_count=F("actual"))
            .values_list("pk", flat=True)
        )
        ids = list(wrong)
        refresh_comment_counts(ids, using=using)
    return len(ids)


@contextmanager
def deferred_comment_counts(*, using=None):
    """Recounts once, when the block ends, every review whose comments changed inside it
    (an import saving thousands of comments recounts each review once, not per comment).

    Use inside the transaction that makes the changes, so the counts land with them.
    """
    if _pending.get() is not None:  # nested: the outer block recounts
        yield
        return
    pending = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    refresh_comment_counts(pending, using=using)


# --- Signals (connected in CommentsConfig.ready())


def _comment_pre_save(sender, instance, raw, using, update_fields, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not ({"review", "review_id"} & set(update_fields)):
        return
    # The review it was counted on before, in case this save moves it to another one.
    instance._counted_review_id = (
        Comment.objects.using(using)
        .filter(pk=instance.pk)
        .values_list("review_id", flat=True)
        .first()
    )


def _comment_post_save(sender, instance, created, raw, using, update_fields, **kwargs):
    if raw:
        return
    if created:
        if instance.status == Comment.Status.APPROVED:
            _add_one(instance, using=using)
        return
    if update_fields is not None and not (COUNTED_FIELDS & set(update_fields)):
        return
    before = instance.__dict__.pop("_counted_review_id", None)
    refresh_comment_counts([instance.review_id, before], using=using, announce=False)


def _comment_post_delete(sender, instance, using, origin=None, **kwargs):
    # Deleting a review deletes its comments: its count goes with it.
    if isinstance(origin, Review) or (isinstance(origin, QuerySet) and origin.model is Review):
        return
    # Replies deleted with their parent were loaded just now; the comment deleted itself may
    # hold an older status, so its review is recounted whatever it says.
    if instance.status == Comment.Status.APPROVED or origin is instance:
        refresh_comment_counts([instance.review_id], using=using, announce=False)


def _review_pre_save(sender, instance, raw, using, update_fields, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not ({"film", "film_id"} & set(update_fields)):
        return
    # The film its readers' ratings counted for before, in case this save moves the review.
    instance._rated_film_id = (
        Review.objects.using(using).filter(pk=instance.pk).values_list("film_id", flat=True).first()
    )


def _review_post_save(sender, instance, created, raw, using, **kwargs):
    before = instance.__dict__.pop("_rated_film_id", None)
    if raw or created or before is None or before == instance.film_id:
        return
    # Ratings on this review now count toward another film: both films are decided again.
    ratings.refresh_film_ratings([before, instance.film_id], using=using, announce=False)


def _review_post_delete(sender, instance, using, **kwargs):
    # Its comments went with it: a reader's older rating on another review of the film may
    # count again.
    ratings.refresh_film_ratings([instance.film_id], using=using, announce=False)


def connect_signals():
    pre_save.connect(_comment_pre_save, sender=Comment, dispatch_uid="comment_counts_pre_save")
    post_save.connect(_comment_post_save, sender=Comment, dispatch_uid="comment_counts_post_save")
    post_delete.connect(
        _comment_post_delete, sender=Comment, dispatch_uid="comment_counts_post_delete"
    )
    pre_save.connect(_review_pre_save, sender=Review, dispatch_uid="comment_ratings_review_pre")
    post_save.connect(_review_post_save, sender=Review, dispatch_uid="comment_ratings_review_post")
    post_delete.connect(
        _review_post_delete, sender=Review, dispatch_uid="comment_ratings_review_delete"
    )
