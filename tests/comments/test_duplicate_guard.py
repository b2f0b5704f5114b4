"""The duplicate check cannot be raced: identical posts sent at once save one comment.

check_post() reads before the insert, so on its own two simultaneous posts both pass it. The
database closes the gap: the email and IP duplicate keys are unique per review, and the post that
loses gets the same friendly refusal as a later one.
"""

import threading
from http import HTTPStatus

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client, override_settings

from comments import privacy, services, spam
from comments.models import Comment
from tests.comments.commenting import post_comment
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "The final shot of the lighthouse says everything the dialogue never did."
ALREADY = "You have already posted this comment."


def assert_refused_as_duplicate(response, typed=TEXT):
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert ALREADY in page
    assert typed.strip() in page  # the reader's words, in the form again


def test_a_second_identical_post_is_refused_with_the_message_and_the_text_kept(client, review):
    assert post_comment(client, review, comment=TEXT).status_code == HTTPStatus.FOUND

    again = post_comment(Client(), review, comment=f"  {TEXT.upper()} ")

    assert_refused_as_duplicate(again, typed=TEXT.upper())
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "second",
    [
        {"email": "ADA@example.net", "ip": "192.0.2.200"},  # same address, another network
        {"email": "someone@example.net"},  # another address, same IP
    ],
)
def test_when_the_check_is_raced_the_database_refuses_and_the_reader_gets_the_message(
    review, monkeypatch, second
):
    assert post_comment(Client(), review, comment=TEXT, email="ada@example.net").status_code == 302
    # What a simultaneous post sees: check_post() ran before the first row existed.
    monkeypatch.setattr(services.spam, "check_post", lambda **kwargs: None)

    response = post_comment(Client(), review, comment=TEXT, **second)

    assert_refused_as_duplicate(response)
    assert Comment.objects.count() == 1


def test_the_same_text_elsewhere_or_from_someone_else_gets_in_even_past_the_check(
    review, monkeypatch
):
    post_comment(Client(), review, comment=TEXT)
    monkeypatch.setattr(services.spam, "check_post", lambda **kwargs: None)

    other_review = post_comment(Client(), ReviewFactory(), comment=TEXT)
    other_person = post_comment(
        Client(), review, comment=TEXT, email="bob@example.net", ip="192.0.2.77"
    )

    assert other_review.status_code == other_person.status_code == HTTPStatus.FOUND
    assert Comment.objects.count() == 3


def test_keys_ignore_case_and_spacing_and_tell_people_apart():
    email_key, ip_key = spam.duplicate_keys(email="Ada@Example.net ", ip="192.0.2.1", body=TEXT)

    assert (email_key, ip_key) == spam.duplicate_keys(
        email="ada@example.net", ip="192.0.2.1", body=f"\n{TEXT.upper()}  "
    )
    assert email_key != spam.duplicate_keys(email="bob@example.net", ip=None, body=TEXT)[0]
    assert ip_key != spam.duplicate_keys(email="", ip="192.0.2.2", body=TEXT)[1]
    assert email_key != ip_key
    assert spam.duplicate_keys(email="", ip=None, body=TEXT) == (None, None)
    assert spam.duplicate_keys(email="ada@example.net", ip="192.0.2.1", body=" ") == (None, None)


def test_the_constraint_holds_in_the_database(review):
    CommentFactory(review=review, duplicate_key_email="k" * 64)

    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(review=review, duplicate_key_email="k" * 64)


def test_comments_without_keys_never_clash(review):
    # Older rows, imports and admin-made comments carry no key: identical ones coexist.
    for _ in range(2):
        CommentFactory(review=review, email="ada@example.net", body=TEXT)

    assert Comment.objects.filter(duplicate_key_email=None, duplicate_key_ip=None).count() == 2


def test_erasure_and_ip_retention_clear_the_keys_they_derive_from(client, review):
    post_comment(client, review, comment=TEXT)
    comment = Comment.objects.get()
    assert comment.duplicate_key_email and comment.duplicate_key_ip

    privacy.purge_old_ips(days=-1)
    comment.refresh_from_db()
    assert comment.duplicate_key_ip is None and comment.duplicate_key_email

    privacy.erase_email("ada@example.net")
    comment.refresh_from_db()
    assert comment.duplicate_key_email is None

    # Erased is gone: the same words may be posted again, as before the guard.
    assert post_comment(Client(), review, comment=TEXT).status_code == HTTPStatus.FOUND


# --- the real race, on PostgreSQL: several connections inserting at the same instant


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same", ["email", "ip"])
@override_settings(COMMENTS_RATE_LIMIT=100)
def test_identical_comments_posted_at_once_save_exactly_one(same):
    posts = 10
    # No default groups needed: a transactional test may run after a flush.
    review = ReviewFactory(author__user=UserFactory(username="critic"))
    start = threading.Barrier(posts)
    statuses, errors = [], []

    def post(n):
        try:
            who = {"email": f"reader{n}@example.net"} if same == "ip" else {"ip": f"192.0.2.{n}"}
            start.wait(10)
            statuses.append(post_comment(Client(), review, comment=TEXT, **who).status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the test thread below
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's connections only

    threads = [threading.Thread(target=post, args=(n,)) for n in range(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert Comment.objects.count() == 1
    assert sorted(statuses) == [HTTPStatus.FOUND] + [HTTPStatus.BAD_REQUEST] * (posts - 1)
