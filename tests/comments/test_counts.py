"""The comment count on lists of reviews: stored on the review, right after every change.

Lists (home, author, genre, film, person, search) show "N comments" on each card without
counting comment rows: the count is kept on the review in the same transaction as every change
to its comments. These tests read the count where readers see it, on the home page.
"""

import re
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import counts
from comments.models import Comment
from comments.moderation import apply_action
from comments.privacy import erase_email
from core import pagecache
from reviews.models import Review
from tests import factories
from tests.comments.commenting import post_comment

pytestmark = pytest.mark.django_db

QUEUE_ACT = reverse("moderation:act")


def count_on_home(review):
    """The count the review's card on the home page shows, as a number."""
    html = Client().get(reverse("reviews:home")).content.decode()
    link = re.search(rf'href="{re.escape(review.get_absolute_url())}#comments">([^<]+)<', html)
    assert link, "the card shows no comment count"
    text = link.group(1)
    return 0 if text == "No comments" else int(text.split()[0])


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def act(client, action, *comments):
    return client.post(QUEUE_ACT, {"action": action, "comment": [c.pk for c in comments]})


def test_only_approved_comments_are_counted(review):
    factories.CommentFactory.create_batch(3, review=review)
    for status in ("pending", "spam", "removed"):
        factories.CommentFactory(review=review, status=status)

    assert count_on_home(review) == 3


def test_a_comment_approved_on_posting_counts_at_once(client, review, settings):
    settings.COMMENTS_MODERATION = "none"
    assert count_on_home(review) == 0

    response = post_comment(client, review)

    assert response.status_code == 302
    assert count_on_home(review) == 1


def test_a_held_comment_counts_once_a_moderator_approves_it(client, review, mod_client):
    post_comment(client, review)  # held: a first comment, under the default policy
    comment = Comment.objects.get(review=review)
    assert comment.status == Comment.Status.PENDING
    assert count_on_home(review) == 0

    act(mod_client, "approve", comment)

    assert count_on_home(review) == 1


@pytest.mark.parametrize("action", ["spam", "remove", "unapprove"])
def test_a_comment_taken_out_of_sight_stops_counting(review, mod_client, action):
    comments = factories.CommentFactory.create_batch(2, review=review)

    act(mod_client, action, comments[0])

    assert count_on_home(review) == 1


def test_undo_counts_the_comment_again(review, mod_client):
    comment = factories.CommentFactory(review=review)
    act(mod_client, "spam", comment)
    assert count_on_home(review) == 0

    mod_client.post(reverse("moderation:undo"), {"comment": comment.pk})

    assert count_on_home(review) == 1


def test_a_writer_deleting_their_comment_stops_it_counting(client, review, settings):
    settings.COMMENTS_MODERATION = "none"
    post_comment(client, review)
    comment = Comment.objects.get(review=review)
    assert count_on_home(review) == 1

    client.post(reverse("comments:delete", kwargs={"pk": comment.pk}))

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.REMOVED
    assert count_on_home(review) == 0


def test_deleting_a_comment_and_its_replies_stops_them_counting(review):
    top = factories.CommentFactory(review=review)
    factories.CommentFactory(review=review, parent=top)
    factories.CommentFactory(review=review)
    assert count_on_home(review) == 3

    top.delete()

    assert count_on_home(review) == 1


def test_a_comment_moved_to_another_review_counts_there(review):
    other = factories.ReviewFactory()
    comment = factories.CommentFactory(review=review)

    comment.review = other
    comment.save()

    assert (count_on_home(review), count_on_home(other)) == (0, 1)


def test_an_erased_comment_still_counts_as_deleted_text_keeps_its_place(review):
    factories.CommentFactory(review=review, email="gone@example.net")

    erase_email("gone@example.net")

    assert count_on_home(review) == 1


def test_a_review_saved_from_an_old_copy_keeps_the_current_count(review):
    stale = Review.objects.get(pk=review.pk)  # e.g. an admin form opened earlier
    factories.CommentFactory(review=review)

    stale.headline = "A new headline"
    stale.save()

    assert count_on_home(review) == 1
    assert Review.objects.get(pk=review.pk).headline == "A new headline"


def test_recount_comments_repairs_counts_changed_behind_the_apps_back(review):
    factories.CommentFactory.create_batch(2, review=review)
    Comment.objects.filter(review=review).update(status=Comment.Status.SPAM)  # no signals
    assert count_on_home(review) == 2

    out = StringIO()
    call_command("recount_comments", stdout=out)

    assert "1 review(s)" in out.getvalue()
    assert count_on_home(review) == 0


def test_lists_never_read_the_comment_table(review, no_page_cache):
    factories.CommentFactory.create_batch(2, review=review)
    author = review.author
    urls = [
        reverse("reviews:home"),
        author.get_absolute_url(),
        review.film.get_absolute_url(),
        reverse("films:list"),
        reverse("reviews:feed_rss"),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200
        # Queries reading reviews (cards, pagination counts); the film page's audience score
        # reads comments on purpose.
        lists = [
            q["sql"]
            for q in queries
            if q["sql"].partition(" FROM ")[2].startswith('"reviews_review"')
        ]
        assert lists, url
        assert not [sql for sql in lists if "comments_comment" in sql], url


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_at_once_on_postgresql_both_count(moderator, monkeypatch):
    # The page cache's version row would make the second wait before it counts: without it,
    # the count itself must wait for the first decision.
    monkeypatch.setattr(pagecache, "content_changed", lambda using=None: None)
    monkeypatch.setattr(counts, "content_changed", lambda using=None: None)
    review = factories.ReviewFactory()
    first, second = factories.CommentFactory.create_batch(
        2, review=review, status=Comment.Status.PENDING
    )
    errors = []
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

    def approve_first():
        with transaction.atomic():
            apply_action(comments=[first], action="approve", moderator=moderator)
            first_has_approved.set()
            release.wait(10)  # commit only once the other decision waits on the review

    def approve_second():
        first_has_approved.wait(10)
        # Counted after the first commits: a count taken before would store 1.
        apply_action(comments=[second], action="approve", moderator=moderator)

    threads = [in_thread(approve_first), in_thread(approve_second)]
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
    assert count_on_home(review) == 2
