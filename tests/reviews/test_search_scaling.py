"""Search that scales: ranked from a stored index (PostgreSQL tsvector, SQLite FTS5), trigram
matches of misspelt titles (PostgreSQL), rate-limited per client IP, time-boxed (PostgreSQL)."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reviews import search as search_module
from tests import factories
from tests.reviews.reading_data import draft, make_film, page_text

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout exists on PostgreSQL only"
)


def search(client, q, **extra):
    return client.get(reverse("reviews:search"), {"q": q}, **extra)


@override_settings(SEARCH_RATE_LIMIT=2, SEARCH_RATE_WINDOW=60, TRUSTED_PROXY_COUNT=0)
def test_searches_beyond_the_limit_get_a_friendly_429(client):
    factories.ReviewFactory(film=make_film("Her", "her"), headline="A quiet triumph")

    assert search(client, "triumph").status_code == HTTPStatus.OK
    assert search(client, "triumph").status_code == HTTPStatus.OK
    refused = search(client, "triumph")

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Retry-After"] == "60"
    assert "Please wait a minute and search again" in page_text(refused)
    assert 'class="review-card"' not in refused.content.decode()
    # Another address has its own allowance; an empty search page costs nothing.
    assert search(client, "triumph", REMOTE_ADDR="192.0.2.7").status_code == HTTPStatus.OK
    assert client.get(reverse("reviews:search")).status_code == HTTPStatus.OK


@override_settings(SEARCH_RATE_LIMIT=1, TRUSTED_PROXY_COUNT=1)
def test_the_limit_follows_the_trusted_proxy_rule(client):
    first = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert search(client, "her", **first).status_code == HTTPStatus.OK
    assert search(client, "her", **second).status_code == HTTPStatus.OK
    assert search(client, "her", **first).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_drafts_are_never_found(client):
    film = make_film("Her", "her")
    factories.ReviewFactory(film=film, headline="A quiet triumph")
    draft(film=film, headline="SECRET draft")
    response = search(client, "SECRET draft")
    assert 'class="review-card"' not in response.content.decode()
    assert "Nothing matches" in page_text(response)


@on_postgresql
@override_settings(SEARCH_TIMEOUT_MS=50)
def test_a_search_past_the_statement_timeout_is_refused_politely(client, monkeypatch):
    factories.ReviewFactory(film=make_film("Her", "her"), headline="A quiet triumph")

    def slow_people(query):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")
        return []

    monkeypatch.setattr(search_module, "search_people", slow_people)
    response = search(client, "triumph")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "That search took too long" in page_text(response)
    # The connection is usable afterwards, and the timeout did not outlive the search.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] != "50ms"
    assert search(client, "triumph").status_code == HTTPStatus.SERVICE_UNAVAILABLE
    monkeypatch.undo()
    assert search(client, "triumph").status_code == HTTPStatus.OK


@on_postgresql
@override_settings(SEARCH_TIMEOUT_MS=1500)
def test_the_timeout_is_set_only_around_the_search(client):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    assert search(client, "anything").status_code == HTTPStatus.OK
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before


def test_a_review_of_the_film_named_ranks_above_one_mentioning_it_in_the_body(client):
    # The one mentioning it is the newer: only ranking puts the other first.
    factories.ReviewFactory(
        film=make_film("Solaris", "solaris"),
        headline="The ocean",
        body="A planet thinks.",
        published_at=timezone.now() - timedelta(days=2),
    )
    factories.ReviewFactory(
        film=make_film("Arrival", "arrival"),
        headline="Words",
        body="Better than Solaris.",
        published_at=timezone.now() - timedelta(days=1),
    )

    text = page_text(client.get(reverse("reviews:search"), {"q": "Solaris"}))

    assert text.index("The ocean") < text.index("Words")


@on_postgresql
def test_a_misspelt_title_finds_the_film_on_postgresql(client):
    factories.ReviewFactory(film=make_film("The Godfather", "the-godfather"), headline="Family")

    text = page_text(search(client, "Godfater"))

    assert "Films The Godfather" in text


def test_the_stored_index_follows_the_film_title_and_the_text(client):
    review = factories.ReviewFactory(film=make_film("Her", "her"), headline="Quiet")
    film = review.film
    film.title = "Zardoz"
    film.save()
    assert "Quiet" in page_text(search(client, "Zardoz"))

    review.body = "An unmistakable xylophone"
    review.save()
    assert "Quiet" in page_text(search(client, "xylophone"))

    review.delete()
    assert "Quiet" not in page_text(search(client, "xylophone"))
