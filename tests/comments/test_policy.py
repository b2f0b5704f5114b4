"""The moderation policy for new comments, through the real posting flow."""

import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from comments import identity, moderation, tokens
from comments.models import BlocklistEntry, Comment, VerifiedEmail
from tests.comments.moderation_support import post_comment, visible_to_public
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK_BODY = "See https://one.example, http://two.example and www.three.example for more."


def latest():
    return Comment.objects.latest("pk")


def approve(comment, moderator):
    moderation.apply_action(comments=[comment], action="approve", moderator=moderator)


# --- each policy value


def test_first_time_commenter_is_held_under_the_default_policy(client, review):
    response = post_comment(client, review)

    assert response.status_code == HTTPStatus.FOUND
    comment = latest()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "First comment from this commenter"
    assert not visible_to_public(review, comment)


@override_settings(COMMENTS_MODERATION="all")
def test_policy_all_holds_even_a_proven_returning_commenter(client, review, moderator):
    post_comment(client, review, comment="My first comment.")
    approve(latest(), moderator)

    post_comment(client, review, comment="My second comment.")

    second = latest()
    assert second.status == Comment.Status.PENDING
    assert second.held_reason == "Every comment is held for moderation."


@override_settings(COMMENTS_MODERATION="none")
def test_policy_none_publishes_a_strangers_comment_at_once(client, review):
    post_comment(client, review)

    comment = latest()
    assert comment.status == Comment.Status.APPROVED
    assert visible_to_public(review, comment)


# --- first-time versus returning


def test_returning_commenter_with_the_browser_proof_is_published_at_once(client, review, moderator):
    post_comment(client, review, comment="First visit.")
    first = latest()
    assert first.status == Comment.Status.PENDING
    approve(first, moderator)

    post_comment(client, review, comment="Back again.", email="ADA@example.net")

    second = latest()
    assert second.status == Comment.Status.APPROVED
    assert visible_to_public(review, second)


def test_proof_of_a_comment_still_waiting_is_not_enough(client, review):
    post_comment(client, review, comment="First visit.")
    post_comment(client, review, comment="Impatient second comment.")

    assert latest().status == Comment.Status.PENDING


def test_proof_of_a_comment_marked_spam_is_not_enough(client, review, moderator):
    post_comment(client, review, comment="First visit.")
    moderation.apply_action(comments=[latest()], action="spam", moderator=moderator)

    post_comment(client, review, comment="Second try.")

    assert latest().status == Comment.Status.PENDING


def test_stranger_typing_a_regulars_name_and_email_is_still_held(review):
    CommentFactory.create_batch(
        3, review=review, name="Regular Rita", email="rita@example.net", status="approved"
    )

    post_comment(Client(), review, name="Regular Rita", email="rita@example.net")

    impostor = latest()
    assert impostor.status == Comment.Status.PENDING
    assert not visible_to_public(review, impostor)


def test_browser_proof_for_one_address_does_not_vouch_for_another(client, review, moderator):
    post_comment(client, review, comment="First visit.", email="ada@example.net")
    approve(latest(), moderator)

    post_comment(client, review, comment="Posing as someone else.", email="rita@example.net")

    assert latest().status == Comment.Status.PENDING


def test_forged_proof_cookie_is_ignored(client, review):
    regular = CommentFactory(review=review, email="rita@example.net", status="approved")
    client.cookies[identity.PROOF_COOKIE] = f"{regular.pk}"  # unsigned: typed by hand

    post_comment(client, review, email="rita@example.net")

    assert latest().status == Comment.Status.PENDING


def open_verification_link(browser, email):
    """What the reader does with the link in the verification mail: open it, confirm."""
    link = reverse("subscriptions:verify_email", args=[tokens.make_verify_token(email)])
    return browser.post(link)


