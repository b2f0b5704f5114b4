from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from comments.models import Comment
from reviews.models import Review
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_comment_urls_are_pinned():
    assert reverse("comments:permalink", kwargs={"pk": 12}) == "/comments/12/"
    assert resolve("/comments/12/").view_name == "comments:permalink"
    assert reverse("comments:post", kwargs={"slug": "her"}) == "/reviews/her/comments/"
    assert resolve("/reviews/her/comments/").view_name == "comments:post"


def test_an_approved_comment_permalink_redirects_to_it_on_the_review(client):
    comment = CommentFactory()
    response = client.get(comment.get_absolute_url())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{comment.review.get_absolute_url()}#comment-{comment.pk}"


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED]
)
def test_an_unpublished_comment_permalink_is_404_for_the_public(client, status):
    comment = CommentFactory(status=status)
    assert client.get(comment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_a_comment_on_an_unpublished_review_is_404_for_the_public(client):
    draft = ReviewFactory(status=Review.Status.DRAFT, published_at=None)
    scheduled = ReviewFactory(
        status=Review.Status.SCHEDULED, published_at=timezone.now() + timedelta(days=3)
    )
    for review in (draft, scheduled):
        comment = CommentFactory(review=review)
        assert client.get(comment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_comment_is_404(client):
    assert client.get("/comments/987654/").status_code == HTTPStatus.NOT_FOUND


def test_moderators_and_superusers_are_redirected_to_any_comment(client, moderator):
    pending = CommentFactory(status=Comment.Status.PENDING)
    for user in (moderator, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(user)
        response = client.get(pending.get_absolute_url())
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].endswith(f"#comment-{pending.pk}")


def test_other_signed_in_staff_get_404_for_a_held_comment(client, review):
    pending = CommentFactory(review=review, status=Comment.Status.PENDING)
    client.force_login(review.author.user)
    assert client.get(pending.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
