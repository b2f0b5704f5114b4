"""Tags: a page and an RSS feed per tag, an A–Z index, tags on cards and review pages, in the
sitemap and the review's JSON-LD, picked and added by authors in the admin, and never stale in
the page cache."""

import gzip
import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from http import HTTPStatus

import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from reviews.models import Review, Tag
from tests import factories
from tests.reviews.reading_data import draft, make_film, scheduled
from tests.reviews.test_admin import change_post_data, change_url

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
AUTOCOMPLETE = reverse("admin:autocomplete")
TAG_PICKER = {"app_label": "reviews", "model_name": "review", "field_name": "tags"}


def tag(name, slug=None):
    return Tag.objects.create(name=name, slug=slug or name.lower().replace(" ", "-"))


def tagged(*tags, **fields):
    """A published review carrying `tags`."""
    review = factories.ReviewFactory(**fields)
    review.tags.set(tags)
    return review


def text(response) -> str:
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def headlines(html):
    return re.findall(r'class="review-card-title"><a href="[^"]+">([^<]+)</a>', html)


# --- the URL contract


@pytest.mark.parametrize(
    ("name", "kwargs", "path"),
    [
        ("reviews:tags", {}, "/tags/"),
        ("reviews:tag", {"slug": "slow-cinema"}, "/tags/slow-cinema/"),
        ("reviews:tag_feed", {"slug": "slow-cinema"}, "/tags/slow-cinema/feed/"),
    ],
)
def test_tag_routes_reverse_and_resolve(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).view_name == name
    assert tag("Slow cinema").get_absolute_url() == "/tags/slow-cinema/"


# --- the tag page


def test_tag_page_lists_the_tags_published_reviews_and_never_a_draft(client):
    slow = tag("Slow cinema")
    older = tagged(slow, headline="A patient film about a lighthouse")
    newer = tagged(
        slow,
        headline="Three hours in a kitchen",
        published_at=timezone.now() - timedelta(hours=2),
    )
    other = tagged(tag("Musicals"), headline="Singing in the sleet")
    hidden = draft(headline="SECRET DRAFT about a lighthouse")
    hidden.tags.add(slow)
    future = scheduled()
    future.tags.add(slow)

    html = text(client.get(slow.get_absolute_url()))

    assert headlines(html) == [newer.headline, older.headline]
    assert other.headline not in html
    assert "SECRET" not in html
    assert "<h1" in html and "Slow cinema" in html
    assert "2 reviews, newest first." in html


def test_a_tag_with_only_drafts_shows_an_empty_page_not_the_drafts(client):
    quiet = tag("Quiet")
    draft(headline="SECRET DRAFT under a quiet tag").tags.add(quiet)

    html = text(client.get(quiet.get_absolute_url()))

    assert "No published review carries this tag yet." in html
    assert "SECRET" not in html
    assert headlines(html) == []


def test_an_unknown_tag_and_a_page_past_the_end_are_not_found(client):
    slow = tag("Slow cinema")
    tagged(slow)

    assert client.get("/tags/no-such-tag/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/tags/no-such-tag/feed/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(slow.get_absolute_url(), {"page": "2"}).status_code == 404
    assert client.get(slow.get_absolute_url(), {"page": "٢"}).status_code == 404


def test_the_tag_page_is_paginated_like_the_author_and_genre_pages(client):
    slow = tag("Slow cinema")
    now = timezone.now()
    reviews = [
        tagged(slow, headline=f"Slow review {n:02d}", published_at=now - timedelta(hours=n + 1))
        for n in range(12)
    ]

    first = text(client.get(slow.get_absolute_url()))
    second = text(client.get(slow.get_absolute_url(), {"page": "2"}))

    assert headlines(first) == [r.headline for r in reviews[:10]]
    assert headlines(second) == [r.headline for r in reviews[10:]]
    assert 'rel="next" href="?page=2"' in first
    assert "page 2" in second
    assert "12 reviews, newest first." in first


def test_the_tag_page_links_its_feed_for_feed_readers(client):
    slow = tag("Slow cinema")
    feed_url = reverse("reviews:tag_feed", kwargs={"slug": slow.slug})

    html = text(client.get(slow.get_absolute_url()))

    assert re.search(
        rf'<link rel="alternate" type="application/rss\+xml" title="[^"]*Slow cinema[^"]*" '
        rf'href="{feed_url}">',
        html,
    )
    assert f'<a href="{feed_url}">' in html


def test_the_tag_page_costs_the_same_queries_with_one_review_and_with_fifteen(
    client, no_page_cache, django_assert_num_queries
):
    slow = tag("Slow cinema")
    extra = tag("Long takes")

    def add(n):
        film = make_film(f"Film {n}", f"film-{n}", poster=True)
        tagged(slow, extra, film=film)

    add(0)
    url = slow.get_absolute_url()
    client.get(url)  # thumbnails are generated once
    # The tag, the count, the page's reviews (film and author joined), their tags.
    with django_assert_num_queries(4):
        assert len(headlines(text(client.get(url)))) == 1
    for n in range(1, 15):
        add(n)
    with django_assert_num_queries(4):
        assert len(headlines(text(client.get(url)))) == 10


# --- the index of tags


def test_the_tag_index_lists_tags_a_to_z_with_their_published_review_counts(client):
    slow, musicals, quiet = tag("Slow cinema"), tag("Musicals"), tag("Quiet")
    tagged(slow)
    tagged(slow, musicals)
    draft().tags.add(musicals, quiet)  # counts for nothing; "Quiet" has no page worth listing

    html = text(client.get(reverse("reviews:tags")))

    listed = re.findall(r'<a class="tag-link" href="/tags/([^/]+)/">', html)
    assert listed == ["musicals", "slow-cinema"]
    assert "1 review" in html and "2 reviews" in html


def test_the_tag_index_says_so_when_nothing_is_tagged(client):
    assert "No review has been tagged yet." in text(client.get(reverse("reviews:tags")))


# --- the feed


def test_the_tag_feed_is_rss_of_the_tags_published_reviews(client):
    slow = tag("Slow cinema")
    review = tagged(slow, headline="A patient film about a lighthouse", film__title="Beacon")
    tagged(tag("Musicals"), headline="Singing in the sleet")
    draft(headline="SECRET DRAFT slow").tags.add(slow)

    response = client.get(reverse("reviews:tag_feed", kwargs={"slug": slow.slug}))
    feed = feedparser.parse(response.content)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert "Slow cinema" in feed.feed.title
    assert feed.feed.link == f"http://testserver{slow.get_absolute_url()}"
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver{review.get_absolute_url()}"
    ]
    assert "Slow cinema" in [term.term for term in feed.entries[0].tags]
    assert "SECRET" not in response.content.decode()
    assert "Singing in the sleet" not in response.content.decode()


