"""sitemap.xml and robots.txt for search engines."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import sitemaps
from reviews.models import Tag
from tests import factories
from tests.reviews.reading_data import draft, make_film, scheduled

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def index_entries(client):
    """{section page URL: lastmod} of the sitemap index."""
    response = client.get(reverse("sitemap"))
    assert response.status_code == HTTPStatus.OK
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    return {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in root.findall("sm:sitemap", NS)
    }


def sitemap_entries(client):
    """{URL: lastmod} of every page of every section the index lists."""
    entries = {}
    for location in index_entries(client):
        response = client.get(location.removeprefix("http://testserver"))
        assert response.status_code == HTTPStatus.OK, location
        root = ET.fromstring(response.content)
        entries.update(
            {
                url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
                for url in root.findall("sm:url", NS)
            }
        )
    return entries


def test_sitemap_lists_published_reviews_films_people_and_authors_with_lastmod(client):
    jonze = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze")
    film = make_film("Her", "her", director=jonze)
    updated = timezone.now() - timedelta(days=1)
    review = factories.ReviewFactory(
        film=film, published_at=timezone.now() - timedelta(days=5), updated_at=updated
    )
    hidden = draft(film=film)
    future = scheduled(film=film)
    silent_author = factories.AuthorFactory()  # nothing published: no page worth listing
    filmless = factories.PersonFactory()
    draft(author=silent_author)

    entries = sitemap_entries(client)

    base = "http://testserver"
    assert entries[base + review.get_absolute_url()] == timezone.localdate(updated).isoformat()
    assert entries[base + film.get_absolute_url()]
    assert entries[base + jonze.get_absolute_url()]
    assert entries[base + review.author.get_absolute_url()]
    assert entries[base + "/"]
    assert base + hidden.get_absolute_url() not in entries
    assert base + future.get_absolute_url() not in entries
    assert base + silent_author.get_absolute_url() not in entries
    assert base + filmless.get_absolute_url() not in entries
    assert all(lastmod for lastmod in entries.values())


def test_the_index_lists_each_section_with_its_newest_lastmod(client):
    film = make_film("Her", "her", director=factories.PersonFactory(slug="spike-jonze"))
    newest = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    factories.ReviewFactory(film=film, published_at=timezone.now() - timedelta(days=9))
    tagged = factories.ReviewFactory(film=film, published_at=newest)
    tagged.tags.add(Tag.objects.create(name="Romance", slug="romance"))  # a tags section too

    entries = index_entries(client)

    base = "http://testserver"
    assert set(entries) == {
        f"{base}/sitemap-{section}.xml"
        for section in ("pages", "reviews", "films", "people", "authors", "tags")
    }
    assert entries[f"{base}/sitemap-reviews.xml"] == newest.isoformat()
    assert all(entries.values())


def test_a_big_section_is_split_into_pages_listed_in_the_index(client, monkeypatch):
    monkeypatch.setattr(sitemaps.Section, "limit", 2)
    film = make_film("Her", "her")
    reviews = [
        factories.ReviewFactory(film=film, published_at=timezone.now() - timedelta(days=n))
        for n in range(1, 6)
    ]

    entries = index_entries(client)
    pages = [url for url in entries if "/sitemap-reviews.xml" in url]
    listed = sitemap_entries(client)

    assert len(pages) == 3  # 2 + 2 + 1
    assert {f"http://testserver{r.get_absolute_url()}" for r in reviews} <= set(listed)
    assert client.get("/sitemap-reviews.xml?p=4").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/sitemap-nothing.xml").status_code == HTTPStatus.NOT_FOUND


def test_the_index_and_a_section_cost_the_same_queries_with_few_and_many_rows(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    def add(n):
        person = factories.PersonFactory()
        film = make_film(f"Film {n}", f"film-{n}", director=person)
        factories.ReviewFactory(film=film)

    add(0)
    urls = ["/sitemap.xml"] + [f"/sitemap-{name}.xml" for name in sitemaps.sitemaps]
    few = [queries(url) for url in urls]
    for n in range(1, 12):
        add(n)
    assert [queries(url) for url in urls] == few


def test_robots_txt_is_plain_text_pointing_to_the_absolute_sitemap(client):
    response = client.get(reverse("robots_txt"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
