"""sitemap.xml and robots.txt for search engines."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.reviews.reading_data import draft, make_film, scheduled

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == HTTPStatus.OK
    root = ET.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


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


def test_robots_txt_is_plain_text_pointing_to_the_absolute_sitemap(client):
    response = client.get(reverse("robots_txt"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
