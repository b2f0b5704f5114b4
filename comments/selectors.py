"""What the pages show of comments, computed here and rendered by templates as plain data.

- thread_page(*, review, viewer, query): one page of a review's threads, with everything each
  comment shows (who may reply, edit or report, the avatar, "recently posted") and the form.
- audience_score(film): readers' ratings of a film (one per reader), for the film and review
  pages.
- reader_reviews(film, count=, query=): a page of the readers' reviews behind that score.

Template tags only format; nothing here is reached from a template.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from core.http import int_param
from reviews.models import Review, verdict_for

from . import avatars, held, recent_posts, rendering, services, threads
from .forms import CommentForm
from .models import PATH_STEP, THREAD_FIELDS, Comment


@dataclass(slots=True)
class ShownComment:
    """A comment as one reader sees it: plain attributes, filled once per page from a row.

    No model instances (each costs Model.__init__ and every app's post_init receivers) and no
    read-through to one (a __getattr__ cost a Python call per attribute per render).
    """

    pk: int
    name: str
    url: str
    depth: int
    parent_id: int | None
    path: str
    status: str
    is_public: bool
    rating: int | None
    created_at: datetime
    edited_at: datetime | None
    has_spoilers: bool
    show_recent_post: bool  # its writer opted in to "recently posted"
    body_html: str  # safe HTML (comments.rendering.render_body)
    is_by_author: bool
    is_own_pending: bool
    can_reply: bool
    can_change_own: bool  # Edit and Delete, for its writer within the window
    can_report: bool
    avatar_key: str  # comments.avatars.avatar_key: /avatars/<key>.svg
    created_iso: str  # HTML's datetime takes at most milliseconds
    created_text: str  # "3 July 2024 at 21:15", in the reader's language and time zone
    recent_post: dict | None = None  # {"title", "url"} from the commenter's blog, or None
    hold_note: str = ""  # why its writer's held comment waits, in plain words (comments.held)
    children: list = field(default_factory=list)


@dataclass
class Thread:
    review: Review
    comments: list[ShownComment]  # this page's top-level comments, each with .children
    count: int  # approved comments on all pages: held ones are not counted, even for their writer
    page: threads.ThreadPage
    form: CommentForm | None
    reply_to: ShownComment | None
    is_open: bool
    has_reportable: bool = False  # some comment shows a Report button: the page needs its form
    own_pending: int = 0  # the viewer's own held comments on this page (counted for them alone)


def _recent_post(comment, feeds):
    if not (feeds and comment.url and comment.is_public and comment.show_recent_post):
        return None
    row = feeds.get(recent_posts.site_url_of(comment.url))
    if row is None:
        return None
    title = row.latest_title
    if len(title) > recent_posts.DISPLAY_TITLE_MAX:
        title = title[: recent_posts.DISPLAY_TITLE_MAX - 1].rstrip() + "…"
    link = row.latest_url if recent_posts.is_web_url(row.latest_url) else ""
    return {"title": title, "url": link}


def _build_tree(rows, *, review, viewer, is_open):
    """Nests an ordered-by-path list of comment rows (dicts of THREAD_FIELDS) in Python: no
    query per comment."""
    now = timezone.now()
    own_ids = set(viewer.own_ids)
    # Same depth rule as the form: a reply must still fit within COMMENTS_MAX_DEPTH levels.
    can_reply_below = settings.COMMENTS_MAX_DEPTH - 1
    author_user_id = review.author.user_id
    zone = timezone.get_current_timezone()
    date_text = rendering.DateText()
    avatar_key = avatars.AvatarKeys()
    approved, pending = Comment.Status.APPROVED, Comment.Status.PENDING
    by_id = {}
    roots = []
    for row in rows:
        pk, status, depth = row["id"], row["status"], row["depth"]
        is_public = status == approved
        created = row["created_at"].astimezone(zone)
        shown = ShownComment(
            pk=pk,
            name=row["name"],
            url=row["url"],
            depth=depth,
            parent_id=row["parent_id"],
            path=row["path"],
            status=status,
            is_public=is_public,
            rating=row["rating"],
            created_at=row["created_at"],
            edited_at=row["edited_at"],
            has_spoilers=row["has_spoilers"],
            show_recent_post=row["show_recent_post"],
            # Rows written around save() have no stored HTML yet: rendered here instead.
            body_html=row["body_html"] or rendering.render_body(row["body"]),
            is_by_author=bool(row["user_id"]) and row["user_id"] == author_user_id,
            is_own_pending=status == pending and pk in own_ids,
            can_reply=is_open and is_public and depth < can_reply_below,
            can_change_own=pk in own_ids
            and services.may_change_own(
                SimpleNamespace(pk=pk, status=status, created_at=row["created_at"]),
                own_ids=own_ids,
                now=now,
            ),
            can_report=is_public and pk not in own_ids,
            avatar_key=avatar_key(row["email"]),
            created_iso=created.replace(microsecond=0).isoformat(),
            created_text=date_text(created),
        )
        if shown.is_own_pending:
            shown.hold_note = held.reader_reason(held_reason=row["held_reason"], body=row["body"])
        by_id[pk] = shown
        parent = by_id.get(shown.parent_id)
        if parent is not None:
            parent.children.append(shown)
        else:
            # Top-level, or a reply whose parent is no longer shown: kept, at the top level
            # (as WordPress does with orphans), rather than silently dropped.
            roots.append(shown)
    feeds = recent_posts.recent_posts_for(by_id.values())  # one query for the whole page
    if feeds:
        for shown in by_id.values():
            shown.recent_post = _recent_post(shown, feeds)
    return roots, by_id


def _reply_target(query, by_id):
    """The comment named by ?replytocom=<id> (the no-JS reply link), if it may be answered."""
    target = by_id.get(int_param(query.get("replytocom")))
    return target if target is not None and target.can_reply else None


def thread_page(*, review, viewer, query) -> Thread:
    """The comment section under a review: one page of threads and the form.

    Two queries whatever the number of comments (even none): the totals, then the page (plus
    one for "recently posted" when a shown comment has a website). `query` is the request's GET
    (cpage, corder, replytocom); `viewer` an identity.Viewer.
    """
    own_ids = set(viewer.own_ids)
    totals = Comment.objects.thread_totals(review, include_ids=own_ids)
    page = threads.ThreadPage.make(
        review_url=review.get_absolute_url(),
        asked=threads.read_page(query.get(threads.PAGE_PARAM)),
        order=threads.read_order(query.get(threads.ORDER_PARAM)),
        threads=totals["threads"],
    )
    rows = Comment.objects.for_thread_page(
        review,
        start=page.start,
        stop=page.stop,
        newest_first=page.newest_first,
        include_ids=own_ids,
    ).values(*THREAD_FIELDS, "held_reason")  # held_reason: for the writer's own held ones
    is_open = review.comments_are_open
    roots, by_id = _build_tree(rows, review=review, viewer=viewer, is_open=is_open)
    if page.newest_first:
        # Threads newest first; a stable sort keeps the replies of one thread shown at the
        # top level (their first comment removed) in the order written.
        roots.sort(key=lambda shown: shown.path[:PATH_STEP], reverse=True)
    form = None
    reply_to = None
    if is_open:
        reply_to = _reply_target(query, by_id)
        initial = {}
        if not viewer.is_signed_in and viewer.remembered:
            initial.update(viewer.remembered, remember=True)
        if reply_to is not None:
            initial["parent"] = reply_to.pk
        form = CommentForm(
            review=review, user=viewer.user, initial=initial, csrf_token=viewer.csrf_token
        )
        threads.keep_order_in_form(form, page.order)
    return Thread(
        review=review,
        comments=roots,
        count=totals["approved"],
        page=page,
        form=form,
        reply_to=reply_to,
        is_open=is_open,
        has_reportable=any(shown.can_report for shown in by_id.values()),
        own_pending=sum(shown.is_own_pending for shown in by_id.values()),
    )


@dataclass
class AudienceScore:
    """Readers' ratings of one film: each reader's counted one (comments/ratings.py), on
    approved top-level comments of its published reviews."""

    count: int
    average: Decimal | None
    bars: list  # (rating, count, width class suffix 0..100 in steps of 5), 10 first
    minimum: int = 1  # ratings needed before the score is shown (AUDIENCE_SCORE_MIN_COUNT)

    @property
    def verdict(self):
        return verdict_for(self.average) if self.average is not None else ""

    @property
    def is_shown(self) -> bool:
        """Enough readers rated the film for an average to mean something."""
        return self.count > 0 and self.count >= self.minimum


def _counted_ratings(film):
    """One rating per reader of `film`: the counted ones, on its published reviews."""
    return Comment.objects.filter(
        counted=True, review__in=Review.objects.published().filter(film=film)
    )


def audience_score(film) -> AudienceScore:
    """Average, count and histogram of readers' 1–10 ratings of `film`, in one query."""
    rows = _counted_ratings(film).order_by().values("rating").annotate(n=Count("pk"))
    by_rating = {row["rating"]: row["n"] for row in rows}
    count = sum(by_rating.values())
    average = Decimal(sum(r * n for r, n in by_rating.items())) / count if count else None
    most = max(by_rating.values(), default=0)
    bars = []
    for rating in range(10, 0, -1):
        n = by_rating.get(rating, 0)
        # Widths are CSS classes in steps of 5 (the CSP forbids style attributes).
        width = round(n * 20 / most) * 5 if most else 0
        bars.append((rating, n, width))
    return AudienceScore(
        count=count,
        average=average,
        bars=bars,
        minimum=max(1, settings.AUDIENCE_SCORE_MIN_COUNT),
    )


def _excerpt(row) -> str:
    """The comment's opening words as plain text (the template escapes it)."""
    return Truncator(rendering.plain_text(row["body_html"], row["body"])).words(EXCERPT_WORDS)


READER_REVIEWS_PER_PAGE = 10
READER_REVIEWS_PARAM = "rpage"
EXCERPT_WORDS = 45


@dataclass(slots=True)
class ReaderReview:
    """A reader's counted rating of a film, as the film page lists it."""

    name: str
    rating: int
    excerpt: str  # plain text, "" when the comment gives away the plot
    has_spoilers: bool
    url: str  # the comment's permalink (on its review, on the right page)
    created_at: datetime


@dataclass
class ReaderReviews:
    reviews: list[ReaderReview]
    count: int
    number: int  # this page, from 1
    num_pages: int

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def previous_number(self):
        return self.number - 1

    @property
    def next_number(self):
        return self.number + 1


def reader_reviews(film, *, count, query) -> ReaderReviews:
    """One page (?rpage=, 10 a page) of the readers' reviews behind `film`'s audience score:
    each reader's counted rating, newest first, in one query. `count` is the audience score's
    (the same rows), so no count query; a page past the end is the last one."""
    per_page = READER_REVIEWS_PER_PAGE
    num_pages = max(1, -(-count // per_page))
    number = int_param(
        query.get(READER_REVIEWS_PARAM), default=1, minimum=1, maximum=num_pages, clamp=True
    )
    start = (number - 1) * per_page
    rows = (
        _counted_ratings(film)
        .order_by("-created_at", "-pk")
        .values("pk", "name", "rating", "body", "body_html", "has_spoilers", "created_at")[
            start : start + per_page
        ]
        if count
        else []
    )
    shown = [
        ReaderReview(
            name=row["name"],
            rating=row["rating"],
            excerpt="" if row["has_spoilers"] else _excerpt(row),
            has_spoilers=row["has_spoilers"],
            url=reverse("comments:permalink", kwargs={"pk": row["pk"]}),
            created_at=row["created_at"],
        )
        for row in rows
    ]
    return ReaderReviews(reviews=shown, count=count, number=number, num_pages=num_pages)
