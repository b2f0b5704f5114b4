"""Readers report a comment; enough reports send it back to the moderation queue."""

import hashlib
import importlib
import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import identity
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


def report_button(html, comment):
    """The Report button in the comment's own <article>, or None."""
    start = html.index(f'id="div-comment-{comment.pk}"')
    article = html[start : html.index("</article>", start)]
    match = re.search(r'<button[^>]*class="comment-report-button"[^>]*>', article)
    return match.group(0) if match else None


def test_each_approved_comment_has_a_report_button_in_its_own_article(client, review):
    comment = CommentFactory(review=review)
    other = CommentFactory(review=review)
    html = client.get(review.get_absolute_url()).content.decode()
    button = report_button(html, comment)
    assert button is not None
    assert 'type="submit"' in button and 'aria-label="Report the comment by' in button
    assert f'name="comment" value="{comment.pk}"' in button
    assert f'value="{other.pk}"' in report_button(html, other)
    # The buttons submit the page's one report form (form="report-form"), which carries the
    # CSRF token once rather than once per comment; it works without JavaScript.
    assert 'form="report-form"' in button
    forms = re.findall(r'<form id="report-form"[^>]*>(.*?)</form>', html, re.S)
    assert len(forms) == 1
    assert 'method="post"' in html and f'action="{reverse("comments:report_posted")}"' in html
    assert forms[0].count('name="csrfmiddlewaretoken"') == 1
    assert html.count('name="csrfmiddlewaretoken"') == 2  # the report form and the comment form


