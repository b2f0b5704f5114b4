"""The moderation queue at /moderation/: who gets in, what it shows, and what its buttons do to
what readers see."""

import json
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, ModerationLog
from tests.comments.moderation_support import public_page, visible_to_public
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")
ACT = reverse("moderation:act")
UNDO = reverse("moderation:undo")


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def pending(review, **kwargs):
    return CommentFactory(review=review, status=Comment.Status.PENDING, **kwargs)


def act(client, action, *comments, **extra):
    return client.post(ACT, {"action": action, "comment": [c.pk for c in comments], **extra})


def statuses(*comments):
    return [Comment.objects.get(pk=c.pk).status for c in comments]


# --- who gets in


def test_signed_out_visitor_is_sent_to_the_login_page(client):
    response = client.get(QUEUE)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('admin:login')}?next={QUEUE}"


@pytest.mark.parametrize("who", ["reader", "author"])
def test_signed_in_non_moderators_are_refused(client, review, who):
    user = UserFactory(username="reader") if who == "reader" else review.author.user
    client.force_login(user)

    assert client.get(QUEUE).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("who", ["reader", "author"])
def test_non_moderators_cannot_post_a_decision(client, review, who):
    comment = pending(review)
    user = UserFactory(username="reader") if who == "reader" else review.author.user
    client.force_login(user)

    response = act(client, "approve", comment)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert statuses(comment) == ["pending"]
    assert not ModerationLog.objects.exists()


def test_signed_out_post_changes_nothing(client, review):
    comment = pending(review)

    response = act(client, "approve", comment)

    assert response.status_code == HTTPStatus.FOUND
    assert reverse("admin:login") in response["Location"]
    assert statuses(comment) == ["pending"]


def test_moderators_and_superusers_get_in(client):
    client.force_login(UserFactory(username="boss", is_superuser=True, is_staff=True))
    assert client.get(QUEUE).status_code == HTTPStatus.OK
    client.force_login(UserFactory(username="mod2", groups=["Moderators"], is_staff=True))
    assert client.get(QUEUE).status_code == HTTPStatus.OK


# --- what it shows


def test_queue_lists_pending_comments_oldest_first_with_what_a_moderator_needs(mod_client, review):
    parent = CommentFactory(review=review, name="Parent Pat", body="The parent comment text.")
    older = pending(
        review,
        name="Olive Older",
        email="olive@example.net",
        url="https://olive.example/",
        ip_address="192.0.2.44",
        held_reason="First comment from this commenter",
        body="Held comment body.",
        parent=parent,
    )
    newer = pending(review, name="Nina Newer")
    CommentFactory(review=review, name="Already Approved")

    response = mod_client.get(QUEUE)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert response["Cache-Control"].startswith("max-age=0")
    assert [c.pk for c in response.context["comments"]] == [older.pk, newer.pk]
    assert page.index("Olive Older") < page.index("Nina Newer")
    assert "Already Approved" not in page
    for shown in [
        review.headline,
        review.get_absolute_url(),
        "Parent Pat",
        "The parent comment text.",
        "olive@example.net",
        "https://olive.example/",
        "192.0.2.44",
        "First comment from this commenter",
        "Held comment body.",
    ]:
        assert shown in page


def test_tabs_show_counts_and_each_state_has_its_list(mod_client, review):
    pending(review)
    pending(review)
    CommentFactory(review=review)
    CommentFactory(review=review, status="spam", name="Spammy Sam")
    CommentFactory(review=review, status="removed", name="Removed Rob")

    response = mod_client.get(QUEUE, {"status": "spam"})

    assert response.context["tabs"] == [
        ("pending", "Pending", 2),
        ("approved", "Approved", 1),
        ("spam", "Spam", 1),
        ("removed", "Removed", 1),
    ]
    page = response.content.decode()
    assert "Spammy Sam" in page and "Removed Rob" not in page
    assert 'data-count="pending">2<' in page


def test_unknown_tab_falls_back_to_pending(mod_client, review):
    comment = pending(review)

    response = mod_client.get(QUEUE, {"status": "<script>"})

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["comments"]) == [comment]


def test_reader_markup_is_shown_as_text_in_the_queue(mod_client, review):
    pending(review, body='<script>alert("x")</script><b>bold</b>', name="<i>Name</i>")

    page = mod_client.get(QUEUE).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "<i>Name</i>" not in page


