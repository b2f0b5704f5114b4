"""Spam defences with no outside service. Each refusal tells a person what to do and gives
their text back; a bot that fills the honeypot gets a plain 400."""

import re
import time
from http import HTTPStatus

import pytest
from django.test import Client, override_settings

from comments import spam
from comments.models import Comment
from tests.comments.commenting import FORM_CSRF_TOKEN, field_value
from tests.comments.moderation_support import post_comment
from tests.factories import CommentFactory, ReviewFactory

pytestmark = pytest.mark.django_db

TEXT = "This film's ending stayed with me for days, the quiet last scene especially."


def token_issued(seconds_ago, monkeypatch):
    """A genuine timestamp token as if the page had been loaded `seconds_ago` (for the CSRF
    token the helpers post, tests.comments.commenting.FORM_CSRF_TOKEN)."""
    real = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: real - seconds_ago)
        return spam.issue_timestamp(FORM_CSRF_TOKEN)


def check(token):
    return spam.check_timestamp(token, csrf_token=FORM_CSRF_TOKEN)


def returned_token(response):
    match = re.search(rf'name="{spam.TIMESTAMP_FIELD}" value="([^"]+)"', response.content.decode())
    assert match, "the re-rendered form has a timestamp"
    return match.group(1)


def assert_refused_keeping_text(response, message):
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in page.replace("&#x27;", "'")
    assert TEXT.replace("'", "&#x27;") in page  # the reader's words, escaped, in the textarea
    assert not Comment.objects.exists()


# --- honeypot


def test_honeypot_filled_is_refused_with_a_generic_message_and_the_text_kept(client, review):
    response = post_comment(client, review, comment=TEXT, honeypot="http://spam.example")

    # A bot learns nothing useful; a person whose browser filled the field keeps their words.
    assert_refused_keeping_text(response, "Sorry, your comment could not be posted.")


def test_honeypot_is_hidden_from_people_and_assistive_technology(client, review):
    page = client.get(review.get_absolute_url()).content.decode()

    field = re.search(rf'<input[^>]*name="{spam.HONEYPOT_FIELD}"[^>]*>', page).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field


# --- signed timestamp


@override_settings(COMMENTS_MIN_SECONDS=3)
def test_post_faster_than_a_person_can_type_is_refused_with_the_text_kept(client, review):
    response = post_comment(client, review, comment=TEXT)  # a token issued just now

    assert_refused_keeping_text(response, "Please wait a few seconds and post again")


@override_settings(COMMENTS_MIN_SECONDS=3)
def test_post_a_few_seconds_after_loading_the_page_is_accepted(client, review, monkeypatch):
    response = post_comment(client, review, comment=TEXT, timestamp=token_issued(5, monkeypatch))

    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get().body == TEXT


def test_form_open_longer_than_a_day_is_refused_with_the_text_and_a_fresh_form(
    client, review, monkeypatch
):
    stale = token_issued(25 * 3600, monkeypatch)

    response = post_comment(client, review, comment=TEXT, timestamp=stale)

    assert_refused_keeping_text(
        response, "This form was open too long. Your comment is kept below: please post it again."
    )
    fresh = returned_token(response)
    page_csrf = field_value(response.content.decode(), spam.CSRF_FIELD)
    assert fresh != stale
    # Issued for the CSRF token of the page that carries it; COMMENTS_MIN_SECONDS is 0 in tests.
    assert spam.check_timestamp(fresh, csrf_token=page_csrf) is None
    again = post_comment(client, review, comment=TEXT, timestamp=fresh, csrf_token=page_csrf)
    assert again.status_code == 302


@override_settings(COMMENTS_MAX_FORM_AGE=600)
def test_maximum_form_age_is_a_setting(client, review, monkeypatch):
    response = post_comment(client, review, comment=TEXT, timestamp=token_issued(601, monkeypatch))

    assert_refused_keeping_text(response, "This form was open too long.")


@pytest.mark.parametrize(
    "token",
    ["", "form", "form:1a2b3c:forgedsignature", "someone-else:1a2b3c:abc"],
)
def test_forged_or_missing_timestamp_is_refused_with_the_text_kept(client, review, token):
    response = post_comment(client, review, comment=TEXT, timestamp=token)

    assert_refused_keeping_text(response, "Your comment is kept below: please post it again.")


def test_timestamp_signed_for_another_purpose_is_refused():
    from django.core import signing

    # The site's own key and the same shape of value, under another salt.
    other = signing.Signer(salt="somewhere-else").sign_object({"issued": int(time.time()) - 60})

    assert check(other) == spam.MESSAGE_FORGED


def test_tampered_timestamp_claiming_an_earlier_load_is_refused(monkeypatch):
    # A token claiming the page was loaded a minute ago, made without the site's secret key.
    with override_settings(SECRET_KEY="an-attackers-guess-not-the-site-key-0123456789abcdef"):
        earlier = token_issued(60, monkeypatch)

    assert check(earlier) == spam.MESSAGE_FORGED
    assert check(token_issued(60, monkeypatch)) is None  # the genuine one passes


