"""The comment form's timestamp token belongs to the browser that loaded the form, and serves
one post. Driven like browsers do: clients that check CSRF tokens, loading the review page first
(no cookies before), then posting what its form holds."""

import threading
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils.html import escape

from comments import spam
from comments.models import Comment
from comments.views.posting import EXPIRED_MESSAGE
from tests.comments.commenting import FORM_CSRF_TOKEN, field_value, post_url

pytestmark = pytest.mark.django_db

FORGED = escape(spam.MESSAGE_FORGED)


def browser():
    """A browser on its first visit: no cookies, CSRF tokens checked as in production."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.40")


def loaded_form(client, review):
    """What the comment form of the review page (as this browser loads it) would post."""
    html = client.get(review.get_absolute_url()).content.decode()
    return {
        name: field_value(html, name) or ""
        for name in (spam.CSRF_FIELD, spam.TIMESTAMP_FIELD, spam.HONEYPOT_FIELD, "parent")
    }


def typed(comment, **fields):
    return {"comment": comment, "name": "Ada", "email": "ada@example.net", **fields}


def test_a_first_visit_without_javascript_posts_with_what_the_page_gave(review):
    reader = browser()

    form = loaded_form(reader, review)
    response = reader.post(post_url(review), {**form, **typed("My first comment here.")})

    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get().body == "My first comment here."


def test_the_form_carries_one_csrf_token_the_one_its_timestamp_was_issued_for(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    form = html[html.index('id="commentform"') :]
    form = form[: form.index("</form>")]

    assert form.count(f'name="{spam.CSRF_FIELD}"') == 1
    token, csrf = field_value(form, spam.TIMESTAMP_FIELD), field_value(form, spam.CSRF_FIELD)
    assert spam.check_timestamp(token, csrf_token=csrf) is None
    assert spam.check_timestamp(token, csrf_token=FORM_CSRF_TOKEN) == spam.MESSAGE_FORGED


def test_a_token_taken_to_another_browser_is_refused_with_the_text_kept(review):
    harvester, bot = browser(), browser()
    harvested = loaded_form(harvester, review)
    own = loaded_form(bot, review)  # the bot's own, valid CSRF token and cookie

    response = bot.post(
        post_url(review),
        {**own, spam.TIMESTAMP_FIELD: harvested[spam.TIMESTAMP_FIELD], **typed("Buy now.")},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert FORGED in response.content.decode()
    assert "Buy now." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_whole_form_taken_to_another_browser_fails_its_csrf_check(review):
    harvested = loaded_form(browser(), review)

    response = browser().post(post_url(review), {**harvested, **typed("Buy now.")})

    # The CSRF token does not match this browser's cookie: Django's check, with the text kept.
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert escape(EXPIRED_MESSAGE) in response.content.decode()
    assert not Comment.objects.exists()


def test_a_token_is_accepted_once_and_a_replay_gets_a_fresh_form(review):
    reader = browser()
    form = loaded_form(reader, review)
    assert reader.post(post_url(review), {**form, **typed("First.")}).status_code == 302

    replay = reader.post(post_url(review), {**form, **typed("Second, same form.")})

    html = replay.content.decode()
    assert replay.status_code == HTTPStatus.BAD_REQUEST
    assert FORGED in html
    assert "Second, same form." in html
    assert Comment.objects.count() == 1
    # The page that refused it carries a new token (and the CSRF token it belongs to).
    fresh = {name: field_value(html, name) or "" for name in form}
    again = reader.post(post_url(review), {**fresh, **typed("Second, same form.")})
    assert again.status_code == HTTPStatus.FOUND
    assert Comment.objects.count() == 2


def test_a_refused_post_spends_its_token_too(review):
    reader = browser()
    form = loaded_form(reader, review)
    refused = reader.post(post_url(review), {**form, **typed("No name.", name="")})
    assert refused.status_code == HTTPStatus.BAD_REQUEST

    replay = reader.post(post_url(review), {**form, **typed("Now with a name.")})

    assert replay.status_code == HTTPStatus.BAD_REQUEST
    assert FORGED in replay.content.decode()
    assert not Comment.objects.exists()


def test_one_form_sent_many_times_at_once_is_spent_once():
    token = spam.issue_timestamp(FORM_CSRF_TOKEN)
    start, results = threading.Barrier(8), []

    def send():
        start.wait(5)
        results.append(spam.spend_timestamp(token))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(results) == [False] * 7 + [True]


def test_a_forged_token_is_never_spent():
    assert spam.spend_timestamp("not-a-token") is False
    assert spam.spend_timestamp("") is False
