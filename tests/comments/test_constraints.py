import pytest
from django.db import IntegrityError, transaction

from comments.models import Comment
from tests.factories import CommentFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_reply_on_another_review():
    parent = CommentFactory()
    other_review = ReviewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(
            review=other_review, parent=parent, name="X", email="x@example.org", body="hi"
        )
    assert Comment.objects.count() == 1


def test_database_refuses_moving_a_reply_to_another_review():
    parent = CommentFactory()
    reply = CommentFactory(review=parent.review, parent=parent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=reply.pk).update(review=ReviewFactory())


def test_replies_load_in_thread_order_in_one_query(django_assert_num_queries):
    first = CommentFactory()
    review = first.review
    second = CommentFactory(review=review)
    reply = CommentFactory(review=review, parent=first)
    deeper = CommentFactory(review=review, parent=reply)
    with django_assert_num_queries(1):
        ordered = list(Comment.objects.for_thread(review))
    assert ordered == [first, reply, deeper, second]
    assert [c.depth for c in ordered] == [0, 1, 2, 0]


def test_database_refuses_a_reader_rating_on_a_reply_or_out_of_range():
    parent = CommentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(review=parent.review, parent=parent, rating=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(review=parent.review, rating=11)


def test_database_refuses_an_unknown_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(status="hidden")


def test_migrate_restores_the_reply_trigger_after_a_sqlite_table_rebuild():
    """A SQLite table rebuild drops triggers; `migrate` puts the database rule back."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite drops triggers when it rebuilds a table")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER comment_reply_same_review_insert")
    call_command("migrate", verbosity=0)
    parent = CommentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(
            review=ReviewFactory(), parent=parent, name="X", email="x@example.org", body="hi"
        )
