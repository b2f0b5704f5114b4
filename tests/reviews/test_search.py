"""Search: published reviews, films and people; friendly answers to odd queries.

On PostgreSQL this runs the full-text path (stemming, ranking); on SQLite the simple match.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.reviews.reading_data import draft, make_film, page_text, scheduled

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only"
)


def search(client, q, **params):
    return client.get(reverse("reviews:search"), {"q": q, **params})


@pytest.fixture
def catalogue():
    jonze = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze")
    her = factories.ReviewFactory(
        film=make_film("Her", "her", director=jonze),
        headline="A quiet triumph",
        body="Theodore writes letters for strangers and falls for his operating system.",
    )
    alien = factories.ReviewFactory(
        film=make_film("Alien", "alien"),
        headline="In space no one can hear you scream",
        body="The crew of the Nostromo answers a distress call.",
    )
    draft(film=her.film, body="Nostromo operating system letters SECRET")
    scheduled(film=alien.film, headline="SECRET Alien scheduled")
    return {"her": her, "alien": alien}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("triumph", "A quiet triumph"),  # headline
        ("Alien", "In space no one can hear you scream"),  # film title
        ("Spike Jonze", "A quiet triumph"),  # a person of the film
        ("Nostromo", "In space no one can hear you scream"),  # body text
    ],
)
def test_search_finds_published_reviews_by_headline_title_person_and_body(
    client, catalogue, query, expected
):
    response = search(client, query)

    assert response.status_code == HTTPStatus.OK
    text = page_text(response)
    assert expected in text
    assert "SECRET" not in text


def test_search_lists_matching_films_and_people(client, catalogue):
    text = page_text(search(client, "jonze"))
    assert "Films Her 2013" in text
    assert "People Spike Jonze" in text


def test_search_never_returns_drafts_or_scheduled_reviews(client, catalogue):
    only_in_drafts = search(client, "SECRET")
    assert 'class="review-card"' not in only_in_drafts.content.decode()
    assert "Nothing matches “SECRET”" in page_text(only_in_drafts)

    also_in_a_draft = search(client, "Nostromo").content.decode()
    assert also_in_a_draft.count('class="review-card"') == 1


def test_search_results_are_paginated(client):
    film = make_film("Her", "her")
    factories.ReviewFactory.create_batch(12, film=film, body="about loneliness")
    first = search(client, "loneliness")
    assert first.content.decode().count('class="review-card"') == 10
    assert "Reviews (12)" in page_text(first)
    second = search(client, "loneliness", page=2)
    assert second.content.decode().count('class="review-card"') == 2


def test_an_empty_search_gets_a_friendly_page(client, catalogue):
    response = search(client, "")
    assert response.status_code == HTTPStatus.OK
    assert "Type a film title, a director, an actor or a few words" in page_text(response)
    assert client.get(reverse("reviews:search")).status_code == HTTPStatus.OK


def test_an_overlong_search_is_refused_politely(client, catalogue):
    response = search(client, "her " * 100)
    assert response.status_code == HTTPStatus.OK
    assert "please keep it under 200" in page_text(response)
    assert 'class="review-card"' not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "%%%",
        "'; DROP TABLE reviews_review; --",
        # A NUL never reaches the search: the input boundary answers 400 (tests/core).
        "!!! ??? ***",
        '"unclosed',
        "-",
        "or or or",
        "a & b | !c <-> d",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎬",
        "<script>alert(1)</script>",
    ],
)
def test_absurd_searches_get_a_friendly_page_never_an_error(client, catalogue, query):
    response = search(client, query)
    assert response.status_code == HTTPStatus.OK
    assert "<script>alert(1)" not in response.content.decode()


@on_postgresql
def test_postgresql_search_matches_word_forms_and_ranks_headlines_first(client):
    film = make_film("Her", "her")
    factories.ReviewFactory(film=film, headline="Quiet", body="Letters and more letters.")
    factories.ReviewFactory(film=film, headline="Writing letters", body="A love story.")

    text = page_text(search(client, "letter"))  # stemmed: finds "letters"

    assert text.index("Writing letters") < text.index("Quiet")


@on_postgresql
def test_postgresql_search_understands_web_search_syntax(client):
    film = make_film("Her", "her")
    factories.ReviewFactory(film=film, headline="Lonely hearts", body="A love story.")
    factories.ReviewFactory(film=film, headline="Lonely robots", body="A machine story.")

    text = page_text(search(client, "lonely -robots"))

    assert "Lonely hearts" in text
    assert "Lonely robots" not in text
