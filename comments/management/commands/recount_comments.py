"""Recounts the approved comments stored on every review, and which reader ratings count toward
each film's audience score (after raw SQL or a bulk load)."""

from django.core.management.base import BaseCommand

from comments.counts import recount_all
from comments.ratings import recount_all_ratings


class Command(BaseCommand):
    help = (
        "Recount each review's approved comments (the count lists show) from the comment table, "
        "and mark each reader's counted rating of each film (their latest approved one). "
        "Needed only after comments were changed outside the application, e.g. with raw SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=None, help="The database to recount.")

    def handle(self, *args, database=None, **options):
        fixed = recount_all(using=database)
        self.stdout.write(f"Recounted comments: {fixed} review(s) had a wrong count, now fixed.")
        flags = recount_all_ratings(using=database)
        self.stdout.write(
            f"Recounted ratings: {flags} comment(s) were wrongly counted or left out, now fixed."
        )
