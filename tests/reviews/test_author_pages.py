"""An author's page: bio, avatar and their published reviews."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests import factories
from tests.reviews.reading_data import draft, image_upload, page_text, scheduled

pytestmark = pytest.mark.django_db


def test_author_page_shows_bio_and_only_published_reviews(client):
    author = factories.AuthorFactory(
        display_name="Ana Critic",
        bio="I'm the person behind this blog.",
        website="https://ana.example.org/",
    )
    factories.ReviewFactory(author=author, headline="A public review")
    draft(author=author)
    scheduled(author=author)

    response = client.get(author.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    text = page_text(response)
    assert "Ana Critic" in text
    assert "I'm the person behind this blog." in text
    assert "https://ana.example.org/" in text
    assert "Reviews by Ana Critic (1)" in text
    assert "A public review" in text
    assert "SECRET" not in text


def test_author_avatar_is_a_sized_thumbnail_with_alt_text(client):
    author = factories.AuthorFactory(display_name="Ana Critic", avatar=image_upload("a.png"))
    html = client.get(author.get_absolute_url()).content.decode()
    assert (
        f'src="{author.avatar_thumb.url}" width="96" height="96" alt="Photo of Ana Critic"' in html
    )


def test_author_without_published_reviews_gets_a_friendly_page(client):
    author = factories.AuthorFactory(display_name="New Writer")
    draft(author=author)
    text = page_text(client.get(author.get_absolute_url()))
    assert "New Writer has not published a review yet." in text


def test_author_reviews_are_paginated(client):
    author = factories.AuthorFactory()
    factories.ReviewFactory.create_batch(12, author=author)
    url = author.get_absolute_url()
    assert client.get(url, {"page": 2}).status_code == HTTPStatus.OK
    assert client.get(url, {"page": 3}).status_code == HTTPStatus.NOT_FOUND


def test_unknown_author_is_not_found(client):
    url = reverse("reviews:author", kwargs={"slug": "nobody"})
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
