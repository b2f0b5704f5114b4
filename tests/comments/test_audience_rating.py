"""One reader, one rating per film (issue 14): which readers' ratings count toward a film's
audience score, the hold on a changed score, the score beside the critic's on a review, and the
film's reader reviews."""

import importlib
import io
import json
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import privacy, ratings, tokens
from comments.models import Comment
from tests import factories
from tests.comments.moderation_support import post_comment
from tests.reviews.reading_data import make_film, page_text

pytestmark = pytest.mark.django_db

ACT = reverse("moderation:act")
QUEUE = reverse("moderation:queue")
CHANGED = "Changes this reader’s counted rating of the film from {old} to {new}"


@pytest.fixture
def film():
    return make_film("Her", "her")


@pytest.fixture
def review(film):
    return factories.ReviewFactory(film=film, slug="her-review", rating=Decimal("8"))


@pytest.fixture
def other_review(film):
    return factories.ReviewFactory(film=film, slug="her-again", rating=Decimal("7"))


@pytest.fixture
def mod_client(moderator):
    browser = Client()
    browser.force_login(moderator)
    return browser


def rate(review, rating, *, email, name="Ada Reader", **fields):
    """An approved rated comment, as if a moderator had let it through."""
    return factories.CommentFactory(review=review, rating=rating, email=email, name=name, **fields)


def audience(film) -> str:
    """The film page's audience score panel, as text."""
    text = page_text(Client().get(film.get_absolute_url()))
    return text[text.index("Audience score") : text.index("Cast")]


def review_header(review) -> str:
    """The review page's header (headline, byline, scores), as text."""
    html = Client().get(review.get_absolute_url()).content.decode()
    start = html.index('<header class="review-header">')
    header = html[start : html.index("</header>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", header).split())


def latest():
    return Comment.objects.latest("pk")


def approve(mod_client, *comments):
    response = mod_client.post(
        ACT, {"action": "approve", "comment": [c.pk for c in comments], "next": QUEUE}
    )
    assert response.status_code == HTTPStatus.FOUND


def counted_pks():
    return set(Comment.objects.filter(counted=True).values_list("pk", flat=True))


# --- Whose ratings count


@override_settings(AUDIENCE_SCORE_MIN_COUNT=1)
def test_a_reader_who_rates_a_film_twice_counts_once_with_their_latest_rating(
    film, review, other_review
):
    rate(review, 9, email="ada@example.net")
    rate(other_review, 4, email="ada@example.net")  # later, on another review of the film
    rate(review, 1, email="ada@example.net", status=Comment.Status.PENDING)  # not approved

    shown = audience(film)

    assert "4 / 10" in shown
    assert "From 1 reader rating" in shown


@override_settings(AUDIENCE_SCORE_MIN_COUNT=1)
def test_different_readers_each_count(film, review, other_review):
    rate(review, 9, email="ada@example.net")
    rate(other_review, 5, email="bob@example.net", name="Bob")

    shown = audience(film)

    assert "7 / 10" in shown
    assert "From 2 reader ratings" in shown


@override_settings(AUDIENCE_SCORE_MIN_COUNT=1)
def test_one_address_in_any_case_is_one_reader(film, review, other_review):
    rate(review, 10, email="Ada@Example.NET")
    rate(other_review, 6, email="ada@example.net")

    shown = audience(film)

    assert "6 / 10" in shown
    assert "From 1 reader rating" in shown


@override_settings(AUDIENCE_SCORE_MIN_COUNT=1)
def test_removing_a_readers_counted_rating_brings_back_their_earlier_one(
    film, review, other_review, mod_client
):
    first = rate(review, 9, email="ada@example.net")
    second = rate(other_review, 3, email="ada@example.net")
    assert counted_pks() == {second.pk}

    mod_client.post(ACT, {"action": "remove", "comment": [second.pk], "next": QUEUE})

    assert counted_pks() == {first.pk}
    assert "9 / 10" in audience(film)


# --- The hold on a changed score


