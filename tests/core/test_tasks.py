"""Background tasks survive failures (core/tasks.py): a task that fails on the network runs again
later with growing waits, a bounded number of times; a task a killed worker left RUNNING is
put back in the queue before the worker starts again."""

import logging
import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.tasks import ATTEMPT_KWARG, WorkerStopped, retried, retry_delay

pytestmark = pytest.mark.django_db

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
RAN = []


@task()
@retried
def flaky(label: str, failure: str = "") -> str:
    """A task for these tests: fails as asked, else returns its label."""
    RAN.append(label)
    if failure == "network":
        raise ConnectionRefusedError("mail server down")
    if failure == "refused-for-good":
        raise smtplib.SMTPRecipientsRefused({"gone@example.net": (550, b"no such user")})
    if failure == "refused-for-now":
        raise smtplib.SMTPRecipientsRefused({"busy@example.net": (450, b"greylisted")})
    if failure == "bug":
        raise ValueError("a bug is not fixed by waiting")
    return label


@pytest.fixture(autouse=True)
def _ran():
    RAN.clear()


@pytest.fixture
def database_backend(settings):
    # Changing TASKS resets django-tasks' backends (its setting_changed receiver).
    settings.TASKS = DATABASE


def rows():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def run_worker(worker_id="test-worker"):
    """What `manage.py db_worker --batch` does: every task that is due, then stop."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


@pytest.fixture(autouse=True)
def _keep_the_test_transaction(monkeypatch):
    # The worker drops database connections between tasks; here that would end the test's
    # transaction (tests/comments/test_mail_retries.py runs the worker on real commits).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def test_a_task_that_succeeds_runs_once(database_backend):
    flaky.enqueue("fine")
    run_worker()

    [row] = rows()
    assert row.status == "SUCCESSFUL" and row.return_value == "fine"
    assert RAN == ["fine"]


def test_a_network_failure_is_recorded_and_the_task_enqueued_again_for_later(database_backend):
    flaky.enqueue("mail", failure="network")
    before = timezone.now()

    run_worker()  # the retry is not due yet: the worker stops after the first attempt

    first, retry = rows()
    assert first.status == "FAILED"
    assert first.exception_class_path == "builtins.ConnectionRefusedError"
    assert retry.status == "READY"
    assert retry.task_path == first.task_path
    assert retry.args_kwargs == {
        "args": ["mail"],
        "kwargs": {"failure": "network", ATTEMPT_KWARG: 2},
    }
    assert before + timedelta(seconds=60) <= retry.run_after <= timezone.now() + timedelta(60)
    assert RAN == ["mail"]


def test_retries_wait_longer_each_time_and_stop_after_the_last_attempt(
    database_backend, settings, caplog
):
    settings.TASKS_MAX_ATTEMPTS = 5
    settings.TASKS_RETRY_DELAY = 60
    flaky.enqueue("mail", failure="network")
    waits = []
    for _ in range(10):  # more rounds than attempts: the last one must enqueue nothing
        due = DBTaskResult.objects.filter(status="READY").first()
        if due is None:
            break
        waits.append(round((due.run_after - due.enqueued_at).total_seconds() / 60))
        DBTaskResult.objects.filter(pk=due.pk).update(run_after=timezone.now())  # time passes
        run_worker()

    # The first attempt runs at once (no run_after), then 1, 5, 25 and 125 minutes later.
    assert waits[1:] == [1, 5, 25, 125]
    assert len(RAN) == 5
    assert [row.status for row in rows()] == ["FAILED"] * 5
    assert "failed 5 times" in caplog.text and "giving up" in caplog.text


def test_the_waits_follow_the_settings(settings):
    settings.TASKS_RETRY_DELAY = 10
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [10, 50, 250]


def test_an_address_refused_for_good_is_not_retried(database_backend):
    flaky.enqueue("mail", failure="refused-for-good")
    run_worker()

    assert [row.status for row in rows()] == ["FAILED"]


def test_an_address_refused_for_now_is_retried(database_backend):
    flaky.enqueue("mail", failure="refused-for-now")
    run_worker()

    assert [row.status for row in rows()] == ["FAILED", "READY"]


def test_a_bug_is_not_retried(database_backend):
    flaky.enqueue("mail", failure="bug")
    run_worker()

    assert [row.status for row in rows()] == ["FAILED"]


def test_the_immediate_backend_logs_the_failure_and_goes_on(settings, caplog):
    settings.TASKS = IMMEDIATE

    with caplog.at_level(logging.WARNING, logger="core.tasks"):
        result = flaky.enqueue("mail", failure="network")  # does not raise into the caller

    assert result.status == "FAILED"
    assert "cannot retry it later" in caplog.text


# --- a worker killed in the middle of a task


def claimed(label, worker_id, minutes_ago=0, times=1):
    """A task row left RUNNING by `worker_id`, as a worker killed mid-task leaves it."""
    result = flaky.enqueue(label)
    row = DBTaskResult.objects.get(pk=result.id)
    for n in range(times):
        row.claim(worker_id if n == times - 1 else f"earlier-{n}")
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return row.pk


def requeue(*args):
    out = StringIO()
    call_command("requeue_stuck_tasks", *args, stdout=out)
    return out.getvalue()


def status(pk):
    return DBTaskResult.objects.get(pk=pk).status


def test_only_the_restarted_workers_own_running_tasks_are_requeued(database_backend):
    mine = claimed("mine", "mail-1", minutes_ago=1)
    busy = claimed("another worker's, still running", "mail-2", minutes_ago=1)
    waiting = flaky.enqueue("waiting").id

    assert requeue("--worker-id", "mail-1") == "Requeued 1 stuck task(s).\n"
    assert (status(mine), status(busy), status(waiting)) == ("READY", "RUNNING", "READY")


def test_a_requeued_task_runs_again_when_the_worker_starts(database_backend):
    stuck = claimed("half done", "mail-1", minutes_ago=1)
    run_worker("mail-1")
    assert status(stuck) == "RUNNING"  # nothing picks up a RUNNING row by itself

    requeue("--worker-id", "mail-1")
    run_worker("mail-1")

    assert status(stuck) == "SUCCESSFUL"
    assert RAN == ["half done"]


def test_tasks_running_for_too_long_are_requeued_whoever_ran_them(database_backend):
    old = claimed("old", "gone-worker", minutes_ago=20)
    recent = claimed("recent", "mail-2", minutes_ago=5)

    assert requeue() == "Requeued 1 stuck task(s).\n"  # older than 15 minutes by default
    assert (status(old), status(recent)) == ("READY", "RUNNING")

    requeue("--older-than", "2")
    assert status(recent) == "READY"


def test_a_task_its_worker_keeps_dying_under_is_failed_not_requeued(database_backend, settings):
    settings.TASKS_MAX_ATTEMPTS = 3
    killer = claimed("kills its worker", "mail-1", times=3)

    output = requeue("--worker-id", "mail-1")

    assert "Marked 1 task(s) failed" in output
    row = DBTaskResult.objects.get(pk=killer)
    assert row.status == "FAILED"
    assert row.task_result.errors[0].exception_class is WorkerStopped
