"""The one rule for what the public may see: Review.objects.published()."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def make(status, published_at, headline):
    return ReviewFactory(status=status, published_at=published_at, headline=headline)


@pytest.fixture
def reviews():
    now = timezone.now()
    return {
        "draft": make(Review.Status.DRAFT, None, "draft"),
        "dated draft": make(Review.Status.DRAFT, now - timedelta(days=3), "dated draft"),
        "scheduled later": make(Review.Status.SCHEDULED, now + timedelta(hours=1), "later"),
        "published later": make(Review.Status.PUBLISHED, now + timedelta(days=1), "pub later"),
        "published": make(Review.Status.PUBLISHED, now - timedelta(days=1), "published"),
        "schedule passed": make(Review.Status.SCHEDULED, now - timedelta(minutes=1), "passed"),
    }


def test_published_excludes_drafts_and_anything_dated_in_the_future(reviews):
    public = set(Review.objects.published())
    for name in ("draft", "dated draft", "scheduled later", "published later"):
        assert reviews[name] not in public, name


def test_published_includes_past_publications_and_schedules_whose_time_has_come(reviews):
    assert set(Review.objects.published()) == {reviews["published"], reviews["schedule passed"]}


def test_a_scheduled_review_goes_public_when_its_time_passes(reviews, monkeypatch):
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert reviews["scheduled later"] in Review.objects.published()
    assert reviews["published later"] not in Review.objects.published()


def test_for_list_shows_only_published_reviews_newest_first(reviews):
    assert list(Review.objects.for_list()) == [reviews["schedule passed"], reviews["published"]]
