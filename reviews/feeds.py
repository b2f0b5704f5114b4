"""RSS and Atom feeds of the latest published reviews, and an RSS feed per tag."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext

from core.formatting import format_score
from core.xmlwriters import Atom1Feed, Feed
from reviews.models import Review, Tag

FEED_SIZE = 20


class LatestReviewsFeed(Feed):
    """The 20 latest published reviews (RSS 2.0): a summary and a link to the full review."""

    # A template, because only templates get the request (for absolute links); a Feed instance
    # is shared by every request, so nothing request-specific may be stored on it.
    description_template = "reviews/feed_item_description.html"

    def title(self):
        return gettext("%(site_name)s: latest reviews") % {"site_name": settings.SITE_NAME}

    def description(self):
        return gettext("The latest film reviews from %(site_name)s.") % {
            "site_name": settings.SITE_NAME
        }

    def link(self):
        return reverse("reviews:home")

    def items(self):
        return self.latest(Review.objects.published())

    @staticmethod
    def latest(reviews):
        """The newest FEED_SIZE of `reviews` with what an item shows."""
        return (
            reviews.select_related("film", "author")
            .prefetch_related("film__genres", "tags")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        if item.rating is None:
            return gettext("%(headline)s — %(film)s") % {
                "headline": item.headline,
                "film": item.film,
            }
        return gettext("%(headline)s — %(film)s — %(score)s / 10") % {
            "headline": item.headline,
            "film": item.film,
            "score": format_score(item.rating),
        }

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
        # The film's genres, then the review's tags; a tag named like a genre appears once.
        names = [genre.name for genre in item.film.genres.all()]
        names += [tag.name for tag in item.tags.all()]
        return list(dict.fromkeys(names))


class LatestReviewsAtomFeed(LatestReviewsFeed):
    """The same reviews as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


class TagReviewsFeed(LatestReviewsFeed):
    """The 20 latest published reviews filed under one tag (RSS 2.0)."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return gettext("%(site_name)s: reviews tagged %(tag)s") % {
            "site_name": settings.SITE_NAME,
            "tag": obj.name,
        }

    def description(self, obj):
        return gettext("The latest film reviews filed under %(tag)s.") % {"tag": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return self.latest(Review.objects.published().filter(tags=obj))
