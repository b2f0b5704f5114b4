"""Every reading page costs a fixed number of SQL queries, however much content it shows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests import factories
from tests.reviews.reading_data import add_image, make_film

# What a render costs: pages from the page cache cost no rendering at all (core/pagecache.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

# Budgets for an anonymous reader. Measured: home 3 (count + page + the cards' tags), review
# 10 of its own (review, images, tags, genres, credits, three related lists, previous, next) +
# the comments section's (2) and the audience score (1), film 7 (its audience score and a page
# of reader reviews among them), person 4, genre 5, author 4, film index 5, search 6 (a list
# of cards loads their tags in one more query).
HOME_MAX_QUERIES = 3
REVIEW_MAX_QUERIES = 13
FILM_MAX_QUERIES = 7
LIST_MAX_QUERIES = 6


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_home_costs_the_same_with_one_review_and_with_fifty(client, django_assert_max_num_queries):
    film = make_film(poster=True)
    factories.ReviewFactory(film=film)
    with django_assert_max_num_queries(HOME_MAX_QUERIES):
        client.get(reverse("reviews:home"))
    one = count_queries(client, reverse("reviews:home"))

    for n in range(49):
        review = factories.ReviewFactory(
            film=make_film(f"Film {n}", f"film-{n}", poster=n % 2 == 0)
        )
        factories.CommentFactory.create_batch(2, review=review)

    fifty = count_queries(client, reverse("reviews:home"))
    page_two = count_queries(client, reverse("reviews:home") + "?page=2")

    assert one == fifty == page_two


def add_thread(review, count):
    """`count` approved comments: top-level ones with ratings and replies two levels deep."""
    now = timezone.now()
    made = 0
    while made < count:
        top = factories.CommentFactory(review=review, rating=(made % 10) + 1)
        made += 1
        parent = top
        for _ in range(2):
            if made >= count:
                break
            parent = factories.CommentFactory(review=review, parent=parent)
            made += 1
    Comment.objects.filter(review=review).update(created_at=now - timedelta(days=1))


def test_review_page_costs_the_same_with_no_comments_and_with_five_hundred(
    client, django_assert_max_num_queries
):
    jonze = factories.PersonFactory(name="Spike Jonze")
    film = make_film("Her", "her", director=jonze, writers=[jonze], poster=True)
    review = factories.ReviewFactory(
        film=film, body="Intro.\n\n[pullquote]Quote.[/pullquote]\n\n[image 1]\n\n[image 2]"
    )
    add_image(review, order=1)
    add_image(review, order=2)
    for n in range(6):
        related = factories.ReviewFactory(
            film=make_film(f"Other {n}", f"other-{n}", director=jonze, poster=True)
        )
        review.related_reviews.add(related)
    url = review.get_absolute_url()

    client.get(url)  # thumbnails are generated once, then served from the file system
    with django_assert_max_num_queries(REVIEW_MAX_QUERIES):
        client.get(url)
    none = count_queries(client, url)

    add_thread(review, 500)
    assert Comment.objects.approved().filter(review=review).count() == 500

    five_hundred = count_queries(client, url)

    assert none == five_hundred


def test_film_page_costs_the_same_with_one_review_and_with_thirty(
    client, django_assert_max_num_queries
):
    film = make_film("Her", "her", poster=True)
    factories.CommentFactory(review=factories.ReviewFactory(film=film), rating=8)
    with django_assert_max_num_queries(FILM_MAX_QUERIES):
        client.get(film.get_absolute_url())
    one = count_queries(client, film.get_absolute_url())

    for _ in range(29):
        factories.CommentFactory(review=factories.ReviewFactory(film=film), rating=7)

    assert count_queries(client, film.get_absolute_url()) == one


@pytest.mark.parametrize("page", ["person", "genre", "author", "films", "search"])
def test_list_pages_cost_the_same_with_one_and_with_many_items(
    client, page, django_assert_max_num_queries
):
    jonze = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze")
    author = factories.AuthorFactory(slug="ana")

    def add(n):
        film = make_film(f"Her {n}", f"her-{n}", director=jonze, genres=["Romance"], poster=True)
        factories.ReviewFactory(film=film, author=author, body="loneliness")

    urls = {
        "person": jonze.get_absolute_url(),
        "genre": reverse("films:genre", kwargs={"slug": "romance"}),
        "author": author.get_absolute_url(),
        "films": reverse("films:list"),
        "search": reverse("reviews:search") + "?q=loneliness",
    }
    add(0)
    limit = LIST_MAX_QUERIES
    if page == "search" and connection.vendor == "postgresql":
        # The statement timeout: inside the test's transaction, a savepoint, setting it,
        # restoring it and releasing (in a request outside a transaction only the setting).
        limit += 4
    with django_assert_max_num_queries(limit):
        client.get(urls[page])
    one = count_queries(client, urls[page])
    for n in range(1, 15):
        add(n)
    assert count_queries(client, urls[page]) == one