# --- tags on cards and on the review page


def test_cards_show_a_few_tag_links_on_every_list_of_reviews(client):
    names = ["Alpha", "Bravo", "Charlie", "Delta"]
    tags = [tag(name) for name in names]
    jonze = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze")
    film = make_film("Her", "her", director=jonze, genres=["Romance"])
    review = tagged(*tags, film=film)

    pages = [
        reverse("reviews:home"),
        review.author.get_absolute_url(),
        film.get_absolute_url(),
        jonze.get_absolute_url(),
        reverse("films:genre", kwargs={"slug": "romance"}),
        tags[0].get_absolute_url(),
    ]
    for url in pages:
        html = text(client.get(url))
        (line,) = re.findall(r'<p class="review-card-tags">(.*?)</p>', html, re.S)
        assert re.findall(r'<a href="/tags/([^/]+)/" rel="tag">', line) == [
            "alpha",
            "bravo",
            "charlie",
        ], url


def test_a_card_without_tags_has_no_tag_line(client):
    factories.ReviewFactory()

    assert "review-card-tags" not in text(client.get(reverse("reviews:home")))


def test_the_review_page_has_a_tags_line_before_the_author_box(client):
    review = tagged(tag("Slow cinema"), tag("Lighthouses"))

    html = text(client.get(review.get_absolute_url()))

    block = re.search(r'<div class="review-tags">(.*?)</div>', html, re.S).group(1)
    assert "Tags" in block
    assert re.findall(r'href="(/tags/[^"]+)" rel="tag">([^<]+)<', block) == [
        ("/tags/lighthouses/", "Lighthouses"),
        ("/tags/slow-cinema/", "Slow cinema"),
    ]
    assert html.index('class="review-tags"') < html.index('class="author-box"')


def test_a_review_without_tags_shows_no_tags_line(client, review):
    assert 'class="review-tags"' not in text(client.get(review.get_absolute_url()))


# --- JSON-LD and the sitemap


def jsonld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_the_reviews_json_ld_lists_its_tags_as_keywords(client):
    review = tagged(tag("Slow cinema"), tag("Lighthouses"))
    untagged = factories.ReviewFactory()

    (data,) = jsonld(text(client.get(review.get_absolute_url())))
    (plain,) = jsonld(text(client.get(untagged.get_absolute_url())))

    assert data["keywords"] == "Lighthouses, Slow cinema"
    assert "keywords" not in plain


def sitemap_section(client, section):
    response = client.get(reverse("sitemap_section", kwargs={"section": section}))
    assert response.status_code == HTTPStatus.OK
    root = ET.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def test_the_sitemap_has_a_tags_section_of_tags_with_a_published_review(client):
    slow, quiet, unused = tag("Slow cinema"), tag("Quiet"), tag("Unused")
    newest = timezone.now() - timedelta(days=2)
    tagged(slow, published_at=timezone.now() - timedelta(days=9))
    tagged(slow, published_at=newest)
    draft().tags.add(quiet)

    index = text(client.get(reverse("sitemap")))
    entries = sitemap_section(client, "tags")

    assert "http://testserver/sitemap-tags.xml" in index
    assert entries == {
        f"http://testserver{slow.get_absolute_url()}": timezone.localdate(newest).isoformat()
    }
    assert unused.slug not in index