def test_token_of_the_earlier_format_is_refused_as_forged_not_an_error():
    from django.core import signing

    # What forms rendered before the token carried its issue time hold, and before it was
    # bound to the form's CSRF token (a bearer token any browser could use for a day).
    earlier_format = signing.TimestampSigner(salt="comments.form-timestamp").sign("form")
    unbound = signing.Signer(salt="comments.form-timestamp.v2").sign_object(
        {"issued": int(time.time()) - 60}
    )

    assert check(earlier_format) == spam.MESSAGE_FORGED
    assert check(unbound) == spam.MESSAGE_FORGED


# --- rate limit per IP


@override_settings(COMMENTS_RATE_LIMIT=2, COMMENTS_RATE_WINDOW=60)
def test_too_many_posts_from_one_address_are_refused_with_the_text_kept(client, review):
    assert post_comment(client, review, comment="First.").status_code == HTTPStatus.FOUND
    assert post_comment(client, review, comment="Second.").status_code == HTTPStatus.FOUND

    response = post_comment(client, review, comment=TEXT)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert (
        "You are posting too quickly. Please wait a minute and post again; your comment is "
        "kept below." in page
    )
    assert TEXT.replace("'", "&#x27;") in page
    assert Comment.objects.count() == 2


@override_settings(COMMENTS_RATE_LIMIT=1, COMMENTS_RATE_WINDOW=60)
def test_rate_limit_counts_each_address_separately(review):
    assert post_comment(Client(), review, comment="One.", ip="192.0.2.1").status_code == 302
    assert post_comment(Client(), review, comment="Two.", ip="192.0.2.2").status_code == 302
    assert post_comment(Client(), review, comment="Three.", ip="192.0.2.1").status_code == 400


@override_settings(COMMENTS_RATE_LIMIT=1, COMMENTS_RATE_WINDOW=60)
def test_rate_limit_lifts_when_the_window_has_passed(client, review, monkeypatch):
    assert post_comment(client, review, comment="One.").status_code == 302
    assert post_comment(client, review, comment="Two.").status_code == 400

    later = time.time() + 61
    monkeypatch.setattr(spam.time, "time", lambda: later)

    assert post_comment(client, review, comment="Three.").status_code == 302


@override_settings(COMMENTS_RATE_LIMIT=1, TRUSTED_PROXY_COUNT=0)
def test_forwarded_for_header_is_ignored_without_a_trusted_proxy(review):
    for n, forged in enumerate(["192.0.2.10", "192.0.2.11"]):
        response = Client().post(
            f"/reviews/{review.slug}/comments/",
            {
                "comment": f"Attempt {n}.",
                "name": "Bot",
                "email": f"bot{n}@example.net",
                spam.CSRF_FIELD: FORM_CSRF_TOKEN,
                "timestamp": spam.issue_timestamp(FORM_CSRF_TOKEN),
            },
            REMOTE_ADDR="198.51.100.1",
            HTTP_X_FORWARDED_FOR=forged,
        )
    assert response.status_code == HTTPStatus.BAD_REQUEST  # same real address both times
    assert Comment.objects.get().ip_address == "198.51.100.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_address_it_saw_is_used(client, review):
    client.post(
        f"/reviews/{review.slug}/comments/",
        {
            "comment": TEXT,
            "name": "Ada",
            "email": "ada@example.net",
            spam.CSRF_FIELD: FORM_CSRF_TOKEN,
            "timestamp": spam.issue_timestamp(FORM_CSRF_TOKEN),
        },
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50",  # the client may forge the left part
    )

    assert Comment.objects.get().ip_address == "203.0.113.50"


# --- duplicates


def test_same_text_twice_from_the_same_email_is_refused_with_the_text_kept(client, review):
    CommentFactory(review=review, email="ada@example.net", body=f"  {TEXT.upper()}\n")

    response = post_comment(Client(), review, comment=TEXT, email="ADA@example.net", ip="192.0.2.9")

    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "You have already posted this comment." in page
    assert TEXT.replace("'", "&#x27;") in page
    assert Comment.objects.count() == 1


def test_same_text_twice_from_the_same_address_is_refused(client, review):
    post_comment(client, review, comment=TEXT, email="first@example.net")

    response = post_comment(Client(), review, comment=TEXT, email="second@example.net")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "You have already posted this comment." in response.content.decode()


def test_same_text_on_another_review_or_by_someone_else_is_fine(client, review):
    post_comment(client, review, comment=TEXT)
    other_review = ReviewFactory()

    elsewhere = post_comment(client, other_review, comment=TEXT)
    someone_else = post_comment(
        Client(), review, comment=TEXT, email="bob@example.net", ip="192.0.2.77"
    )

    assert elsewhere.status_code == HTTPStatus.FOUND
    assert someone_else.status_code == HTTPStatus.FOUND
    assert Comment.objects.count() == 3
