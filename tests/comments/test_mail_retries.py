"""A mail server that accepts a connection and never answers: a reader's comment is saved and
their POST answered in time, and the mail goes out later (EMAIL_TIMEOUT, core/tasks.py).

Real commits (transaction=True): the mails are queued by transaction.on_commit, which runs inside
the request exactly as in production."""

import socket
import threading
import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from tests.comments.moderation_support import post_comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL_TIMEOUT = 1  # seconds
HELD_MAIL = "comments.tasks.send_held_comment_mail"


class SilentMailServer:
    """Accepts every connection and never says a word (not even the SMTP greeting)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections.append(connection)  # held open, silent

    def close(self):
        self._stop.set()
        self._thread.join()
        for connection in self.connections:
            connection.close()
        self.listener.close()


@pytest.fixture
def silent_smtp(settings):
    server = SilentMailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = EMAIL_TIMEOUT
    yield server
    server.close()


@pytest.fixture
def moderator_with_mail(db):
    return UserFactory(username="mod-a", email="mod-a@site.example", groups=["Moderators"])


def timed_post(review, **data):
    started = time.monotonic()
    response = post_comment(Client(), review, comment="Held for a moderator, please.", **data)
    return response, time.monotonic() - started


def run_worker():
    """`manage.py db_worker --batch`: every task that is due, then stop."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="mail-1",
        excluded_queue_names=[],
    ).run()


def held_mail_rows():
    return list(DBTaskResult.objects.filter(task_path=HELD_MAIL).order_by("enqueued_at"))


def test_with_the_worker_the_post_never_waits_and_the_mail_is_retried_later(
    silent_smtp, settings, moderator_with_mail, review, mailoutbox
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # production

    response, elapsed = timed_post(review)

    # The reader: answered at once, the comment saved; nobody talked to the mail server yet.
    assert response.status_code == HTTPStatus.FOUND
    assert elapsed < EMAIL_TIMEOUT
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert silent_smtp.connections == []
    [queued] = held_mail_rows()
    assert queued.status == "READY"

    # The worker: its attempt gives up after EMAIL_TIMEOUT and schedules the next one.
    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started < EMAIL_TIMEOUT + 2
    assert len(silent_smtp.connections) == 1
    first, retry = held_mail_rows()
    assert first.status == "FAILED"
    assert first.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert "timed out" in first.traceback
    assert retry.status == "READY"
    assert retry.args_kwargs["args"] == first.args_kwargs["args"]
    assert retry.run_after > timezone.now() + timedelta(seconds=50)  # one minute later
    assert mailoutbox == []

    # A minute later the mail server is back: the retry delivers the mail.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    assert [row.status for row in held_mail_rows()] == ["FAILED", "SUCCESSFUL"]
    assert [mail.to for mail in mailoutbox] == [["mod-a@site.example"]]


def test_with_mail_sent_inside_the_request_the_post_waits_at_most_email_timeout_per_mail(
    silent_smtp, moderator_with_mail, review, caplog
):
    # Development's immediate backend (and a production that ignores check's reviewsite.W001).
    response, elapsed = timed_post(review)

    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get().status == Comment.Status.PENDING
    tries = len(silent_smtp.connections)
    assert tries >= 1
    assert elapsed < tries * EMAIL_TIMEOUT + 2  # not until gunicorn kills the worker
    assert "SMTPServerDisconnected" in caplog.text  # the failure is logged …
    assert "cannot retry it later" in caplog.text  # … and why it is not retried
