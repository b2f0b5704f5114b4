"""The public reading pages of reviews: home, a review, an author, tags, search; robots.txt.

Every queryset here starts from `Review.objects.published()` (or `for_list()`), so drafts and
scheduled reviews cannot leak; the one exception is the draft preview, which checks permission.
"""

import hashlib
import logging
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import DetailView, ListView

from core import seo
from core.http import client_ip
from core.images import rendition_url
from core.paginator import KeysFirstPaginator
from core.views import PageParamMixin
from films.credits import credits_by_role
from films.models import Credit, Film
from reviews import og_image, search
from reviews.markdown import plain_summary, reading_minutes, render_body
from reviews.models import Author, Review, Tag
from reviews.pages import review_page
from reviews.permissions import can_preview
from reviews.share import share_links

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
RELATED_LIMIT = 4


# Rendered review bodies (Markdown, sanitised), kept in the cache under a hash of everything
# the HTML is made of: an edit to the text or its images is a new key, never a stale page.
BODY_CACHE_VERSION = 1  # bump when render_body's output changes for the same input
BODY_CACHE_SECONDS = 24 * 60 * 60


def _body_html(review):
    """render_body() of the review, from the cache when this exact text was rendered before."""
    images = list(review.images.all())
    made_of = repr(
        (
            BODY_CACHE_VERSION,
            get_language(),
            review.body,
            [(i.pk, i.order, i.image.name, i.alt_text, i.caption) for i in images],
        )
    )
    key = f"reviews:body:{review.pk}:{hashlib.sha256(made_of.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = str(render_body(review.body, images))
        cache.set(key, html, BODY_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - render_body's sanitised output


def _absolute_poster(request, film):
    """Absolute URL of the large poster for link previews, or "" when the film has none."""
    url = rendition_url(film, "poster", "poster_large")
    return request.build_absolute_uri(url) if url else ""


def _link_preview(request, review, *, poster_url):
    """page_meta's image arguments: the review's own picture (reviews/og_image.py), or for a
    draft preview, which nobody outside can fetch it for, the poster."""
    if not review.is_public:
        return {"image_url": poster_url}
    path = reverse(
        "reviews:og_image", kwargs={"slug": review.slug, "digest": og_image.fingerprint(review)}
    )
    return {
        "image_url": request.build_absolute_uri(path),
        "image_size": (og_image.WIDTH, og_image.HEIGHT),
        "image_alt": og_image.alt_text(review),
    }


class HomeView(PageParamMixin, ListView):
    """Latest published reviews, ten a page."""

    template_name = "reviews/home.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE
    paginator_class = KeysFirstPaginator  # a far page costs what the first does

    def get_queryset(self):
        return Review.objects.for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"].number
        context["meta"] = seo.page_meta(
            title=gettext("Latest reviews")
            if page == 1
            else gettext("Latest reviews — page %(page)s") % {"page": page},
            description=gettext("Film reviews from %(site_name)s: the latest first.")
            % {"site_name": settings.SITE_NAME},
        )
        return context


class ReviewDetailView(DetailView):
    """One review; staff who may edit it can preview it before it is published."""

    template_name = "reviews/review_detail.html"
    context_object_name = "review"

    def get_queryset(self):
        user = self.request.user
        # Only staff can ever preview, so everybody else is served from published() alone.
        reviews = Review.objects.all() if user.is_staff else Review.objects.published()
        return reviews.select_related("film", "author").prefetch_related(
            "images",
            "tags",
            "film__genres",
            Prefetch("film__credits", Credit.objects.select_related("person")),
        )

    def get_object(self, queryset=None):
        review = super().get_object(queryset)
        if not review.is_public and not can_preview(self.request.user, review):
            raise Http404("No review found")
        return review

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.object.is_public:
            # A draft preview must never be stored by a browser or a shared cache.
            add_never_cache_headers(response)
        return response

    def related(self, review, credits):
        """The related block: the author's picks, then the same director, then the same genres.

        A review shows up once, in the first block that has it.
        """
        cards = Review.objects.published().select_related("film", "author")
        picked = list(
            cards.filter(pk__in=review.related_reviews.values("pk")).order_by("-published_at")
        )
        shown = {review.pk, *(r.pk for r in picked)}
        by_director = []
        if credits.director:
            by_director = list(
                cards.filter(
                    film__in=Film.objects.filter(
                        credits__person=credits.director, credits__role=Credit.Role.DIRECTOR
                    )
                )
                .exclude(film=review.film)
                .exclude(pk__in=shown)
                .order_by("-published_at", "-id")[:RELATED_LIMIT]
            )
            shown.update(r.pk for r in by_director)
        genre_ids = [genre.pk for genre in review.film.genres.all()]
        same_genre = []
        if genre_ids:
            same_genre = list(
                cards.filter(film__in=Film.objects.filter(genres__in=genre_ids))
                .exclude(pk__in=shown)
                .order_by("-published_at", "-id")[:RELATED_LIMIT]
            )
        return {"by_director": by_director, "same_genre": same_genre, "picked": picked}

    def neighbours(self, review):
        """The published reviews just before and after this one in publication order."""
        if not review.is_public:
            return None, None
        cards = Review.objects.published().select_related("film")
        at = review.published_at
        # The plain bound on published_at lets the index start at this review, rather than
        # walk every newer (or older) one testing the OR.
        previous = (
            cards.filter(published_at__lte=at)
            .filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=review.pk))
            .order_by("-published_at", "-id")
            .first()
        )
        following = (
            cards.filter(published_at__gte=at)
            .filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=review.pk))
            .order_by("published_at", "id")
            .first()
        )
        return previous, following

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        credits = credits_by_role(review.film)
        image_url = _absolute_poster(self.request, review.film)
        previous, following = self.neighbours(review)
        updated = bool(
            review.updated_at and review.published_at and review.updated_at > review.published_at
        )
        context.update(
            credits=credits,
            body_html=_body_html(review),
            reading_minutes=reading_minutes(review.body),
            is_preview=not review.is_public,
            show_updated=updated,
            related=self.related(review, credits),
            previous_review=previous,
            next_review=following,
            share=share_links(
                url=self.request.build_absolute_uri(review.get_absolute_url()),
                title=review.headline,
            )
            if review.is_public
            else None,
            meta=seo.page_meta(
                title=review.headline,
                description=review.standfirst or review.film.synopsis or plain_summary(review.body),
                **_link_preview(self.request, review, poster_url=image_url),
                og_type="article",
                noindex=not review.is_public,
            ),
            jsonld=seo.review_jsonld(
                self.request,
                review,
                directors=credits.directors,
                image_url=image_url,
                keywords=[tag.name for tag in review.tags.all()],
            )
            if review.is_public
            else None,
        )
        # thread: the comment section (comments sits above reviews and adds it).
        context.update(review_page.context(review=review, request=self.request))
        return context


