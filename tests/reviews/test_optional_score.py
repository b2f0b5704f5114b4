"""A review may have no score: chosen explicitly in the admin, never shown or invented anywhere."""

import copy
import json
import re
from decimal import Decimal
from http import HTTPStatus

import feedparser
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import strip_tags

from core.formatting import format_score
from reviews.models import Review
from tests import factories
from tests.reviews.test_admin import ADD_URL, change_post_data, change_url, review_post_data

pytestmark = pytest.mark.django_db

VERDICT_WORDS = ["Poor", "Mixed", "Decent", "Good", "Great", "Masterpiece"]


def page_text(response):
    assert response.status_code == HTTPStatus.OK
    return " ".join(strip_tags(response.content.decode()).split())


def jsonld(response):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(block) for block in blocks]


def posted_back(review, **overrides):
    """What the change form posts back, for a review that may have no score ("none" chosen)."""
    any_score = copy.copy(review)
    any_score.rating = Decimal("0")  # change_post_data spells a number; replaced just below
    rating = "none" if review.rating is None else f"{review.rating:.1f}"
    return {**change_post_data(any_score), "rating": rating, **overrides}


@pytest.fixture
def unscored(client, author):
    """A review an author published through the admin, choosing "No score"."""
    film = factories.FilmFactory(title="Her", year=2013)
    client.force_login(author.user)
    response = client.post(ADD_URL, review_post_data(film, rating="none"))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()
    client.logout()
    review = Review.objects.get()
    assert review.rating is None
    return review


def test_a_review_without_a_score_shows_no_score_and_no_invented_verdict(client, unscored):
    html = client.get(unscored.get_absolute_url()).content.decode()
    # The review's header, where its score and verdict would be (the comment form below has
    # the readers' own "1 / 10"… choices).
    header = re.search(r'<header class="review-header">(.*?)</header>', html, re.S).group(1)
    text = " ".join(strip_tags(header).split())

    assert "Her — a quiet triumph" in text
    assert 'class="score' not in html
    assert "/ 10" not in text
    assert not any(word in text.split() for word in VERDICT_WORDS)

    home = client.get(reverse("reviews:home")).content.decode()
    assert "Her — a quiet triumph" in home
    assert 'class="score' not in home


def test_an_authors_own_verdict_shows_alone_without_a_score(client):
    review = factories.ReviewFactory(rating=None, verdict="Flawed")

    html = client.get(review.get_absolute_url()).content.decode()

    assert '<p class="score score-large"><span class="score-verdict">Flawed</span></p>' in html
    assert '<span class="score-value">' not in html


def test_a_review_without_a_score_has_no_review_rating_in_json_ld(client, unscored):
    (data,) = jsonld(client.get(unscored.get_absolute_url()))

    assert data["@type"] == "Review"
    assert data["itemReviewed"]["name"] == "Her"
    assert "reviewRating" not in data


def test_the_critics_average_ignores_reviews_without_a_score(client, unscored):
    factories.ReviewFactory(film=unscored.film, rating=Decimal("8"), headline="Loved it")

    response = client.get(unscored.film.get_absolute_url())
    text = page_text(response)

    assert "Critics’ score 8 / 10 Good Average of 1 review" in text
    assert "no score" in text  # the unscored review is listed, without a number
    (data,) = jsonld(response)
    assert data["aggregateRating"]["ratingValue"] == 8
    assert data["aggregateRating"]["ratingCount"] == 1


def test_a_film_whose_reviews_have_no_score_says_so_and_claims_no_rating(client, unscored):
    response = client.get(unscored.film.get_absolute_url())
    text = page_text(response)

    assert "Critics’ score No score yet." in text
    assert "Average of" not in text
    assert "Not reviewed yet." not in text
    (data,) = jsonld(response)
    assert "aggregateRating" not in data


@pytest.mark.parametrize("name", ["reviews:feed_rss", "reviews:feed_atom"])
def test_feeds_give_no_score_line_for_a_review_without_one(client, unscored, name):
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")

    (entry,) = feed.entries
    assert entry.title == "Her — a quiet triumph — Her (2013)"
    assert "/ 10" not in entry.summary
    assert "Her (2013). By" in entry.summary
    assert not any(word in strip_tags(entry.summary).split() for word in VERDICT_WORDS)


def test_leaving_the_score_unchosen_is_an_error_with_a_clear_message(client, author):
    client.force_login(author.user)

    response = client.post(ADD_URL, review_post_data(factories.FilmFactory(), rating=""))

    assert response.status_code == HTTPStatus.OK
    assert "Choose a score, or “No score” if this review has none." in response.content.decode()
    assert not Review.objects.exists()


def test_the_new_review_form_asks_to_choose_a_score_and_offers_no_score(client, author):
    client.force_login(author.user)

    page = client.get(ADD_URL).content.decode()

    assert '<option value="" selected>— choose —</option>' in page
    assert '<option value="none">No score</option>' in page


def test_editing_a_review_without_a_score_keeps_no_score_chosen(client, author):
    review = factories.ReviewFactory(author=author, rating=None)
    client.force_login(author.user)

    page = client.get(change_url(review)).content.decode()
    assert '<option value="none" selected>No score</option>' in page

    response = client.post(change_url(review), posted_back(review, headline="Retitled"))

    assert response.status_code == HTTPStatus.FOUND
    review.refresh_from_db()
    assert review.rating is None
    assert review.headline == "Retitled"


def test_a_score_can_be_given_later_and_taken_away_again(client, author):
    review = factories.ReviewFactory(author=author, rating=None)
    client.force_login(author.user)

    client.post(change_url(review), posted_back(review, rating="7.5"))
    review.refresh_from_db()
    assert review.rating == Decimal("7.5")

    client.post(change_url(review), posted_back(review, rating="none"))
    review.refresh_from_db()
    assert review.rating is None


def test_the_database_accepts_no_score_and_still_refuses_eleven_out_of_ten():
    review = factories.ReviewFactory(rating=None)
    review.refresh_from_db()
    assert review.rating is None

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(rating=Decimal("11"))
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ReviewFactory(rating=Decimal("11"))

    review.refresh_from_db()
    assert review.rating is None


def test_format_score_of_no_score_is_empty():
    assert format_score(None) == ""
    assert format_score(Decimal("8.0")) == "8"


def test_a_related_review_without_a_score_is_suggested_without_one(client):
    unscored = factories.ReviewFactory(rating=None, headline="No number here")
    review = factories.ReviewFactory(rating=Decimal("8"))
    review.related_reviews.add(unscored)

    html = client.get(review.get_absolute_url()).content.decode()

    (card,) = re.findall(r'<li class="mini-card">.*?</li>', html, re.S)
    assert "No number here" in card
    assert "mini-card-score" not in card
