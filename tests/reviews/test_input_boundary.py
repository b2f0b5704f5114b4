"""The reading pages at the input boundary: ?page= read as ASCII digits only (on every list, and
in the canonical link of every page), control characters refused in the review admin, and old
rows with control characters that no longer break the feeds or the sitemap."""

import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.urls import reverse

from reviews.models import Author, Review
from tests import factories
from tests.reviews.test_admin import ADD_URL, review_post_data

pytestmark = pytest.mark.django_db

NOT_ASCII = ["²", "³", "١", "١٢", "１", "٣", "Ⅻ", "𝟚"]


@pytest.mark.parametrize("page", NOT_ASCII)
@pytest.mark.parametrize("name", ["reviews:home", "reviews:search", "films:list"])
def test_a_page_number_in_other_digits_is_not_found_never_a_500(client, name, page):
    factories.ReviewFactory.create_batch(11)

    response = client.get(reverse(name), {"page": page, "q": "review"})

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("page", NOT_ASCII)
def test_author_and_genre_pages_refuse_other_digits_as_page_numbers(client, page):
    review = factories.ReviewFactory()
    review.film.genres.add(factories.GenreFactory(name="Drama"))

    assert client.get(review.author.get_absolute_url(), {"page": page}).status_code == 404
    assert client.get("/genres/drama/", {"page": page}).status_code == 404


@pytest.mark.parametrize("page", ["²", "１２", "9" * 5000])
def test_the_canonical_link_of_any_page_ignores_a_page_that_is_not_a_number(client, page):
    # The canonical link is in every page, lists or not: a review page with ?page=² was a 500.
    review = factories.ReviewFactory()

    response = client.get(review.get_absolute_url(), {"page": page})

    assert response.status_code == HTTPStatus.OK
    assert f'rel="canonical" href="http://testserver{review.get_absolute_url()}"' in (
        response.content.decode()
    )


def test_page_last_still_works(client):
    factories.ReviewFactory.create_batch(11)

    assert client.get(reverse("reviews:home"), {"page": "last"}).status_code == HTTPStatus.OK


def test_a_headline_with_a_control_character_is_refused_with_the_text_kept(client, author):
    client.force_login(author.user)
    data = review_post_data(factories.FilmFactory(), headline="Her\x0b a quiet triumph")

    response = client.post(ADD_URL, data)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "invisible control character" in html
    assert 'value="Her\x0b a quiet triumph"' in html
    assert not Review.objects.exists()


@pytest.mark.parametrize("field", ["headline", "standfirst", "body", "verdict"])
def test_every_review_text_field_refuses_control_characters(field):
    review = factories.ReviewFactory()
    setattr(review, field, "Text\x0c with a form feed")

    with pytest.raises(Exception, match="control character"):
        review.full_clean()


def _old_row_with_control_characters():
    review = factories.ReviewFactory(film__title="Her")
    review.film.genres.add(factories.GenreFactory(name="Drama"))
    # Saved before the validators existed: update() skips them, as an old row did.
    Review.objects.filter(pk=review.pk).update(
        headline="Old\x0bheadline", standfirst="Stand\x01first", body="Body\x1f"
    )
    Author.objects.filter(pk=review.author_id).update(display_name="Ana\x0cCritic")
    review.film.genres.update(name="Dra\x02ma")
    return review


@pytest.mark.parametrize("name", ["reviews:feed_rss", "reviews:feed_atom"])
def test_an_old_review_with_control_characters_does_not_break_the_feeds(client, name):
    _old_row_with_control_characters()

    response = client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    text = ET.tostring(ET.fromstring(response.content), encoding="unicode")
    assert "Oldheadline" in text and "AnaCritic" in text and "Drama" in text


def test_an_old_review_with_control_characters_does_not_break_the_sitemap(client):
    review = _old_row_with_control_characters()

    response = client.get(reverse("sitemap_section", kwargs={"section": "reviews"}))

    assert response.status_code == HTTPStatus.OK
    assert review.get_absolute_url() in ET.tostring(ET.fromstring(response.content), "unicode")
