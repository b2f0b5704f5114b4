"""Enqueues again the background tasks (mail) that failed for good, e.g. after a long mail server
outage that outlasted every retry (README, "Production")."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.tasks import final_failures, requeue_failed


def _since(value: str) -> datetime.datetime:
    """A date, a date and time (local time unless an offset is given), or hours ago ("12h")."""
    if value.endswith("h") and value[:-1].isdigit():
        return timezone.now() - datetime.timedelta(hours=int(value[:-1]))
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is not None:
                moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"--since {value!r}: give a date (2026-11-30), a date and time "
            "(2026-11-30T08:00), or a number of hours (12h)."
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Enqueue again, with all their retries, the background tasks (notification mail) that "
        "failed for good, once the cause is fixed (a mail server back after an outage longer "
        "than the retries). A failed task already retried or requeued is left alone, so "
        "running this twice sends nothing twice. A worker must be running to send them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            metavar="WHEN",
            help="Only tasks that failed at or after WHEN: a date (2026-11-30), a date and "
            "time (2026-11-30T08:00, local time), or hours ago (12h). Default: any time.",
        )
        parser.add_argument(
            "--task-path",
            action="append",
            default=[],
            metavar="PATH",
            help="Only this task, e.g. comments.tasks.send_reply_mail (repeatable).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be requeued, change nothing."
        )

    def handle(self, *args, since=None, task_path=(), dry_run=False, **options):
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.all()
        if since:
            rows = rows.filter(finished_at__gte=_since(since))
        if task_path:
            rows = rows.filter(task_path__in=task_path)
        if dry_run:
            failures = final_failures(rows)
            for row in failures:
                self.stdout.write(f"{row.finished_at:%Y-%m-%d %H:%M}  {row.task_path}  {row.id}")
            self.stdout.write(f"Would requeue {len(failures)} failed task(s).")
            return
        requeued, missing = requeue_failed(rows)
        for row in missing:
            self.stderr.write(f"Not requeued: {row.task_path} no longer exists (task {row.id}).")
        self.stdout.write(f"Requeued {len(requeued)} failed task(s).")
