"""Renders every comment's stored HTML body again (comments.rendering.render_body).

Pages show Comment.body_html, rendered when the text is saved. Run this after a change to the
renderer, or after loading comments around save() (bulk inserts, raw SQL), whose pages otherwise
render their text on every view.
"""

from django.core.management.base import BaseCommand

from comments.models import Comment
from comments.rendering import render_body
from core import pagecache
from core.progress import progress

BATCH = 500


class Command(BaseCommand):
    help = "Render the HTML of every comment's body again (or only those without it: --missing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="Only comments whose HTML is empty."
        )

    def handle(self, *args, missing=False, verbosity=1, **options):
        comments = Comment.objects.only("pk", "body", "body_html").order_by("pk")
        if missing:
            comments = comments.filter(body_html="")
        changed = 0
        batch = []
        for comment in progress(
            comments.iterator(chunk_size=BATCH),
            total=comments.count(),
            desc="Rendering comments",
            unit="comment",
            stream=self.stdout,
            verbosity=verbosity,
        ):
            html = render_body(comment.body)
            if html != comment.body_html:
                comment.body_html = html
                batch.append(comment)
            if len(batch) >= BATCH:
                changed += Comment.objects.bulk_update(batch, ["body_html"])
                batch = []
        if batch:
            changed += Comment.objects.bulk_update(batch, ["body_html"])
        if changed:
            pagecache.content_changed()  # bulk_update sends no save signal
        self.stdout.write(f"Rendered the body of {changed} comment(s) again.")
