"""One reader, one rating per film: who rated, and which of their ratings counts.

A reader rates a film with a top-level comment (1–10). Of one person's ratings of one film
(across all its reviews), only the latest approved one counts toward the audience score.

Storage (why a flag, not a query): each comment stores its writer's `rater_key`, and the one
counted rating per person and film carries `counted=True`. The film page, the review page and
the reader reviews then read only counted rows, through a partial index, with a plain
GROUP BY; a window function ("latest per person") would rank every rating of the film on each
render. The flags are refreshed in the same transaction as whatever can move them, like the
review's comment count (comments/counts.py calls `refresh_film_ratings` wherever it recounts):

- a rated comment saved approved, or a status change to or from approved (signals, and
  moderation's bulk update through `refresh_comment_counts`);
- a comment or review deleted, a review moved to another film;
- privacy erasure (the rating goes);
- `manage.py recount_comments`, after raw SQL or a bulk load.

Who is one person (`rater_key`), decided when the comment is posted, from what the browser
proves (comments.identity.Viewer):

1. an email address this browser verified by a link: that address;
2. else an approved earlier comment this browser wrote (the returning-commenter proof): that
   comment's person, whatever address is typed now (one browser cannot rate twice under two
   addresses);
3. else the address typed, case-insensitively.

The key is a keyed hash (comments.limits.keyed_hash) of the address, never the address.
"""

from django.db import connections, router, transaction
from django.db.models import Q

from core.pagecache import content_changed
from films.models import Film
from reviews.models import Review

from . import limits
from .models import Comment

KEY_PURPOSE = "rater"
UPDATE_BATCH = 500


def email_key(email) -> str:
    """The person an email address names: the same for any case or surrounding spaces."""
    return limits.keyed_hash(str(email or "").strip().casefold(), purpose=KEY_PURPOSE)


def rater_key(*, email, viewer) -> str:
    """Who is rating (see the module's docstring): one key per person."""
    own = email_key(email)
    if viewer.has_verified(email):
        return own
    ids = list(viewer.proof_ids)
    if not ids:
        return own
    proved = list(
        Comment.objects.filter(pk__in=ids, status=Comment.Status.APPROVED)
        .exclude(rater_key="")
        .order_by("-pk")
        .values_list("email", "rater_key")
    )
    folded = str(email or "").strip().casefold()
    for proved_email, key in proved:
        if proved_email.strip().casefold() == folded:
            return key
    return proved[0][1] if proved else own


def counted_rating(*, film_id, key) -> int | None:
    """The rating of `film_id` that counts for this person now, or None."""
    if not key:
        return None
    return (
        Comment.objects.filter(rater_key=key, counted=True, review__film_id=film_id)
        .values_list("rating", flat=True)
        .first()
    )


def _rated():
    """Ratings that may count: approved, top-level, with a score."""
    return Q(status=Comment.Status.APPROVED, parent__isnull=True, rating__isnull=False)


def winners(rows) -> set:
    """The pks that count among rows (pk, film_id, key, email) ordered latest first: each
    person's first row per film. A row without a key (written around save(): a bulk load)
    counts as its address's person."""
    seen = set()
    counted = set()
    for pk, film_id, key, email in rows:
        person = (film_id, key or email_key(email))
        if person in seen:
            continue
        seen.add(person)
        counted.add(pk)
    return counted


def refresh_film_ratings(film_ids, *, using=None, announce=True) -> int:
    """Sets `counted` on the latest approved rating per person of these films, and clears it
    on every other comment of theirs. Returns how many comments changed.

    `announce`: tell the page cache that pages changed (a save that called this tells it).
    """
    ids = sorted({pk for pk in film_ids if pk is not None})
    if not ids:
        return 0
    using = using or router.db_for_write(Comment)
    changed = 0
    with transaction.atomic(using=using, savepoint=False):
        # In batches of films and of comments: a bulk load's first refresh covers thousands
        # (SQLite caps the number of parameters of one statement).
        for start in range(0, len(ids), UPDATE_BATCH):
            changed += _refresh(ids[start : start + UPDATE_BATCH], using=using)
    if changed and announce:
        content_changed(using)
    return changed


def _refresh(ids, *, using) -> int:
    if connections[using].features.has_select_for_update:
        # One film's ratings are decided one transaction at a time: two ratings by one
        # person approved at once must not both end up counted. NO KEY: new reviews hold a
        # key-share lock on their film, which this need not wait for.
        list(
            Film.objects.using(using)
            .select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    # The films' reviews first, then each review's rated comments with `review_id = ?`
    # (comment_rated_idx): with a film join, or `review_id IN (…)`, SQLite's planner scanned
    # every approved comment instead (150 ms per post of a large WordPress import).
    film_of = dict(Review.objects.using(using).filter(film_id__in=ids).values_list("pk", "film_id"))
    of_films = Comment.objects.using(using).filter(review_id__in=list(film_of))
    rows = []
    for review_id, film_id in film_of.items():
        rated = (
            Comment.objects.using(using)
            .filter(_rated(), review_id=review_id)
            .values_list("created_at", "pk", "rater_key", "email")
        )
        rows += [(created, pk, film_id, key, email) for created, pk, key, email in rated]
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)  # latest first
    should = winners((pk, film_id, key, email) for _created, pk, film_id, key, email in rows)
    now = set(of_films.filter(counted=True).values_list("pk", flat=True))
    gained, lost = should - now, now - should
    for pks, value in ((sorted(lost), False), (sorted(gained), True)):
        for start in range(0, len(pks), UPDATE_BATCH):
            batch = pks[start : start + UPDATE_BATCH]
            Comment.objects.using(using).filter(pk__in=batch).update(counted=value)
    return len(gained) + len(lost)


def films_of_reviews(review_ids, *, using=None) -> set:
    ids = [pk for pk in review_ids if pk is not None]
    if not ids:
        return set()
    using = using or router.db_for_write(Comment)
    return set(
        Review.objects.using(using).filter(pk__in=ids).values_list("film_id", flat=True).distinct()
    )


def recount_all_ratings(*, using=None) -> int:
    """Recomputes every film's counted ratings; returns how many comments' flags were wrong."""
    using = using or router.db_for_write(Comment)
    with transaction.atomic(using=using):
        films = set(
            Comment.objects.using(using)
            .filter(_rated() | Q(counted=True))
            .values_list("review__film_id", flat=True)
            .distinct()
        )
        return refresh_film_ratings(films, using=using)
