"""`manage.py import_wxr FILE [--dry-run]`: moves a WordPress blog's posts and comments in."""

import argparse
import json
from collections import Counter
from functools import partial
from itertools import chain
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.http import int_param
from core.progress import progress
from wordpress.wxr import FILM_FIELDS, WXRError, import_wxr

KINDS = ("authors", "films", "reviews", "comments", "redirects", "tags")
# The report's lists of what needs a look: (heading, ImportCounts attribute).
SECTIONS = (
    ("Films to confirm:", "ambiguous"),
    ("Authors whose login exists here:", "author_clashes"),
    ("Shortcodes kept as text:", "shortcodes"),
    ("Missing media (no such file in the uploads folder):", "media_missing"),
    ("Broken media (not an image the site accepts):", "media_broken"),
    ("Media not imported:", "media_skipped"),
    ("Images imported but not placed in the text (see the review's images):", "media_unplaced"),
    ("Categories no genre matches:", "unknown_genres"),
)
SCORE_SOURCES = {"field": "custom field", "pattern": "post text", "none": "none"}


def _field_map(file):
    """The --field-map JSON file: {"film_title": "their_meta_key", …}."""
    try:
        mapping = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"Cannot read the field map {file}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise CommandError(f"The field map {file} is not JSON: {exc}") from exc
    if not isinstance(mapping, dict) or not all(
        isinstance(value, str) for value in mapping.values()
    ):
        raise CommandError(f"The field map {file} must be a JSON object of names to meta keys.")
    unknown = sorted(set(mapping) - set(FILM_FIELDS))
    if unknown:
        raise CommandError(
            f"The field map {file} names {', '.join(unknown)}; it may name "
            f"{', '.join(FILM_FIELDS)}."
        )
    return mapping


def _author_map(pairs):
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise CommandError(f"--author-map {pair}: write it as old_login=local_username.")
        mapping[old.strip()] = new.strip()
    return mapping


def _table_line(row):
    source = SCORE_SOURCES[row["score_source"]]
    if row["score_detail"]:
        source += f" {row['score_detail']}"
    return (
        row["post"][:40],
        f"{row['film'][:40]} ({row['year']}, from {row['year_source']})"
        + (f" {row['imdb_id']}" if row["imdb_id"] else ""),
        _score_text(row["score"]),
        source,
    )


def _score_text(value):
    return "no score" if value is None else f"{value.normalize():f} / 10"


def _comments_per_page(value):
    number = int_param(value, minimum=1, maximum=1000)
    if number is None:
        raise argparse.ArgumentTypeError("a whole number from 1 to 1000")
    return number


