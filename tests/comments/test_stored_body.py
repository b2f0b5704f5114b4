"""A comment's text is rendered to HTML once, when it is saved, and every change refreshes it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from comments.models import Comment
from comments.moderation import edit_comment
from comments.privacy import erase_email
from tests.comments.moderation_support import public_page
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def shown_body(review, comment):
    html = public_page(review)
    match = re.search(
        rf'<article id="div-comment-{comment.pk}".*?<div class="comment-content">(.*?)</div>',
        html,
        re.S,
    )
    assert match, f"comment {comment.pk} is not on the page"
    return match.group(1)


def test_the_html_is_stored_when_the_comment_is_saved(review):
    comment = CommentFactory(review=review, body="See https://example.org/ <u>now</u>.")
    stored = Comment.objects.get(pk=comment.pk).body_html
    assert '<a href="https://example.org/" rel="nofollow ugc">' in stored
    assert "&lt;u&gt;now&lt;/u&gt;" in stored and "<u>" not in stored
    assert shown_body(review, comment) == stored


def test_a_moderators_edit_shows_the_new_text(review, moderator):
    comment = CommentFactory(review=review, body="Old words.")
    edit_comment(comment=comment, body="New words, www.example.com.", moderator=moderator)
    body = shown_body(review, comment)
    assert "New words" in body and "Old words" not in body
    assert '<a href="http://www.example.com" rel="nofollow ugc">' in body


def test_saving_other_fields_keeps_the_html_and_the_text(review):
    comment = CommentFactory(review=review, body="Kept.")
    comment.held_reason = "checked"
    comment.save(update_fields=["held_reason"])
    assert "Kept." in Comment.objects.get(pk=comment.pk).body_html


def test_an_erased_comment_shows_deleted_not_its_old_text(review):
    comment = CommentFactory(review=review, email="ada@example.net", body="Secret plans.")
    erase_email("ada@example.net")
    body = shown_body(review, comment)
    assert "Secret plans" not in body
    assert "[deleted]" in body


def test_rows_saved_without_html_are_rendered_on_the_fly_and_by_the_command(review):
    (comment,) = Comment.objects.bulk_create(
        [
            Comment(
                review=review,
                name="Imported",
                email="imported@example.net",
                body="Imported <u>text</u> https://example.org/",
                status=Comment.Status.APPROVED,
            )
        ]
    )
    Comment.objects.filter(pk=comment.pk).update(path=str(comment.pk).zfill(10))
    assert Comment.objects.get(pk=comment.pk).body_html == ""
    on_the_fly = shown_body(review, comment)
    assert "&lt;u&gt;text&lt;/u&gt;" in on_the_fly and 'rel="nofollow ugc"' in on_the_fly

    out = StringIO()
    call_command("rerender_comment_bodies", "--missing", stdout=out)
    assert "1 comment" in out.getvalue()
    assert Comment.objects.get(pk=comment.pk).body_html == on_the_fly
    assert shown_body(review, comment) == on_the_fly
    out = StringIO()
    call_command("rerender_comment_bodies", stdout=out)
    assert "0 comment" in out.getvalue()  # nothing changed: nothing written
