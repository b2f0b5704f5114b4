"""Puts back in the queue the background tasks a killed worker left RUNNING (run it before the
worker starts: README, "Production")."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from core.tasks import requeue_stuck

DEFAULT_MINUTES = 15  # far longer than any task runs: a mail is bounded by EMAIL_TIMEOUT


class Command(BaseCommand):
    help = (
        "Make RUNNING background tasks READY again when their worker is gone: those last taken "
        "by --worker-id (the worker about to start under that id), and any started more than "
        f"--older-than minutes ago (default {DEFAULT_MINUTES}). Run it before `db_worker`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            default=None,
            help="The id the worker is started with (`db_worker --worker-id`): its tasks are "
            "requeued whatever their age.",
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=DEFAULT_MINUTES,
            metavar="MINUTES",
            help=f"Requeue tasks running for longer than this (default {DEFAULT_MINUTES}).",
        )

    def handle(self, *args, worker_id=None, older_than=DEFAULT_MINUTES, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more minutes.")
        requeued, failed = requeue_stuck(
            worker_id=worker_id, older_than=timedelta(minutes=older_than)
        )
        self.stdout.write(f"Requeued {requeued} stuck task(s).")
        if failed:
            self.stdout.write(
                f"Marked {failed} task(s) failed: their worker stopped under them too many times."
            )
