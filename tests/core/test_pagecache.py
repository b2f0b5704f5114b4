"""The page cache for anonymous readers (core/pagecache.py): pages come from the cache, every
change shows on the very next request, and nothing of one visitor reaches another.

Each test runs with the cache in local memory and, when a Redis answers, in Redis.
"""

import gzip
import os
import re
import time
import uuid
from datetime import timedelta
from http import HTTPStatus

import brotli
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from comments import privacy, spam
from comments.models import Comment
from core.pagecache import placeholder
from reviews.models import Review
from tests import factories
from tests.comments.commenting import field_value, post_comment

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(
    params=[
        "locmem",
        pytest.param(
            "redis", marks=pytest.mark.skipif(not _redis_answers(), reason="no Redis here")
        ),
    ]
)
def backend(request, settings):
    if request.param == "redis":
        pages = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-pages-{uuid.uuid4().hex}",
        }
    else:
        pages = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"pages-{uuid.uuid4().hex}",
        }
    settings.CACHES = {**settings.CACHES, "pages": pages}
    return request.param


def body(response) -> str:
    content = response.content
    coding = response.get("Content-Encoding")
    if coding == "gzip":
        content = gzip.decompress(content)
    elif coding == "br":
        content = brotli.decompress(content)
    return content.decode()


def visit(url, client=None, **headers):
    """A GET as a browser sends it; the page's text."""
    response = (client or Client()).get(url, HTTP_ACCEPT_ENCODING="gzip, br", **headers)
    assert response.status_code == HTTPStatus.OK, url
    return response


def fresh(url) -> str:
    """What a new visitor sees."""
    return body(visit(url))


@pytest.fixture
def site(db):
    film = factories.FilmFactory(title="The Quiet Frequency")
    director = factories.CreditFactory(film=film)
    genre = factories.GenreFactory(name="Mystery")
    film.genres.add(genre)
    review = factories.ReviewFactory(film=film, headline="A radio that hums at night")
    factories.CommentFactory(review=review, name="Early Reader", body="First words here.")
    return {"film": film, "person": director.person, "genre": genre, "review": review}


def public_urls(site):
    review, film = site["review"], site["film"]
    return [
        "/",
        review.get_absolute_url(),
        film.get_absolute_url(),
        site["person"].get_absolute_url(),
        site["genre"].get_absolute_url(),
        review.author.get_absolute_url(),
        reverse("films:list"),
        reverse("films:list") + "?letter=Q",
        reverse("reviews:feed_rss"),
        reverse("reviews:feed_atom"),
        reverse("comments:feed", kwargs={"slug": review.slug}),
        reverse("sitemap"),
        reverse("sitemap_section", kwargs={"section": "reviews"}),
        reverse("robots_txt"),
    ]


# --- served from the cache


def test_the_second_visit_of_every_public_page_is_served_from_the_cache(backend, site):
    for url in public_urls(site):
        first, second = visit(url), visit(url)
        assert first["X-Cache"] == "MISS", url
        assert second["X-Cache"] == "HIT", url
        if "csrfmiddlewaretoken" not in body(first):
            assert body(first) == body(second), url


def test_a_cached_review_page_needs_no_query_but_the_content_version(
    backend, site, django_assert_num_queries
):
    url = site["review"].get_absolute_url()
    visit(url)
    with django_assert_num_queries(1):
        assert visit(url)["X-Cache"] == "HIT"


def test_campaign_tags_share_the_page_and_unknown_parameters_bypass_it(backend, site):
    visit("/")
    assert visit("/?utm_source=newsletter&fbclid=x")["X-Cache"] == "HIT"
    odd = visit("/?anything=1")
    assert "X-Cache" not in odd
    assert "private" in odd["Cache-Control"]


def test_compressed_pages_decompress_to_the_same_page(backend, site):
    url = site["review"].get_absolute_url()
    visit(url)
    zipped = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = Client().get(url)
    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 2
    strip = re.compile(r'value="[^"]{30,}"')  # the per-visitor tokens
    assert strip.sub("", gzip.decompress(zipped.content).decode()) == strip.sub(
        "", plain.content.decode()
    )
    home = Client().get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    home = Client().get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert home["Content-Encoding"] == "br"
    assert "Latest reviews" in brotli.decompress(home.content).decode()


