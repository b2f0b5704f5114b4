"""Clears commenters' IP addresses and user agents once they are no longer needed (for cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from comments import privacy


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of comments older than COMMENTS_IP_RETENTION_DAYS "
        "(default 30). Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of COMMENTS_IP_RETENTION_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.COMMENTS_IP_RETENTION_DAYS if days is None else days
        count = privacy.purge_old_ips(days=days)
        self.stdout.write(
            f"Cleared the IP address and user agent of {count} comment(s) older than {days} day(s)."
        )