def test_a_verified_address_is_trusted_only_in_the_browser_that_opened_the_link(review):
    # Replaces "a verified email is trusted on any browser": that was the abuse (issue 10).
    browser_a, browser_b = Client(), Client()
    open_verification_link(browser_a, "ada@example.net")
    assert VerifiedEmail.objects.filter(email="ada@example.net").exists()
    assert identity.VERIFIED_COOKIE in browser_a.cookies
    assert "ada@example.net" not in browser_a.cookies[identity.VERIFIED_COOKIE].value

    post_comment(browser_b, review, comment="Typed her address.", email="ada@example.net")
    typed = latest()
    post_comment(browser_a, review, comment="Really Ada.", email="Ada@Example.net")
    proven = latest()

    assert typed.status == Comment.Status.PENDING
    assert typed.held_reason == "First comment from this commenter"
    assert not visible_to_public(review, typed)
    assert proven.status == Comment.Status.APPROVED


def test_a_verified_browser_does_not_vouch_for_another_address(review):
    browser = Client()
    open_verification_link(browser, "ada@example.net")
    VerifiedEmail.objects.create(email="rita@example.net")  # verified by Rita, elsewhere

    post_comment(browser, review, email="rita@example.net")

    assert latest().status == Comment.Status.PENDING


def test_a_forged_verification_cookie_is_ignored(review):
    VerifiedEmail.objects.create(email="ada@example.net")
    browser = Client()
    open_verification_link(browser, "someone@example.net")
    genuine = browser.cookies[identity.VERIFIED_COOKIE].value
    value, signature = genuine.split(":", 1)
    browser.cookies[identity.VERIFIED_COOKIE] = f"{'0' * 64}:{signature}"  # tampered
    assert value != "0" * 64

    post_comment(browser, review, email="ada@example.net")

    assert latest().status == Comment.Status.PENDING


def test_erasing_a_verified_address_ends_the_trust_in_its_browser(review):
    browser = Client()
    open_verification_link(browser, "ada@example.net")

    call_command("comment_data", "erase", "ada@example.net", "--no-input", stdout=io.StringIO())
    post_comment(browser, review, email="ada@example.net")

    assert latest().status == Comment.Status.PENDING


def test_signed_in_author_is_published_at_once(client, review):
    client.force_login(review.author.user)

    post_comment(client, review, comment="Thanks for reading, everyone.")

    comment = latest()
    assert comment.status == Comment.Status.APPROVED
    assert comment.user == review.author.user


@override_settings(COMMENTS_MODERATION="all")
def test_signed_in_moderator_is_trusted_even_when_every_comment_is_held(client, review, moderator):
    client.force_login(moderator)

    post_comment(client, review)

    assert latest().status == Comment.Status.APPROVED


def test_signed_in_reader_without_a_staff_role_is_not_trusted(client, review):
    client.force_login(UserFactory(username="reader"))

    post_comment(client, review)

    assert latest().status == Comment.Status.PENDING


