"""Rules the database itself enforces for films and reviews, whatever code writes the rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from films.models import Credit, Film
from reviews.models import Review, ReviewImage
from tests.factories import AuthorFactory, CreditFactory, FilmFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def new_review(**fields):
    """Review.objects.create with sensible values: no form, no clean(), straight to the DB."""
    values = {
        "film": FilmFactory(),
        "author": AuthorFactory(),
        "headline": "A headline",
        "slug": "a-headline",
        "body": "Text.",
        "rating": Decimal("8"),
        "status": Review.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
        **fields,
    }
    return Review.objects.create(**values)


@pytest.mark.parametrize("rating", [Decimal("7.3"), Decimal("11"), Decimal("-0.5")])
def test_database_refuses_a_rating_that_is_not_a_half_point_out_of_ten(rating):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_review(rating=rating)
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [Decimal("7.3"), Decimal("11")])
def test_database_refuses_updating_a_rating_to_an_invalid_value(rating):
    review = ReviewFactory(rating=Decimal("8"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(rating=rating)
    review.refresh_from_db()
    assert review.rating == Decimal("8")


def test_database_accepts_every_half_point_from_zero_to_ten():
    for n in range(21):
        new_review(slug=f"r-{n}", rating=Decimal(n) / 2)
    assert Review.objects.count() == 21


def test_database_refuses_a_duplicate_review_slug():
    ReviewFactory(slug="her-review")
    with pytest.raises(IntegrityError), transaction.atomic():
        new_review(slug="her-review")


def test_database_refuses_a_duplicate_film_slug():
    FilmFactory(slug="her")
    with pytest.raises(IntegrityError), transaction.atomic():
        Film.objects.create(title="Her", slug="her", year=2013)


@pytest.mark.parametrize("status", [Review.Status.PUBLISHED, Review.Status.SCHEDULED])
def test_database_refuses_a_public_review_without_a_publication_time(status):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_review(status=status, published_at=None)


def test_database_refuses_publishing_a_draft_without_a_publication_time():
    draft = new_review(status=Review.Status.DRAFT, published_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=draft.pk).update(status=Review.Status.PUBLISHED)
    draft.refresh_from_db()
    assert draft.status == Review.Status.DRAFT


def test_database_refuses_an_unknown_review_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        new_review(status="archived")


@pytest.mark.parametrize("year", [1879, 2101])
def test_database_refuses_an_implausible_film_year(year):
    with pytest.raises(IntegrityError), transaction.atomic():
        Film.objects.create(title="Odd", slug="odd", year=year)


def test_database_refuses_an_unknown_credit_role_and_duplicate_credits():
    credit = CreditFactory(role=Credit.Role.CAST, character="Theodore")
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(film=credit.film, person=credit.person, role="producer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(
            film=credit.film, person=credit.person, role=Credit.Role.CAST, character="Theodore"
        )


def test_database_refuses_two_images_with_the_same_order_in_one_review():
    review = ReviewFactory()
    ReviewImage.objects.create(review=review, image="reviews/a.png", alt_text="a", order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewImage.objects.create(review=review, image="reviews/b.png", alt_text="b", order=1)
