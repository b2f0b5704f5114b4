"""`manage.py export_wxr [--output FILE]`: a WordPress export (WXR 1.2) of the published site."""

from functools import partial

from django.core.management.base import BaseCommand, CommandError

from core.progress import progress
from wordpress.export import iter_wxr, write_wxr


class Command(BaseCommand):
    help = (
        "Writes published reviews, their authors, tags, images (as attachments), old "
        "addresses and approved comments (threaded) as a WordPress export file (WXR 1.2), to "
        "stdout or --output FILE. WordPress can import it, "
        "and so can import_wxr. It includes commenters' email and IP addresses, as WXR does: "
        "it is a backup of your own data, so keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, output, verbosity=1, **options):
        # Progress on stderr: stdout may be the export itself.
        shown = partial(progress, stream=self.stderr, verbosity=verbosity)
        if not output:
            for text in iter_wxr(progress=shown):
                self.stdout.write(text, ending="")
            return
        try:
            # Written as it is made, one review at a time: a large site never sits in memory.
            with open(output, "wb") as handle:
                write_wxr(handle, progress=shown)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
        self.stderr.write(f"Wrote {output}.")
