"""`manage.py import_wxr FILE [--dry-run]`: moves a WordPress blog's posts and comments in."""

from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.progress import progress
from wordpress.wxr import WXRError, import_wxr

KINDS = ("authors", "films", "reviews", "comments", "redirects")


class Command(BaseCommand):
    help = (
        "Imports a WordPress export (WXR, Tools → Export in WordPress): authors become users "
        "without a usable password and not staff (set a password and staff status in the admin "
        "to let them in), posts become reviews with their comment threads, and old permalinks "
        "and /?p=<id> links redirect to the new reviews. WordPress has no films or ratings: the "
        'film is the first category with domain="film", else one titled after the post (year '
        'from a "year" custom field, else the post\'s year); the rating is the "rating" custom '
        "field rounded to half points (0–10), else 5.0. Pingbacks and trackbacks are skipped. "
        "Running it again with the same file adds nothing. Files with a DTD or entities are "
        "refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file WordPress exported.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read the file and report what would be imported, saving nothing.",
        )

    def handle(self, *args, file, dry_run, verbosity=1, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {file}") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        try:
            counts = import_wxr(
                data=data,
                dry_run=dry_run,
                progress=partial(progress, stream=self.stdout, verbosity=verbosity),
            )
        except WXRError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        for kind in KINDS:
            created, present = counts.created.get(kind, 0), counts.present.get(kind, 0)
            if kind == "films":
                self.stdout.write(f"films: {created} created")
            else:
                self.stdout.write(f"{kind}: {created} created, {present} already present")
        if counts.skipped_pingbacks:
            self.stdout.write(f"pingbacks and trackbacks skipped: {counts.skipped_pingbacks}")
        if counts.skipped_items:
            self.stdout.write(f"items that are not posts skipped: {counts.skipped_items}")
        for problem in counts.problems:
            self.stdout.write(self.style.WARNING(problem))
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS("Import finished."))
