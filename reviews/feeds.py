"""RSS and Atom feeds of the latest published reviews, and one review's approved comments."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from comments.models import Comment
from reviews.models import Review
from reviews.templatetags.review_tags import format_score

FEED_SIZE = 20
COMMENT_FEED_SIZE = 50


class LatestReviewsFeed(Feed):
    """The 20 latest published reviews (RSS 2.0): a summary and a link to the full review."""

    # A template, because only templates get the request (for absolute links); a Feed instance
    # is shared by every request, so nothing request-specific may be stored on it.
    description_template = "reviews/feed_item_description.html"

    def title(self):
        return f"{settings.SITE_NAME}: latest reviews"

    def description(self):
        return f"The latest film reviews from {settings.SITE_NAME}."

    def link(self):
        return reverse("reviews:home")

    def items(self):
        return (
            Review.objects.published()
            .select_related("film", "author")
            .prefetch_related("film__genres")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.headline} — {item.film} — {format_score(item.rating)} / 10"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["full_url"] = kwargs["request"].build_absolute_uri(
            kwargs["item"].get_absolute_url()
        )
        return context

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        if item.updated_at and item.updated_at > item.published_at:
            return item.updated_at
        return item.published_at

    def item_author_name(self, item):
        return item.author.display_name

    def item_categories(self, item):
        return [genre.name for genre in item.film.genres.all()]


class LatestReviewsAtomFeed(LatestReviewsFeed):
    """The same reviews as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


class ReviewCommentsFeed(Feed):
    """Approved comments on one published review (RSS). Never the commenter's email."""

    def get_object(self, request, slug):
        return get_object_or_404(Review.objects.published(), slug=slug)

    def title(self, obj):
        return f"Comments on “{obj.headline}” — {settings.SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"Readers' comments on {obj.headline}."

    def items(self, obj):
        return (
            Comment.objects.approved()
            .filter(review=obj)
            .select_related("review")
            .order_by("-created_at", "-id")[:COMMENT_FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.name} on {item.review.headline}"

    def item_description(self, item):
        # The reader's text escaped, with its paragraphs; no HTML of theirs survives.
        return linebreaks(item.body, autoescape=True)

    def item_link(self, item):
        # The permalink redirects to the page of the thread that holds the comment.
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        # Name only: the email is private (author_email is deliberately never set).
        return item.name