def test_a_returning_commenters_changed_score_is_held_with_the_reason(
    client, film, review, mod_client
):
    post_comment(client, review, rating="8", comment="Tender and strange.")
    approve(mod_client, latest())  # from now on this browser proves it is a regular

    post_comment(client, review, rating="2", comment="On second viewing it fell apart.")

    changed = latest()
    assert changed.status == Comment.Status.PENDING
    assert changed.held_reason == CHANGED.format(old=8, new=2)
    assert CHANGED.format(old=8, new=2) in mod_client.get(QUEUE).content.decode()


def test_the_same_score_again_or_no_score_follows_the_policy(client, film, review, mod_client):
    post_comment(client, review, rating="8", comment="Tender and strange.")
    approve(mod_client, latest())

    post_comment(client, review, rating="8", comment="Still an eight on a second viewing.")
    same = latest()
    post_comment(client, review, comment="And the score is lovely too.")
    unrated = latest()

    assert same.status == unrated.status == Comment.Status.APPROVED  # a proven regular
    assert counted_pks() == {same.pk}  # the latest of the two eights counts, once


@override_settings(AUDIENCE_SCORE_MIN_COUNT=1)
def test_approving_the_held_score_replaces_the_readers_counted_rating_at_once(
    client, film, review, mod_client
):
    post_comment(client, review, rating="8", comment="Tender and strange.")
    approve(mod_client, latest())
    post_comment(client, review, rating="2", comment="On second viewing it fell apart.")
    held = latest()
    before = audience(film)  # served from the page cache from now on
    assert "8 / 10" in before and "From 1 reader rating" in before

    approve(mod_client, held)

    after = audience(film)
    assert "2 / 10" in after
    assert "From 1 reader rating" in after
    assert counted_pks() == {held.pk}


@override_settings(COMMENTS_MODERATION="none", AUDIENCE_SCORE_MIN_COUNT=1)
def test_someone_typing_a_readers_address_cannot_change_their_score_unmoderated(film, review):
    rate(review, 9, email="ada@example.net")

    post_comment(Client(), review, rating="1", email="ADA@example.net", comment="Awful.")

    assert latest().status == Comment.Status.PENDING
    assert latest().held_reason == CHANGED.format(old=9, new=1)
    assert "9 / 10" in audience(film)


def test_one_browser_cannot_rate_again_under_another_address(client, film, review, mod_client):
    post_comment(client, review, rating="9", comment="A small miracle of a film.")
    approve(mod_client, latest())

    post_comment(
        client, review, rating="1", email="someone.else@example.net", comment="Dreadful stuff."
    )

    second = latest()
    assert second.status == Comment.Status.PENDING
    assert second.held_reason == CHANGED.format(old=9, new=1)
    approve(mod_client, second)
    assert Comment.objects.filter(counted=True).get().pk == second.pk


def test_an_address_verified_in_this_browser_is_its_own_reader(client, film, review, mod_client):
    # Verified address first, then the browser's proof, then the address typed.
    post_comment(client, review, rating="9", comment="A small miracle of a film.")
    approve(mod_client, latest())
    link = reverse("subscriptions:verify_email", args=[tokens.make_verify_token("bo@example.net")])
    client.post(link)  # the reader opens the link mailed to their other address

    post_comment(client, review, rating="4", email="bo@example.net", comment="My partner's view.")

    second = latest()
    assert second.rater_key == ratings.email_key("bo@example.net")
    assert second.status == Comment.Status.APPROVED  # a verified address, no score replaced
    assert len(counted_pks()) == 2


# --- Where the score shows


def test_below_the_minimum_count_neither_page_shows_the_score(film, review, other_review):
    rate(review, 9, email="ada@example.net")
    rate(other_review, 7, email="bob@example.net")

    assert "Not enough reader ratings yet." in audience(film)
    review_html = Client().get(review.get_absolute_url()).content.decode()
    assert "audience-beside" not in review_html

    rate(other_review, 8, email="cy@example.net")

    assert "8 / 10 Good From 3 reader ratings" in audience(film)
    assert "Audience score 8 / 10 Good From 3 reader ratings" in review_header(review)