@require_safe
def og_image_view(request, slug, digest):
    """A review's link-preview picture: drawn and stored on its first request, then a redirect
    to its media URL, which browsers and networks may cache for good (its name changes with
    what it shows). A `digest` of an earlier version (an older page, a post shared last week)
    is sent on to the current picture: the URL a page names always leads to an image."""
    review = get_object_or_404(Review.objects.published().select_related("film"), slug=slug)
    current = og_image.fingerprint(review)
    if digest != current:
        response = redirect("reviews:og_image", slug=slug, digest=current)
        patch_cache_control(response, public=True, max_age=300)
        return response
    try:
        name = og_image.stored_name(review)
    except Exception:  # an unreachable bucket raises botocore's errors, not only OSError
        logger.warning("Could not store the picture of review %s", review.pk, exc_info=True)
        # The picture straight from memory, briefly cached, rather than none.
        response = HttpResponse(og_image.draw(review), content_type=og_image.MIME_TYPE)
        patch_cache_control(response, public=True, max_age=300)
        return response
    response = HttpResponseRedirect(default_storage.url(name))
    # Short: a newer version of the review deletes this picture.
    patch_cache_control(response, public=True, max_age=3600)
    return response


class AuthorDetailView(PageParamMixin, ListView):
    """An author's bio and their published reviews."""

    template_name = "reviews/author_detail.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE
    paginator_class = KeysFirstPaginator  # a far page costs what the first does

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return Review.objects.for_list().filter(author=self.author)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["author"] = self.author
        name = self.author.display_name
        context["meta"] = seo.page_meta(
            title=gettext("Reviews by %(name)s") % {"name": name},
            description=self.author.bio or gettext("Film reviews by %(name)s.") % {"name": name},
            og_type="profile",
        )
        return context