class Command(BaseCommand):
    help = (
        "Imports a WordPress export (WXR, Tools → Export in WordPress): authors become users "
        "without a usable password and not staff (set a password and staff status in the admin "
        "to let them in), posts become reviews with their comment threads, and old permalinks "
        "and /?p=<id> links redirect to the new reviews. WordPress has no films or scores: the "
        'film is named by a "film_title" custom field, else the first category with '
        'domain="film", else the post title, a trailing "(YYYY)" being its year; the year '
        'comes from a "film_year" custom field, else that "(YYYY)", else the post\'s year '
        "(reported). The score comes from a custom field (--score-field, else rating or score), "
        'else a "Rating: 8/10", "★★★★☆" or "4/5" in the post, converted to half points out of '
        "10; else the review has no score. An author whose login a local user has is imported "
        "as a new login with a -wp suffix unless --author-map maps it. Pingbacks and trackbacks "
        "are skipped. Categories and tags become the site's tags (or, with --categories-as "
        "genres, categories file the film under the genre of that slug or name). With --uploads "
        "(a copy of wp-content/uploads) images shown in posts and attached to them become the "
        "reviews' images and featured images become posters of films without one; missing or "
        "broken files are reported, never fetched. Running it again with the same file adds "
        "nothing. The file is read in constant memory; files with a DTD or entities are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file WordPress exported.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read the file and print what would be imported (post → film → score), "
            "saving nothing.",
        )
        parser.add_argument(
            "--field-map",
            metavar="FILE",
            help="A JSON file naming the blog's custom fields for film_title, film_year and "
            'imdb_id, e.g. {"film_year": "release_year"}.',
        )
        parser.add_argument(
            "--score-field",
            metavar="NAME",
            help="The custom field holding the score (default: rating, then score).",
        )
        parser.add_argument(
            "--author-map",
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="Import the WordPress author OLD as the existing local user NEW (repeatable).",
        )
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="A copy of the blog's wp-content/uploads folder: its images are imported as "
            "review images and posters (nothing is fetched over the network).",
        )
        parser.add_argument(
            "--categories-as",
            choices=("tags", "genres"),
            default="tags",
            help="What WordPress categories become: tags (default), or the existing genres "
            "with the same slug or name (unknown ones are reported). Tags stay tags.",
        )
        parser.add_argument(
            "--comments-per-page",
            type=_comments_per_page,
            metavar="N",
            help="WordPress's top level comments per page (Settings → Discussion; default 50, "
            "WordPress's own), so old /comment-page-N/ addresses land on the right page. "
            "Stored for the site; a later import without it keeps the stored value.",
        )
        parser.add_argument(
            "--report",
            metavar="FILE",
            help="Also write the report as JSON to FILE (counts, the post → film → score "
            "rows, and every list of what needs a look).",
        )

    def handle(self, *args, file, dry_run, verbosity=1, **options):
        field_map = _field_map(options["field_map"]) if options.get("field_map") else {}
        author_map = _author_map(options.get("author_map") or [])
        path = Path(file)
        uploads = options.get("uploads")
        if uploads and not Path(uploads).is_dir():
            raise CommandError(f"--uploads {uploads}: no such folder.")
        try:
            counts = import_wxr(
                path=path,
                uploads=uploads,
                categories_as=options.get("categories_as") or "tags",
                dry_run=dry_run,
                progress=partial(progress, stream=self.stdout, verbosity=verbosity),
                field_map=field_map,
                score_field=options.get("score_field"),
                author_map=author_map,
                comments_per_page=options.get("comments_per_page"),
            )
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {file}") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        except WXRError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if dry_run:
            self._print_table(counts.rows)
        for kind in KINDS:
            created, present = counts.created.get(kind, 0), counts.present.get(kind, 0)
            if kind == "films":
                self.stdout.write(f"films: {created} created")
                continue
            line = f"{kind}: {created} created, {present} already present"
            mapped = counts.created.get("authors mapped", 0)
            if kind == "authors" and mapped:
                line += f", {mapped} mapped to existing users"
            self.stdout.write(line)
        images, posters = counts.created.get("images", 0), counts.created.get("posters", 0)
        if images or posters or uploads:
            self.stdout.write(f"images: {images} imported, posters: {posters} set")
        scores = Counter(row["score_source"] for row in counts.rows)
        if scores:
            self.stdout.write(
                f"scores: {scores['field']} from a custom field, "
                f"{scores['pattern']} from the post text, {scores['none']} none"
            )
        if counts.skipped_pingbacks:
            self.stdout.write(f"pingbacks and trackbacks skipped: {counts.skipped_pingbacks}")
        if counts.skipped_items:
            self.stdout.write(f"items that are not posts skipped: {counts.skipped_items}")
        for heading, attribute in SECTIONS:
            lines = getattr(counts, attribute)
            if lines:
                self.stdout.write(self.style.WARNING(heading))
                for line in lines:
                    self.stdout.write(self.style.WARNING(f"  {line}"))
        for problem in counts.problems:
            self.stdout.write(self.style.WARNING(problem))
        for hint in counts.hints:
            self.stdout.write(hint)
        if options.get("report"):
            self._write_report(options["report"], counts, dry_run)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS("Import finished."))

    def _write_report(self, file, counts, dry_run):
        try:
            with Path(file).open("w", encoding="utf-8") as out:
                counts.write_json(out, dry_run=dry_run)
                out.write("\n")
        except OSError as exc:
            raise CommandError(f"Cannot write the report {file}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Report written to {file}.")

    def _print_table(self, rows):
        """Post → film (year) → score and where it came from, one line per post (two passes
        over the rows, the first for the column widths, rather than a table in memory)."""
        header = ("Post", "Film (year)", "Score", "Score from")
        widths = [len(cell) for cell in header[:3]]
        for line in map(_table_line, rows):
            widths = [max(width, len(cell)) for width, cell in zip(widths, line, strict=False)]
        for line in chain([header], map(_table_line, rows)):
            cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
            self.stdout.write(" → ".join([*cells, line[3]]).rstrip())