@override_settings(AUDIENCE_SCORE_MIN_COUNT=5)
def test_the_minimum_count_is_a_setting(film, review):
    for n in range(4):
        rate(review, 7, email=f"reader{n}@example.net")
    assert "Not enough reader ratings yet." in audience(film)
    rate(review, 7, email="reader4@example.net")
    assert "From 5 reader ratings" in audience(film)


def test_the_review_page_shows_the_audience_score_beside_the_critics(film, review):
    for n, score in enumerate((6, 7, 8)):
        rate(review, score, email=f"reader{n}@example.net")

    html = Client().get(review.get_absolute_url()).content.decode()

    start = html.index('<header class="review-header">')
    header = html[start : html.index("</header>", start)]
    critic = header.index('class="score score-large"')
    readers = header.index('class="audience-beside"')
    assert critic < readers
    assert "Ratings by score" in header  # the histogram, folded
    assert f'href="{film.get_absolute_url()}#reader-reviews"' in header


def film_jsonld(film):
    html = Client().get(film.get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_film_jsonld_aggregate_rating_counts_one_rating_per_reader(
    settings, film, review, other_review
):
    settings.AUDIENCE_SCORE_MIN_COUNT = 3
    # Two readers: below the minimum the page shows only the critics' average, and so does
    # the JSON-LD.
    rate(review, 1, email="reader0@example.net")
    rate(review, 3, email="reader1@example.net")
    assert film_jsonld(film)["aggregateRating"]["ratingValue"] == 7.5  # the critics' 7 and 8
    assert film_jsonld(film)["aggregateRating"]["ratingCount"] == 2

    # Reader 0 rates again on the other review (their latest counts, once), and a third
    # reader arrives: the score the page now shows is the readers', over three readers.
    rate(other_review, 5, email="Reader0@Example.net")
    rate(other_review, 7, email="reader2@example.net")

    rating = film_jsonld(film)["aggregateRating"]
    assert rating == {
        "@type": "AggregateRating",
        "ratingValue": 5.0,  # (5 + 3 + 7) / 3
        "bestRating": 10,
        "worstRating": 1,
        "ratingCount": 3,
        "reviewCount": 3,
    }
    assert "From 3 reader ratings" in audience(film)


# --- Reader reviews on the film page


def reader_reviews(response) -> str:
    text = page_text(response)
    return text[text.index("Reader reviews") :]


def test_reader_reviews_list_each_readers_counted_rating_with_a_link(film, review, other_review):
    old = rate(review, 9, email="ada@example.net", body="First thoughts, since revised.")
    ada = rate(other_review, 6, email="ada@example.net", body="Warm and odd.\n\nThe ending drags.")
    bob = rate(review, 8, email="bob@example.net", name="Bob Viewer", body="A gentle film.")
    factories.CommentFactory(review=review, parent=bob, body="A reply is no review.")

    response = Client().get(film.get_absolute_url())

    listed = reader_reviews(response)
    assert "Ada Reader 6 / 10" in listed
    assert "Warm and odd. The ending drags." in listed
    assert "Bob Viewer 8 / 10" in listed
    assert "First thoughts" not in listed
    assert "A reply is no review." not in listed
    html = response.content.decode()
    assert f'href="{ada.get_absolute_url()}"' in html
    assert f'href="{old.get_absolute_url()}"' not in html
    assert "ada@example.net" not in html


def test_reader_reviews_hide_what_a_spoiler_comment_says(film, review):
    spoiler = rate(
        review,
        7,
        email="ada@example.net",
        body="The operating system leaves him in the end.",
        has_spoilers=True,
    )

    response = Client().get(film.get_absolute_url())

    assert "leaves him" not in response.content.decode()
    assert "Contains spoilers — read on the review" in reader_reviews(response)
    assert f'href="{spoiler.get_absolute_url()}"' in response.content.decode()


def test_reader_reviews_are_paginated_ten_a_page(film, review):
    for n in range(12):
        rate(review, 7, email=f"reader{n}@example.net", name=f"Reader Number {n}")
    url = film.get_absolute_url()

    first = reader_reviews(Client().get(url))
    second = reader_reviews(Client().get(url + "?rpage=2"))  # its own page in the page cache

    assert first.count(" 7 / 10") == 10 and "Page 1 of 2" in first
    assert "Reader Number 11 " in first  # newest first
    assert second.count(" 7 / 10") == 2 and "Page 2 of 2" in second
    assert "Reader Number 0 " in second
    past_the_end = Client().get(url + "?rpage=99")
    assert past_the_end.status_code == HTTPStatus.OK
    assert "Page 2 of 2" in reader_reviews(past_the_end)
    assert "Page 1 of 2" in reader_reviews(Client().get(url + "?rpage=%EF%BC%92"))  # "２"


@pytest.mark.usefixtures("no_page_cache")
def test_film_page_costs_the_same_with_one_reader_review_and_with_thirty(
    film, review, django_assert_num_queries
):
    rate(review, 7, email="reader@example.net")
    client = Client()
    with CaptureQueriesContext(connection) as one:
        client.get(film.get_absolute_url())
    for n in range(29):
        rate(review, n % 10 + 1, email=f"reader{n}@example.net", has_spoilers=n % 3 == 0)

    with django_assert_num_queries(len(one.captured_queries)):
        client.get(film.get_absolute_url())
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(film.get_absolute_url() + "?rpage=3")
    assert len(one.captured_queries) <= 7


# --- Keeping the flags right


def test_erasing_an_address_takes_its_rating_out_of_the_score(film, review, other_review):
    ada = rate(review, 2, email="ada@example.net")
    bob = rate(other_review, 8, email="bob@example.net")

    privacy.erase_email("ADA@example.net")

    ada.refresh_from_db()
    assert (ada.rating, ada.rater_key, ada.counted) == (None, "", False)
    assert counted_pks() == {bob.pk}


def test_moving_a_review_to_another_film_moves_its_ratings(film, review, other_review):
    older = rate(review, 9, email="ada@example.net")
    newer = rate(other_review, 3, email="ada@example.net")
    elsewhere = make_film("Lost in Translation", "lost-in-translation")

    other_review.film = elsewhere
    other_review.save()

    assert counted_pks() == {older.pk, newer.pk}  # one per film


def test_recount_command_repairs_counted_ratings(film, review, other_review):
    old = rate(review, 9, email="ada@example.net")
    new = rate(other_review, 4, email="ada@example.net")
    bob = rate(review, 7, email="bob@example.net")
    Comment.objects.filter(pk__in=[old.pk, new.pk]).update(counted=True)  # raw SQL, say
    Comment.objects.filter(pk=bob.pk).update(counted=False)

    out = io.StringIO()
    call_command("recount_comments", stdout=out)

    assert "Recounted ratings: 2 comment(s)" in out.getvalue()
    assert counted_pks() == {new.pk, bob.pk}


def test_migration_gives_existing_comments_their_readers_and_counted_ratings(
    film, review, other_review
):
    old = rate(review, 9, email="Ada@example.net")
    new = rate(other_review, 4, email="ada@example.net")
    bob = rate(review, 7, email="bob@example.net")
    reply = factories.CommentFactory(review=review, parent=bob, email="cy@example.net")
    # As the rows were before the migration: no keys, nothing counted.
    Comment.objects.update(rater_key="", counted=False)
    migration = importlib.import_module("comments.migrations.0014_one_rating_per_reader")

    migration.backfill_ratings(django_apps, connection.schema_editor())

    keys = dict(Comment.objects.values_list("pk", "rater_key"))
    assert keys[old.pk] == keys[new.pk] == ratings.email_key("ada@example.net")
    assert keys[bob.pk] == ratings.email_key("bob@example.net")
    assert keys[reply.pk] == ratings.email_key("cy@example.net")
    assert counted_pks() == {new.pk, bob.pk}


def test_a_bulk_approval_of_one_readers_two_ratings_counts_only_the_latest(
    film, review, other_review, mod_client
):
    first = rate(review, 9, email="ada@example.net", status=Comment.Status.PENDING)
    second = rate(other_review, 5, email="ada@example.net", status=Comment.Status.PENDING)

    approve(mod_client, first, second)

    assert counted_pks() == {second.pk}
