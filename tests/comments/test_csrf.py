"""An expired session or CSRF token must not throw away what the reader wrote."""

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils.html import escape

from comments.models import Comment
from comments.views.posting import EXPIRED_MESSAGE
from tests.comments.commenting import field_value, form_data, post_url
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_a_post_without_a_valid_token_comes_back_with_the_text_and_a_fresh_token(review):
    client = csrf_client()
    typed = form_data(
        comment="A long comment I wrote while my session expired.",
        url="https://ada.example.org/",
    )
    response = client.post(post_url(review), {**typed, "csrfmiddlewaretoken": "expired-token"})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert escape(EXPIRED_MESSAGE) in html
    assert field_value(html, "comment") == typed["comment"]
    assert field_value(html, "name") == "Ada Reader"
    assert field_value(html, "email") == "ada@example.net"
    assert field_value(html, "url") == "https://ada.example.org/"
    assert Comment.objects.count() == 0

    # The page's fresh token works: posting the form again succeeds.
    token = field_value(html, "csrfmiddlewaretoken")
    assert token
    data = {
        name: field_value(html, name) or ""
        for name in ("comment", "name", "email", "url", "parent", "timestamp", "honeypot")
    }
    again = client.post(post_url(review), {**data, "csrfmiddlewaretoken": token})
    assert again.status_code == HTTPStatus.FOUND
    assert Comment.objects.get().body == typed["comment"]


def test_an_expired_reply_keeps_its_parent(review):
    parent = CommentFactory(review=review, name="Grace")
    response = csrf_client().post(
        post_url(review), form_data(parent=str(parent.pk), comment="My reply to Grace.")
    )
    html = response.content.decode()
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Reply to Grace" in html
    assert field_value(html, "parent") == str(parent.pk)
    assert "My reply to Grace." in html


def test_other_csrf_failures_get_djangos_page(review):
    response = csrf_client().post("/search/", {"q": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "CSRF" in response.content.decode()
    assert 'id="commentform"' not in response.content.decode()


def test_a_csrf_failure_on_an_unknown_review_gets_djangos_page():
    response = csrf_client().post("/reviews/no-such-review/comments/", form_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not re.search(r'name="comment"', response.content.decode())
