import re
from http import HTTPStatus

import pytest
from django.test import override_settings

from comments.models import Comment
from tests.comments.commenting import comment_tree, field_value, post_comment
from tests.factories import CommentFactory, ReviewFactory

pytestmark = pytest.mark.django_db

REFUSED = "You can only reply to a published comment on this review."


def chain(review, levels):
    """An approved thread `levels` deep: [top, reply, reply-to-reply, ...]."""
    comments = [CommentFactory(review=review)]
    for _ in range(levels - 1):
        comments.append(CommentFactory(review=review, parent=comments[-1]))
    return comments


def test_a_reply_is_saved_under_its_parent(client, review):
    parent = CommentFactory(review=review)
    response = post_comment(client, review, parent=str(parent.pk), comment="I agree with you.")
    reply = Comment.objects.get(parent=parent)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    assert reply.review == review
    assert reply.depth == 1


def test_a_reply_to_a_comment_of_another_review_is_refused(client, review):
    elsewhere = CommentFactory(review=ReviewFactory())
    response = post_comment(client, review, parent=str(elsewhere.pk), comment="Lost reply?")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert REFUSED in html
    assert "Lost reply?" in html
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED]
)
def test_a_reply_to_an_unpublished_comment_is_refused(client, review, status):
    hidden = CommentFactory(review=review, status=status)
    response = post_comment(client, review, parent=str(hidden.pk), comment="Reply to hidden.")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert REFUSED in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_refused_parent_is_cleared_so_the_next_post_is_a_top_level_comment(client, review):
    hidden = CommentFactory(review=review, status=Comment.Status.PENDING)
    html = post_comment(client, review, parent=str(hidden.pk)).content.decode()
    assert field_value(html, "parent") == ""
    assert ">Leave a Reply<" in html
    assert not re.search(r'class="comment-form-rating"\s+hidden', html)  # may rate again


@override_settings(COMMENTS_MAX_DEPTH=5)
def test_a_reply_beyond_the_maximum_depth_is_refused_with_a_message(client, review):
    deepest = chain(review, 5)[-1]  # depth 4: the fifth and last level
    response = post_comment(client, review, parent=str(deepest.pk), comment="Too deep a reply.")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Replies can go only 5 levels deep" in html
    assert "Too deep a reply." in html
    assert Comment.objects.count() == 5


@override_settings(COMMENTS_MAX_DEPTH=5)
def test_a_reply_on_the_last_allowed_level_is_accepted(client, review):
    fourth = chain(review, 4)[-1]
    response = post_comment(client, review, parent=str(fourth.pk), comment="Just deep enough.")
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get(parent=fourth).depth == 4


def test_a_reply_on_a_closed_review_is_refused(client):
    review = ReviewFactory(comments_open=False)
    parent = CommentFactory(review=review)
    response = post_comment(client, review, parent=str(parent.pk), comment="Closed words.")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Comments are closed." in html
    assert "Closed words." in html
    assert Comment.objects.count() == 1


def test_a_reply_cannot_carry_a_rating(client, review):
    parent = CommentFactory(review=review)
    response = post_comment(client, review, parent=str(parent.pk), rating="8")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Only a top-level comment can rate the film." in response.content.decode()
    assert Comment.objects.count() == 1


def test_the_reply_link_works_without_javascript(client, review):
    parent = CommentFactory(review=review, name="Grace")
    url = review.get_absolute_url()
    page = client.get(url).content.decode()
    assert f'href="?replytocom={parent.pk}#respond"' in page
    html = client.get(url, {"replytocom": parent.pk}).content.decode()
    respond = html[html.index('id="respond"') :]
    assert ">Reply to Grace<" in respond
    assert ">Leave a Reply<" not in respond
    assert f'<a id="cancel-comment-reply-link" rel="nofollow" href="{url}#respond">' in respond
    assert field_value(respond, "parent") == str(parent.pk)
    # A reader rates the film only with a top-level comment.
    assert re.search(r'class="comment-form-rating"\s+hidden>', respond)


@pytest.mark.parametrize("value", ["abc", "999999", "", "1e3", "-4"])
def test_a_bad_replytocom_value_just_shows_the_normal_form(client, review, value):
    CommentFactory(review=review)
    response = client.get(review.get_absolute_url(), {"replytocom": value})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert ">Leave a Reply<" in html
    assert field_value(html, "parent") == ""


def test_replytocom_of_a_pending_comment_shows_the_normal_form(client, review):
    pending = CommentFactory(review=review, status=Comment.Status.PENDING)
    html = client.get(review.get_absolute_url(), {"replytocom": pending.pk}).content.decode()
    assert ">Leave a Reply<" in html
    assert field_value(html, "parent") == ""


@override_settings(COMMENTS_RATE_LIMIT=50)  # five posts in a row from one address
def test_a_thread_posted_through_the_form_nests_in_order(client, review, monkeypatch):
    # Approve at once so each reply can answer the previous one.
    from comments import moderation

    monkeypatch.setattr(
        moderation, "initial_status", lambda **kwargs: (Comment.Status.APPROVED, "")
    )
    post_comment(client, review, comment="Top-level thought.")
    top = Comment.objects.get()
    parent = top
    for level in range(1, 4):
        post_comment(client, review, parent=str(parent.pk), comment=f"Reply level {level}.")
        parent = Comment.objects.get(parent=parent)
    post_comment(client, review, comment="A second top-level thought.", email="b@example.net")
    ids = list(Comment.objects.order_by("pk").values_list("pk", flat=True))
    html = client.get(review.get_absolute_url()).content.decode()
    assert comment_tree(html) == [
        (ids[0], [(ids[1], [(ids[2], [(ids[3], [])])])]),
        (ids[4], []),
    ]
