"""The RSS feed of one review's approved comments."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from core.xmlwriters import Feed
from reviews.models import Review

from . import rendering
from .models import Comment

FEED_SIZE = 50


class ReviewCommentsFeed(Feed):
    """Approved comments on one published review (RSS). Never the commenter's email."""

    def get_object(self, request, slug):
        return get_object_or_404(Review.objects.published(), slug=slug)

    def title(self, obj):
        return gettext("Comments on “%(headline)s” — %(site_name)s") % {
            "headline": obj.headline,
            "site_name": settings.SITE_NAME,
        }

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return gettext("Readers' comments on %(headline)s.") % {"headline": obj.headline}

    def items(self, obj):
        return (
            Comment.objects.approved()
            .filter(review=obj)
            .select_related("review")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return gettext("%(name)s on %(headline)s") % {
            "name": item.name,
            "headline": item.review.headline,
        }

    def item_description(self, item):
        # The HTML stored when the comment was saved (the page shows the same): the allowed tags
        # kept, links made clickable, paragraphs. A row saved before it had none is rendered.
        return item.body_html or rendering.render_body(item.body)

    def item_link(self, item):
        # The permalink redirects to the page of the thread that holds the comment.
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        # Name only: the email is private (author_email is deliberately never set).
        return item.name
