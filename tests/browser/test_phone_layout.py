"""What a reader sees first on a 390 × 844 phone, and that the 1280 px desktop layout holds.

Phone: a review's headline, byline, score and first paragraph in the first screen (the film
facts after the body); a film page's scores in the first screen, a small poster beside the
title; the film index's first poster high up, the letters in one sideways-scrolling row and the
filters collapsed.
"""

import pytest

from tests import factories
from tests.browser.conftest import require_chromium
from tests.reviews.reading_data import make_film

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Original demo prose: a review long enough that the facts box would push it down.
BODY = "\n\n".join(
    [
        "The first thing you notice is the hum: a low, patient sound that the film lets run "
        "under every scene, so that by the end the silence feels like a character leaving.",
        "Wren keeps a failing observatory alive through one last winter, and the script is "
        "wise enough to make the repairs as gripping as the mystery of the signal itself.",
        "Not every thread lands. A subplot about a supply ship drifts off, and the final "
        "conversation explains a little more than it needs to. But the whole is rare.",
    ]
    * 3
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def review(media):
    director = factories.PersonFactory(name="Maren Holloway", slug="maren-holloway")
    film = make_film(
        "The Quiet Frequency",
        "the-quiet-frequency",
        year=2023,
        director=director,
        poster=True,
        certification="PG-13",
        runtime_minutes=118,
        synopsis=(
            "Sent to keep a failing radio observatory running through its final winter, an "
            "astronomer picks up a faint transmission that seems to be answering her."
        ),
    )
    review = factories.ReviewFactory(
        film=film,
        headline="The Quiet Frequency — a love story told in static",
        standfirst="A science-fiction romance that barely raises its voice, and is all the "
        "more moving for it.",
        body=BODY,
        rating=9,
    )
    factories.ReviewFactory(film=film, headline="A second opinion", rating=7)
    for rating in (9, 8, 10):
        factories.CommentFactory(review=review, rating=rating)
    return review


def box(page, selector):
    """The bounding box of the first element matching `selector` (it must be shown)."""
    element = page.locator(selector).first
    assert element.is_visible(), f"{selector} is not shown"
    return element.bounding_box()


def has_no_sideways_scroll(page):
    return page.evaluate(
        "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
    )


def test_phone_review_opens_with_headline_byline_score_and_first_paragraph(
    live_server, page, review
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + review.get_absolute_url())

    first_paragraph = box(page, ".review-body p")
    assert first_paragraph["y"] < PHONE["height"], first_paragraph
    for selector in ("#review-title", ".review-byline", ".review-header .score"):
        shown = box(page, selector)
        assert shown["y"] + shown["height"] <= PHONE["height"], (selector, shown)
    # The facts box comes after the reading, not before it.
    assert box(page, ".film-facts")["y"] > box(page, ".review-body")["y"] + 300
    assert has_no_sideways_scroll(page)


def test_phone_film_page_shows_a_small_poster_beside_the_title_and_both_scores(
    live_server, page, review
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + review.film.get_absolute_url())

    poster, title = box(page, ".film-hero-poster"), box(page, ".film-title")
    assert poster["width"] <= 120
    assert poster["x"] + poster["width"] <= title["x"]  # beside, not above
    assert title["y"] < poster["y"] + poster["height"]
    critics = box(page, "#critic-score-title ~ .score")
    assert critics["y"] + critics["height"] <= PHONE["height"], critics
    audience = box(page, "#audience-score-title")
    assert audience["y"] + audience["height"] <= PHONE["height"], audience
    assert has_no_sideways_scroll(page)


@pytest.fixture
def catalogue(media):
    drama = factories.GenreFactory(name="Drama", slug="drama")
    for n, title in enumerate(["The Quiet Frequency", "Glasswing", "Harbour Lights", "Anora"]):
        film = factories.FilmFactory(title=title, slug=f"film-{n}", year=2019 + n)
        film.genres.add(drama)


def test_phone_film_index_starts_with_posters_one_letter_row_and_closed_filters(
    live_server, page, catalogue
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/films/")

    assert box(page, ".film-card .poster")["y"] < 400
    letters = page.locator(".letters-list")
    one_letter = box(page, ".letters-list li")
    assert letters.bounding_box()["height"] < one_letter["height"] * 1.8  # a single row
    assert letters.evaluate("list => list.scrollWidth > list.clientWidth")  # scrolls sideways
    assert has_no_sideways_scroll(page)
    # Empty letters are shown but are not links.
    assert page.locator(".letters-list [aria-disabled='true']", has_text="B").count() == 1
    assert page.locator(".letters-list a", has_text="Q").count() == 1

    assert not page.locator(".film-filters").is_visible()
    page.click("summary.film-filters-summary")
    page.select_option("#filter-genre", "drama")
    with page.expect_navigation():
        page.click(".film-filters button[type=submit]")
    assert "genre=drama" in page.url
    assert page.locator(".film-filters").is_visible()  # a chosen filter stays in view


def test_desktop_keeps_facts_beside_the_review_and_the_poster_beside_the_film(
    live_server, page, review
):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + review.get_absolute_url())
    body, facts = box(page, ".review-body"), box(page, ".film-facts")
    assert facts["x"] >= body["x"] + body["width"]  # a column of its own, on the right
    assert abs(facts["y"] - body["y"]) < 5  # level with the start of the review

    page.goto(live_server.url + review.film.get_absolute_url())
    poster, title = box(page, ".film-hero-poster"), box(page, ".film-title")
    assert poster["width"] >= 250
    assert poster["x"] + poster["width"] <= title["x"]
    assert box(page, ".synopsis")["y"] < box(page, ".scores")["y"]  # the synopsis, then scores


def test_desktop_film_index_shows_the_filters_open_and_the_letters_in_a_row(
    live_server, page, catalogue
):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/films/")

    assert page.locator(".film-filters").is_visible()
    assert not page.locator("summary.film-filters-summary").is_visible()
    one_letter = box(page, ".letters-list li")
    assert box(page, ".letters-list")["height"] < one_letter["height"] * 1.8
