"""`manage.py seed_demo`: demo films, reviews, threaded comments and accounts for a local site."""

from functools import partial

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.progress import progress
from demo.content import DEMO_ACCOUNTS
from demo.seed import make_renditions, seed
from reviews.models import Review

__all__ = ["DEMO_ACCOUNTS", "Command"]


def _accounts_help():
    return "; ".join(f"{a.username} / {a.password}: {a.role}" for a in DEMO_ACCOUNTS)


class Command(BaseCommand):
    help = (
        "Fills the database with demo content: invented films with drawn posters, critics, "
        "reviews and threaded reader comments (some held, some spam). Safe to rerun: it "
        "refreshes the demo rows and never duplicates them. Demo accounts, for local use only: "
        + _accounts_help()
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any review exists (used by `make run`).",
        )
        parser.add_argument(
            "--renditions",
            action="store_true",
            help=(
                "Also make every poster and review image rendition now (used by `make run`), "
                "so the first pages shown do not wait for them."
            ),
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help=(
                "Seed even with DEBUG off. The demo accounts have published passwords, "
                "including a superuser: never use this on a public site."
            ),
        )

    def handle(
        self,
        *args,
        if_empty=False,
        allow_without_debug=False,
        renditions=False,
        verbosity=1,
        **options,
    ):
        if if_empty and Review.objects.exists():
            self.stdout.write("Reviews already exist: leaving the database as it is (--if-empty).")
            return
        # A superuser with a password printed in the README must not reach production by a slip.
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "seed_demo creates accounts with published passwords (including a superuser), "
                "so it only runs with DEBUG=1. Add --allow-without-debug to seed anyway, "
                "never on a public site."
            )
        shown = partial(progress, stream=self.stdout, verbosity=verbosity)
        with transaction.atomic():
            counts = seed(progress=shown)
        if renditions:
            make_renditions(progress=shown)
        self.stdout.write(self.style.SUCCESS("Demo content is in place:"))
        for label, count in counts.items():
            self.stdout.write(f"  {count:>4}  {label}")
        self.stdout.write("")
        self.stdout.write("Demo accounts (log in at /admin/; local use only):")
        width = max(len(account.username) for account in DEMO_ACCOUNTS) + 2
        pwidth = max(len(account.password) for account in DEMO_ACCOUNTS) + 2
        self.stdout.write(f"  {'username':<{width}}{'password':<{pwidth}}role")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<{width}}{account.password:<{pwidth}}{account.role}"
            )
