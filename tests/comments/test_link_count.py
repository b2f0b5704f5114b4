"""The link limit counts what a reader pasted as links, each once."""

import pytest
from django.test import override_settings

from comments.models import Comment
from tests.comments.moderation_support import post_comment

pytestmark = pytest.mark.django_db


@override_settings(COMMENTS_MAX_LINKS=1)
def test_a_pasted_html_link_counts_once_not_for_its_address_and_its_text(client, review):
    # Issue 14: <a href="X">X</a> counted twice, holding a comment with one link.
    body = 'My write-up: <a href="https://blog.example/her">https://blog.example/her</a>'
    post_comment(client, review, comment=body)

    assert "link" not in Comment.objects.get().held_reason


@override_settings(COMMENTS_MAX_LINKS=1)
def test_two_pasted_html_links_still_go_over_a_limit_of_one(client, review):
    body = (
        '<a href="https://one.example/">https://one.example/</a> and '
        '<a href="https://two.example/">the other one</a>'
    )
    post_comment(client, review, comment=body)

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "Contains 2 links (more than 1)"
