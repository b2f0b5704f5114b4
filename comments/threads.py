"""Pages of a review's comment threads: `?cpage=N` and `?corder=oldest|newest`.

A page holds COMMENTS_PER_PAGE top-level threads, each with all its replies in the order
written; the order switch reverses the threads, never the replies. Page 1 in the default
order (oldest first) is the review's plain URL, so old `#comment-<id>` links keep working
for the first threads, and permalinks (/comments/<id>/) compute the page of any comment.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from core.http import int_param

from .models import Comment

PAGE_PARAM = "cpage"
ORDER_PARAM = "corder"
OLDEST = "oldest"
NEWEST = "newest"
ORDERS = (OLDEST, NEWEST)
ORDER_LABELS = {OLDEST: _("Oldest first"), NEWEST: _("Newest first")}
NEWER_LABEL = _("Newer comments")
OLDER_LABEL = _("Older comments")
# Bigger numbers are "far past the end" (then the last page).
PAST_THE_END = 10**9


def per_page() -> int:
    return max(1, settings.COMMENTS_PER_PAGE)


def read_order(raw) -> str:
    """The thread order asked for, or the default (oldest first) for anything else."""
    return raw if raw in ORDERS else OLDEST


def read_page(raw) -> int:
    """The page asked for: 1 for anything but a plain number (clamped to the last page later)."""
    return int_param(raw, default=1, minimum=1, maximum=PAST_THE_END, clamp=True)


def page_query(*, number=1, order=OLDEST) -> str:
    """ "?cpage=2&corder=newest" for a page; "" for page 1 in the default order."""
    params = {}
    if number > 1:
        params[PAGE_PARAM] = number
    if order != OLDEST:
        params[ORDER_PARAM] = order
    return f"?{urlencode(params)}" if params else ""


def page_of(comment, *, order=OLDEST, include_ids=()) -> int:
    """The page (in `order`) holding the comment's thread, in one query."""
    before = Comment.objects.threads_before(
        comment, newest_first=order == NEWEST, include_ids=include_ids
    )
    return before // per_page() + 1


def comment_url(comment, *, order=OLDEST, include_ids=()) -> str:
    """The review URL of the page that shows the comment, with its `#comment-<id>` anchor."""
    number = page_of(comment, order=order, include_ids=include_ids)
    query = page_query(number=number, order=order)
    return f"{comment.review.get_absolute_url()}{query}#comment-{comment.pk}"


def keep_order_in_form(form, order) -> None:
    """A reader reading newest first lands back in that order after posting."""
    if order != OLDEST:
        form.helper.form_action += page_query(order=order)


@dataclass
class PageLink:
    number: int | None  # None: an ellipsis between page numbers
    url: str = ""
    is_current: bool = False
    label: str = ""


@dataclass
class ThreadPage:
    """One page of threads: what to fetch, and the links around it."""

    review_url: str
    number: int
    num_pages: int
    order: str
    threads: int  # visible threads in all pages
    size: int

    @classmethod
    def make(cls, *, review_url, asked, order, threads):
        size = per_page()
        num_pages = max(1, -(-threads // size))
        return cls(
            review_url=review_url,
            number=min(max(1, asked), num_pages),
            num_pages=num_pages,
            order=order,
            threads=threads,
            size=size,
        )

    @property
    def newest_first(self) -> bool:
        return self.order == NEWEST

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        return self.start + self.size

    @property
    def query(self) -> str:
        """This page's query string ("" on page 1, oldest first), for links that stay here."""
        return page_query(number=self.number, order=self.order)

    @property
    def reply_prefix(self) -> str:
        """What goes before `replytocom=<id>` in a no-JS reply link, to stay on this page."""
        return f"{self.query[1:]}&" if self.query else ""

    @property
    def first_number(self) -> int:
        """The list number of the page's first thread, counted oldest first."""
        if self.newest_first:
            return self.threads - self.start
        return self.start + 1

    def url(self, number, order=None) -> str:
        query = page_query(number=number, order=order or self.order)
        return f"{self.review_url}{query}#comments"

    @property
    def is_paginated(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_url(self) -> str:
        return self.url(self.number - 1) if self.number > 1 else ""

    @property
    def next_url(self) -> str:
        return self.url(self.number + 1) if self.number < self.num_pages else ""

    # Page 1 holds the oldest threads when reading oldest first, the newest otherwise.
    @property
    def previous_label(self) -> str:
        return NEWER_LABEL if self.newest_first else OLDER_LABEL

    @property
    def next_label(self) -> str:
        return OLDER_LABEL if self.newest_first else NEWER_LABEL

    @property
    def page_links(self) -> list[PageLink]:
        # A Paginator over a range only does arithmetic: no query.
        paginator = Paginator(range(self.threads), self.size)
        links = []
        for number in paginator.get_elided_page_range(self.number, on_each_side=2, on_ends=1):
            if number == Paginator.ELLIPSIS:
                links.append(PageLink(number=None))
            else:
                links.append(
                    PageLink(number=number, url=self.url(number), is_current=number == self.number)
                )
        return links

    @property
    def order_links(self) -> list[PageLink]:
        """ "Oldest first | Newest first": each starts again at page 1."""
        return [
            PageLink(
                number=1,
                url=self.url(1, order),
                is_current=order == self.order,
                label=ORDER_LABELS[order],
            )
            for order in ORDERS
        ]
