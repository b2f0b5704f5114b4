import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape

from comments import moderation, notifications, spam
from comments.forms import HONEYPOT_ERROR
from comments.models import Comment
from reviews.models import Review
from tests.comments.commenting import (
    FORM_CSRF_TOKEN,
    READER_IP,
    field_value,
    form_data,
    input_tag,
    post_comment,
    post_url,
)
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_review_page_shows_the_comment_form_as_the_spec_words_it(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    respond = html[html.index('id="respond"') :]
    assert "Leave a Reply" in respond
    assert "Your email address will not be published." in respond
    assert "Required fields are marked *" in respond
    labels = re.findall(r'<label[^>]*for="id_(\w+)"[^>]*>\s*([^<]*?)\s*(<span|</label>)', respond)
    assert [(name, text) for name, text, _ in labels[:4]] == [
        ("comment", "Comment"),
        ("name", "Name"),
        ("email", "Email"),
        ("url", "Website"),
    ]
    # Comment, Name and Email carry the required asterisk, Website does not.
    assert [asterisk == "<span" for _, _, asterisk in labels[:4]] == [True, True, True, False]
    names = re.findall(r'<(?:input|textarea|select)[^>]*name="(\w+)"', respond)
    assert names.index("comment") < names.index("name") < names.index("email")
    assert names.index("email") < names.index("url") < names.index("remember")
    for name in ("parent", "rating", "notify", spam.HONEYPOT_FIELD, spam.TIMESTAMP_FIELD):
        assert name in names
    assert 'type="hidden" name="parent"' in respond
    assert "Save my name, email, and website in this browser for the next time I comment." in (
        respond
    )
    assert "Notify me of replies to my comment by email." in respond
    assert 'value="Post Comment"' in respond
    assert "checked" not in input_tag(respond, "remember")
    assert "checked" not in input_tag(respond, "notify")
    honeypot = input_tag(respond, spam.HONEYPOT_FIELD)
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert "Leave this field empty" in respond
    token = field_value(respond, spam.TIMESTAMP_FIELD)
    # Issued for the CSRF token the form itself carries.
    assert spam.check_timestamp(token, csrf_token=field_value(respond, spam.CSRF_FIELD)) in (
        None,
        spam.MESSAGE_TOO_FAST,
    )


def test_a_posted_comment_is_saved_held_and_the_reader_lands_on_it(client, review):
    long_agent = "Mozilla/5.0 " + "x" * 400
    response = client.post(
        post_url(review),
        form_data(
            comment="Loved the score.\r\n\r\nAnd the ending.",
            url="https://ada.example.org/blog",
            rating="9",
        ),
        REMOTE_ADDR=READER_IP,
        HTTP_USER_AGENT=long_agent,
    )
    comment = Comment.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{review.get_absolute_url()}#comment-{comment.pk}"
    assert comment.review == review
    assert comment.parent is None
    assert (comment.name, comment.email, comment.url) == (
        "Ada Reader",
        "ada@example.net",
        "https://ada.example.org/blog",
    )
    assert comment.body == "Loved the score.\n\nAnd the ending."
    assert comment.rating == 9
    assert comment.ip_address == READER_IP
    assert comment.user_agent == long_agent[:300]
    assert comment.user is None
    assert comment.status == Comment.Status.PENDING  # a first-time commenter is held


def test_status_and_reason_come_from_the_moderation_policy(client, review, monkeypatch):
    seen = {}

    def approve(*, comment, viewer):
        seen["saved"] = comment.pk is not None
        return Comment.Status.APPROVED, ""

    monkeypatch.setattr(moderation, "initial_status", approve)
    post_comment(client, review)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert seen == {"saved": False}  # the policy decides before the comment is saved


def test_notifications_are_queued_after_commit_with_the_readers_choice(
    client, review, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        notifications,
        "comment_posted",
        lambda comment, *, notify_requested: calls.append((comment.pk, notify_requested)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, review, notify="on")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, review, comment="Another thought entirely.")
    first, second = Comment.objects.order_by("pk")
    assert calls == [(first.pk, True), (second.pk, False)]


VALIDATION_CASES = [
    ("name", {"name": ""}, "Please enter your name."),
    ("email", {"email": "ada-at-example"}, "Please enter a valid email address"),
    ("email", {"email": ""}, "Please enter your email address."),
    ("comment", {"comment": "   "}, "Please write your comment."),
    ("comment", {"comment": "x" * 5001}, "Your comment is 5,001 characters long"),
    ("url", {"url": "javascript:alert(1)"}, "starting with http:// or https://"),
    ("url", {"url": "ftp://files.example.org/"}, "starting with http:// or https://"),
    ("name", {"name": "N" * 81}, "Please keep your name to 80 characters"),
    ("url", {"url": "https://example.org/" + "a" * 200}, "to 200 characters"),
    ("rating", {"rating": "11"}, "Please pick a rating from 1 to 10"),
]


@pytest.mark.parametrize(("field", "bad", "message"), VALIDATION_CASES)
def test_each_validation_error_is_shown_at_its_field_and_keeps_everything_typed(
    client, review, field, bad, message
):
    typed = {
        "comment": "My <em>long</em> thoughts & feelings about this film.",
        "name": "Ada Reader",
        "email": "ada@example.net",
        "url": "https://ada.example.org/",
        "rating": "7",
    }
    typed.update(bad)
    response = post_comment(client, review, **typed)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Comment.objects.count() == 0
    for name in ("comment", "name", "email", "url"):
        if typed[name].strip():
            assert field_value(html, name) == escape(typed[name]), name
    assert 'value="7" selected' in html or field == "rating"
    # The message sits next to its field, tied to it for screen readers.
    tag = input_tag(html, field)
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1)
    error_ids = described.split()
    error_block = re.search(rf'id="{error_ids[-1]}"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert message in error_block


def test_several_errors_at_once_are_all_shown(client, review):
    response = post_comment(client, review, name="", email="nope", comment="")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    for field in ("comment", "name", "email"):
        assert 'aria-invalid="true"' in input_tag(html, field)


def test_hostile_markup_is_kept_as_text_not_markup(client, review):
    hostile = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    response = post_comment(client, review, name=hostile, email="bad")
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert escape(hostile) in html


def test_the_error_page_is_a_full_page_with_a_fresh_timestamp(client, review):
    response = post_comment(client, review, name="")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "<html" in html and review.headline in html
    assert 'action="' + post_url(review) + '"' in html
    assert field_value(html, spam.TIMESTAMP_FIELD)  # a token the next post can use


def test_a_forged_or_missing_timestamp_is_refused_with_a_message_and_the_text_kept(client, review):
    for token in ("", "form:forged:signature"):
        response = post_comment(
            client, review, comment="Kept despite the token.", **{spam.TIMESTAMP_FIELD: token}
        )
        html = response.content.decode()
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert escape(spam.check_timestamp(token, csrf_token=FORM_CSRF_TOKEN)) in html
        assert "Kept despite the token." in html
        fresh = field_value(html, spam.TIMESTAMP_FIELD)
        assert spam.check_timestamp(fresh, csrf_token=field_value(html, spam.CSRF_FIELD)) is None
    assert Comment.objects.count() == 0


@override_settings(COMMENTS_MIN_SECONDS=3)
def test_a_post_faster_than_a_human_is_refused_with_a_fresh_token(client, review):
    response = post_comment(client, review, comment="Typed very fast.")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert escape(spam.MESSAGE_TOO_FAST) in html
    assert "Typed very fast." in html
    assert Comment.objects.count() == 0


def test_a_filled_honeypot_gets_a_generic_refusal_and_nothing_is_saved(client, review):
    response = post_comment(client, review, **{spam.HONEYPOT_FIELD: "http://spam.example"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert escape(HONEYPOT_ERROR) in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_spam_defence_refusal_is_shown_and_keeps_the_text(client, review, monkeypatch):
    monkeypatch.setattr(spam, "check_post", lambda **kwargs: "Please wait a minute.")
    response = post_comment(client, review, comment="Rate-limited words.")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Please wait a minute." in html
    assert "Rate-limited words." in html
    assert Comment.objects.count() == 0


def test_posting_the_same_comment_twice_is_refused_as_a_duplicate(client, review):
    post_comment(client, review, comment="Exactly the same words.")
    response = post_comment(client, review, comment="Exactly the same words.")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert escape(spam.MESSAGE_DUPLICATE) in response.content.decode()
    assert Comment.objects.count() == 1


def test_posting_to_an_unknown_or_unpublished_review_is_404(client):
    draft = ReviewFactory(status=Review.Status.DRAFT, published_at=None)
    scheduled = ReviewFactory(
        status=Review.Status.SCHEDULED, published_at=timezone.now() + timedelta(days=2)
    )
    for slug in ("no-such-review", draft.slug, scheduled.slug):
        response = client.post(f"/reviews/{slug}/comments/", form_data())
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert Comment.objects.count() == 0


def test_the_posting_url_accepts_only_post(client, review):
    assert client.get(post_url(review)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize(
    "parent", ["abc", "-1", "1.5", "0", "99999999999999999999999", "١٢", "1 OR 1=1", "\x00"]
)
def test_garbage_parent_values_are_refused_with_a_message_never_a_500(client, review, parent):
    response = post_comment(client, review, parent=parent, comment="Kept reply text.")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "You can only reply to a published comment on this review." in html
    assert "Kept reply text." in html
    assert Comment.objects.count() == 0


def test_null_bytes_and_odd_input_get_a_message_not_a_500(client, review):
    response = post_comment(client, review, name="Ada\x00", email="a@b.c\x00", url="http://\x00")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    response = client.post(post_url(review), {"comment": ["a", "b"], "rating": "x"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Comment.objects.count() == 0


def test_signed_in_staff_comment_without_typing_name_or_email(client, review):
    author = review.author
    author.website = "https://author.example.org/"
    author.save()
    client.force_login(author.user)
    html = client.get(review.get_absolute_url()).content.decode()
    assert f"Logged in as {author.display_name}." in html
    assert input_tag(html, "name") == "" and input_tag(html, "email") == ""
    response = client.post(
        post_url(review), {k: v for k, v in form_data().items() if k not in ("name", "email")}
    )
    comment = Comment.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert comment.user == author.user
    assert comment.name == author.display_name
    assert comment.email == author.user.email
    assert comment.url == "https://author.example.org/"


def test_comments_are_closed_on_a_closed_review(client):
    review = ReviewFactory(comments_open=False)
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Comments are closed." in html
    assert 'id="commentform"' not in html
    response = post_comment(client, review, comment="Words I do not want to lose.")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Comments are closed." in response.content.decode()
    assert "Words I do not want to lose." in response.content.decode()
    assert Comment.objects.count() == 0


@override_settings(COMMENTS_CLOSE_AFTER_DAYS=14)
def test_comments_close_after_the_configured_number_of_days(client):
    review = ReviewFactory(published_at=timezone.now() - timedelta(days=15))
    assert "Comments are closed." in client.get(review.get_absolute_url()).content.decode()
    assert post_comment(client, review).status_code == HTTPStatus.BAD_REQUEST
    assert Comment.objects.count() == 0
