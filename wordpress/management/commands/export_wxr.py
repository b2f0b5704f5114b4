"""`manage.py export_wxr [--output FILE]`: a WordPress export (WXR 1.2) of the published site."""

from functools import partial

from django.core.management.base import BaseCommand, CommandError

from core.progress import progress
from wordpress.wxr import export_wxr


class Command(BaseCommand):
    help = (
        "Writes published reviews, their authors and approved comments (threaded) as a "
        "WordPress export file (WXR 1.2), to stdout or --output FILE. WordPress can import it, "
        "and so can import_wxr. It includes commenters' email and IP addresses, as WXR does: "
        "it is a backup of your own data, so keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, output, verbosity=1, **options):
        # Progress on stderr: stdout may be the export itself.
        data = export_wxr(progress=partial(progress, stream=self.stderr, verbosity=verbosity))
        if not output:
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            with open(output, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
        self.stderr.write(f"Wrote {output}.")
