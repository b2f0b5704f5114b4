"""Background tasks survive failures (core/tasks.py): a task that fails on the network runs again
later with growing waits, a bounded number of times; a task a killed worker left RUNNING is
put back in the queue before the worker starts again; a task that failed for good is requeued
by `manage.py requeue_failed_tasks` or the admin's action, once, with all its retries."""

import logging
import smtplib
from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.tasks import ATTEMPT_KWARG, WorkerStopped, retried, retry_delay
from tests.factories import UserFactory

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


# --- failed for good: requeued by a command or the admin, once the cause is fixed

OUTAGE = {"down": True}


@task()
@retried
def deliver(label: str) -> str:
    """A mail for these tests: fails on the network while OUTAGE["down"]."""
    RAN.append(label)
    if OUTAGE["down"]:
        raise ConnectionRefusedError("mail server down")
    return label


DELIVER = f"{__name__}.deliver"


@pytest.fixture
def outage():
    OUTAGE["down"] = True
    yield OUTAGE
    OUTAGE["down"] = True


def spend_every_attempt():
    """Runs the worker until no retry is left, time passing between attempts."""
    for _ in range(20):
        due = DBTaskResult.objects.filter(status="READY")
        if not due.exists():
            return
        due.update(run_after=timezone.now())
        run_worker()


def requeue_failed(*args):
    out = StringIO()
    call_command("requeue_failed_tasks", *args, stdout=out)
    return out.getvalue()


def test_mail_that_failed_every_attempt_is_sent_once_requeued(database_backend, settings, outage):
    settings.TASKS_MAX_ATTEMPTS = 3
    deliver.enqueue("reply mail")
    spend_every_attempt()
    assert [row.status for row in rows()] == ["FAILED"] * 3

    outage["down"] = False  # the mail server is back
    assert requeue_failed() == "Requeued 1 failed task(s).\n"  # one mail, not one per attempt
    assert requeue_failed() == "Requeued 0 failed task(s).\n"  # already in the queue
    run_worker()

    assert [row.status for row in rows()] == ["FAILED"] * 3 + ["SUCCESSFUL"]
    assert RAN == ["reply mail"] * 4
    assert rows()[-1].args_kwargs == {"args": ["reply mail"], "kwargs": {}}  # a first attempt


def test_a_requeued_task_gets_all_its_retries_again(database_backend, settings, outage):
    settings.TASKS_MAX_ATTEMPTS = 2
    deliver.enqueue("mail")
    spend_every_attempt()
    requeue_failed()
    spend_every_attempt()  # still down: two more attempts

    assert [row.status for row in rows()] == ["FAILED"] * 4
    assert requeue_failed() == "Requeued 1 failed task(s).\n"


def test_a_task_that_succeeded_after_a_retry_is_not_requeued(database_backend, outage):
    deliver.enqueue("mail")
    run_worker()  # fails, retry scheduled
    outage["down"] = False
    spend_every_attempt()

    assert [row.status for row in rows()] == ["FAILED", "SUCCESSFUL"]
    assert requeue_failed() == "Requeued 0 failed task(s).\n"


def test_failed_tasks_can_be_chosen_by_task_and_by_when_they_failed(database_backend, settings):
    settings.TASKS_MAX_ATTEMPTS = 1
    old = flaky.enqueue("old", failure="bug").id
    flaky.enqueue("recent", failure="bug")
    deliver.enqueue("other task")
    run_worker()
    DBTaskResult.objects.filter(pk=old).update(finished_at=timezone.now() - timedelta(days=3))

    dry = requeue_failed("--since", "12h", "--task-path", f"{__name__}.flaky", "--dry-run")
    assert f"{__name__}.flaky" in dry and "Would requeue 1 failed task(s)." in dry
    assert DBTaskResult.objects.filter(status="READY").count() == 0  # a dry run changes nothing

    assert requeue_failed("--since", "12h", "--task-path", f"{__name__}.flaky") == (
        "Requeued 1 failed task(s).\n"
    )
    [again] = DBTaskResult.objects.filter(status="READY")
    assert again.args_kwargs["args"] == ["recent"]

    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert requeue_failed("--since", since) == "Requeued 2 failed task(s).\n"  # old, other task


def test_an_unreadable_since_is_refused():
    with pytest.raises(CommandError, match="--since"):
        call_command("requeue_failed_tasks", "--since", "last tuesday")


# --- the admin's action


def task_results_page(client, **data):
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    return client.post(url, data, follow=True) if data else client.get(url)


def test_an_operator_requeues_failed_mail_from_the_admin(database_backend, client, outage):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    deliver.enqueue("mail")
    run_worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    DBTaskResult.objects.filter(status="READY").delete()  # as if every retry were spent

    response = task_results_page(
        client, action="requeue_failed_tasks", _selected_action=[str(failed.pk)], index="0"
    )

    assert response.status_code == HTTPStatus.OK
    assert "Requeued 1 failed task: a worker will run it again." in response.content.decode()
    outage["down"] = False
    run_worker()
    assert [row.status for row in rows()] == ["FAILED", "SUCCESSFUL"]


def test_requeuing_from_the_admin_skips_tasks_not_failed_or_already_retried(
    database_backend, client, outage
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    deliver.enqueue("mail")
    run_worker()  # one FAILED row and its READY retry

    response = task_results_page(
        client,
        action="requeue_failed_tasks",
        _selected_action=[str(row.pk) for row in rows()],
        index="0",
    )

    assert "Requeued 0 failed tasks" in response.content.decode()
    assert len(rows()) == 2


def test_staff_who_may_only_look_at_task_results_are_not_offered_the_action(
    database_backend, client
):
    flaky.enqueue("mail", failure="bug")
    run_worker()  # a failed row on the page (an empty list offers no action to anyone)
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_dbtaskresult"))
    client.force_login(viewer)
    assert "requeue_failed_tasks" not in task_results_page(client).content.decode()

    operator = UserFactory(is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="change_dbtaskresult"))
    client.force_login(operator)
    assert "requeue_failed_tasks" in task_results_page(client).content.decode()