# --- the admin


@pytest.fixture
def author_client(client, author):
    client.force_login(author.user)
    return client


def test_the_review_forms_tag_picker_finds_tags_for_an_author(author_client):
    tag("Slow cinema")
    tag("Slow burn")
    tag("Musicals")

    response = author_client.get(AUTOCOMPLETE, {"term": "slow", **TAG_PICKER})

    assert response.status_code == HTTPStatus.OK
    assert sorted(item["text"] for item in response.json()["results"]) == [
        "Slow burn",
        "Slow cinema",
    ]


def test_an_author_files_their_review_under_tags_from_the_review_form(author_client, author):
    review = factories.ReviewFactory(author=author)
    slow, musicals = tag("Slow cinema"), tag("Musicals")

    form = text(author_client.get(change_url(review)))
    response = author_client.post(
        change_url(review), change_post_data(review, tags=[slow.pk, musicals.pk])
    )

    assert 'name="tags"' in form
    assert "admin-autocomplete" in form
    assert reverse("admin:reviews_tag_add") in form  # the "+" that adds a missing tag
    assert response.status_code == HTTPStatus.FOUND
    assert set(review.tags.all()) == {slow, musicals}


def test_an_author_adds_a_new_tag_from_the_review_forms_plus_popup(author_client):
    add_url = reverse("admin:reviews_tag_add")

    response = author_client.post(
        add_url + "?_to_field=id&_popup=1",
        {"name": "Lighthouses", "slug": "lighthouses", "_popup": "1", "_to_field": "id"},
    )

    assert response.status_code == HTTPStatus.OK  # the popup closes itself, picking the tag
    assert Tag.objects.filter(name="Lighthouses", slug="lighthouses").exists()


def test_an_author_may_not_rename_or_delete_a_tag(author_client):
    slow = tag("Slow cinema")

    author_client.post(
        reverse("admin:reviews_tag_change", args=[slow.pk]),
        {"name": "Renamed", "slug": "renamed"},
    )
    author_client.post(reverse("admin:reviews_tag_delete", args=[slow.pk]), {"post": "yes"})

    slow.refresh_from_db()
    assert slow.name == "Slow cinema"


def test_the_tag_list_in_the_admin_counts_reviews_and_searches(client):
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    slow = tag("Slow cinema")
    tagged(slow)
    draft().tags.add(slow)
    tag("Musicals")

    html = text(client.get(reverse("admin:reviews_tag_changelist"), {"q": "slow"}))

    assert "Slow cinema" in html
    assert "Musicals" not in html
    assert re.search(r'<td class="field-review_count">2</td>', html)


# --- the page cache


def cached(url):
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == HTTPStatus.OK
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return response["X-Cache"], content.decode()


def test_a_cached_review_page_shows_a_newly_added_tag_on_the_next_request(db):
    review = factories.ReviewFactory()
    url = review.get_absolute_url()
    cached(url)
    assert cached(url)[0] == "HIT"

    review.tags.add(tag("Lighthouses"))

    state, html = cached(url)
    assert state == "MISS"
    assert 'href="/tags/lighthouses/" rel="tag">Lighthouses<' in html


def test_cached_pages_follow_a_tag_rename_and_a_removal(db):
    slow = tag("Slow cinema")
    review = tagged(slow)
    pages = [review.get_absolute_url(), reverse("reviews:home"), slow.get_absolute_url()]
    for url in pages:
        cached(url)

    slow.name = "Slow films"
    slow.save()
    for url in pages:
        assert "Slow films" in cached(url)[1], url

    review.tags.remove(slow)
    assert 'rel="tag"' not in cached(review.get_absolute_url())[1]
    assert "review-card-tags" not in cached(reverse("reviews:home"))[1]
    assert "No published review carries this tag yet." in cached(slow.get_absolute_url())[1]


def test_publishing_a_tagged_draft_fills_its_tag_page(client):
    slow = tag("Slow cinema")
    review = draft(headline="Now public about lighthouses")
    review.tags.add(slow)
    assert headlines(text(client.get(slow.get_absolute_url()))) == []

    review.status = Review.Status.PUBLISHED
    review.published_at = timezone.now() - timedelta(minutes=1)
    review.save()

    assert headlines(text(client.get(slow.get_absolute_url()))) == [review.headline]


def test_the_tag_pages_cost_no_query_per_review_on_the_home_page(client, no_page_cache):
    def home_queries():
        with CaptureQueriesContext(connection) as queries:
            text(client.get(reverse("reviews:home")))
        return len(queries)

    tagged(tag("One"))
    one = home_queries()
    for n in range(9):
        tagged(tag(f"Tag {n}"), tag(f"Other {n}"))
    assert home_queries() == one
