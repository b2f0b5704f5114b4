"""RSS and Atom feeds of the latest reviews, and the per-review comment feed."""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests import factories
from tests.reviews.reading_data import draft, scheduled

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == HTTPStatus.OK
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("reviews:feed_rss", "application/rss+xml"), ("reviews:feed_atom", "application/atom+xml")],
)
def test_review_feeds_are_valid_and_carry_the_latest_published_reviews(client, name, content_type):
    now = timezone.now()
    review = factories.ReviewFactory(
        headline="Her — a quiet triumph",
        film__title="Her",
        standfirst="Spike Jonze makes a love story out of a voice.",
        rating=Decimal("8"),
        author__display_name="Ana Critic",
        published_at=now - timedelta(days=2),
        updated_at=now - timedelta(days=1),
    )
    factories.ReviewFactory(published_at=now - timedelta(days=3))
    draft()
    scheduled()

    response = client.get(reverse(name))
    feed = parse(response)

    assert response["Content-Type"].startswith(content_type)
    assert len(feed.entries) == 2
    entry = feed.entries[0]
    assert entry.title == "Her — a quiet triumph — Her (2013) — 8 / 10"
    assert entry.link == f"http://testserver{review.get_absolute_url()}"
    assert entry.author == "Ana Critic"
    assert "Spike Jonze makes a love story out of a voice." in entry.summary
    assert f'href="http://testserver{review.get_absolute_url()}"' in entry.summary
    assert entry.published_parsed[:3] == (now - timedelta(days=2)).utctimetuple()[:3]
    if name == "reviews:feed_atom":  # RSS 2.0 has no per-item update date
        assert entry.updated_parsed[:3] == (now - timedelta(days=1)).utctimetuple()[:3]
    assert "SECRET" not in response.content.decode()


def test_review_feed_holds_the_twenty_latest(client):
    now = timezone.now()
    for n in range(25):
        factories.ReviewFactory(headline=f"Review {n:02d}", published_at=now - timedelta(hours=n))
    feed = parse(client.get(reverse("reviews:feed_rss")))
    assert [entry.title.split(" — ")[0] for entry in feed.entries] == [
        f"Review {n:02d}" for n in range(20)
    ]


class TestCommentFeed:
    def test_lists_approved_comments_with_name_and_permalink_never_the_email(self, client):
        review = factories.ReviewFactory(headline="Her — a quiet triumph")
        comment = factories.CommentFactory(
            review=review,
            name="Marta",
            email="marta.private@example.net",
            body="Loved it.\n\n<b>Bold?</b> <script>alert(1)</script>",
        )
        factories.CommentFactory(
            review=review, name="Held", status=Comment.Status.PENDING, body="pending text"
        )
        factories.CommentFactory(review=review, name="Spammer", status=Comment.Status.SPAM)
        factories.CommentFactory(name="Elsewhere")  # another review's comment

        response = client.get(reverse("comments:feed", kwargs={"slug": review.slug}))
        feed = parse(response)

        assert [entry.title for entry in feed.entries] == ["Marta on Her — a quiet triumph"]
        entry = feed.entries[0]
        assert entry.link == f"http://testserver/comments/{comment.pk}/"
        assert entry.author == "Marta"
        assert "&lt;script&gt;" in entry.summary and "<script>" not in entry.summary
        body = response.content.decode()
        assert "marta.private@example.net" not in body
        assert "example.net" not in body
        assert "pending text" not in body

    def test_is_not_found_for_a_draft_or_unknown_review(self, client):
        hidden = draft()
        factories.CommentFactory(review=hidden)
        for slug in (hidden.slug, "no-such-review"):
            response = client.get(reverse("comments:feed", kwargs={"slug": slug}))
            assert response.status_code == HTTPStatus.NOT_FOUND
