"""A reader edits or deletes their own comment for a few minutes, from the same browser."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import BlocklistEntry, Comment, ModerationLog
from tests.comments.commenting import field_value, form_data, post_comment, post_url
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def edit_url(comment):
    return reverse("comments:edit", kwargs={"pk": comment.pk})


def delete_url(comment):
    return reverse("comments:delete", kwargs={"pk": comment.pk})


def post_own(client, review, **overrides):
    with override_settings(COMMENTS_MODERATION="none"):
        response = post_comment(client, review, **overrides)
    assert response.status_code == HTTPStatus.FOUND
    return Comment.objects.latest("pk")


def comment_html(html, comment):
    start = html.index(f'id="div-comment-{comment.pk}"')
    return html[start : html.index("</article>", start)]


def test_the_writer_sees_edit_and_delete_links_on_their_comment(client, review):
    comment = post_own(client, review)
    own = comment_html(client.get(review.get_absolute_url()).content.decode(), comment)
    assert f'href="{edit_url(comment)}"' in own
    assert f'href="{delete_url(comment)}"' in own
    assert ">Edit<" in own and ">Delete<" in own


def test_other_visitors_see_no_edit_or_delete_links(client, review):
    comment = post_own(client, review)
    html = Client().get(review.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert edit_url(comment) not in html
    assert delete_url(comment) not in html


def test_the_links_disappear_after_the_edit_window(client, review):
    comment = post_own(client, review)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    html = client.get(review.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert edit_url(comment) not in html


def test_the_edit_page_shows_the_text_and_saving_changes_it_with_an_edited_mark(client, review):
    comment = post_own(client, review, comment="Fisrt thoughts.")
    page = client.get(edit_url(comment))
    assert page.status_code == HTTPStatus.OK
    assert field_value(page.content.decode(), "comment") == "Fisrt thoughts."

    response = client.post(edit_url(comment), {"comment": "First thoughts."})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    html = client.get(response["Location"]).content.decode()
    own = comment_html(html, comment)
    assert "First thoughts." in own
    assert "Fisrt" not in own
    assert "(edited)" in own
    assert "Your comment was updated." in html
    comment.refresh_from_db()
    assert comment.edited_at is not None
    assert comment.status == Comment.Status.APPROVED
    # The old text stays in the audit trail for the moderators.
    assert ModerationLog.objects.filter(comment=comment, action="edit").get().note == (
        "Fisrt thoughts."
    )


def test_an_unedited_comment_shows_no_edited_mark(client, review):
    comment = post_own(client, review)
    own = comment_html(client.get(review.get_absolute_url()).content.decode(), comment)
    assert "(edited)" not in own


def test_an_edit_that_is_too_long_is_refused_and_keeps_the_text(client, review):
    comment = post_own(client, review, comment="Short.")
    long_text = "Long words. " * 600
    with override_settings(COMMENTS_MAX_LENGTH=5000):
        response = client.post(edit_url(comment), {"comment": long_text})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "the limit is 5,000" in html
    assert field_value(html, "comment") == long_text
    comment.refresh_from_db()
    assert comment.body == "Short."


def test_an_empty_edit_is_refused_with_a_message(client, review):
    comment = post_own(client, review, comment="Keep me.")
    response = client.post(edit_url(comment), {"comment": ""})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Please write your comment" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Keep me."


@override_settings(COMMENTS_MAX_LINKS=1)
def test_an_edit_adding_too_many_links_sends_the_comment_back_to_moderation(client, review):
    comment = post_own(client, review, comment="No links here.")
    response = client.post(
        edit_url(comment), {"comment": "See https://a.example and https://b.example"}
    )
    assert response.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "Contains 2 links (more than 1)"
    html = client.get(response["Location"]).content.decode()
    assert "Your comment is awaiting moderation." in comment_html(html, comment)
    assert "now awaiting moderation" in html
    # Nobody else sees it any more.
    assert (
        f'id="comment-{comment.pk}"' not in Client().get(review.get_absolute_url()).content.decode()
    )
    assert ModerationLog.objects.filter(
        comment=comment, action="unapprove", moderator=None
    ).exists()


def test_an_edit_with_a_blocklisted_word_is_held(client, review):
    comment = post_own(client, review, comment="A fine film.")
    BlocklistEntry.objects.create(kind="word", value="viagra")
    client.post(edit_url(comment), {"comment": "A fine film. Buy viagra."})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "viagra" in comment.held_reason


def test_an_ordinary_edit_is_not_held_under_the_hold_everything_policy(client, review):
    comment = post_own(client, review, comment="A fine film.")
    with override_settings(COMMENTS_MODERATION="all"):
        client.post(edit_url(comment), {"comment": "A very fine film."})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_the_writer_can_edit_their_held_comment_too(client, review):
    post_comment(client, review, comment="Held for now.")  # first-time: held
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.PENDING
    client.post(edit_url(comment), {"comment": "Held, and fixed."})
    comment.refresh_from_db()
    assert comment.body == "Held, and fixed."
    assert comment.status == Comment.Status.PENDING


def test_deleting_asks_first_then_removes_the_comment_reversibly(client, review):
    comment = post_own(client, review, comment="Regrettable remark.")
    page = client.get(delete_url(comment))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Regrettable remark." in html
    assert re.search(r'<form[^>]*method="post"[^>]*action="' + delete_url(comment), html)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED  # a GET changes nothing

    response = client.post(delete_url(comment))
    assert response.status_code == HTTPStatus.FOUND
    html = client.get(response["Location"]).content.decode()
    assert "Regrettable remark." not in html
    assert "Your comment was deleted." in html
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    log = ModerationLog.objects.get(comment=comment, action="remove")
    assert log.moderator is None
    assert log.note == "removed by its writer"
    assert log.from_status == "approved"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [edit_url, delete_url])
def test_another_browser_gets_a_friendly_403(client, review, method, url):
    comment = post_own(client, review, comment="Mine.")
    response = getattr(Client(), method)(url(comment), {"comment": "Hijacked."})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "can no longer be changed" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Mine."
    assert comment.status == Comment.Status.APPROVED


@pytest.mark.parametrize("url", [edit_url, delete_url])
def test_after_the_window_the_writer_gets_a_friendly_403(client, review, url):
    comment = post_own(client, review, comment="Mine.")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    response = client.post(url(comment), {"comment": "Too late."})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "10 minutes" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Mine."


@override_settings(COMMENTS_EDIT_WINDOW_MINUTES=30)
def test_the_window_follows_the_setting(client, review):
    comment = post_own(client, review)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    assert client.get(edit_url(comment)).status_code == HTTPStatus.OK


def test_a_deleted_comment_can_no_longer_be_edited(client, review):
    comment = post_own(client, review)
    client.post(delete_url(comment))
    assert client.get(edit_url(comment)).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)


def test_unknown_comments_are_404(client):
    assert client.get("/comments/999999/edit/").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/comments/999999/delete/").status_code == HTTPStatus.NOT_FOUND


def test_someone_elses_held_comment_is_404_not_a_hint_that_it_exists(client, review):
    held = CommentFactory(review=review, status=Comment.Status.PENDING)
    assert client.get(edit_url(held)).status_code == HTTPStatus.NOT_FOUND


def test_edit_and_delete_need_a_csrf_token(review):
    browser = Client(enforce_csrf_checks=True)
    # Post the comment with a token, as a browser does; then try without one.
    browser.get(review.get_absolute_url())
    token = browser.cookies["csrftoken"].value
    with override_settings(COMMENTS_MODERATION="none"):
        browser.post(post_url(review), form_data(csrf_token=token))
    comment = Comment.objects.latest("pk")
    assert browser.post(edit_url(comment), {"comment": "No token."}).status_code == 403
    assert browser.post(delete_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.body != "No token."


def test_the_writers_page_costs_the_same_queries_with_more_comments(
    client, review, django_assert_num_queries
):
    post_own(client, review)
    url = review.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        CommentFactory(review=review)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count(">Edit<") == 1
    assert html.count(">Report<") == 30
