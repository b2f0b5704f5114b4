"""The film page and the A–Z film index."""

import json
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from comments.models import Comment
from tests import factories
from tests.reviews.reading_data import draft, make_film, page_text, scheduled

pytestmark = pytest.mark.django_db


def jsonld(response):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(block) for block in blocks]


@pytest.fixture
def her():
    director = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze")
    return make_film(
        director=director,
        writers=[director],
        poster=True,
        certification="R",
        runtime_minutes=126,
        synopsis="A lonely writer falls for an operating system.",
    )


def test_film_page_shows_the_facts_a_film_database_shows(client, her):
    response = client.get(her.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    text = page_text(response)
    html = response.content.decode()
    assert "Her (2013)" in text
    assert '<span class="cert" title="Certificate">R</span>' in html
    assert "126 min" in text
    assert "Drama | Romance | Science Fiction" in text
    assert "A lonely writer falls for an operating system." in text
    assert "Directed by Spike Jonze" in text
    assert "Written by Spike Jonze" in text
    assert "Joaquin Phoenix as Theodore Twombly" in text
    assert "Scarlett Johansson as Samantha" in text
    assert f'src="{her.poster_320_jpeg.url}"' in html
    assert 'width="320" height="480" alt="Poster for Her" fetchpriority="high"' in html


def test_film_page_lists_published_reviews_and_averages_only_their_scores(client, her):
    factories.ReviewFactory(film=her, rating=Decimal("8"), headline="Loved it")
    factories.ReviewFactory(film=her, rating=Decimal("7"), headline="Liked it")
    draft(film=her, rating=Decimal("1"))
    scheduled(film=her, rating=Decimal("0"))

    text = page_text(client.get(her.get_absolute_url()))

    assert "Critics’ score 7.5 / 10 Decent Average of 2 reviews" in text
    assert "Loved it" in text and "Liked it" in text
    assert "SECRET" not in text


def test_film_page_without_reviews_says_so(client, her):
    text = page_text(client.get(her.get_absolute_url()))
    assert "Not reviewed yet." in text
    assert "No audience ratings yet." in text
    assert "We have not reviewed Her yet." in text


def test_audience_score_counts_approved_top_level_ratings_on_published_reviews(client, her):
    review = factories.ReviewFactory(film=her)
    for rating in (10, 8, 8, 6):
        factories.CommentFactory(review=review, rating=rating)
    parent = Comment.objects.filter(review=review).first()
    factories.CommentFactory(review=review, parent=parent)  # a reply: no rating allowed
    factories.CommentFactory(review=review, rating=1, status=Comment.Status.PENDING)
    factories.CommentFactory(review=review, rating=1, status=Comment.Status.SPAM)
    factories.CommentFactory(review=draft(film=her), rating=1)

    response = client.get(her.get_absolute_url())

    text = page_text(response)
    html = response.content.decode()
    assert "Audience score 8 / 10 Good From 4 reader ratings" in text
    assert "8 out of 10: 2 ratings" in text
    assert "1 out of 10: 0 ratings" in text
    assert 'class="histogram-fill hist-w-100"' in html  # the most common score fills the bar
    assert 'class="histogram-fill hist-w-50"' in html
    assert " style=" not in html


def test_film_jsonld_is_a_movie_with_an_aggregate_rating_once_reviewed(client, her):
    (movie,) = jsonld(client.get(her.get_absolute_url()))
    assert movie["@type"] == "Movie"
    assert movie["name"] == "Her"
    assert "aggregateRating" not in movie

    factories.ReviewFactory(film=her, rating=Decimal("9"))
    factories.ReviewFactory(film=her, rating=Decimal("8"))
    draft(film=her, rating=Decimal("0"))

    (movie,) = jsonld(client.get(her.get_absolute_url()))
    assert movie["@context"] == "https://schema.org"
    assert movie["director"]["name"] == "Spike Jonze"
    assert movie["dateCreated"] == "2013"
    assert movie["image"].startswith("http://testserver/media/")
    assert movie["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 8.5,
        "bestRating": 10,
        "worstRating": 0,
        "ratingCount": 2,
        "reviewCount": 2,
    }


def test_unknown_film_is_not_found(client):
    response = client.get(reverse("films:detail", kwargs={"slug": "no-such-film"}))
    assert response.status_code == HTTPStatus.NOT_FOUND


class TestFilmIndex:
    def test_lists_films_a_to_z_with_their_published_review_counts(self, client):
        zodiac = make_film("Zodiac", "zodiac")
        factories.ReviewFactory(film=zodiac)
        draft(film=zodiac)
        make_film("Alien", "alien")
        make_film("Her", "her")

        text = page_text(client.get(reverse("films:list")))

        assert text.index("Alien") < text.index("Her 2013") < text.index("Zodiac")
        assert "Zodiac 2013 · 1 review" in text
        assert "Alien 2013 · not reviewed yet" in text

    def test_filters_by_genre_year_and_letter(self, client):
        make_film("Her", "her", genres=["Romance"], year=2013)
        make_film("Alien", "alien", genres=["Horror"], year=1979)
        make_film("Arrival", "arrival", genres=["Science Fiction"], year=2016)

        by_genre = page_text(client.get(reverse("films:list"), {"genre": "horror"}))
        by_year = page_text(client.get(reverse("films:list"), {"year": "2013"}))
        by_letter = page_text(client.get(reverse("films:list"), {"letter": "a"}))

        assert "Alien 1979" in by_genre and "Her 2013" not in by_genre
        assert "Films A–Z: Horror" in by_genre
        assert "Her 2013" in by_year and "Alien 1979" not in by_year
        assert "Alien 1979" in by_letter and "Arrival 2016" in by_letter
        assert "Her 2013" not in by_letter

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"genre": "no-such-genre"}, "We don't have a genre by that name"),
            ({"year": "abc"}, "A year is four digits"),
            ({"year": "1" * 500}, "A year is four digits"),
            ({"letter": "<script>"}, "Pick a letter from A to Z"),
        ],
    )
    def test_answers_nonsense_filters_with_a_friendly_page(self, client, params, message):
        make_film("Her", "her")
        response = client.get(reverse("films:list"), params)
        assert response.status_code == HTTPStatus.OK
        assert message in page_text(response)
        assert "<script>" not in response.content.decode().split("<main", 1)[1]

    def test_year_with_no_films_shows_an_empty_result(self, client):
        make_film("Her", "her")
        response = client.get(reverse("films:list"), {"year": "1890"})
        assert "No films match these filters" in page_text(response)

    def test_is_paginated_and_keeps_the_filters_in_page_links(self, client):
        for n in range(30):
            make_film(f"Film {n:02d}", f"film-{n:02d}", genres=["Drama"])

        first = client.get(reverse("films:list"), {"genre": "drama"})
        second = client.get(reverse("films:list"), {"genre": "drama", "page": "2"})

        assert page_text(first).count("not reviewed yet") == 24
        assert 'href="?genre=drama&amp;page=2"' in first.content.decode()
        assert page_text(second).count("not reviewed yet") == 6
        assert client.get(reverse("films:list"), {"page": "9"}).status_code == 404
