"""`make bench`: times the main pages and prints figures (latency, queries, memory).

Runs in-process against a throwaway SQLite database (or DATABASE_URL if set) seeded with the
demo content plus extra comments, so the numbers cover a busy review. Prints a table; it does
not fail on thresholds (timings depend on the machine), but it does print the targets.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
workdir = tempfile.mkdtemp(prefix="reviewsite-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", f"{workdir}/media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# The bench searches far more often than a reader may (SEARCH_RATE_LIMIT answers 429).
os.environ.setdefault("SEARCH_RATE_LIMIT", "1000000")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
# Medians on the 2-core reference machine: ordinary pages, and a review carrying 500 comments
# (its first page of COMMENTS_PER_PAGE threads is rendered).
TARGET_MS = 50
TARGET_BUSY_REVIEW_MS = 250
EXTRA_COMMENTS = 500


class QueryCounter(list):
    """An execute wrapper that records each SQL statement the request runs."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def main():
    call_command("migrate", verbosity=0)
    call_command("seed_demo", allow_without_debug=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from comments.models import Comment
    from films.models import Film
    from reviews.models import Review

    review = Review.objects.published().order_by("-published_at").first()
    parent = None
    for n in range(EXTRA_COMMENTS):
        parent = Comment.objects.create(
            review=review,
            parent=parent if n % 5 else None,
            name=f"Bench reader {n}",
            email=f"bench{n}@example.net",
            body="A comment written to weigh the page down. " * 3,
            status=Comment.Status.APPROVED,
        )
    film = Film.objects.filter(reviews__in=Review.objects.published()).first()
    pages = {
        "home": "/",
        f"review ({review.comments.count()} comments)": review.get_absolute_url(),
        "film": film.get_absolute_url(),
        "films index": "/films/",
        "search": "/search/?q=love",
        "rss feed": "/feeds/reviews/",
        "sitemap": "/sitemap.xml",
    }
    client = Client()
    print(f"{'page':32} {'status':>6} {'queries':>7} {'median ms':>9} {'p95 ms':>7} {'KiB':>6}")
    for label, url in pages.items():
        client.get(url)  # warm caches and thumbnails
        captured = QueryCounter()
        with connection.execute_wrapper(captured):
            response = client.get(url)
        timings = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{label:32} {response.status_code:>6} {len(captured):>7} "
            f"{statistics.median(timings):>9.1f} {p95:>7.1f} {len(response.content) / 1024:>6.0f}"
        )
    tracemalloc.start()
    client.get(review.get_absolute_url())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak Python allocation rendering the busy review: {peak / 1024 / 1024:.1f} MiB")
    print(f"process max RSS: {rss:.0f} MiB")
    print(
        f"targets: median under {TARGET_MS} ms per page, {TARGET_BUSY_REVIEW_MS} ms for the review "
        f"with {EXTRA_COMMENTS} extra comments; its query count does not grow with comments"
    )


if __name__ == "__main__":
    main()
