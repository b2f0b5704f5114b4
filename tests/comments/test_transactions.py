"""Posting, moderation, own edits and privacy erasure are all-or-nothing, and two moderators
making the same decision at once change (and announce) the comment once.

Failures are injected at the database cursor (`connection.execute_wrapper`), so the code under
test runs unchanged up to the statement that fails, as it would when the database refuses it.
"""

import threading
import time
from contextlib import contextmanager
from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib import messages
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from comments import admin as comments_admin
from comments import services
from comments.models import Comment, ModerationLog, Subscription, VerifiedEmail
from comments.moderation import apply_action, edit_comment, undo_last
from comments.views import moderation as queue_views
from tests.comments.commenting import post_comment
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

APPROVE = ModerationLog.Action.APPROVE
ACT = reverse("moderation:act")
UNDO = reverse("moderation:undo")
CHANGELIST = reverse("admin:comments_comment_changelist")


@contextmanager
def failing_sql(matches, *, on_call=1):
    """The `on_call`-th statement that `matches(sql)` raises DatabaseError instead of running."""
    calls = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal calls
        if matches(sql):
            calls += 1
            if calls == on_call:
                raise DatabaseError(f"injected failure: {sql[:60]}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def path_update(sql):
    """Comment.save()'s second write: the materialized path built from the new pk."""
    return sql.startswith("UPDATE") and '"comments_comment"' in sql and '"path"' in sql


def table_delete(table):
    return lambda sql: sql.startswith("DELETE") and f'"{table}"' in sql


def review_without_groups():
    """A review whose author needs no group: a transactional test may run after another one
    flushed the groups the migrations made."""
    return ReviewFactory(author__user=UserFactory(username="critic", email="critic@example.org"))


def another_moderator():
    return UserFactory(username="mod2", is_staff=True, groups=["Moderators"])


def approve_logs(comment):
    return ModerationLog.objects.filter(comment=comment, action=APPROVE)


# --- posting: the row and its path land together or not at all


@pytest.mark.django_db(transaction=True)
def test_a_failed_path_write_outside_any_transaction_leaves_no_comment():
    review = review_without_groups()
    parent = CommentFactory(review=review)

    with pytest.raises(DatabaseError), failing_sql(path_update):
        Comment(review=review, parent=parent, name="Ada", email="a@example.net", body="Hi.").save()

    assert list(Comment.objects.values_list("pk", flat=True)) == [parent.pk]
    reply = CommentFactory(review=review, parent=parent)  # and the next one is saved whole
    assert reply.path == f"{parent.path}/{reply.pk:010d}"
    assert Comment.objects.get(pk=reply.pk).path == reply.path


@override_settings(COMMENTS_MODERATION="none")
def test_posting_when_the_path_write_fails_leaves_nothing_and_mails_nobody(
    client, review, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        pytest.raises(DatabaseError),
        failing_sql(path_update),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        post_comment(client, review, comment="Lost in the database.")

    assert not Comment.objects.exists()
    assert callbacks == []
    assert mailoutbox == []

    # The same post without the failure is saved whole and announced: the test would see a mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, review, comment="Saved this time.")
    assert response.status_code == HTTPStatus.FOUND
    comment = Comment.objects.get()
    assert comment.path == f"{comment.pk:010d}"
    assert [m.to for m in mailoutbox] == [[review.author.user.email]]


# --- two moderators approving the same comment at once


def test_two_moderators_approving_with_stale_copies_change_log_and_mail_once(
    review, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(review=review, status=Comment.Status.PENDING)
    other = another_moderator()
    # Both loaded it while it was pending.
    seen_by_first = Comment.objects.get(pk=comment.pk)
    seen_by_second = Comment.objects.get(pk=comment.pk)

    with django_capture_on_commit_callbacks(execute=True):
        first = apply_action(comments=[seen_by_first], action=APPROVE, moderator=moderator)
        second = apply_action(comments=[seen_by_second], action=APPROVE, moderator=other)

    assert (first, second) == (1, 0)
    assert [m.to for m in mailoutbox] == [[review.author.user.email]]
    assert [log.moderator for log in approve_logs(comment)] == [moderator]
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (Comment.Status.APPROVED, moderator)
    assert seen_by_second.status == Comment.Status.APPROVED  # the caller sees where it is now


def test_a_queryset_evaluated_before_another_moderator_acted_changes_only_what_is_left(
    review, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    mine, theirs = CommentFactory.create_batch(2, review=review, status=Comment.Status.PENDING)
    selected = Comment.objects.filter(pk__in=[mine.pk, theirs.pk]).order_by("pk")
    assert [c.status for c in selected] == ["pending", "pending"]  # evaluated and cached

    with django_capture_on_commit_callbacks(execute=True):
        apply_action(
            comments=[Comment.objects.get(pk=theirs.pk)],
            action=APPROVE,
            moderator=another_moderator(),
        )
        changed = apply_action(comments=selected, action=APPROVE, moderator=moderator)

    assert changed == 1
    assert approve_logs(mine).get().moderator == moderator
    assert approve_logs(theirs).get().moderator.username == "mod2"
    # One announcement per comment: the author hears of each approved comment once.
    assert [m.to for m in mailoutbox] == [[review.author.user.email]] * 2


def test_the_queue_tells_the_second_moderator_nothing_changed_and_mails_once(
    client, review, moderator, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    comment = CommentFactory(review=review, status=Comment.Status.PENDING)
    other = another_moderator()
    seen_by_other = Comment.objects.get(pk=comment.pk)
    real_apply_action = queue_views.apply_action

    def other_moderator_gets_in_first(**kwargs):
        # This request has loaded the comment (pending); the other approval commits just now.
        real_apply_action(comments=[seen_by_other], action=APPROVE, moderator=other)
        return real_apply_action(**kwargs)

    monkeypatch.setattr(queue_views, "apply_action", other_moderator_gets_in_first)
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ACT, {"action": "approve", "comment": [comment.pk]}, HTTP_ACCEPT="application/json"
        )

    data = response.json()
    assert data["changed"] == 0
    assert data["message"].startswith("Nothing changed")
    assert [(c["id"], c["status"]) for c in data["comments"]] == [(comment.pk, "approved")]
    assert [m.to for m in mailoutbox] == [[review.author.user.email]]
    assert [log.moderator for log in approve_logs(comment)] == [other]
    # Nothing of this moderator's to undo: the other moderator's decision stands.
    assert client.post(UNDO, HTTP_ACCEPT="application/json").json()["changed"] == 0
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_the_admin_action_tells_the_second_moderator_nothing_changed_and_mails_once(
    client, review, moderator, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    comment = CommentFactory(review=review, status=Comment.Status.PENDING)
    other = another_moderator()
    real_apply_action = comments_admin.apply_action

    def other_moderator_gets_in_first(*, comments, **kwargs):
        assert [c.status for c in comments] == ["pending"]  # the selection, evaluated and cached
        real_apply_action(
            comments=[Comment.objects.get(pk=comment.pk)], action=APPROVE, moderator=other
        )
        return real_apply_action(comments=comments, **kwargs)

    monkeypatch.setattr(comments_admin, "apply_action", other_moderator_gets_in_first)
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "approve_comments", "_selected_action": [comment.pk], "index": "0"},
            follow=True,
        )

    assert response.status_code == HTTPStatus.OK
    notes = [(m.level, str(m)) for m in response.context["messages"]]
    assert len(notes) == 1 and notes[0][0] == messages.INFO
    assert "No comment changed" in notes[0][1]
    assert [m.to for m in mailoutbox] == [[review.author.user.email]]
    assert [log.moderator for log in approve_logs(comment)] == [other]


def test_undo_with_a_stale_copy_leaves_another_moderators_later_decision(review, moderator):
    comment = CommentFactory(review=review, status=Comment.Status.PENDING)
    apply_action(comments=[comment], action=APPROVE, moderator=moderator)
    assert comment.status == Comment.Status.APPROVED  # this moderator's copy, now stale
    apply_action(
        comments=[Comment.objects.get(pk=comment.pk)],
        action=ModerationLog.Action.SPAM,
        moderator=another_moderator(),
    )

    assert undo_last(comments=[comment], moderator=moderator) == 0

    assert comment.status == Comment.Status.SPAM
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.SPAM


def test_two_moderators_editing_stale_copies_both_texts_stay_in_the_history(review, moderator):
    comment = CommentFactory(review=review, body="The writer's words.")
    first_copy = Comment.objects.get(pk=comment.pk)
    second_copy = Comment.objects.get(pk=comment.pk)

    edit_comment(comment=first_copy, body="First moderator's words.", moderator=moderator)
    edit_comment(comment=second_copy, body="Second moderator's words.", moderator=None)

    notes = ModerationLog.objects.filter(comment=comment, action="edit").order_by("pk")
    assert [log.note for log in notes] == ["The writer's words.", "First moderator's words."]
    assert Comment.objects.get(pk=comment.pk).body == "Second moderator's words."


# --- a reader's own edits and deletes


@override_settings(COMMENTS_MAX_LINKS=1)
def test_an_own_edit_that_fails_halfway_changes_nothing(client, review):
    with override_settings(COMMENTS_MODERATION="none"):
        post_comment(client, review, comment="No links here.")
    comment = Comment.objects.get()
    held_reason_write = lambda sql: sql.startswith("UPDATE") and '"held_reason"' in sql  # noqa: E731

    # Too many links: the text is saved, the comment unapproved, then the reason fails.
    with pytest.raises(DatabaseError), failing_sql(held_reason_write):
        client.post(
            reverse("comments:edit", kwargs={"pk": comment.pk}),
            {"comment": "See https://a.example and https://b.example"},
        )

    comment.refresh_from_db()
    assert (comment.body, comment.status, comment.edited_at) == (
        "No links here.",
        Comment.Status.APPROVED,
        None,
    )
    assert not ModerationLog.objects.exists()


def test_deleting_an_own_comment_a_moderator_marked_as_spam_meanwhile_keeps_it_spam(
    review, moderator
):
    seen_by_writer = CommentFactory(review=review)
    apply_action(
        comments=[Comment.objects.get(pk=seen_by_writer.pk)],
        action=ModerationLog.Action.SPAM,
        moderator=moderator,
    )

    services.delete_own_comment(comment=seen_by_writer)

    assert Comment.objects.get(pk=seen_by_writer.pk).status == Comment.Status.SPAM
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["spam"]


# --- privacy erasure: all of it or none of it


def privacy_data(email, review, moderator):
    comment = CommentFactory(review=review, name="Ada", email=email, body="Ada's words.")
    edit_comment(comment=comment, body="Ada's words, tidied.", moderator=moderator)
    Subscription.objects.create(comment=comment, email=email, confirmed_at=timezone.now())
    VerifiedEmail.objects.create(email=email)
    return comment


def assert_untouched(comment, email):
    comment.refresh_from_db()
    assert (comment.name, comment.email, comment.body, comment.is_erased) == (
        "Ada",
        email,
        "Ada's words, tidied.",
        False,
    )
    assert ModerationLog.objects.get(comment=comment, action="edit").note == "Ada's words."
    assert not ModerationLog.objects.filter(comment=comment, action="erase").exists()
    assert Subscription.objects.filter(comment=comment, email=email).exists()
    assert VerifiedEmail.objects.filter(email=email).exists()


def test_an_erasure_that_fails_at_its_last_step_leaves_the_data_as_it_was(review, moderator):
    comment = privacy_data("ada@example.net", review, moderator)

    with pytest.raises(DatabaseError), failing_sql(table_delete("comments_verifiedemail")):
        call_command(
            "comment_data", "erase", "ada@example.net", interactive=False, stdout=StringIO()
        )

    assert_untouched(comment, "ada@example.net")


def test_an_admin_erasure_of_two_addresses_failing_on_the_second_erases_neither(
    client, review, moderator
):
    ada = privacy_data("ada@example.net", review, moderator)
    bea = privacy_data("bea@example.net", review, moderator)
    client.force_login(moderator)

    with (
        pytest.raises(DatabaseError),
        failing_sql(table_delete("comments_verifiedemail"), on_call=2),
    ):
        client.post(
            CHANGELIST,
            {
                "action": "erase_commenter_data",
                "_selected_action": [ada.pk, bea.pk],
                "confirm": "yes",
            },
        )

    assert_untouched(ada, "ada@example.net")
    assert_untouched(bea, "bea@example.net")


# --- the real thing: two connections racing on PostgreSQL


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_on_postgresql_change_and_mail_once(mailoutbox):
    review = review_without_groups()
    comment = CommentFactory(review=review, status=Comment.Status.PENDING)
    first_mod, second_mod = (UserFactory(username=f"racer{i}") for i in (1, 2))
    seen = [Comment.objects.get(pk=comment.pk) for _ in range(2)]  # both see it pending
    results, errors = {}, []
    first_has_approved, release = threading.Event(), threading.Event()

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - reported by the test thread below
                errors.append(exc)
            finally:
                first_has_approved.set()
                connections.close_all()  # this thread's connections only

        return threading.Thread(target=run)

    def first():
        with transaction.atomic():
            results["first"] = apply_action(comments=[seen[0]], action=APPROVE, moderator=first_mod)
            first_has_approved.set()
            release.wait(10)  # commit only once the second moderator waits on the row

    def second():
        first_has_approved.wait(10)
        results["second"] = apply_action(comments=[seen[1]], action=APPROVE, moderator=second_mod)

    threads = [in_thread(first), in_thread(second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not errors:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert results == {"first": 1, "second": 0}
    assert [log.moderator for log in approve_logs(comment)] == [first_mod]
    assert [m.to for m in mailoutbox] == [["critic@example.org"]]
