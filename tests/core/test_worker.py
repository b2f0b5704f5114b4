"""The background worker as systemd runs it (deploy/reviewsite-worker.service): a real
`manage.py db_worker` process on a database of its own.

- SIGTERM while idle: it exits at once, status 0.
- SIGTERM in the middle of a task: the task finishes (SUCCESSFUL, not left RUNNING), the next
  task is not started, the exit status is 0.
- Killed outright (SIGKILL, as systemd does after TimeoutStopSec): the task stays RUNNING until
  the next start's `requeue_stuck_tasks --worker-id` puts it back, and then it runs.

And the issue's "must show": a mail queued while the SMTP server is down reaches a real SMTP
server (aiosmtpd on loopback) once it is back, by the worker's retry alone.
"""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from tests.comments.moderation_support import post_comment
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
WORKER_ID = "test-host"
HELD_MAIL = "comments.tasks.send_held_comment_mail"
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database file, made once, copied for each test."""
    path = tmp_path_factory.mktemp("worker-db") / "template.sqlite3"
    run_manage(path, "migrate", "--no-input", "--verbosity", "0")
    return path


@pytest.fixture
def database(migrated, tmp_path):
    path = tmp_path / "db.sqlite3"
    shutil.copy(migrated, path)
    return path


def environment(database):
    env = dict(os.environ)
    env.update(
        DEBUG="1",
        SECRET_KEY="worker-test",
        DATABASE_URL=f"sqlite:///{database}",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        REVIEWSITE_ENV_FILE=os.devnull,  # a developer's .env must not change the run
        REDIS_URL="",
    )
    return env


def run_manage(database, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(database),
        check=True,
        capture_output=True,
        text=True,
        timeout=90,
    )


def enqueue(database, code):
    """Enqueues tasks from tests/core/worker_tasks.py in a manage.py shell."""
    run_manage(database, "shell", "-c", f"from tests.core.worker_tasks import *; {code}")


def start_worker(database):
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--worker-id",
            WORKER_ID,
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",  # as in production (DEBUG off)
        ],
        cwd=ROOT,
        env=environment(database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(path, worker, seconds=60):
    deadline = time.monotonic() + seconds
    while not Path(path).exists():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{worker.stdout.read()}")
        if time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"{path} never appeared:\n{worker.communicate()[0]}")
        time.sleep(0.05)


def statuses(database):
    """{first argument of the task: status}, read straight from the worker's database file."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT json_extract(args_kwargs, '$.args[0]'), status "
            "FROM django_tasks_database_dbtaskresult"
        ).fetchall()
    return {Path(arg).name: status for arg, status in rows}


def stop(worker, sig=signal.SIGTERM, seconds=30):
    worker.send_signal(sig)
    output, _ = worker.communicate(timeout=seconds)
    return worker.returncode, output


def test_sigterm_while_idle_stops_the_worker_at_once_with_status_0(database, tmp_path):
    ready = tmp_path / "ready"
    enqueue(database, f"mark.enqueue({str(ready)!r})")
    worker = start_worker(database)
    wait_for(ready, worker)  # the worker is up and has gone back to waiting for work
    time.sleep(0.3)

    started = time.monotonic()
    returncode, output = stop(worker)

    assert returncode == 0, output
    assert time.monotonic() - started < 5
    assert statuses(database) == {"ready": "SUCCESSFUL"}


def test_sigterm_during_a_task_lets_it_finish_and_starts_no_other(database, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    enqueue(
        database,
        f"slow.enqueue({str(first)!r}, 2); slow.using(priority=-1).enqueue({str(second)!r}, 2)",
    )
    worker = start_worker(database)
    wait_for(first, worker)  # the first task is in hand

    returncode, output = stop(worker)

    assert returncode == 0, output
    assert "shutting down gracefully" in output
    assert statuses(database) == {"first": "SUCCESSFUL", "second": "READY"}
    assert not second.exists()


def test_a_killed_workers_task_runs_again_when_it_starts_as_the_unit_starts_it(database, tmp_path):
    task = tmp_path / "task"
    enqueue(database, f"slow.enqueue({str(task)!r}, 30)")
    worker = start_worker(database)
    wait_for(task, worker)

    stop(worker, signal.SIGKILL)
    assert statuses(database) == {"task": "RUNNING"}  # nothing else would ever pick it up
    task.unlink()

    # deploy/reviewsite-worker.service: ExecStartPre, then ExecStart, with the same --worker-id.
    result = run_manage(database, "requeue_stuck_tasks", "--worker-id", WORKER_ID)
    assert "Requeued 1 stuck task(s)." in result.stdout
    with sqlite3.connect(database) as connection:  # a shorter task this time, same row
        connection.execute(
            "UPDATE django_tasks_database_dbtaskresult SET args_kwargs = json_set(args_kwargs, "
            "'$.args[1]', 0)"
        )
    run_manage(database, "db_worker", "--worker-id", WORKER_ID, "--batch", "--no-reload")

    assert statuses(database) == {"task": "SUCCESSFUL"}
    assert task.exists()


# --- mail while the mail server is down, delivered when it returns (no manual step)


class Inbox:
    """aiosmtpd handler: keeps every message a real SMTP conversation delivers."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_process_worker(**options):
    """`manage.py db_worker` in this process, on the test database's real commits."""
    settings = {"batch": False, "max_tasks": None, **options}
    Worker(
        queue_names=["default"],
        interval=0.1,
        backend_name="default",
        startup_delay=False,
        worker_id="mail-1",
        excluded_queue_names=[],
        **settings,
    ).run()


@pytest.mark.django_db(transaction=True)
def test_mail_queued_while_smtp_is_down_is_delivered_by_the_worker_when_it_returns(
    settings, review
):
    port = free_port()  # nothing listens there yet: connections are refused
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.TASKS_RETRY_DELAY = 1  # seconds before the first retry (a minute by default)
    UserFactory(username="mod-a", email="mod-a@site.example", groups=["Moderators"])

    # A reader's comment is held for moderation: the moderator's mail is queued.
    response = post_comment(Client(), review, comment="Held while the mail server is down.")
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.get().status == Comment.Status.PENDING

    in_process_worker(batch=True)  # the attempt fails; the retry is not due yet
    first, retry = DBTaskResult.objects.filter(task_path=HELD_MAIL).order_by("enqueued_at")
    assert (first.status, first.exception_class_path) == (
        "FAILED",
        "builtins.ConnectionRefusedError",
    )
    assert retry.status == "READY" and retry.run_after > first.finished_at

    # The mail server comes back; the worker, still running, sends the mail when it is due.
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        # Polls until each queued retry is due (a second here), runs them, stops.
        in_process_worker(max_tasks=DBTaskResult.objects.filter(status="READY").count())
    finally:
        smtp.stop()

    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    [message] = [m for m in inbox.messages if m.rcpt_tos == ["mod-a@site.example"]]
    assert b"Held while the mail server is down." in message.content
