"""Privacy requests (export, erase) from the shell and the admin, and IP retention."""

import json
from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationLog, Subscription, VerifiedEmail
from comments.moderation import edit_comment
from tests.comments.moderation_support import public_page
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

EMAIL = "ada@example.net"


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def ada(review, moderator):
    """Two comments by Ada (one typed in capitals), her subscription and verified address."""
    first = CommentFactory(
        review=review,
        name="Ada Lovelace",
        email=EMAIL,
        url="https://ada.example/",
        body="Ada's first thoughts.",
        ip_address="192.0.2.10",
        user_agent="AdaBrowser/1.0",
        rating=9,
    )
    second = CommentFactory(
        review=review,
        name="Ada",
        email="ADA@Example.net",
        body="Ada's second thoughts.",
        status="pending",
    )
    Subscription.objects.create(comment=first, email=EMAIL, confirmed_at=timezone.now())
    VerifiedEmail.objects.create(email=EMAIL)
    edit_comment(comment=first, body="Ada's first thoughts, tidied.", moderator=moderator)
    return first, second


@pytest.fixture
def bob_reply(review, ada):
    return CommentFactory(
        review=review,
        parent=ada[0],
        name="Bob Builder",
        email="bob@example.net",
        body="Bob agrees.",
    )


# --- export


def test_export_prints_everything_stored_about_an_address(ada, bob_reply, review):
    data = json.loads(run("comment_data", "export", "Ada@example.NET"))

    assert [c["id"] for c in data["comments"]] == [ada[0].pk, ada[1].pk]
    first = data["comments"][0]
    assert first["review"] == review.headline
    assert first["body"] == "Ada's first thoughts, tidied."
    assert first["earlier_versions"][0]["body"] == "Ada's first thoughts."
    assert first["name"] == "Ada Lovelace" and first["website"] == "https://ada.example/"
    assert first["ip_address"] == "192.0.2.10" and first["user_agent"] == "AdaBrowser/1.0"
    assert first["status"] == "approved" and first["rating"] == 9
    assert first["created_at"]
    assert data["comments"][1]["status"] == "pending"
    assert data["subscriptions"][0]["comment_id"] == ada[0].pk
    assert data["subscriptions"][0]["confirmed_at"]
    assert data["verified_email"]["email"] == EMAIL
    assert "bob@example.net" not in json.dumps(data) and "Bob agrees." not in json.dumps(data)


def test_export_of_an_unknown_address_is_empty_json():
    data = json.loads(run("comment_data", "export", "nobody@example.net"))

    assert data["comments"] == [] and data["subscriptions"] == []
    assert data["verified_email"] is None


def test_command_refuses_something_that_is_not_an_email():
    with pytest.raises(CommandError, match="not an email address"):
        run("comment_data", "export", "not-an-email")


# --- erase


def test_erase_anonymises_the_comments_and_deletes_subscriptions_and_verification(
    ada, bob_reply, moderator
):
    output = run("comment_data", "erase", EMAIL, interactive=False)

    assert "Erased 2 comment(s), 1 subscription(s) and 1 verified address(es)" in output
    for comment in Comment.objects.filter(pk__in=[ada[0].pk, ada[1].pk]):
        assert comment.is_erased
        assert (comment.name, comment.body, comment.url) == ("[deleted]", "[deleted]", "")
        assert comment.email.endswith(".invalid")
        assert comment.ip_address is None and comment.user_agent == ""
        assert comment.rating is None
    assert not Subscription.objects.exists()
    assert not VerifiedEmail.objects.exists()
    assert ModerationLog.objects.filter(action="erase").count() == 2
    # The edit log kept Ada's earlier wording: gone too.
    assert not ModerationLog.objects.filter(note__icontains="Ada").exists()
    bob_reply.refresh_from_db()
    assert (bob_reply.name, bob_reply.body, bob_reply.is_erased) == (
        "Bob Builder",
        "Bob agrees.",
        False,
    )


def test_after_erasure_nothing_of_the_address_remains_to_export(ada):
    run("comment_data", "erase", EMAIL, interactive=False)

    data = json.loads(run("comment_data", "export", EMAIL))

    assert data["comments"] == [] and data["subscriptions"] == [] and data["verified_email"] is None