def test_queue_offers_every_decision_as_a_post_form_with_csrf(mod_client, review):
    comment = pending(review)

    page = mod_client.get(QUEUE).content.decode()

    assert f'<form class="mod-action-form" method="post" action="{ACT}">' in page
    assert page.count("csrfmiddlewaretoken") >= 2
    for action in ("approve", "spam", "remove"):
        assert f'name="action" value="{action}"' in page
    assert f'value="{comment.pk}" form="bulk-form"' in page
    assert reverse("moderation:edit", args=[comment.pk]) in page


def test_keyboard_shortcuts_are_listed_on_the_page(mod_client):
    page = mod_client.get(QUEUE).content.decode()

    for key in "jkasru":
        assert f"<dt><kbd>{key}</kbd></dt>" in page
    assert "js/moderation.js" in page


def test_queue_pages_by_fifty(mod_client, review):
    CommentFactory.create_batch(51, review=review, status="pending")

    first = mod_client.get(QUEUE)
    second = mod_client.get(QUEUE, {"page": 2})

    assert len(first.context["comments"]) == 50
    assert len(second.context["comments"]) == 1
    assert mod_client.get(QUEUE, {"page": 9}).status_code == HTTPStatus.NOT_FOUND


def test_queue_costs_the_same_number_of_queries_however_long_it_is(mod_client, review):
    parent = CommentFactory(review=review)
    CommentFactory.create_batch(2, review=review, status="pending", parent=parent)
    with CaptureQueriesContext(connection) as few:
        mod_client.get(QUEUE)
    CommentFactory.create_batch(30, review=review, status="pending", parent=parent)
    with CaptureQueriesContext(connection) as many:
        mod_client.get(QUEUE)

    assert len(many) == len(few)


# --- a GET never changes anything


def test_get_requests_change_nothing(mod_client, review):
    comment = pending(review)

    assert mod_client.get(ACT, {"action": "approve", "comment": comment.pk}).status_code == 405
    assert mod_client.get(UNDO).status_code == 405
    mod_client.get(QUEUE, {"action": "approve", "comment": comment.pk})

    assert statuses(comment) == ["pending"]
    assert not ModerationLog.objects.exists()


def test_decision_without_the_csrf_token_is_refused(moderator, review):
    comment = pending(review)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)

    response = client.post(ACT, {"action": "approve", "comment": comment.pk})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert statuses(comment) == ["pending"]


# --- decisions change what readers see


def test_approving_publishes_the_comment_for_every_reader(mod_client, review):
    comment = pending(review)
    assert not visible_to_public(review, comment)

    response = act(mod_client, "approve", comment, next=f"{QUEUE}?status=pending")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{QUEUE}?status=pending"
    assert visible_to_public(review, comment)
    follow = mod_client.get(response["Location"])
    assert "1 comment approved." in follow.content.decode()


@pytest.mark.parametrize("action", ["spam", "remove", "unapprove"])
def test_spam_remove_and_unapprove_hide_a_published_comment(mod_client, review, action):
    comment = CommentFactory(review=review)
    assert visible_to_public(review, comment)

    act(mod_client, action, comment)

    assert not visible_to_public(review, comment)
    expected = {"spam": "spam", "remove": "removed", "unapprove": "pending"}[action]
    assert statuses(comment) == [expected]


def test_bulk_action_applies_to_the_selected_comments_only(mod_client, review):
    first, second, left = pending(review), pending(review), pending(review)

    response = act(mod_client, "approve", first, second)

    assert statuses(first, second, left) == ["approved", "approved", "pending"]
    assert visible_to_public(review, first) and visible_to_public(review, second)
    assert not visible_to_public(review, left)
    assert "2 comments approved." in mod_client.get(response["Location"]).content.decode()


def test_bulk_action_with_nothing_selected_explains_and_changes_nothing(mod_client, review):
    comment = pending(review)

    response = mod_client.post(ACT, {"action": "approve"}, follow=True)

    assert "Select at least one comment first." in response.content.decode()
    assert statuses(comment) == ["pending"]


def test_unknown_action_or_bad_ids_are_refused_without_an_error_page(mod_client, review):
    comment = pending(review)

    unknown = mod_client.post(ACT, {"action": "delete", "comment": comment.pk}, follow=True)
    junk = mod_client.post(
        ACT, {"action": "approve", "comment": ["x", "99999999", "9" * 30]}, follow=True
    )
    undo = mod_client.post(reverse("moderation:undo"), {"comment": "9" * 30}, follow=True)

    assert unknown.status_code == junk.status_code == undo.status_code == HTTPStatus.OK
    assert "Choose an action" in unknown.content.decode()
    assert statuses(comment) == ["pending"]


