"""Who approved or rejected what, and when: every decision leaves a record."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationLog
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

ACT = reverse("moderation:act")


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        ("pending", "approve", "approved"),
        ("pending", "spam", "spam"),
        ("pending", "remove", "removed"),
        ("approved", "unapprove", "pending"),
        ("spam", "approve", "approved"),
    ],
)
def test_each_decision_records_who_what_and_when(mod_client, moderator, review, start, action, end):
    comment = CommentFactory(review=review, status=start)
    before = timezone.now()

    mod_client.post(ACT, {"action": action, "comment": comment.pk})

    log = ModerationLog.objects.get(comment=comment)
    assert (log.moderator, log.action, log.from_status, log.to_status) == (
        moderator,
        action,
        start,
        end,
    )
    assert before <= log.created_at <= timezone.now()
    comment.refresh_from_db()
    assert comment.moderated_by == moderator
    assert before <= comment.moderated_at <= timezone.now()


def test_bulk_decision_records_one_entry_per_comment_and_skips_no_ops(mod_client, review):
    waiting = CommentFactory.create_batch(2, review=review, status="pending")
    already = CommentFactory(review=review, status="approved")

    mod_client.post(ACT, {"action": "approve", "comment": [c.pk for c in [*waiting, already]]})

    assert ModerationLog.objects.filter(action="approve").count() == 2
    assert not ModerationLog.objects.filter(comment=already).exists()


def test_history_keeps_every_decision_in_order_with_each_moderators_name(mod_client, review):
    comment = CommentFactory(review=review, status="pending")
    second_mod = UserFactory(username="second-mod", groups=["Moderators"], is_staff=True)
    other = Client()
    other.force_login(second_mod)

    mod_client.post(ACT, {"action": "approve", "comment": comment.pk})
    other.post(ACT, {"action": "remove", "comment": comment.pk})

    history = list(
        ModerationLog.objects.filter(comment=comment)
        .order_by("created_at", "id")
        .values_list("moderator__username", "action", "to_status")
    )
    assert history == [("mod", "approve", "approved"), ("second-mod", "remove", "removed")]


def test_edit_records_the_moderator_and_the_old_text(mod_client, moderator, review):
    comment = CommentFactory(review=review, body="Before.")

    mod_client.post(reverse("moderation:edit", args=[comment.pk]), {"body": "After."})

    log = ModerationLog.objects.get(comment=comment)
    assert (log.action, log.moderator, log.note) == ("edit", moderator, "Before.")


def test_unchanged_edit_records_nothing(mod_client, review):
    comment = CommentFactory(review=review, body="Same.")

    mod_client.post(reverse("moderation:edit", args=[comment.pk]), {"body": "Same."})

    assert not ModerationLog.objects.exists()
    comment.refresh_from_db()
    assert comment.edited_at is None


def test_undo_is_itself_recorded(mod_client, moderator, review):
    comment = CommentFactory(review=review, status="pending")
    mod_client.post(ACT, {"action": "spam", "comment": comment.pk})

    mod_client.post(reverse("moderation:undo"), {"comment": comment.pk})

    actions = list(
        ModerationLog.objects.filter(comment=comment, moderator=moderator)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )
    assert actions == [("spam", "pending", "spam"), ("unapprove", "spam", "pending")]


def test_admin_actions_leave_the_same_trail(client, moderator, review):
    comment = CommentFactory(review=review, status="pending")
    client.force_login(moderator)

    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve_comments", "_selected_action": [comment.pk], "index": "0"},
    )

    log = ModerationLog.objects.get(comment=comment)
    assert (log.moderator, log.action) == (moderator, "approve")


def test_edit_page_shows_the_history_with_names_and_times(mod_client, review):
    comment = CommentFactory(review=review, status="pending", body="Original.")
    mod_client.post(ACT, {"action": "approve", "comment": comment.pk})
    mod_client.post(reverse("moderation:edit", args=[comment.pk]), {"body": "Edited."})

    page = mod_client.get(reverse("moderation:edit", args=[comment.pk])).content.decode()

    assert "Approved by mod" in page
    assert "Edited by mod" in page
    assert "Original." in page  # the text before the edit, for moderators only


def test_queue_shows_who_decided_last(mod_client, review):
    comment = CommentFactory(review=review, status="pending")
    mod_client.post(ACT, {"action": "spam", "comment": comment.pk})

    page = mod_client.get(reverse("moderation:queue"), {"status": "spam"}).content.decode()

    assert "by mod," in page


def test_audit_rows_survive_when_a_moderator_account_is_deleted(review):
    comment = CommentFactory(review=review, status="pending")
    leaving = UserFactory(username="leaving", groups=["Moderators"], is_staff=True)
    client = Client()
    client.force_login(leaving)
    client.post(ACT, {"action": "approve", "comment": comment.pk})

    leaving.delete()

    log = ModerationLog.objects.get(comment=comment)
    assert log.moderator is None and log.action == "approve"
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert log.created_at > timezone.now() - timedelta(minutes=1)