@override_settings(COMMENTS_RATE_LIMIT=1000)
def test_proof_cookie_is_signed_http_only_lax_and_keeps_the_latest_ids(client, review):
    response = post_comment(client, review)

    cookie = response.cookies[identity.PROOF_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 364 * 24 * 3600
    assert str(latest().pk) in cookie.value and ":" in cookie.value  # value plus signature
    assert "ada@example.net" not in cookie.value

    for n in range(identity.PROOF_KEEP + 3):
        post_comment(client, review, comment=f"Comment number {n}.")
    request = client.get("/").wsgi_request
    remembered = identity.Viewer.from_request(request).proof_ids
    assert len(remembered) == identity.PROOF_KEEP
    assert remembered[-1] == latest().pk


# --- held whatever the policy: links and blocklisted words


@override_settings(COMMENTS_MODERATION="none")
def test_more_links_than_allowed_holds_the_comment_whatever_the_policy(client, review):
    post_comment(client, review, comment=LINK_BODY)

    comment = latest()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "Contains 3 links (more than 2)"


@override_settings(COMMENTS_MODERATION="none")
def test_links_up_to_the_limit_pass_and_a_full_url_counts_once(client, review):
    post_comment(client, review, comment="Read https://www.example.com and www.example.org.")

    assert latest().status == Comment.Status.APPROVED


@override_settings(COMMENTS_MODERATION="none", COMMENTS_MAX_LINKS=0)
def test_link_limit_is_a_setting(client, review):
    post_comment(client, review, comment="My blog: http://example.org")

    assert latest().status == Comment.Status.PENDING


def test_links_hold_even_a_signed_in_author(client, review):
    client.force_login(review.author.user)

    post_comment(client, review, comment=LINK_BODY)

    assert latest().status == Comment.Status.PENDING


@override_settings(COMMENTS_MODERATION="none")
def test_blocklisted_word_in_the_text_holds_the_comment(client, review):
    BlocklistEntry.objects.create(kind="word", value="cheap pills")

    post_comment(client, review, comment="Loved it. Buy CHEAP PILLS here.")

    comment = latest()
    assert comment.status == Comment.Status.PENDING
    assert "cheap pills" in comment.held_reason


@override_settings(COMMENTS_MODERATION="none")
def test_blocklisted_word_matches_whole_words_only(client, review):
    BlocklistEntry.objects.create(kind="word", value="ass")

    post_comment(client, review, comment="A classic, with a great bass line.")

    assert latest().status == Comment.Status.APPROVED


# --- straight to spam: blocklisted email, IP, or a word in the name or website


@pytest.mark.parametrize(
    ("kind", "value", "overrides"),
    [
        ("email", "Spammer@Example.net", {"email": "spammer@example.NET"}),
        ("email", "@junk.example", {"email": "anyone@junk.example"}),
        ("ip", "198.51.100.23", {"ip": "198.51.100.23"}),
        ("ip", "198.51.100.0/24", {"ip": "198.51.100.99"}),
        ("word", "casino", {"name": "Best Casino"}),
        ("word", "casino", {"url": "https://my-casino-bonus.example"}),
    ],
)
@override_settings(COMMENTS_MODERATION="none")
def test_blocklisted_commenter_goes_straight_to_spam(client, review, kind, value, overrides):
    BlocklistEntry.objects.create(kind=kind, value=value)

    response = post_comment(client, review, **overrides)

    assert response.status_code == HTTPStatus.FOUND
    comment = latest()
    assert comment.status == Comment.Status.SPAM
    assert comment.held_reason.startswith("Blocklisted")
    assert not visible_to_public(review, comment)


def test_blocklisted_email_is_spam_even_for_a_returning_commenter(client, review, moderator):
    post_comment(client, review, email="ada@example.net")
    approve(latest(), moderator)
    BlocklistEntry.objects.create(kind="email", value="ada@example.net")

    post_comment(client, review, comment="Something new.", email="ada@example.net")

    assert latest().status == Comment.Status.SPAM


def test_blocklist_entry_added_in_the_admin_applies_to_the_next_comment(client, review, moderator):
    client.force_login(moderator)
    client.post(
        "/admin/comments/blocklistentry/add/", {"kind": "word", "value": "Viagra", "note": ""}
    )
    assert BlocklistEntry.objects.filter(kind="word").exists()
    client.logout()

    post_comment(client, review, name="viagra seller")

    assert latest().status == Comment.Status.SPAM


# --- closing


@override_settings(COMMENTS_CLOSE_AFTER_DAYS=7)
def test_comments_close_days_after_publication(client):
    old = ReviewFactory(published_at=timezone.now() - timedelta(days=8))
    recent = ReviewFactory(published_at=timezone.now() - timedelta(days=6))

    refused = post_comment(client, old, comment="Late to the party.")
    accepted = post_comment(client, recent, comment="Just in time.")

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Comments are closed." in refused.content.decode()
    assert not Comment.objects.filter(review=old).exists()
    assert accepted.status_code == HTTPStatus.FOUND
    assert Comment.objects.filter(review=recent).exists()
    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()


def test_comments_stay_open_by_default_however_old_the_review(client):
    old = ReviewFactory(published_at=timezone.now() - timedelta(days=3650))

    assert post_comment(client, old).status_code == HTTPStatus.FOUND


def test_author_closing_comments_refuses_posts(client, review):
    review.comments_open = False
    review.save()

    response = post_comment(client, review)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Comments are closed." in response.content.decode()
    assert not Comment.objects.exists()