def test_conditional_get_answers_not_modified(backend, site):
    for url in ("/", reverse("reviews:feed_rss"), site["review"].get_absolute_url()):
        client = Client()
        first = visit(url, client)
        assert first["ETag"] and first["Last-Modified"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == HTTPStatus.NOT_MODIFIED, url
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == HTTPStatus.NOT_MODIFIED, url
    # A change is a new page: the old ETag no longer matches.
    etag = visit("/")["ETag"]
    factories.ReviewFactory(headline="Something new")
    assert Client().get("/", HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.OK


def test_shared_caches_may_keep_pages_without_visitor_values_and_never_the_others(
    backend, site, settings
):
    home = visit("/")
    assert "public" in home["Cache-Control"]
    assert f"s-maxage={settings.PAGE_CACHE_SHARED_SECONDS}" in home["Cache-Control"]
    assert "Cookie" in home["Vary"] and "Accept-Encoding" in home["Vary"]
    review = visit(site["review"].get_absolute_url())
    assert "private" in review["Cache-Control"] and "public" not in review["Cache-Control"]


# --- nothing of one visitor in another's page


def test_each_visitor_gets_their_own_csrf_and_form_tokens_and_can_post(backend, site, settings):
    settings.COMMENTS_MODERATION = "none"
    url = site["review"].get_absolute_url()
    tokens = set()
    for n in range(3):
        client = Client(enforce_csrf_checks=True)
        html = body(visit(url, client))
        token = field_value(html, spam.CSRF_FIELD)
        stamp = field_value(html, spam.TIMESTAMP_FIELD)
        assert placeholder("csrf") not in html
        assert placeholder(spam.TIMESTAMP_PLACEHOLDER) not in html
        tokens.add(token)
        response = client.post(
            reverse("comments:post", kwargs={"slug": site["review"].slug}),
            {
                spam.CSRF_FIELD: token,
                spam.TIMESTAMP_FIELD: stamp,
                spam.HONEYPOT_FIELD: "",
                "comment": f"Posted from a cached page, visitor {n}.",
                "name": f"Visitor {n}",
                "email": f"visitor{n}@example.net",
            },
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
        assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    assert len(tokens) == 3
    assert Comment.objects.filter(body__startswith="Posted from a cached page").count() == 3


def test_remembered_details_and_held_comments_stay_with_their_writer(backend, site):
    url = site["review"].get_absolute_url()
    visit(url)
    writer = Client()
    post_comment(writer, site["review"], comment="Held until a moderator reads it.", remember="on")
    own = visit(url, writer)
    assert "X-Cache" not in own and "private" in own["Cache-Control"]
    assert "Held until a moderator reads it." in body(own)
    assert field_value(body(own), "email") == "ada@example.net"
    stranger = fresh(url)
    assert "Held until a moderator reads it." not in stranger
    assert "ada@example.net" not in stranger and "Ada Reader" not in stranger


def test_signed_in_staff_get_their_own_page_and_readers_never_see_it(backend, site):
    url = site["review"].get_absolute_url()
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    visit(url)
    staff = Client()
    staff.force_login(admin)  # stamps last_login, which no page shows
    page = visit(url, staff)
    assert "X-Cache" not in page and "private" in page["Cache-Control"]
    again = visit(url)
    assert again["X-Cache"] == "HIT"
    assert "csrfmiddlewaretoken" in body(again)
    assert "Logged in as" in body(page)
    assert "Logged in as" not in body(again)


# --- every change shows on the very next request


def _warm(url):
    visit(url)
    assert visit(url)["X-Cache"] == "HIT"


def test_a_posted_comment_shows_at_once(backend, site, settings):
    settings.COMMENTS_MODERATION = "none"
    url = site["review"].get_absolute_url()
    for page in (url, "/", reverse("comments:feed", kwargs={"slug": site["review"].slug})):
        _warm(page)
    post_comment(Client(), site["review"], comment="A brand new comment appears.")
    assert "A brand new comment appears." in fresh(url)
    assert "A brand new comment appears." in fresh(
        reverse("comments:feed", kwargs={"slug": site["review"].slug})
    )


def test_approving_from_the_queue_shows_the_comment_at_once(backend, site, moderator):
    url = site["review"].get_absolute_url()
    held = factories.CommentFactory(
        review=site["review"], status=Comment.Status.PENDING, body="Waiting for approval."
    )
    _warm(url)
    assert "Waiting for approval." not in fresh(url)
    client = Client()
    client.force_login(moderator)
    client.post(reverse("moderation:act"), {"action": "approve", "comment": [held.pk]})
    assert "Waiting for approval." in fresh(url)


def test_an_edited_and_then_deleted_own_comment_shows_at_once(backend, site, settings):
    settings.COMMENTS_MODERATION = "none"
    url = site["review"].get_absolute_url()
    writer = Client()
    post_comment(writer, site["review"], comment="First thoughts on the film.")
    comment = Comment.objects.latest("pk")
    _warm(url)
    writer.post(reverse("comments:edit", args=[comment.pk]), {"comment": "Second thoughts."})
    assert "Second thoughts." in fresh(url) and "First thoughts" not in fresh(url)
    _warm(url)
    writer.post(reverse("comments:delete", args=[comment.pk]))
    assert "Second thoughts." not in fresh(url)


def test_a_comment_reported_back_to_the_queue_leaves_the_page_at_once(backend, site, settings):
    settings.COMMENTS_REPORTS_TO_HOLD = 1
    comment = factories.CommentFactory(review=site["review"], body="Reported words.")
    url = site["review"].get_absolute_url()
    _warm(url)
    Client().post(reverse("comments:report", args=[comment.pk]), REMOTE_ADDR="203.0.113.50")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert "Reported words." not in fresh(url)


def test_an_erased_commenter_disappears_at_once(backend, site):
    comment = factories.CommentFactory(
        review=site["review"], name="Erase Me Please", email="erase@example.net"
    )
    url = site["review"].get_absolute_url()
    _warm(url)
    privacy.erase_email(comment.email)
    assert "Erase Me Please" not in fresh(url)


def test_review_changes_show_at_once(backend, site):
    review = site["review"]
    url = review.get_absolute_url()
    for page in (url, "/", reverse("reviews:feed_rss"), site["film"].get_absolute_url()):
        _warm(page)
    review.headline = "A headline changed in the admin"
    review.save()
    for page in (url, "/", reverse("reviews:feed_rss"), site["film"].get_absolute_url()):
        assert "A headline changed in the admin" in fresh(page), page
    review.status = Review.Status.DRAFT
    review.save()
    assert Client().get(url).status_code == HTTPStatus.NOT_FOUND
    assert "A headline changed in the admin" not in fresh("/")


def test_a_scheduled_review_appears_when_its_time_comes(backend, site):
    factories.ReviewFactory(
        headline="Published a moment from now",
        status=Review.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(seconds=1.5),
    )
    _warm("/")
    assert "Published a moment from now" not in fresh("/")
    time.sleep(1.6)
    assert "Published a moment from now" in fresh("/")


def test_film_person_genre_and_author_edits_show_at_once(backend, site):
    review, film = site["review"], site["film"]
    pages = [review.get_absolute_url(), film.get_absolute_url(), "/"]
    for page in pages:
        _warm(page)
    film.title = "The Loud Frequency"
    film.save()
    for page in pages:
        assert "The Loud Frequency" in fresh(page), page

    person = site["person"]
    _warm(film.get_absolute_url())
    person.name = "Renamed Director"
    person.save()
    assert "Renamed Director" in fresh(film.get_absolute_url())

    genre = site["genre"]
    _warm(film.get_absolute_url())
    genre.name = "Slow Mystery"
    genre.save()
    assert "Slow Mystery" in fresh(film.get_absolute_url())

    author = review.author
    _warm(review.get_absolute_url())
    author.display_name = "Renamed Critic"
    author.save()
    assert "Renamed Critic" in fresh(review.get_absolute_url())


def test_a_new_deployment_or_setting_never_gets_the_old_pages(backend, site):
    _warm("/")
    with override_settings(SITE_NAME="A Renamed Site"):
        assert "A Renamed Site" in fresh("/")


def test_the_cache_can_be_switched_off(backend, site, settings):
    settings.PAGE_CACHE = False
    assert "X-Cache" not in visit("/")
    assert "X-Cache" not in visit("/")
