"""Queues "<name> recently posted" reads for the sites of approved comments that have none yet.

A site is read when one of its comments is approved. Comments approved before the feature was
switched on (COMMENTS_FETCH_RECENT_POSTS), or whose site's last read is over, get a line only
through this command: one fetch task per site (comments.recent_posts.sites_to_backfill) named by
an approved comment whose writer opted in, unless its row is fresh (read within a day, or
waiting after a failure). With the database task backend the worker reads them; with the
immediate one (development) they are read here, one after another.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments import recent_posts, tasks
from core.progress import progress

DEFAULT_LIMIT = 1000


def positive(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Queue a read of the latest post for every commenter's site (approved, opted-in "
        "comments) that has no fresh one, newest comments first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the sites that would be read, and queue nothing.",
        )
        parser.add_argument(
            "--limit",
            type=positive,
            default=DEFAULT_LIMIT,
            help=f"Queue at most this many sites (default {DEFAULT_LIMIT}); run again for more.",
        )

    def handle(self, *args, dry_run=False, limit=DEFAULT_LIMIT, verbosity=1, **options):
        if not settings.COMMENTS_FETCH_RECENT_POSTS and not dry_run:
            raise CommandError(
                "Recent posts are switched off (COMMENTS_FETCH_RECENT_POSTS): nothing would be "
                "read. Switch them on first, or see the list with --dry-run."
            )
        sites = []
        for site in recent_posts.sites_to_backfill():
            if len(sites) >= limit:
                more = True
                break
            sites.append(site)
        else:
            more = False
        if dry_run:
            for site_url, comment_id in sites:
                self.stdout.write(f"{site_url}  (comment {comment_id})")
            self.stdout.write(f"{len(sites)} site(s) would be read.")
        else:
            for _site_url, comment_id in progress(
                sites,
                desc="Queueing recent-post reads",
                unit="site",
                stream=self.stdout,
                verbosity=verbosity,
            ):
                tasks.fetch_recent_post.enqueue(comment_id)
            self.stdout.write(f"Queued {len(sites)} site(s).")
        if more:
            self.stdout.write(f"More sites are due: the limit ({limit}) stopped here.")
