from http import HTTPStatus

import pytest
from django.urls import reverse

from comments.models import BlocklistEntry, Comment, ModerationLog, Subscription
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:comments_comment_changelist")


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def run_action(client, action, comments):
    return client.post(
        LIST_URL,
        {"action": action, "_selected_action": [c.pk for c in comments], "index": "0"},
        follow=True,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def comment_form_data(comment, **overrides):
    data = {
        "status": comment.status,
        "name": comment.name,
        "email": comment.email,
        "url": comment.url,
        "body": comment.body,
        "moderation_log-TOTAL_FORMS": "0",
        "moderation_log-INITIAL_FORMS": "0",
        "moderation_log-MIN_NUM_FORMS": "0",
        "moderation_log-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("action", "start", "end", "logged", "message"),
    [
        ("approve_comments", "pending", "approved", "approve", "2 comments approved."),
        ("mark_spam", "pending", "spam", "spam", "2 comments marked as spam."),
        ("remove_comments", "approved", "removed", "remove", "2 comments removed."),
        ("unapprove_comments", "approved", "pending", "unapprove", "2 comments unapproved."),
    ],
)
def test_moderator_action_changes_status_and_logs_who_did_it(
    client, moderator, action, start, end, logged, message
):
    first, second = CommentFactory(status=start), CommentFactory(status=start)
    bystander = CommentFactory(status=start)
    client.force_login(moderator)

    response = run_action(client, action, [first, second])

    assert response.status_code == HTTPStatus.OK
    assert message in messages_of(response)
    for comment in (first, second):
        comment.refresh_from_db()
        assert comment.status == end
        assert comment.moderated_by == moderator
        entry = ModerationLog.objects.get(comment=comment)
        assert (entry.action, entry.moderator, entry.from_status, entry.to_status) == (
            logged,
            moderator,
            start,
            end,
        )
    bystander.refresh_from_db()
    assert bystander.status == start
    assert not ModerationLog.objects.filter(comment=bystander).exists()


def test_action_counts_only_comments_that_changed(client, moderator):
    pending = CommentFactory(status="pending")
    already = CommentFactory(status="approved")
    client.force_login(moderator)

    response = run_action(client, "approve_comments", [pending, already])

    assert "1 comment approved." in messages_of(response)
    assert ModerationLog.objects.count() == 1


def test_approving_nothing_new_says_so(client, moderator):
    already = CommentFactory(status="approved")
    client.force_login(moderator)
    response = run_action(client, "approve_comments", [already])
    assert "No comment changed: the selected ones were already approved." in messages_of(response)


def test_delete_is_not_offered_to_moderators(client, moderator):
    CommentFactory()
    client.force_login(moderator)
    content = client.get(LIST_URL).content.decode()
    assert 'value="delete_selected"' not in content
    assert 'value="approve_comments"' in content
    assert 'value="mark_spam"' in content


def test_comment_list_shows_the_columns_moderators_need(client, moderator):
    review = ReviewFactory(headline="Her — a quiet triumph")
    parent = CommentFactory(review=review, name="Maya", body="Loved it. " * 20)
    CommentFactory(review=review, parent=parent, name="Jonah")
    client.force_login(moderator)

    response = client.get(LIST_URL)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Maya" in content
    assert "Jonah" in content
    assert "Her — a quiet triumph" in content
    assert "Loved it. Loved it." in content
    assert "Loved it. " * 20 not in content  # the body is shortened
    assert 'class="field-depth">1<' in content


def test_comment_search_by_email_ip_and_body(client, moderator):
    CommentFactory(name="Maya", email="maya@example.net", ip_address="203.0.113.7")
    CommentFactory(name="Jonah", email="jonah@example.net", ip_address="198.51.100.2", body="Meh")
    client.force_login(moderator)

    def names(term):
        content = client.get(LIST_URL, {"q": term}).content.decode()
        return {name for name in ("Maya", "Jonah") if name in content}

    assert names("maya@example") == {"Maya"}
    assert names("203.0.113") == {"Maya"}
    assert names("meh") == {"Jonah"}


def test_comment_list_filters_by_status_and_review(client, moderator):
    review = ReviewFactory()
    CommentFactory(review=review, name="Held Reader", status="pending")
    CommentFactory(name="Other Review Reader", status="approved")
    client.force_login(moderator)

    pending = client.get(LIST_URL, {"status__exact": "pending"}).content.decode()
    assert "Held Reader" in pending
    assert "Other Review Reader" not in pending

    by_review = client.get(LIST_URL, {"review__id__exact": review.pk}).content.decode()
    assert "Held Reader" in by_review
    assert "Other Review Reader" not in by_review


def test_change_page_shows_read_only_details_and_moderation_history(client, moderator):
    comment = CommentFactory(
        status="pending", ip_address="203.0.113.7", user_agent="Mozilla/5.0 (TestBrowser)"
    )
    client.force_login(moderator)
    run_action(client, "approve_comments", [comment])

    response = client.get(change_url(comment))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "203.0.113.7" in content
    assert "Mozilla/5.0 (TestBrowser)" in content
    assert 'name="ip_address"' not in content
    assert 'name="path"' not in content
    assert "moderation history" in content.lower()
    assert "Approved" in content
    assert 'name="moderation_log-0-action"' not in content  # history is not editable


def test_status_change_on_the_form_is_logged(client, moderator):
    comment = CommentFactory(status="pending")
    client.force_login(moderator)

    response = client.post(change_url(comment), comment_form_data(comment, status="spam"))

    assert response.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.status == "spam"
    entry = ModerationLog.objects.get(comment=comment)
    assert (entry.action, entry.moderator, entry.to_status) == ("spam", moderator, "spam")


def test_editing_a_comment_keeps_the_old_text_in_the_log(client, moderator):
    comment = CommentFactory(body="Original words with a slur.")
    client.force_login(moderator)

    client.post(change_url(comment), comment_form_data(comment, body="Original words."))

    comment.refresh_from_db()
    assert comment.body == "Original words."
    entry = ModerationLog.objects.get(comment=comment)
    assert entry.action == "edit"
    assert entry.note == "Original words with a slur."
    assert entry.moderator == moderator


def test_comments_cannot_be_added_in_the_admin(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("admin:comments_comment_add")).status_code == HTTPStatus.FORBIDDEN


def test_authors_have_no_access_to_the_comment_admin(client, author):
    comment = CommentFactory(status="pending")
    client.force_login(author.user)
    assert client.get(LIST_URL).status_code == HTTPStatus.FORBIDDEN
    response = client.post(
        LIST_URL, {"action": "approve_comments", "_selected_action": [comment.pk]}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_moderator_adds_a_blocklist_entry_stored_in_one_spelling(client, moderator):
    client.force_login(moderator)
    url = reverse("admin:comments_blocklistentry_add")

    response = client.post(url, {"kind": "email", "value": " Spammer@Example.COM ", "note": "x"})
    assert response.status_code == HTTPStatus.FOUND
    assert BlocklistEntry.objects.get().value == "spammer@example.com"

    duplicate = client.post(url, {"kind": "email", "value": "SPAMMER@example.com", "note": ""})
    assert duplicate.status_code == HTTPStatus.OK
    assert "already exists" in duplicate.content.decode()
    assert BlocklistEntry.objects.count() == 1


def test_blocklist_list_filters_by_kind_and_searches_values(client, moderator):
    BlocklistEntry.objects.create(kind="email", value="spammer@example.com")
    BlocklistEntry.objects.create(kind="word", value="casino")
    client.force_login(moderator)
    url = reverse("admin:comments_blocklistentry_changelist")

    words = client.get(url, {"kind__exact": "word"}).content.decode()
    assert "casino" in words
    assert "spammer@example.com" not in words
    assert "spammer@example.com" in client.get(url, {"q": "spammer"}).content.decode()


def test_subscriptions_are_read_only_but_can_be_ended(client, moderator):
    subscription = Subscription.objects.create(comment=CommentFactory(), email="r@example.net")
    client.force_login(moderator)

    page = client.get(reverse("admin:comments_subscription_change", args=[subscription.pk]))
    assert page.status_code == HTTPStatus.OK
    assert 'name="email"' not in page.content.decode()

    response = client.post(
        reverse("admin:comments_subscription_changelist"),
        {"action": "unsubscribe", "_selected_action": [subscription.pk]},
        follow=True,
    )
    assert "1 subscription ended." in messages_of(response)
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_moderation_log_admin_is_read_only(client, moderator):
    comment = CommentFactory(status="pending")
    client.force_login(moderator)
    run_action(client, "approve_comments", [comment])
    entry = ModerationLog.objects.get()

    page = client.get(reverse("admin:comments_moderationlog_change", args=[entry.pk]))

    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:comments_moderationlog_add")).status_code == 403


def test_superuser_sees_every_comment_admin_page(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    comment = CommentFactory()
    client.force_login(root)
    for name in ("comment", "moderationlog", "blocklistentry", "subscription", "verifiedemail"):
        response = client.get(reverse(f"admin:comments_{name}_changelist"))
        assert response.status_code == HTTPStatus.OK, name
    assert client.get(change_url(comment)).status_code == HTTPStatus.OK
    assert Comment.objects.count() == 1
