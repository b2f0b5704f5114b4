"""The comment pages at the input boundary: control characters refused in every form with the
text kept, integers read as ASCII digits only, redirect targets kept on the site, and old rows
with control characters that no longer break the comment feed. (Each class found by the
property-based tests in tests/fuzz, pinned here as plain examples.)"""

import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from comments.models import BlocklistEntry, Comment, CommentReport
from tests.comments.commenting import field_value, form_data, post_comment, post_url
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE = "invisible control character"
QUEUE = reverse("moderation:queue")
ACT = reverse("moderation:act")


# --- Control characters in the forms ---------------------------------------------------------


@pytest.mark.parametrize("field", ["comment", "name"])
@pytest.mark.parametrize("character", ["\x0b", "\x0c", "\x01", "\x1b"])
def test_a_control_character_in_a_comment_is_refused_and_the_text_kept(
    client, review, field, character
):
    typed = f"Typed with a {character} inside"
    response = post_comment(client, review, **{field: typed})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert CONTROL_MESSAGE in html
    assert escape(typed) in html
    assert not Comment.objects.filter(review=review).exists()


@pytest.mark.parametrize("field", ["comment", "name", "email", "url"])
def test_a_nul_in_any_comment_field_is_a_form_error_not_a_500(client, review, field):
    response = post_comment(client, review, **{field: "Ada\x00Reader"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Comment.objects.filter(review=review).exists()
    if field in ("comment", "name"):
        assert escape("Ada\x00Reader") in response.content.decode()


def test_an_email_quoting_control_characters_is_refused(client, review):
    # EmailValidator accepts a quoted local part holding \x01…\x1f; the site does not.
    response = post_comment(client, review, email='"\x01"@example.net')

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Comment.objects.filter(review=review).exists()


def test_tabs_and_line_breaks_are_ordinary_text(client, review):
    with override_settings(COMMENTS_MODERATION="none"):
        response = post_comment(client, review, comment="One\tcolumn\r\nNext line")

    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get(review=review).body == "One\tcolumn\nNext line"


def test_an_own_edit_with_a_control_character_is_refused_and_kept(client, review):
    with override_settings(COMMENTS_MODERATION="none"):
        post_comment(client, review)
    comment = Comment.objects.get(review=review)

    response = client.post(
        reverse("comments:edit", kwargs={"pk": comment.pk}), {"comment": "New\x0btext"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert CONTROL_MESSAGE in html
    assert field_value(html, "comment") == "New\x0btext"
    comment.refresh_from_db()
    assert comment.body == "A thoughtful comment about the film."


def test_a_moderator_edit_with_a_control_character_is_refused(client, moderator):
    comment = CommentFactory()
    client.force_login(moderator)

    response = client.post(
        reverse("moderation:edit", kwargs={"pk": comment.pk}), {"body": "Cleaned\x0c up"}
    )

    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    assert CONTROL_MESSAGE in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "I enjoyed this review."


def test_a_report_reason_with_control_characters_is_stored_without_them(client):
    comment = CommentFactory()

    response = client.post(
        reverse("comments:report", kwargs={"pk": comment.pk}), {"reason": "Spam\x00\x0b here"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert CommentReport.objects.get(comment=comment).reason == "Spam here"


def test_a_blocklist_entry_with_a_control_character_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:comments_blocklistentry_add"), {"kind": "word", "value": "bad\x0bword"}
    )

    assert response.status_code == HTTPStatus.OK
    assert CONTROL_MESSAGE in response.content.decode()
    assert not BlocklistEntry.objects.exists()


# --- Integers from the request ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "١", "１", "٣", "Ⅻ", "9" * 5000, "-1", "1.5"])
@pytest.mark.parametrize("param", ["cpage", "replytocom"])
def test_thread_parameters_that_are_not_ascii_numbers_are_ignored(client, review, param, value):
    comment = CommentFactory(review=review, body="Still shown.")

    response = client.get(review.get_absolute_url(), {param: value})

    assert response.status_code == HTTPStatus.OK
    assert f'id="comment-{comment.pk}"' in response.content.decode()


def test_a_reply_to_a_parent_given_in_unicode_digits_is_refused(client, review):
    parent = CommentFactory(review=review)
    digits = str(parent.pk).translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    response = post_comment(client, review, parent=digits)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Comment.objects.filter(parent=parent).exists()


def test_moderation_ignores_ids_that_are_not_ascii_numbers(client, moderator):
    comment = CommentFactory(status=Comment.Status.PENDING)
    client.force_login(moderator)
    digits = str(comment.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    response = client.post(ACT, {"action": "approve", "comment": [digits, "²", "9" * 30]})

    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


# --- Redirect targets ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["foo", "moderation:queue", "https://evil.example/", "//evil.example/", "/a\nb"]
)
def test_a_bad_next_on_a_moderation_form_is_no_500_and_the_decision_is_saved(
    client, moderator, target
):
    comment = CommentFactory(status=Comment.Status.PENDING)
    client.force_login(moderator)

    response = client.post(ACT, {"action": "approve", "comment": [comment.pk], "next": target})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == (target if target == "foo" else QUEUE)
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_a_bad_next_on_the_moderator_edit_form_is_no_500_and_the_edit_is_saved(client, moderator):
    comment = CommentFactory()
    client.force_login(moderator)
    url = reverse("moderation:edit", kwargs={"pk": comment.pk})

    response = client.post(f"{url}?next=moderation:queue", {"body": "Edited by a moderator."})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == QUEUE
    assert Comment.objects.get(pk=comment.pk).body == "Edited by a moderator."


def test_a_next_on_the_site_is_still_followed(client, moderator):
    comment = CommentFactory(status=Comment.Status.PENDING)
    client.force_login(moderator)

    response = client.post(
        ACT, {"action": "spam", "comment": [comment.pk], "next": "/moderation/?status=spam"}
    )

    assert response["Location"] == "/moderation/?status=spam"


# --- An old row in the comment feed ----------------------------------------------------------


def test_an_old_comment_with_control_characters_does_not_break_the_comment_feed(client, review):
    comment = CommentFactory(review=review)
    # Saved before the validators (and the stored HTML) existed: update() skips them, as an old
    # row did; the feed renders such a row's text itself.
    Comment.objects.filter(pk=comment.pk).update(
        name="Old\x0bname", body="Old\x01body\x0c", body_html=""
    )

    response = client.get(reverse("comments:feed", kwargs={"slug": review.slug}))

    assert response.status_code == HTTPStatus.OK
    item = ET.fromstring(response.content).find("channel/item")
    assert item.find("title").text.startswith("Oldname on ")
    assert "Oldbody" in item.find("description").text


def test_the_comment_form_posts_nothing_when_its_address_holds_a_nul(client, review):
    response = client.post(post_url(review) + "?corder=%00", form_data())

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Comment.objects.filter(review=review).exists()


def test_a_user_agent_with_control_characters_is_stored_without_them(client, review):
    with override_settings(COMMENTS_MODERATION="none"):
        response = client.post(
            post_url(review),
            form_data(),
            REMOTE_ADDR="198.51.100.5",
            HTTP_USER_AGENT="Bot\x00/1\x0b",
        )

    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get(review=review).user_agent == "Bot/1"


@pytest.mark.parametrize("page", ["²", "１", "٣"])
def test_the_moderation_queue_refuses_other_digits_as_page_numbers(client, moderator, page):
    client.force_login(moderator)

    assert client.get(QUEUE, {"page": page}).status_code == HTTPStatus.NOT_FOUND
