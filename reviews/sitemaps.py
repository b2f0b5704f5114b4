"""The sitemap: an index (/sitemap.xml, Django's view) of paged sections of published reviews,
films, people, authors and tags (`section`), each URL with a lastmod.

Every section reads one page of rows (SECTION_PAGE_SIZE) in an indexed order, with only the
columns a URL needs, and states its newest lastmod with one aggregate: the index and each page
cost the same however big the site is. A section page is written as plain strings: Django's
sitemap template took about 0.1 ms per URL, half a second for a page of 5,000.
"""

from datetime import datetime
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import InvalidPage
from django.db.models import Exists, Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from core.paginator import KeysFirstPaginator
from films.models import Credit, Film, Person
from reviews.models import Author, Review, Tag

# URLs per section page (the protocol allows 50,000; smaller pages keep each response quick).
SECTION_PAGE_SIZE = 5000


def latest_published(**filters):
    """Subquery: publication time of the newest published review matching `filters`."""
    return Subquery(
        Review.objects.published()
        .filter(**filters)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


def _latest(*values):
    present = [value for value in values if value is not None]
    return max(present) if present else None


def _path_of(route):
    """`route`'s path with "{}" for its slug: one reverse() per page, not one per URL."""
    marker = "slug-goes-here"
    return reverse(route, kwargs={"slug": marker}).replace(marker, "{}")


class Section(Sitemap):
    """A section of rows as dicts (values(): no model instance per URL) with a "slug"."""

    limit = SECTION_PAGE_SIZE
    route = None  # the URL name of an item's page

    def location(self, item):
        if "_path" not in self.__dict__:
            self._path = _path_of(self.route)
        return self._path.format(item["slug"])

    @cached_property
    def paginator(self):
        # The last pages skip thousands of rows: only their keys are read for that.
        return KeysFirstPaginator(self._items(), self.limit)

    def get_latest_lastmod(self):
        # Django's default loads every item of the section to take the newest: the index would
        # read the whole site.
        return self.newest_lastmod()

    def newest_lastmod(self):
        raise NotImplementedError


class ReviewSitemap(Section):
    changefreq = "monthly"
    priority = 0.8
    route = "reviews:detail"

    def items(self):
        return (
            Review.objects.published()
            .order_by("-published_at", "-id")
            .values("slug", "published_at", "updated_at")
        )

    def lastmod(self, item):
        if item["updated_at"] and item["updated_at"] > item["published_at"]:
            return item["updated_at"]
        return item["published_at"]

    def newest_lastmod(self):
        # An updated_at not after its own published_at is below the newest published_at too.
        newest = Review.objects.published().aggregate(
            published=Max("published_at"), updated=Max("updated_at")
        )
        return _latest(newest["published"], newest["updated"])


class FilmSitemap(Section):
    changefreq = "weekly"
    priority = 0.6
    route = "films:detail"

    def items(self):
        return Film.objects.order_by("title", "year", "id").values("slug", "updated_at")

    def lastmod(self, item):
        return item["updated_at"]

    def newest_lastmod(self):
        return Film.objects.aggregate(newest=Max("updated_at"))["newest"]


class PersonSitemap(Section):
    changefreq = "monthly"
    priority = 0.4
    route = "films:person"

    def items(self):
        # A person's page changes when one of their films does; people with no film yet
        # have an empty page, not worth a crawler's visit. The lastmod is a subquery, so it is
        # computed for the page's people only.
        newest_film = (
            Film.objects.filter(credits__person=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            Person.objects.filter(Exists(Credit.objects.filter(person=OuterRef("pk"))))
            .annotate(lastmod=Subquery(newest_film))
            .order_by("name", "pk")
            .values("slug", "lastmod")
        )

    def lastmod(self, item):
        return item["lastmod"]

    def newest_lastmod(self):
        # The newest film with anybody credited, walking the updated_at index from the top.
        return (
            Film.objects.filter(Exists(Credit.objects.filter(film=OuterRef("pk"))))
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )


class AuthorSitemap(Section):
    changefreq = "weekly"
    priority = 0.5
    route = "reviews:author"

    def items(self):
        # Authors with at least one published review: their page changes when they publish.
        return (
            Author.objects.annotate(lastmod=latest_published(author=OuterRef("pk")))
            .filter(lastmod__isnull=False)
            .order_by("display_name", "pk")
            .values("slug", "lastmod")
        )

    def lastmod(self, item):
        return item["lastmod"]

    def newest_lastmod(self):
        return Review.objects.published().aggregate(newest=Max("published_at"))["newest"]


class TagSitemap(Section):
    changefreq = "weekly"
    priority = 0.4
    route = "reviews:tag"

    def items(self):
        # Tags with at least one published review: a tag of drafts only has an empty page.
        return (
            Tag.objects.annotate(lastmod=latest_published(tags=OuterRef("pk")))
            .filter(lastmod__isnull=False)
            .order_by("name", "pk")
            .values("slug", "lastmod")
        )

    def lastmod(self, item):
        return item["lastmod"]

    def newest_lastmod(self):
        return (
            Review.objects.published()
            .filter(tags__isnull=False)
            .aggregate(newest=Max("published_at"))["newest"]
        )


class StaticSitemap(Section):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["reviews:home", "films:list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return self.newest_lastmod()

    def newest_lastmod(self):
        if not hasattr(self, "_newest"):  # one query for both pages
            self._newest = Review.objects.published().aggregate(latest=Max("published_at"))[
                "latest"
            ]
        return self._newest


def _day(value):
    """A lastmod as the sitemap's template wrote it: the date, in the site's time zone."""
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.isoformat()


@require_GET
def section(request, section):
    """One page (?p=N) of a section's URLs, each with its lastmod, changefreq and priority."""
    if section not in sitemaps:
        raise Http404("No such sitemap section")
    site = sitemaps[section]()
    try:
        page = site.paginator.page(request.GET.get("p", 1))
    except InvalidPage:
        raise Http404("No such sitemap page") from None
    base = f"{request.scheme}://{request.get_host()}"
    extra = ""
    if site.changefreq:
        extra += f"<changefreq>{site.changefreq}</changefreq>"
    if site.priority:
        extra += f"<priority>{site.priority}</priority>"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    newest = None
    for item in page.object_list:
        lastmod = site.lastmod(item)
        if lastmod is not None:
            newest = lastmod if newest is None else max(newest, lastmod)
        day = f"<lastmod>{_day(lastmod)}</lastmod>" if lastmod else ""
        parts.append(f"<url><loc>{escape(base + site.location(item))}</loc>{day}{extra}</url>")
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    if isinstance(newest, datetime):  # lets ConditionalGetMiddleware answer 304
        response["Last-Modified"] = http_date(newest.timestamp())
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


sitemaps = {
    "pages": StaticSitemap,
    "reviews": ReviewSitemap,
    "films": FilmSitemap,
    "people": PersonSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
}
