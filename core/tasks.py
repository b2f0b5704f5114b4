"""How background tasks (django-tasks) survive failures: retries with back-off, stuck rows.

- `retried`: a task that fails on the network (OSError: a mail server refusing, silent past
  EMAIL_TIMEOUT, or gone) is enqueued again to run later, at most TASKS_MAX_ATTEMPTS times in
  all, TASKS_RETRY_DELAY seconds after the first failure and five times longer after each next
  one. The failed attempt still fails (its row keeps the traceback); the next one is a new row
  whose `run_after` is in the future. Only a backend that can run a task later does this (the
  database one); the immediate backend logs the failure and goes on.
- `requeue_stuck`: a worker killed in the middle of a task leaves its row RUNNING for ever;
  `manage.py run_worker` (or `requeue_stuck_tasks` before `db_worker`) makes such rows READY
  again when the worker starts.
- `requeue_failed`: a task that failed for good (every attempt spent, or a bug since fixed) is
  enqueued again, with all its attempts, by `manage.py requeue_failed_tasks` or the admin's
  "Requeue" action on task results. A failed row that a later row has taken over (its retry, or
  an earlier requeue) is left alone, so requeuing twice never sends a mail twice.

Apply `retried` under `@task()`:

    @task()
    @retried
    def send_something(comment_id: int) -> None: ...
"""

import functools
import json
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

ATTEMPT_KWARG = "retry_attempt"  # stored with the task's own arguments (JSON)
BACKOFF_FACTOR = 5


class WorkerStopped(Exception):
    """Recorded on a task row whose worker died under it too many times (see requeue_stuck)."""


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, …)."""
    return timedelta(seconds=settings.TASKS_RETRY_DELAY * BACKOFF_FACTOR ** (attempt - 1))


def _permanent(error: OSError) -> bool:
    """A failure that trying again cannot fix: the mail server refused every recipient for good
    (5xx; a 4xx such as greylisting is worth another try)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return False


def retried(func):
    """Runs `func`; on a network failure, enqueues the same task again for later (see above)."""

    @functools.wraps(func)  # keeps the module path the task is stored under
    def run(*args, **kwargs):
        attempt = kwargs.pop(ATTEMPT_KWARG, 1)
        try:
            return func(*args, **kwargs)
        except OSError as error:
            _retry_later(func, args, kwargs, attempt, error)
            raise  # this attempt failed: the backend records it with its traceback

    return run


def _retry_later(func, args, kwargs, attempt, error) -> None:
    name = f"{func.__module__}.{func.__qualname__}"
    task = import_string(name)  # the Task object the decorated function became
    if _permanent(error):
        log.error("Task %s failed for good (%s): not retried", name, error)
        return
    if attempt >= settings.TASKS_MAX_ATTEMPTS:
        log.error("Task %s failed %d times (last: %s): giving up", name, attempt, error)
        return
    if not task.get_backend().supports_defer:
        log.warning("Task %s failed (%s): this task backend cannot retry it later", name, error)
        return
    delay = retry_delay(attempt)
    log.warning(
        "Task %s failed (attempt %d of %d: %s); trying again in %s",
        name,
        attempt,
        settings.TASKS_MAX_ATTEMPTS,
        error,
        delay,
    )
    task.using(run_after=timezone.now() + delay).enqueue(
        *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1}
    )


def requeue_stuck(*, worker_id=None, older_than=None) -> tuple[int, int]:
    """Makes RUNNING task rows READY again: those last claimed by `worker_id` (a worker being
    restarted is not running them any more) and those started more than `older_than` ago.

    A row already claimed TASKS_MAX_ATTEMPTS times is marked FAILED instead, so a task that
    kills its worker cannot loop for ever. Returns (requeued, failed).
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    requeued = failed = 0
    cutoff = timezone.now() - older_than if older_than is not None else None
    with transaction.atomic():
        # Locked: a worker claiming or finishing a row meanwhile waits for this to commit.
        for row in DBTaskResult.objects.running().select_for_update().order_by("started_at"):
            mine = worker_id is not None and row.worker_ids[-1:] == [worker_id]
            old = cutoff is not None and row.started_at is not None and row.started_at < cutoff
            if not (mine or old):
                continue
            if len(row.worker_ids) >= settings.TASKS_MAX_ATTEMPTS:
                row.status = TaskResultStatus.FAILED
                row.finished_at = timezone.now()
                row.exception_class_path = f"{__name__}.{WorkerStopped.__qualname__}"
                row.traceback = (
                    f"The worker stopped while running this task, {len(row.worker_ids)} times."
                )
                row.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed += 1
            else:
                row.status = TaskResultStatus.READY
                row.started_at = None
                row.save(update_fields=["status", "started_at"])
                requeued += 1
    return requeued, failed


def _work(row) -> tuple[str, str, str]:
    """What a task row does, whichever attempt it is: its task and arguments."""
    kwargs = dict(row.args_kwargs.get("kwargs", {}))
    kwargs.pop(ATTEMPT_KWARG, None)
    args = row.args_kwargs.get("args", [])
    return row.task_path, json.dumps(args, sort_keys=True), json.dumps(kwargs, sort_keys=True)


def final_failures(rows) -> list:
    """The FAILED rows among `rows` (a DBTaskResult queryset) that nothing took over: no row
    enqueued after them does the same work (a retry, or a copy an earlier requeue made)."""
    from django_tasks_db.models import DBTaskResult

    failed = list(rows.failed().order_by("enqueued_at"))
    if not failed:
        return []
    latest = {}
    related = DBTaskResult.objects.filter(
        task_path__in={row.task_path for row in failed},
        enqueued_at__gte=failed[0].enqueued_at,
    ).only("task_path", "args_kwargs", "enqueued_at")
    for row in related.iterator():
        work = _work(row)
        if work not in latest or row.enqueued_at > latest[work]:
            latest[work] = row.enqueued_at
    return [row for row in failed if latest[_work(row)] <= row.enqueued_at]


def requeue_failed(rows) -> tuple[list, list]:
    """Enqueues again, as a first attempt, each failed task among `rows` that nothing took over
    (see final_failures). Returns (the new task results, the rows whose task no longer exists)."""
    requeued, missing = [], []
    for row in final_failures(rows):
        try:
            task = import_string(row.task_path)
            if not hasattr(task, "enqueue"):
                raise SuspiciousOperation(row.task_path)
        except (ImportError, SuspiciousOperation):
            missing.append(row)  # renamed or removed since: cannot run
            continue
        kwargs = dict(row.args_kwargs.get("kwargs", {}))
        kwargs.pop(ATTEMPT_KWARG, None)
        again = task.using(
            priority=row.priority, queue_name=row.queue_name, backend=row.backend_name
        ).enqueue(*row.args_kwargs.get("args", []), **kwargs)
        requeued.append(again)
    if requeued:
        log.info("Requeued %d failed task(s)", len(requeued))
    return requeued, missing
