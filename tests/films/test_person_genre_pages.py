"""Person and genre pages: their films and the published reviews of them."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from films.models import Credit
from tests import factories
from tests.reviews.reading_data import draft, make_film, page_text, scheduled

pytestmark = pytest.mark.django_db


def test_person_page_lists_their_films_by_role_and_published_reviews(client):
    jonze = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze", bio="Directs.")
    her = make_film("Her", "her", director=jonze, writers=[jonze])
    factories.CreditFactory(
        film=make_film("Three Kings", "three-kings"),
        person=jonze,
        role=Credit.Role.CAST,
        character="Conrad Vig",
    )
    factories.ReviewFactory(film=her, headline="Her, reviewed")
    draft(film=her)

    response = client.get(jonze.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    text = page_text(response)
    assert "Director · Writer · Actor" in text
    assert "Spike Jonze" in text and "Directs." in text
    assert "Directed Her 2013" in text
    assert "Wrote Her 2013" in text
    assert "Acted in Three Kings 2013 · Conrad Vig" in text
    assert "Her, reviewed" in text
    assert "SECRET" not in text


def test_person_without_reviewed_films_gets_a_friendly_note(client):
    person = factories.PersonFactory(name="Nobody Yet")
    text = page_text(client.get(person.get_absolute_url()))
    assert "None of Nobody Yet’s films has been reviewed yet." in text


def test_genre_page_lists_published_reviews_of_its_films_newest_first(client):
    now = timezone.now()
    make_film("Her", "her", genres=["Romance"])
    romance = factories.GenreFactory(name="Romance", slug="romance")
    older = factories.ReviewFactory(
        film=make_film("Casablanca", "casablanca", genres=["Romance"]),
        headline="Play it again",
        published_at=now - timedelta(days=3),
    )
    factories.ReviewFactory(
        film=make_film("Before Sunrise", "before-sunrise", genres=["Romance", "Drama"]),
        headline="One night in Vienna",
        published_at=now - timedelta(days=1),
    )
    factories.ReviewFactory(
        film=make_film("Alien", "alien", genres=["Horror"]), headline="In space"
    )
    scheduled(film=older.film)

    response = client.get(romance.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    text = page_text(response)
    assert "2 reviews of romance films" in text
    assert "All 3 romance films" in text
    assert text.index("One night in Vienna") < text.index("Play it again")
    assert "In space" not in text
    assert "SECRET" not in text


def test_genre_page_is_paginated(client):
    film = make_film("Her", "her", genres=["Romance"])
    factories.ReviewFactory.create_batch(11, film=film)
    url = reverse("films:genre", kwargs={"slug": "romance"})
    assert client.get(url).content.decode().count('class="review-card"') == 10
    assert client.get(url, {"page": 2}).content.decode().count('class="review-card"') == 1
    assert client.get(url, {"page": 3}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("name", ["films:person", "films:genre"])
def test_unknown_person_or_genre_is_not_found(client, name):
    assert client.get(reverse(name, kwargs={"slug": "nobody"})).status_code == 404