def test_erased_thread_keeps_its_shape_for_readers(ada, bob_reply, review):
    run("comment_data", "erase", EMAIL, interactive=False)

    page = public_page(review)

    assert f'id="comment-{ada[0].pk}"' in page
    assert "[deleted]" in page
    assert "Ada Lovelace" not in page and "first thoughts" not in page
    parent_at = page.index(f'id="comment-{ada[0].pk}"')
    assert page.index(f'id="comment-{bob_reply.pk}"') > parent_at  # the reply stays under it
    assert "Bob agrees." in page


def test_erase_asks_first_and_a_no_changes_nothing(ada, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled"):
        run("comment_data", "erase", EMAIL)

    assert Comment.objects.filter(email__iexact=EMAIL, is_erased=False).count() == 2


def test_erase_goes_ahead_when_the_operator_types_yes(ada, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")

    run("comment_data", "erase", EMAIL)

    assert not Comment.objects.filter(email__iexact=EMAIL).exists()


# --- the same from the admin


CHANGELIST = reverse("admin:comments_comment_changelist")


def test_admin_export_action_downloads_json_for_the_selected_commenters(ada, client, moderator):
    client.force_login(moderator)

    response = client.post(
        CHANGELIST,
        {"action": "export_commenter_data", "_selected_action": [ada[1].pk], "index": "0"},
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert {c["id"] for c in data["comments"]} == {ada[0].pk, ada[1].pk}


def test_admin_erase_action_asks_for_confirmation_then_erases(ada, bob_reply, client, moderator):
    client.force_login(moderator)
    selected = {"action": "erase_commenter_data", "_selected_action": [ada[0].pk]}

    confirm = client.post(CHANGELIST, {**selected, "index": "0"})

    assert confirm.status_code == HTTPStatus.OK
    assert "This cannot be undone" in confirm.content.decode()
    assert not Comment.objects.filter(is_erased=True).exists()

    done = client.post(CHANGELIST, {**selected, "confirm": "yes"}, follow=True)

    assert "Erased 2 comment(s) from 1 email address(es)" in done.content.decode()
    assert Comment.objects.filter(is_erased=True).count() == 2
    assert ModerationLog.objects.filter(action="erase", moderator=moderator).count() == 2
    assert not Comment.objects.get(pk=bob_reply.pk).is_erased


def test_authors_cannot_use_the_privacy_actions(ada, client, review):
    client.force_login(review.author.user)

    response = client.post(
        CHANGELIST,
        {"action": "erase_commenter_data", "_selected_action": [ada[0].pk], "confirm": "yes"},
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Comment.objects.filter(is_erased=True).exists()


# --- IP retention


def _aged(days, **kwargs):
    comment = CommentFactory(ip_address="192.0.2.99", user_agent="Browser/1.0", **kwargs)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))
    return comment


def test_purge_clears_ip_and_user_agent_after_the_retention_period(review):
    old, recent = _aged(31, review=review), _aged(29, review=review)

    output = run("purge_comment_ips")

    assert "Cleared the IP address and user agent of 1 comment(s) older than 30 day(s)." in output
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None and old.user_agent == ""
    assert recent.ip_address == "192.0.2.99" and recent.user_agent == "Browser/1.0"
    assert old.body and old.status == "approved"  # nothing else changes


@override_settings(COMMENTS_IP_RETENTION_DAYS=7)
def test_retention_period_is_a_setting_and_the_command_can_be_rerun(review):
    _aged(8, review=review)

    assert "of 1 comment(s) older than 7 day(s)" in run("purge_comment_ips")
    assert "of 0 comment(s)" in run("purge_comment_ips")


def test_purge_days_can_be_given_on_the_command_line(review):
    _aged(3, review=review)

    assert "of 1 comment(s) older than 2 day(s)" in run("purge_comment_ips", days=2)


def test_a_fresh_comment_keeps_its_ip_for_spam_control(review):
    comment = _aged(0, review=review)

    run("purge_comment_ips")

    comment.refresh_from_db()
    assert comment.ip_address == "192.0.2.99"
