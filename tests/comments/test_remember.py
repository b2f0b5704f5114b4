"""Remember-me (only with consent) and the writer's own held comment (only in their session)."""

import re
from http import HTTPStatus

import pytest
from django.test import Client

from comments.identity import REMEMBER_COOKIE
from comments.models import Comment
from tests.comments.commenting import field_value, input_tag, post_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

AWAITING = "Your comment is awaiting moderation."


def heading(html):
    return re.search(r'<h2 id="comments-title"[^>]*>(.*?)</h2>', html).group(1)


def test_nothing_is_remembered_without_consent(client, review):
    response = post_comment(client, review, url="https://ada.example.org/")
    assert response.status_code == HTTPStatus.FOUND
    assert REMEMBER_COOKIE not in response.cookies
    html = client.get(review.get_absolute_url()).content.decode()
    assert field_value(html, "name") == ""
    assert field_value(html, "email") == ""
    assert "ada@example.net" not in html.split('id="respond"')[1]


def test_with_consent_name_email_and_website_are_kept_in_a_signed_httponly_cookie(client, review):
    response = post_comment(client, review, remember="on", url="https://ada.example.org/")
    cookie = response.cookies[REMEMBER_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    assert "ada@example.net" not in cookie.value  # signed and encoded, not plain text
    html = client.get(review.get_absolute_url()).content.decode()
    assert field_value(html, "name") == "Ada Reader"
    assert field_value(html, "email") == "ada@example.net"
    assert field_value(html, "url") == "https://ada.example.org/"
    assert "checked" in input_tag(html, "remember")


def test_unticking_the_box_forgets_the_reader(client, review):
    post_comment(client, review, remember="on")
    response = post_comment(client, review, comment="A second, different comment.")
    assert response.status_code == HTTPStatus.FOUND
    cookie = response.cookies[REMEMBER_COOKIE]
    assert cookie.value == ""
    assert cookie["max-age"] == 0
    html = client.get(review.get_absolute_url()).content.decode()
    assert field_value(html, "name") == ""
    assert "checked" not in input_tag(html, "remember")


def test_a_tampered_remember_cookie_is_ignored(client, review):
    client.cookies[REMEMBER_COOKIE] = "eyJuYW1lIjoiRXZlIn0:forged:signature"
    response = client.get(review.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert field_value(response.content.decode(), "name") == ""


def test_a_failed_post_does_not_touch_the_cookie(client, review):
    response = post_comment(client, review, remember="on", email="not-an-email")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert REMEMBER_COOKIE not in response.cookies


def test_a_held_comment_is_shown_to_its_writer_only(client, review):
    CommentFactory(review=review)
    response = post_comment(client, review, comment="My held opinion, in place.")
    held = Comment.objects.get(status=Comment.Status.PENDING)
    landing = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="comment-{held.pk}"' in landing
    assert AWAITING in landing
    assert "My held opinion, in place." in landing
    # Counted for its writer alone, and said to be theirs and held.
    assert heading(landing) == "2 Comments (1 of them yours, awaiting moderation)"

    stranger = Client().get(review.get_absolute_url()).content.decode()
    assert f'id="comment-{held.pk}"' not in stranger
    assert AWAITING not in stranger
    assert "My held opinion, in place." not in stranger
    assert heading(stranger) == "1 Comment"


def test_the_writer_sees_no_reply_link_on_their_own_held_comment(client, review):
    post_comment(client, review, comment="Waiting for approval.")
    held = Comment.objects.get()
    html = client.get(review.get_absolute_url()).content.decode()
    own = re.search(rf'<article id="div-comment-{held.pk}".*?</article>', html, re.S).group(0)
    assert "comment-reply-link" not in own


def test_once_approved_everybody_sees_it_without_the_notice(client, review):
    post_comment(client, review, comment="Approved later.")
    held = Comment.objects.get()
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.APPROVED)
    for html in (
        client.get(review.get_absolute_url()).content.decode(),
        Client().get(review.get_absolute_url()).content.decode(),
    ):
        assert f'id="comment-{held.pk}"' in html
        assert AWAITING not in html


def test_a_comment_held_then_marked_spam_disappears_for_its_writer_too(client, review):
    post_comment(client, review, comment="Will be spam.")
    held = Comment.objects.get()
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.SPAM)
    assert f'id="comment-{held.pk}"' not in client.get(review.get_absolute_url()).content.decode()
