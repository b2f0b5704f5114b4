"""Search results: matching films and people before the reviews, each review naming its film."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.reviews.reading_data import make_film, page_text

pytestmark = pytest.mark.django_db


def search(client, q, **params):
    return client.get(reverse("reviews:search"), {"q": q, **params})


def section_order(response):
    """The headings of the result sections, top to bottom."""
    return re.findall(r'<h2 id="search-(\w+)-title"', response.content.decode())


@pytest.fixture
def frequency():
    """A film with three reviews (one mentions another film), and its director."""
    holloway = factories.PersonFactory(name="Maren Holloway", slug="maren-holloway")
    film = make_film("The Quiet Frequency", "the-quiet-frequency", year=2023, director=holloway)
    for n, headline in enumerate(["A love story in static", "A second opinion", "Third look"]):
        factories.ReviewFactory(film=film, headline=headline, slug=f"frequency-{n}")
    other = factories.ReviewFactory(
        film=make_film("Harbour Lights", "harbour-lights", year=2019),
        headline="The last crossing",
        body="Before The Quiet Frequency, its director made this gentle drama.",
    )
    return film, other


def test_a_film_with_several_reviews_is_listed_before_its_reviews(client, frequency):
    response = search(client, "quiet frequency")
    text = page_text(response)

    assert section_order(response) == ["films", "reviews"]
    assert text.index("The Quiet Frequency 2023") < text.index("A love story in static")


def test_people_are_listed_before_the_reviews_of_their_films(client, frequency):
    response = search(client, "Holloway")

    assert section_order(response) == ["films", "people", "reviews"]
    assert page_text(response).index("Maren Holloway") < page_text(response).index("Third look")


def test_each_review_result_names_the_film_it_reviews(client, frequency):
    text = page_text(search(client, "quiet frequency"))

    assert text.count("Review of The Quiet Frequency (2023)") == 3
    # A review found through its text names its own film, not the one searched for.
    assert "Review of Harbour Lights (2019) The last crossing" in text


def test_the_film_named_in_a_review_result_links_to_the_film(client, frequency):
    film, _other = frequency
    content = search(client, "static").content.decode()

    assert f'Review of <a href="{film.get_absolute_url()}">The Quiet Frequency</a>' in content


def test_films_and_people_are_on_the_first_page_only(client, frequency):
    film, _other = frequency
    for n in range(10):
        factories.ReviewFactory(film=film, headline=f"Frequency notes {n}", slug=f"notes-{n}")

    second = search(client, "quiet frequency", page="2")

    assert section_order(second) == ["reviews"]
    assert "Review of The Quiet Frequency (2023)" in page_text(second)
