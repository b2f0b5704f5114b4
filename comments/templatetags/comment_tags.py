"""The comment section under a review: one page of threads (two queries) and the form."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import Urlizer, linebreaks
from django.utils.safestring import mark_safe

from comments import recent_posts, services, threads
from comments.avatars import identicon_svg
from comments.forms import CommentForm
from comments.models import PATH_STEP, Comment

register = template.Library()


@dataclass
class Thread:
    review: object
    comments: list  # this page's top-level comments, each with .children (recursively)
    count: int  # approved comments on all pages: held ones are not counted, even for their writer
    page: threads.ThreadPage
    form: CommentForm | None
    reply_to: Comment | None
    is_open: bool


def _build_tree(comments, *, author_user_id, own_ids, can_reply_below, is_open):
    """Nests an ordered-by-path list of comments in Python: no query per comment."""
    now = timezone.now()
    by_id = {}
    roots = []
    for comment in comments:
        comment.children = []
        comment.is_by_author = bool(comment.user_id) and comment.user_id == author_user_id
        comment.is_own_pending = comment.status == Comment.Status.PENDING and comment.pk in own_ids
        comment.can_reply = is_open and comment.is_public and comment.depth < can_reply_below
        # Edit/Delete for its writer (this session) within the window; Report for the others.
        comment.can_change_own = services.may_change_own(comment, own_ids=own_ids, now=now)
        comment.can_report = comment.is_public and comment.pk not in own_ids
        comment.avatar = identicon_svg(comment.email)
        # HTML's datetime allows at most milliseconds: drop the microseconds.
        comment.created_iso = (
            timezone.localtime(comment.created_at).replace(microsecond=0).isoformat()
        )
        by_id[comment.pk] = comment
        parent = by_id.get(comment.parent_id)
        if parent is not None:
            parent.children.append(comment)
        else:
            # Top-level, or a reply whose parent is no longer shown: kept, at the top level
            # (as WordPress does with orphans), rather than silently dropped.
            roots.append(comment)
    return roots, by_id


def _reply_target(request, by_id):
    """The comment named by ?replytocom=<id> (the no-JS reply link), if it may be answered."""
    raw = request.GET.get("replytocom", "") if request is not None else ""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    target = by_id.get(int(raw))
    return target if target is not None and target.can_reply else None


@register.simple_tag(takes_context=True)
def comment_thread(context, review):
    """Everything the comment section shows, for `{% comment_thread review as thread %}`."""
    request = context.get("request")
    own_ids = set(services.own_comment_ids(request)) if request is not None else set()
    query = request.GET if request is not None else {}
    # Same depth rule as the form: a reply must still fit within COMMENTS_MAX_DEPTH levels.
    can_reply_below = settings.COMMENTS_MAX_DEPTH - 1
    author_user_id = review.author.user_id  # always read: the query count must not vary
    # Two queries whatever the number of comments (even none): the totals, then the page.
    totals = Comment.objects.thread_totals(review, include_ids=own_ids)
    page = threads.ThreadPage.make(
        review_url=review.get_absolute_url(),
        asked=threads.read_page(query.get(threads.PAGE_PARAM)),
        order=threads.read_order(query.get(threads.ORDER_PARAM)),
        threads=totals["threads"],
    )
    comments = list(
        Comment.objects.for_thread_page(
            review,
            start=page.start,
            stop=page.stop,
            newest_first=page.newest_first,
            include_ids=own_ids,
        )
    )
    is_open = review.comments_are_open
    roots, by_id = _build_tree(
        comments,
        author_user_id=author_user_id,
        own_ids=own_ids,
        can_reply_below=can_reply_below,
        is_open=is_open,
    )
    recent_posts.attach(comments)  # one query for the whole page, however many comments
    if page.newest_first:
        # Threads newest first; a stable sort keeps the replies of one thread shown at the
        # top level (their first comment removed) in the order written.
        roots.sort(key=lambda comment: comment.path[:PATH_STEP], reverse=True)
    form = None
    reply_to = None
    if is_open:
        reply_to = _reply_target(request, by_id)
        user = getattr(request, "user", None)
        initial = {}
        if user is None or not user.is_authenticated:
            remembered = services.remembered_author(request) if request is not None else {}
            if remembered:
                initial.update(remembered, remember=True)
        if reply_to is not None:
            initial["parent"] = reply_to.pk
        form = CommentForm(review=review, user=user, initial=initial)
        threads.keep_order_in_form(form, page.order)
    return Thread(
        review=review,
        comments=roots,
        count=totals["approved"],
        page=page,
        form=form,
        reply_to=reply_to,
        is_open=is_open,
    )


class _CommentUrlizer(Urlizer):
    """urlize for reader text: links get rel="nofollow ugc"; email addresses stay plain text."""

    url_template = '<a href="{href}" rel="nofollow ugc">{url}</a>'

    @staticmethod
    def is_email_simple(value):
        return False  # no mailto: links for address harvesters


_urlize = _CommentUrlizer()


@register.filter(is_safe=True)
def comment_body(text):
    """A reader's plain text as HTML: escaped, links made clickable, paragraphs kept."""
    text = str(text or "").replace("\r\n", "\n")
    linked = _urlize(text, trim_url_limit=60, nofollow=False, autoescape=True)
    # linebreaks() would escape again; the text is already escaped by the urlizer.
    return mark_safe(linebreaks(linked, autoescape=False))


@register.filter
def comment_count_label(count):
    """ "No comments yet" / "1 Comment" / "8 Comments"."""
    if not count:
        return "No comments yet"
    return "1 Comment" if count == 1 else f"{count} Comments"
