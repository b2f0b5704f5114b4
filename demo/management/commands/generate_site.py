"""`manage.py generate_site`: a big generated site (reviews, films, people, threaded comments)."""

import time
from functools import partial

from django.core.management.base import BaseCommand, CommandError

from core.progress import progress
from demo.generate import BUSY_SIZES, AlreadyGenerated, Plan, generate


def _count(raw):
    value = int(raw.replace("_", "").replace(",", ""))
    if value < 0:
        raise ValueError(raw)
    return value


class Command(BaseCommand):
    help = (
        "Adds a generated site to the configured database with bulk inserts, for benchmarks: "
        "a review with 300 approved comments threaded five deep (105/84/52/36/23 per level), "
        "one with 10,000, and --reviews reviews of --films films carrying --comments comments, "
        "with authors, people, credits and genres. The text is made up from a small word list. "
        "Run it while nothing else writes to the database (it picks the primary keys itself)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reviews", type=_count, default=20_000, help="default 20,000")
        parser.add_argument("--films", type=_count, default=5_000, help="default 5,000")
        parser.add_argument(
            "--comments",
            type=_count,
            default=1_000_000,
            help="comments spread over the --reviews reviews; default 1,000,000",
        )
        parser.add_argument(
            "--busy",
            action="store_true",
            default=True,
            help="add the 300- and 10,000-comment reviews (the default)",
        )
        parser.add_argument("--no-busy", dest="busy", action="store_false", help="leave them out")
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="the same seed generates the same content; slugs start g<seed>- (default 1)",
        )

    def handle(self, *args, reviews, films, comments, busy, seed, verbosity=1, **options):
        if comments and not reviews:
            raise CommandError("--comments needs --reviews to put them on.")
        plan = Plan(
            reviews=reviews,
            films=films,
            comments=comments,
            busy=BUSY_SIZES if busy else (),
            seed=seed,
        )
        started = time.perf_counter()
        try:
            result = generate(
                plan,
                stdout=self.stdout,
                progress=partial(progress, stream=self.stdout, verbosity=verbosity),
            )
        except AlreadyGenerated as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Generated in {seconds:.1f} s:"))
        for label, count in result.counts.items():
            self.stdout.write(f"  {count:>9,}  {label}")
        for size, review in result.busy_reviews.items():
            self.stdout.write(f"  {size:,} comments: {review.get_absolute_url()}")
