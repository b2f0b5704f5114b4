"""A comment marked "contains spoilers" keeps its body hidden until the reader opens it."""

import re
from http import HTTPStatus

import pytest
from django.test import override_settings
from django.urls import reverse

from comments.models import Comment
from tests.comments.commenting import field_value, input_tag, post_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

SPOILER_RE = re.compile(
    r'<details class="spoiler[^"]*"><summary>Show spoilers</summary>(.*?)</details>', re.S
)


def test_the_form_offers_a_spoilers_checkbox_after_the_website_and_rating(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    respond = html[html.index('id="respond"') :]
    tag = input_tag(respond, "spoilers")
    assert 'type="checkbox"' in tag
    assert "checked" not in tag
    assert re.search(
        r'<label[^>]*for="id_spoilers"[^>]*>\s*This comment contains spoilers', respond
    )
    assert respond.index('name="url"') < respond.index('name="rating"')
    assert respond.index('name="rating"') < respond.index('name="spoilers"')


@override_settings(COMMENTS_MODERATION="none")
def test_a_comment_with_spoilers_hides_its_body_behind_show_spoilers(client, review):
    post_comment(client, review, comment="The OS leaves him in the end.", spoilers="on")
    comment = Comment.objects.get()
    assert comment.has_spoilers
    html = client.get(review.get_absolute_url()).content.decode()
    article = html[html.index(f'id="div-comment-{comment.pk}"') :]
    hidden = SPOILER_RE.search(article)
    assert hidden is not None
    assert "The OS leaves him in the end." in hidden.group(1)


@override_settings(COMMENTS_MODERATION="none")
def test_a_comment_without_spoilers_is_shown_openly(client, review):
    post_comment(client, review, comment="Lovely photography.")
    assert not Comment.objects.get().has_spoilers
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Lovely photography." in html
    assert "Show spoilers" not in html


def test_spoiler_bodies_are_still_escaped(client, review):
    CommentFactory(review=review, body="<script>alert(1)</script> twist", has_spoilers=True)
    html = client.get(review.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; twist" in SPOILER_RE.search(html).group(1)


def test_a_refused_post_keeps_the_spoilers_box_ticked(client, review):
    response = post_comment(client, review, name="", spoilers="on")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "checked" in input_tag(response.content.decode(), "spoilers")


@override_settings(COMMENTS_MODERATION="none")
def test_the_writer_can_mark_spoilers_while_editing(client, review):
    post_comment(client, review, comment="He ends up alone.")
    comment = Comment.objects.get()
    edit = reverse("comments:edit", kwargs={"pk": comment.pk})
    assert "checked" not in input_tag(client.get(edit).content.decode(), "spoilers")
    client.post(edit, {"comment": "He ends up alone.", "spoilers": "on"})
    comment.refresh_from_db()
    assert comment.has_spoilers
    page = client.get(edit).content.decode()
    assert "checked" in input_tag(page, "spoilers")
    assert field_value(page, "comment") == "He ends up alone."
    html = client.get(review.get_absolute_url()).content.decode()
    assert "He ends up alone." in SPOILER_RE.search(html).group(1)
