"""Recounts the approved comments stored on every review (after raw SQL or a bulk load)."""

from django.core.management.base import BaseCommand

from comments.counts import recount_all


class Command(BaseCommand):
    help = (
        "Recount each review's approved comments (the count lists show) from the comment table. "
        "Needed only after comments were changed outside the application, e.g. with raw SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=None, help="The database to recount.")

    def handle(self, *args, database=None, **options):
        fixed = recount_all(using=database)
        self.stdout.write(f"Recounted comments: {fixed} review(s) had a wrong count, now fixed.")
