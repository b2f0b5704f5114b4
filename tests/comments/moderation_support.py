"""Helpers for the moderation tests: post a comment the way a browser does, read what a fresh
visitor sees."""

from django.test import Client
from django.urls import reverse

from comments import spam

READER_IP = "203.0.113.7"


def form_data(**overrides):
    """What the comment form sends, with a valid signed timestamp and an empty honeypot."""
    data = {
        "comment": "A thoughtful comment about the film.",
        "name": "Ada Reader",
        "email": "ada@example.net",
        "url": "",
        "parent": "",
        spam.HONEYPOT_FIELD: "",
        spam.TIMESTAMP_FIELD: spam.issue_timestamp(),
    }
    data.update(overrides)
    return data


def post_comment(client, review, *, ip=READER_IP, **overrides):
    return client.post(
        reverse("comments:post", kwargs={"slug": review.slug}),
        form_data(**overrides),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 (test browser)",
    )


def public_page(review):
    """The review page as a new visitor with no cookies sees it."""
    return Client().get(review.get_absolute_url()).content.decode()


def visible_to_public(review, comment) -> bool:
    return f'id="comment-{comment.pk}"' in public_page(review)
