"""What a reader sees of a search that scales: films and people above the reviews, the best
matches of a common word found whatever their age, and a fixed number of queries however many
reviews match (on SQLite and on PostgreSQL)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import search as search_module
from tests import factories
from tests.reviews.reading_data import make_film, page_text

pytestmark = pytest.mark.django_db


def search(client, q, **params):
    return client.get(reverse("reviews:search"), {"q": q, **params})


def queries_of_search(client, q):
    with CaptureQueriesContext(connection) as queries:
        assert search(client, q).status_code == 200
    return len(queries)


def test_films_and_people_matched_come_before_the_reviews(client):
    director = factories.PersonFactory(name="Andrei Tarkovsky", slug="andrei-tarkovsky")
    factories.ReviewFactory(
        film=make_film("Solaris", "solaris", director=director),
        headline="The ocean thinks",
        body="Tarkovsky at his most patient.",
    )

    text = page_text(search(client, "Tarkovsky"))

    assert text.index("People Andrei Tarkovsky") < text.index("Reviews (1)")
    assert text.index("Films Solaris") < text.index("Reviews (1)")
    assert text.index("Reviews (1)") < text.index("The ocean thinks")


def test_films_and_people_are_listed_on_the_first_page_only(client):
    film = make_film("Her", "her")
    factories.ReviewFactory.create_batch(12, film=film, body="about loneliness and Her")

    first = search(client, "Her")
    second = search(client, "Her", page=2)

    assert "Films Her" in page_text(first)
    assert "Films Her" not in page_text(second)
    assert second.content.decode().count('class="review-card"') == 2


def test_a_common_word_finds_its_best_match_however_old(client, monkeypatch):
    # Only the newest few of the reviews mentioning a word are ranked (REVIEW_CANDIDATES);
    # one with the word in its headline is found first all the same, and the count says more
    # reviews matched than are listed.
    monkeypatch.setattr(search_module, "REVIEW_CANDIDATES", 3)
    now = timezone.now()
    film = make_film("Her", "her")
    factories.ReviewFactory(
        film=film,
        headline="Lanterns everywhere",
        body="A film of lanterns.",
        published_at=now - timedelta(days=400),
    )
    for day in range(6):
        factories.ReviewFactory(
            film=film,
            headline=f"Newer review {day}",
            body="One lantern in the corner.",
            published_at=now - timedelta(days=day + 1),
        )

    text = page_text(search(client, "lanterns"))

    assert text.index("Lanterns everywhere") < text.index("Newer review")
    assert "Reviews (3+)" in text or "Reviews (4+)" in text


@pytest.mark.parametrize("q", ["lantern", "Her", "Director of Her", "lantern corner"])
def test_a_search_costs_the_same_queries_for_one_match_or_many(client, q):
    film = make_film("Her", "her")
    factories.ReviewFactory(film=film, headline="A lantern", body="lantern in the corner")
    one = queries_of_search(client, q)

    factories.ReviewFactory.create_batch(25, film=film, body="lantern in the corner")
    other = make_film("Her Again", "her-again", director=film.credits.first().person)
    factories.ReviewFactory.create_batch(5, film=other, body="another lantern corner")

    assert queries_of_search(client, q) == one


def test_a_word_matching_nothing_still_answers_a_friendly_page(client):
    factories.ReviewFactory(film=make_film("Her", "her"), headline="A quiet triumph")
    text = page_text(search(client, "zzyzx"))
    assert "Nothing matches “zzyzx”" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram matching: PostgreSQL")
def test_a_misspelt_title_finds_the_film_and_a_title_match_lists_first(client):
    factories.ReviewFactory(film=make_film("Stalker", "stalker"), headline="The zone")
    factories.ReviewFactory(
        film=make_film("Arrival", "arrival", synopsis="A linguist, not a stalker."),
        headline="Words",
    )

    assert "Films Stalker" in page_text(search(client, "Stalkre"))
    films = page_text(search(client, "stalker")).split("Films", 1)[1]
    assert films.index("Stalker") < films.index("Arrival")
