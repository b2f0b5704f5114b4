"""Helpers for the moderation tests: post a comment the way a browser does, read what a fresh
visitor sees."""

from django.test import Client

from tests.comments import commenting

READER_IP = "203.0.113.7"


def post_comment(client, review, *, ip=READER_IP, **overrides):
    return commenting.post_comment(client, review, ip=ip, **overrides)


def public_page(review):
    """The review page as a new visitor with no cookies sees it."""
    return Client().get(review.get_absolute_url()).content.decode()


def visible_to_public(review, comment) -> bool:
    return f'id="comment-{comment.pk}"' in public_page(review)
