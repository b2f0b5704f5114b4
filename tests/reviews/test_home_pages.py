"""The home page: the latest published reviews as cards, ten a page."""

from datetime import datetime, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests import factories
from tests.reviews.reading_data import draft, make_film, page_text, scheduled

pytestmark = pytest.mark.django_db


def test_home_card_shows_everything_a_reader_scans_for(client):
    film = make_film(poster=True)
    review = factories.ReviewFactory(
        film=film,
        headline="Her — a quiet triumph",
        standfirst="Spike Jonze makes a love story out of a voice.",
        rating=Decimal("8"),
        author__display_name="Ana Critic",
        published_at=timezone.make_aware(datetime(2025, 3, 14, 12)),
    )
    factories.CommentFactory.create_batch(2, review=review)
    factories.CommentFactory(review=review, status=Comment.Status.PENDING)

    response = client.get(reverse("reviews:home"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    text = page_text(response)
    assert f'href="{review.get_absolute_url()}">Her — a quiet triumph</a>' in html
    assert "Her (2013)" in text
    assert "8 / 10 Good" in text
    assert "Spike Jonze makes a love story out of a voice." in text
    assert "By Ana Critic" in text
    assert "14 March 2025" in text
    assert "2 comments" in text  # the pending comment is not counted
    assert f'src="{film.poster_320_jpeg.url}"' in html
    assert 'width="320" height="480" alt="Poster for Her"' in html


def test_home_card_uses_a_local_placeholder_when_the_film_has_no_poster(client):
    factories.ReviewFactory(film__title="Posterless")

    html = client.get(reverse("reviews:home")).content.decode()

    assert 'src="/static/img/poster-placeholder.svg" width="200" height="300"' in html
    assert 'alt="No poster available for Posterless"' in html


def test_home_survives_a_poster_whose_file_has_gone(client):
    film = make_film(poster=True)
    film.poster.storage.delete(film.poster.name)
    factories.ReviewFactory(film=film)

    response = client.get(reverse("reviews:home"))

    assert response.status_code == HTTPStatus.OK
    assert "poster-placeholder.svg" in response.content.decode()


def test_home_says_so_when_nothing_is_published(client):
    draft()
    response = client.get(reverse("reviews:home"))
    assert response.status_code == HTTPStatus.OK
    assert "No reviews have been published yet" in page_text(response)


def test_home_shows_ten_reviews_a_page_newest_first(client):
    now = timezone.now()
    for n in range(12):
        factories.ReviewFactory(
            headline=f"Headline number {n:02d}", published_at=now - timedelta(hours=n + 1)
        )

    first = page_text(client.get(reverse("reviews:home")))
    second = client.get(reverse("reviews:home") + "?page=2")

    assert first.count("Headline number") == 10
    assert first.index("Headline number 00") < first.index("Headline number 09")
    assert "Headline number 10" not in first
    assert second.status_code == HTTPStatus.OK
    assert page_text(second).count("Headline number") == 2
    assert 'rel="next" href="?page=2"' in client.get("/").content.decode()


@pytest.mark.parametrize("page", ["3", "abc", "0", "-1", "9" * 30])
def test_home_answers_a_bad_page_number_with_not_found(client, page):
    factories.ReviewFactory.create_batch(11)
    response = client.get(reverse("reviews:home"), {"page": page})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_home_never_lists_drafts_or_scheduled_reviews(client):
    factories.ReviewFactory(headline="Public review")
    draft()
    scheduled()

    text = page_text(client.get(reverse("reviews:home")))

    assert "Public review" in text
    assert "SECRET" not in text