def test_redirect_back_only_goes_to_this_site(mod_client, review):
    comment = pending(review)

    response = act(mod_client, "approve", comment, next="https://evil.example/")

    assert response["Location"] == QUEUE


def test_in_place_action_answers_json_for_the_script(mod_client, review):
    comment = pending(review)

    response = mod_client.post(
        ACT, {"action": "approve", "comment": comment.pk}, HTTP_ACCEPT="application/json"
    )

    data = json.loads(response.content)
    assert response.status_code == HTTPStatus.OK
    assert data["changed"] == 1
    assert data["comments"] == [
        {"id": comment.pk, "status": "approved", "status_label": "Approved"}
    ]
    assert data["counts"]["approved"] == 1 and data["counts"]["pending"] == 0
    assert visible_to_public(review, comment)


def test_json_refusal_is_a_400_with_a_message(mod_client):
    response = mod_client.post(ACT, {"action": "approve"}, HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Select at least one comment" in json.loads(response.content)["error"]


# --- undo


def test_undo_puts_the_comments_back_where_they_were(mod_client, review):
    first, second = pending(review), pending(review)
    act(mod_client, "spam", first, second)
    assert "Undo last action" in mod_client.get(QUEUE).content.decode()

    response = mod_client.post(UNDO, follow=True)  # no ids: the last action in this session

    assert statuses(first, second) == ["pending", "pending"]
    assert "Undone: 2 comments restored." in response.content.decode()
    assert list(
        ModerationLog.objects.filter(comment=first).order_by("id").values_list("action", flat=True)
    ) == ["spam", "unapprove"]


def test_undo_of_an_approval_hides_the_comment_again(mod_client, review):
    comment = pending(review)
    act(mod_client, "approve", comment)

    mod_client.post(UNDO, {"comment": comment.pk}, HTTP_ACCEPT="application/json")

    assert statuses(comment) == ["pending"]
    assert not visible_to_public(review, comment)


def test_undo_restores_from_this_moderators_last_decision_only(mod_client, review):
    comment = CommentFactory(review=review)  # approved
    act(mod_client, "remove", comment)
    other = Client()
    other.force_login(UserFactory(username="other-mod", groups=["Moderators"], is_staff=True))
    act(other, "spam", comment)

    response = mod_client.post(UNDO, {"comment": comment.pk}, follow=True)

    assert statuses(comment) == ["spam"]  # someone else decided since: left alone
    assert "Nothing to undo" in response.content.decode()


# --- editing


def test_moderator_edits_a_comment_and_readers_see_the_new_text(mod_client, moderator, review):
    comment = CommentFactory(review=review, body="Original wording with a typo.")
    edit_url = reverse("moderation:edit", args=[comment.pk])

    form = mod_client.get(edit_url)
    response = mod_client.post(edit_url, {"body": "Corrected wording.", "next": QUEUE})

    assert "Original wording with a typo." in form.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.body == "Corrected wording."
    assert comment.edited_at is not None
    log = ModerationLog.objects.get(comment=comment)
    assert (log.action, log.moderator, log.note) == (
        "edit",
        moderator,
        "Original wording with a typo.",
    )
    page = public_page(review)
    assert "Corrected wording." in page and "typo" not in page


def test_empty_edit_is_refused_and_the_text_is_unchanged(mod_client, review):
    comment = CommentFactory(review=review, body="Keep me.")

    response = mod_client.post(reverse("moderation:edit", args=[comment.pk]), {"body": "  "})

    assert response.status_code == HTTPStatus.OK
    assert "This field is required." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Keep me." and not ModerationLog.objects.exists()


def test_edit_page_is_for_moderators_only(client, review):
    comment = CommentFactory(review=review)
    client.force_login(review.author.user)

    assert client.get(reverse("moderation:edit", args=[comment.pk])).status_code == 403
    assert (
        client.post(reverse("moderation:edit", args=[comment.pk]), {"body": "x"}).status_code == 403
    )


def test_editing_an_unknown_comment_is_a_404(mod_client):
    assert mod_client.get(reverse("moderation:edit", args=[987654])).status_code == 404