class TagListView(ListView):
    """Every tag with a published review, A–Z, with how many it has."""

    template_name = "reviews/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        return Tag.objects.in_use()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meta"] = seo.page_meta(
            title=gettext("Tags"),
            description=gettext("Every subject the reviews of %(site_name)s are filed under.")
            % {"site_name": settings.SITE_NAME},
        )
        return context


class TagDetailView(PageParamMixin, ListView):
    """A tag's published reviews, newest first; a tag with only drafts shows an empty page."""

    template_name = "reviews/tag_detail.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE
    paginator_class = KeysFirstPaginator  # a far page costs what the first does

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Review.objects.for_list().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        page = context["page_obj"].number
        name = self.tag.name
        context["meta"] = seo.page_meta(
            title=gettext("Reviews tagged %(tag)s") % {"tag": name}
            if page == 1
            else gettext("Reviews tagged %(tag)s — page %(page)s") % {"tag": name, "page": page},
            description=gettext("Film reviews filed under %(tag)s, newest first.") % {"tag": name},
        )
        return context


class SearchView(PageParamMixin, ListView):
    """Reviews (paginated), films and people matching ?q=."""

    template_name = "reviews/search.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.query = search.clean_query(request.GET.get("q", ""))
        if self.query.usable and search.rate_limited(client_ip(request)):
            response = self.refuse(gettext(search.MESSAGE_RATE), HTTPStatus.TOO_MANY_REQUESTS)
            response["Retry-After"] = str(settings.SEARCH_RATE_WINDOW)
            return response
        try:
            # Rendered inside the time box: the results are only fetched while rendering.
            with search.time_box():
                return super().get(request, *args, **kwargs).render()
        except OperationalError:  # the statement timeout cancelled a query
            return self.refuse(gettext(search.MESSAGE_TOO_SLOW), HTTPStatus.SERVICE_UNAVAILABLE)

    def refuse(self, message, status):
        """The search page with `message` in place of results."""
        self.query = search.CleanQuery(text=self.query.text, error=message)
        self.object_list = Review.objects.none()
        return self.render_to_response(self.get_context_data(), status=status)

    def get_queryset(self):
        if not self.query.usable:
            return Review.objects.none()
        return search.search_reviews(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.query
        # Films and people are listed above the reviews on the first page only.
        page = context.get("page_obj")
        first_page = query.usable and (page is None or page.number == 1)
        paginator = context.get("paginator")
        context.update(
            query=query,
            films=list(search.search_films(query)) if first_page else [],
            people=list(search.search_people(query)) if first_page else [],
            # Search ranks at most a few hundred of the reviews a common word matches.
            reviews_capped=paginator is not None and paginator.count >= search.REVIEW_CANDIDATES,
            max_length=search.MAX_QUERY_LENGTH,
            meta=seo.page_meta(
                title=gettext("Search: %(query)s") % {"query": query.text}
                if query.text
                else gettext("Search"),
                description=gettext("Search the reviews and films of %(site_name)s.")
                % {"site_name": settings.SITE_NAME},
                noindex=True,
            ),
        )
        return context


@require_GET
def robots_txt(request):
    """Crawling rules with the absolute sitemap URL."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /moderation/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
