"""The sitemap: published reviews, films, people and authors, each with a lastmod."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from films.models import Film, Person
from reviews.models import Author, Review


def latest_published(**filters):
    """Subquery: publication time of the newest published review matching `filters`."""
    return Subquery(
        Review.objects.published()
        .filter(**filters)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class ReviewSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Review.objects.published().order_by("-published_at", "-id")

    def lastmod(self, item):
        if item.updated_at and item.updated_at > item.published_at:
            return item.updated_at
        return item.published_at


class FilmSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Film.objects.order_by("title", "year")

    def lastmod(self, item):
        return item.updated_at


class PersonSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        # A person's page changes when one of their films does; people with no film yet
        # have an empty page, not worth a crawler's visit.
        return (
            Person.objects.annotate(lastmod=Max("credits__film__updated_at"))
            .filter(lastmod__isnull=False)
            .order_by("name", "pk")
        )

    def lastmod(self, item):
        return item.lastmod


class AuthorSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        # Authors with at least one published review: their page changes when they publish.
        return (
            Author.objects.annotate(lastmod=latest_published(author=OuterRef("pk")))
            .filter(lastmod__isnull=False)
            .order_by("display_name", "pk")
        )

    def lastmod(self, item):
        return item.lastmod


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["reviews:home", "films:list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Review.objects.published().aggregate(latest=Max("published_at"))["latest"]


sitemaps = {
    "pages": StaticSitemap,
    "reviews": ReviewSitemap,
    "films": FilmSitemap,
    "people": PersonSitemap,
    "authors": AuthorSitemap,
}
