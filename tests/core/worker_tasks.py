"""Tasks a real `manage.py db_worker` process runs in tests/core/test_worker.py (importable by
the worker, unlike a test module's own functions)."""

import time
from pathlib import Path

from django_tasks import task


@task()
def mark(path: str) -> str:
    """Writes `path`: the test learns the worker is up and has run a task."""
    Path(path).write_text("done")
    return path


@task()
def slow(started_path: str, seconds: float) -> str:
    """Writes `started_path`, then takes `seconds`: a task in hand when the worker is stopped."""
    Path(started_path).write_text("started")
    time.sleep(seconds)
    return "finished"
