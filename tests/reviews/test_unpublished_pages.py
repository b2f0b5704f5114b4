"""Drafts and scheduled reviews never leak: no page, feed, sitemap, search, block or count."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.reviews.reading_data import draft, make_film, page_text, scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """One published review, and a draft and a scheduled one sharing its film, author, people."""
    jonze = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze")
    film = make_film("Her", "her", director=jonze, genres=["Romance"])
    author = factories.AuthorFactory(display_name="Ana Critic", slug="ana")
    public = factories.ReviewFactory(
        film=film, author=author, headline="Public headline", rating=Decimal("8")
    )
    hidden = [
        draft(film=film, author=author, slug="secret-draft", rating=Decimal("0")),
        scheduled(film=film, author=author, slug="secret-scheduled", rating=Decimal("0")),
    ]
    other_film = make_film("Adaptation", "adaptation", director=jonze, genres=["Romance"])
    hidden.append(draft(film=other_film, author=author, slug="secret-other"))
    for review in hidden:
        factories.CommentFactory(review=review, rating=1, body="SECRET comment")
        public.related_reviews.add(review)
    return {"public": public, "hidden": hidden, "film": film, "person": jonze, "author": author}


def public_urls(site):
    public = site["public"]
    return [
        reverse("reviews:home"),
        public.get_absolute_url(),
        reverse("films:list"),
        site["film"].get_absolute_url(),
        reverse("films:detail", kwargs={"slug": "adaptation"}),
        site["person"].get_absolute_url(),
        reverse("films:genre", kwargs={"slug": "romance"}),
        site["author"].get_absolute_url(),
        reverse("reviews:search") + "?q=secret",
        reverse("reviews:search") + "?q=her",
        reverse("reviews:feed_rss"),
        reverse("reviews:feed_atom"),
        reverse("comments:feed", kwargs={"slug": public.slug}),
        reverse("sitemap"),
        *(
            reverse("sitemap_section", kwargs={"section": section})
            for section in ("pages", "reviews", "authors")
        ),
    ]


def test_no_public_surface_shows_an_unpublished_review(client, site):
    for url in public_urls(site):
        body = client.get(url).content.decode()
        assert "SECRET" not in body, url
        for review in site["hidden"]:
            assert review.get_absolute_url() not in body, url


def test_unpublished_reviews_are_not_found_nor_their_comment_feeds(client, site):
    for review in site["hidden"]:
        assert client.get(review.get_absolute_url()).status_code == 404
        feed = reverse("comments:feed", kwargs={"slug": review.slug})
        assert client.get(feed).status_code == 404


def test_counts_and_averages_ignore_unpublished_reviews(client, site):
    film_page = page_text(client.get(site["film"].get_absolute_url()))
    assert "Critics’ score 8 / 10 Good Average of 1 review" in film_page
    assert "No audience ratings yet." in film_page

    assert "Her 2013 · 1 review" in page_text(client.get(reverse("films:list")))
    assert "Adaptation 2013 · not reviewed yet" in page_text(client.get(reverse("films:list")))
    genre = page_text(client.get(reverse("films:genre", kwargs={"slug": "romance"})))
    assert "1 review of romance films" in genre
    assert "Reviews by Ana Critic (1)" in page_text(client.get(site["author"].get_absolute_url()))