def test_the_page_report_form_reports_the_comment_whose_button_was_pressed(client, review):
    comment = CommentFactory(review=review)
    CommentFactory(review=review)
    response = client.post(
        reverse("comments:report_posted"), {"comment": str(comment.pk)}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert THANKS in client.get(response["Location"]).content.decode()
    assert CommentReport.objects.get().comment == comment


@pytest.mark.parametrize("value", ["", "abc", "99999999", "-1"])
def test_the_page_report_form_without_a_known_comment_is_a_404(client, review, value):
    CommentFactory(review=review)
    response = client.post(reverse("comments:report_posted"), {"comment": value})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not CommentReport.objects.exists()


def test_a_thread_with_nothing_to_report_has_no_report_form(client, review):
    CommentFactory(review=review, status=Comment.Status.PENDING)
    html = client.get(review.get_absolute_url()).content.decode()
    assert 'id="report-form"' not in html


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
    response = Client(enforce_csrf_checks=True).post(
        reverse("comments:report_posted"), {"comment": comment.pk}
    )
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
    assert report_button(html, comment) is None
    assert report_button(Client().get(review.get_absolute_url()).content.decode(), comment)


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


# --- one reporter counts once (issue 10: three cookie-less sessions took any comment down)

TOO_MANY = "Many reports came from your network in a short time"


def test_three_cookieless_sessions_from_one_network_count_as_one_reporter(review):
    comment = CommentFactory(review=review, body="An unpopular but fair opinion.")

    for _ in range(3):
        browser = Client()  # a fresh session each time, no cookies kept
        response = report(browser, comment, ip="203.0.113.9")
        assert THANKS in browser.get(response["Location"]).content.decode()

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert CommentReport.objects.count() == 1
    assert (
        "An unpopular but fair opinion." in Client().get(review.get_absolute_url()).content.decode()
    )


def test_three_readers_on_three_networks_still_send_it_to_the_queue(review):
    comment = CommentFactory(review=review)

    for ip in ("203.0.113.9", "198.51.100.4", "2001:db8:5::1"):
        report(Client(), comment, ip=ip)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "Reported by readers"


def test_addresses_of_one_ipv6_network_are_one_reporter(review):
    # A subscriber line holds a whole /64: a new address in it is not a new reader.
    comment = CommentFactory(review=review)

    for n in range(3):
        report(Client(), comment, ip=f"2001:db8:1:2::{n + 1:x}")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert CommentReport.objects.count() == 1


def test_one_browser_moving_between_networks_counts_once(client, review):
    comment = CommentFactory(review=review)
    report(client, comment, ip="203.0.113.9")

    response = report(client, comment, ip="198.51.100.4")

    assert ALREADY in client.get(response["Location"]).content.decode()
    assert CommentReport.objects.count() == 1


def test_reports_keep_keyed_hashes_of_the_network_and_the_browser(client, review):
    comment = CommentFactory(review=review)
    report(client, comment, ip="203.0.113.9")

    stored = CommentReport.objects.get()
    assert len(stored.ip_hash) == 64 and len(stored.reporter_hash) == 64
    # Keyed: not a plain hash anyone could recompute from an address.
    assert stored.ip_hash != hashlib.sha256(b"203.0.113.9").hexdigest()
    reporter_id = client.session[identity.REPORTER_SESSION_KEY]
    assert reporter_id not in stored.reporter_hash
    assert stored.reporter_hash != hashlib.sha256(reporter_id.encode()).hexdigest()


def test_a_reporter_still_counts_once_after_the_addresses_are_purged(review):
    comment = CommentFactory(review=review)
    report(Client(), comment, ip="203.0.113.9")
    CommentReport.objects.update(created_at=timezone.now() - timedelta(days=31))
    call_command("purge_comment_ips")

    report(Client(), comment, ip="203.0.113.9")

    assert CommentReport.objects.get().ip_address is None
    assert CommentReport.objects.count() == 1


def test_the_database_takes_one_report_per_network_and_per_browser(review):
    comment, other = CommentFactory(review=review), CommentFactory(review=review)
    CommentReport.objects.create(comment=comment, ip_hash="a" * 64, reporter_hash="b" * 64)

    with pytest.raises(IntegrityError), transaction.atomic():
        CommentReport.objects.create(comment=comment, ip_hash="a" * 64, reporter_hash="c" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentReport.objects.create(comment=comment, ip_hash="d" * 64, reporter_hash="b" * 64)

    CommentReport.objects.create(comment=other, ip_hash="a" * 64, reporter_hash="b" * 64)
    # Reports from before the hashes (empty) never collide.
    CommentReport.objects.create(comment=comment)
    CommentReport.objects.create(comment=comment)
    assert CommentReport.objects.count() == 4


@override_settings(COMMENTS_REPORT_RATE_LIMIT=2)
def test_reports_are_rate_limited_per_network(review):
    comments = CommentFactory.create_batch(3, review=review)
    for comment in comments[:2]:
        report(Client(), comment, ip="203.0.113.9")

    browser = Client()
    response = report(browser, comments[2], ip="203.0.113.9")

    assert response.status_code == HTTPStatus.FOUND
    assert TOO_MANY in browser.get(response["Location"]).content.decode()
    assert CommentReport.objects.count() == 2
    # Another network is not held back by this one.
    report(Client(), comments[2], ip="198.51.100.4")
    assert CommentReport.objects.filter(comment=comments[2]).count() == 1


def test_reports_from_before_the_hashes_count_once_per_network(review):
    """The migration that added the hashes fills them from the addresses still stored."""
    migration = importlib.import_module("comments.migrations.0008_reporters")
    comment, other = CommentFactory(review=review), CommentFactory(review=review)
    for ip in ("203.0.113.9", "203.0.113.9", None, "198.51.100.4"):
        CommentReport.objects.create(comment=comment, ip_address=ip)
    CommentReport.objects.create(comment=other, ip_address="203.0.113.9")

    migration.hash_earlier_reporters(django_apps, None)

    hashed = CommentReport.objects.exclude(ip_hash="")
    assert hashed.filter(comment=comment).values("ip_hash").distinct().count() == 2
    assert hashed.filter(comment=comment).count() == 2
    assert hashed.filter(comment=other).count() == 1
    # A network that reported before the upgrade does not count a second time now.
    report(Client(), comment, ip="203.0.113.9")
    assert CommentReport.objects.filter(comment=comment).count() == 4
