"""Readers report a comment; enough reports send it back to the moderation queue."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentReport, ModerationLog
from tests.comments.commenting import post_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

THANKS = "Thank you. A moderator will look at this comment."
ALREADY = "You already reported this comment."


def report_url(comment):
    return reverse("comments:report", kwargs={"pk": comment.pk})


def report(client, comment, ip="203.0.113.9", **data):
    return client.post(report_url(comment), data, REMOTE_ADDR=ip)


def test_each_approved_comment_has_a_report_button_in_its_own_article(client, review):
    comment = CommentFactory(review=review)
    html = client.get(review.get_absolute_url()).content.decode()
    start = html.index(f'id="div-comment-{comment.pk}"')
    article = html[start : html.index("</article>", start)]
    form = re.search(r'<form[^>]*class="comment-report-form"[^>]*>(.*?)</form>', article, re.S)
    assert form is not None
    assert 'method="post"' in form.group(0)
    assert f'action="{report_url(comment)}"' in form.group(0)
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert re.search(r'<button type="submit"[^>]*aria-label="Report the comment by', form.group(1))


def test_reporting_thanks_the_reader_and_goes_back_to_the_comment(client, review):
    comment = CommentFactory(review=review)
    response = report(client, comment, reason="Rude.")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    html = client.get(response["Location"]).content.decode()
    assert THANKS in html
    stored = CommentReport.objects.get()
    assert stored.comment == comment
    assert stored.ip_address == "203.0.113.9"
    assert stored.reason == "Rude."
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED  # one report is not enough


def test_a_second_report_from_the_same_browser_is_a_no_op(client, review):
    comment = CommentFactory(review=review)
    report(client, comment)
    response = report(client, comment)
    assert ALREADY in client.get(response["Location"]).content.decode()
    assert CommentReport.objects.count() == 1


def test_enough_reports_send_the_comment_back_to_the_queue(client, review, moderator):
    comment = CommentFactory(review=review, body="Offensive remark.")
    for n in range(3):
        report(Client(), comment, ip=f"203.0.113.{n + 1}")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "Reported by readers"
    log = ModerationLog.objects.get(comment=comment)
    assert (log.action, log.moderator, log.to_status) == ("unapprove", None, "pending")
    assert "Offensive remark." not in client.get(review.get_absolute_url()).content.decode()

    client.force_login(moderator)
    queue = client.get(reverse("moderation:queue")).content.decode()
    assert "Offensive remark." in queue
    assert "Reported by readers" in queue
    assert "Reported by 3 readers" in queue


@override_settings(COMMENTS_REPORTS_TO_HOLD=1)
def test_the_threshold_follows_the_setting(client, review):
    comment = CommentFactory(review=review)
    response = report(client, comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    # The comment is gone from the page: back to the comments, with the thanks.
    assert response["Location"].endswith("#comments")
    assert THANKS in client.get(response["Location"]).content.decode()


def test_the_queue_shows_no_report_line_for_unreported_comments(client, review, moderator):
    CommentFactory(review=review, status=Comment.Status.PENDING, body="Waiting.")
    client.force_login(moderator)
    queue = client.get(reverse("moderation:queue")).content.decode()
    assert "Waiting." in queue
    assert "Reported by" not in queue


def test_the_queue_costs_the_same_queries_with_reported_comments(
    client, review, moderator, django_assert_num_queries
):
    client.force_login(moderator)
    url = reverse("moderation:queue")
    CommentFactory(review=review, status=Comment.Status.PENDING)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(10):
        held = CommentFactory(review=review, status=Comment.Status.PENDING)
        CommentReport.objects.create(comment=held)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("Reported by 1 reader<") == 10


def test_report_is_post_only(client, review):
    comment = CommentFactory(review=review)
    assert client.get(report_url(comment)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_report_needs_a_csrf_token(review):
    comment = CommentFactory(review=review)
    response = Client(enforce_csrf_checks=True).post(report_url(comment))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not CommentReport.objects.exists()


@pytest.mark.parametrize("status", ["spam", "removed"])
def test_hidden_or_unknown_comments_cannot_be_reported(client, review, status):
    hidden = CommentFactory(review=review, status=status)
    assert report(client, hidden).status_code == HTTPStatus.NOT_FOUND
    assert client.post("/comments/99999999/report/").status_code == HTTPStatus.NOT_FOUND
    assert not CommentReport.objects.exists()


@override_settings(COMMENTS_MODERATION="none")
def test_the_writer_sees_no_report_button_on_their_own_comment(client, review):
    post_comment(client, review)
    comment = Comment.objects.get()
    html = client.get(review.get_absolute_url()).content.decode()
    assert report_url(comment) not in html
    assert report_url(comment) in Client().get(review.get_absolute_url()).content.decode()


def test_an_overlong_reason_is_cut_not_refused(client, review):
    comment = CommentFactory(review=review)
    assert report(client, comment, reason="x" * 5000).status_code == HTTPStatus.FOUND
    assert len(CommentReport.objects.get().reason) == 300


def test_report_ip_addresses_are_cleared_with_the_comment_ips(client, review):
    comment = CommentFactory(review=review)
    report(client, comment)
    CommentReport.objects.update(created_at=timezone.now() - timedelta(days=31))
    call_command("purge_comment_ips")
    assert CommentReport.objects.get().ip_address is None


def test_moderators_can_read_reports_in_the_admin(client, moderator):
    client.force_login(moderator)
    response = client.get("/admin/comments/commentreport/")
    assert response.status_code == HTTPStatus.OK
