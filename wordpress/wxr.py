"""WordPress WXR export files: reading them into reviews, authors and comments, and writing them.

Reading (``import_wxr``) maps a WordPress export onto this site, with these assumptions:

- Every ``<wp:author>`` becomes a user (no usable password, not staff: an admin decides who may
  sign in) with an Author profile (display name; slug from the login). A login that an existing
  local user already has is never merged silently: ``author_map`` ({WordPress login: local
  username}, ``--author-map old=new``) maps it to that user, else a new user with a suffixed login
  (``admin-wp``) is created, and the clash is reported either way.
- Every item whose ``wp:post_type`` is ``post`` becomes a Review: headline from the title, slug
  from ``wp:post_name`` (a suffix is added when the slug is taken), body from
  ``content:encoded`` kept as the Markdown body (Markdown passes HTML through and the renderer
  sanitises it with nh3; Gutenberg's ``<!-- wp:… -->`` block comments are removed), standfirst
  from ``excerpt:encoded`` as plain text, status publish → published, future → scheduled,
  anything else → draft, publication time from ``wp:post_date_gmt`` (UTC).
- WordPress has no films or scores, so (see ``resolve_film`` and ``resolve_score``): the film's
  title comes from a ``film_title`` custom field, else the first ``domain="film"`` category, else
  the post title; a trailing "(YYYY)" on either is the year, not part of the name. The year comes
  from a ``film_year`` (or ``year``) custom field, else that "(YYYY)", else the post's own year,
  which is reported for the blogger to confirm. ``field_map`` renames those custom fields. A film
  with the same title and year is reused. The score comes from a custom field (``rating`` or
  ``score``, or the one named), else a "Rating: 8/10", "★★★★☆" or "4/5" in the post, converted to
  the site's half points out of 10; else the review has no score (never an invented one). A
  ``verdict`` post meta is kept, else the verdict is left empty (the site uses the word for the
  rating).
- Comments keep their thread, author, email, website (http/https only), IP and date; approved
  "1" → approved, "0" → pending, "spam" → spam, "trash" → removed. Pingbacks and trackbacks
  are skipped.
- Each post's old addresses (permalink, ``/?p=<id>``…) and each author's ``/author/<name>/``
  are kept as LegacyRedirects (``wordpress.redirects``).
- Running the same file again adds nothing: authors, posts and comments are remembered by their
  WordPress ids (ImportedItem, per exported site).

WXR files are untrusted input: wordpress.stream reads them one item at a time (constant memory)
with defusedxml, which refuses any DTD, entity declaration or external reference (no entity
expansion, no XXE) wherever it hides, and only UTF-8 is accepted. A comment id used twice in one
export is reported and skipped; the import goes on. Categories and tags: wordpress.terms; media
(--uploads): wordpress.media.

Writing a WXR file of this site is ``wordpress.export.export_wxr``.
"""

import io
import ipaddress
import json
import pickle
import re
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import chain, islice
from types import GeneratorType
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from comments.counts import deferred_comment_counts
from comments.models import Comment
from core.http import int_param
from core.progress import silent
from films.models import Film
from reviews.models import Author, Review

from . import redirects, stream
from .media import MediaImporter, MediaIndex, site_hosts
from .models import ImportedItem
from .shortcodes import convert_post_body
from .terms import TermImporter

# Re-exported: wordpress.export writes with these.
NS = stream.NS
WXRError = stream.WXRError

BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:.*?-->\n?", re.S)
ZERO_DATE = "0000-00-00 00:00:00"
POSTS_PER_TRANSACTION = 100
MAX_DEPTH = 20  # Comment.path holds 23 levels of 10-digit ids; deeper replies join an ancestor.

STATUS_MAP = {"publish": Review.Status.PUBLISHED, "future": Review.Status.SCHEDULED}
COMMENT_STATUS_MAP = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}


# Importing ----------------------------------------------------------------------------------


class SpooledList:
    """A list for the import report: its first items in memory, the rest pickled to a temporary
    file, so the report of an export of any size (a row per post) takes the same memory.
    Supports append, extend, len, truth and iteration (one iteration at a time)."""

    KEEP = 100

    def __init__(self, items=()):
        self._head, self._file, self._length = [], None, 0
        self.extend(items)

    def append(self, item):
        self._length += 1
        if len(self._head) < self.KEEP:
            self._head.append(item)
            return
        if self._file is None:
            # Deleted when closed or collected; lives as long as the report.
            self._file = tempfile.TemporaryFile()  # noqa: SIM115
        pickle.dump(item, self._file)

    def extend(self, items):
        for item in items:
            self.append(item)

    def __len__(self):
        return self._length

    def __iter__(self):
        yield from self._head
        if self._file is None:
            return
        end = self._file.tell()
        self._file.seek(0)
        try:
            while self._file.tell() < end:
                yield pickle.load(self._file)  # written by this process, never read from input
        finally:
            self._file.seek(end)

    def __eq__(self, other):
        return list(self) == list(other)

    __hash__ = None


def _spooled():
    return field(default_factory=SpooledList)


@dataclass
class ImportCounts:
    """Created vs already present, per kind: what the command prints."""

    created: dict = field(default_factory=dict)
    present: dict = field(default_factory=dict)
    skipped_pingbacks: int = 0
    skipped_items: int = 0
    problems: SpooledList = _spooled()  # what was skipped and why, for the operator
    # One row per post for the dry-run table: post, film, year, score, where the score came from.
    rows: SpooledList = _spooled()
    ambiguous: SpooledList = _spooled()  # films the blogger should confirm
    author_clashes: SpooledList = _spooled()  # logins that exist here already
    shortcodes: SpooledList = _spooled()  # kept as text in a review body
    media_missing: SpooledList = _spooled()  # no such file in the uploads folder
    media_broken: SpooledList = _spooled()  # not an image the site accepts
    media_skipped: SpooledList = _spooled()  # no --uploads, another site's image…
    media_unplaced: SpooledList = _spooled()  # imported, not shown in the text
    unknown_genres: SpooledList = _spooled()  # --categories-as genres, no match
    hints: list = field(default_factory=list)  # what to do next

    def add(self, kind, created):
        bucket = self.created if created else self.present
        bucket[kind] = bucket.get(kind, 0) + 1

    def write_json(self, out, *, dry_run=False):
        """Writes the report as JSON to the text stream `out`, a row at a time."""
        _write_json(self.as_json(dry_run=dry_run), out)

    def as_json(self, *, dry_run=False):
        """The report as data for JSON (lists as iterables: see write_json)."""
        return {
            "dry_run": dry_run,
            "created": dict(self.created),
            "already_present": dict(self.present),
            "skipped": {
                "pingbacks_and_trackbacks": self.skipped_pingbacks,
                "items_not_posts": self.skipped_items,
            },
            "posts": (
                row | {"score": None if row["score"] is None else float(row["score"])}
                for row in self.rows
            ),
            "needs_a_look": {
                "films_to_confirm": self.ambiguous,
                "author_clashes": self.author_clashes,
                "shortcodes_kept_as_text": self.shortcodes,
                "missing_media": self.media_missing,
                "broken_media": self.media_broken,
                "media_not_imported": self.media_skipped,
                "media_not_placed": self.media_unplaced,
                "unknown_genres": self.unknown_genres,
                "other": self.problems,
            },
            "hints": self.hints,
        }


def _write_json(value, out, indent=0):
    """json.dump for data holding SpooledLists and generators, written item by item."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        out.write("{")
        for n, (key, item) in enumerate(value.items()):
            out.write(("," if n else "") + f"\n{inner}{json.dumps(key)}: ")
            _write_json(item, out, indent + 1)
        out.write(f"\n{pad}}}" if value else "}")
    elif isinstance(value, (list, tuple, SpooledList, GeneratorType)):
        out.write("[")
        n = 0
        for n, item in enumerate(value, 1):  # n afterwards: whether there was any item
            out.write(("," if n > 1 else "") + f"\n{inner}")
            _write_json(item, out, indent + 1)
        out.write(f"\n{pad}]" if n else "]")
    else:
        out.write(json.dumps(value, ensure_ascii=False))


def _gmt(value):
    """An aware UTC datetime from "YYYY-MM-DD HH:MM:SS", or None (also for WordPress's zero)."""
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


SCORE_FIELDS = ("rating", "score")  # custom fields tried for a score when none is named
FILM_FIELDS = ("film_title", "film_year", "imdb_id")  # our names; field_map gives their meta keys
TITLE_YEAR_RE = re.compile(r"^(?P<title>.*\S)\s*\((?P<year>\d{4})\)\s*$")
NUMBER = r"(\d{1,3}(?:[.,]\d+)?)"
# "Rating: 8/10", "Score - 7.5 out of 10", "Verdict: 4/5"
LABELLED_SCORE_RE = re.compile(
    rf"\b(?:rating|score|verdict)\s*[:\-–—]?\s*{NUMBER}\s*(?:/|out of)\s*(5|10|100)\b", re.I
)
STARS_RE = re.compile(r"★[★½☆]*")  # stars out of 5: "★★★★☆", "★★★½"
# A bare "4/5" or "8/10", not part of a date such as 12/10/2019.
FRACTION_SCORE_RE = re.compile(rf"(?<![\d/.,]){NUMBER}\s*/\s*(5|10)(?![\d/])")


def _half_points(number):
    """A number out of 10 on the site's scale: half points within 0–10, one decimal place."""
    number = min(max(number, Decimal(0)), Decimal(10))
    return ((number * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2).quantize(Decimal("0.1"))


def _number(text):
    try:
        number = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _out_of_ten(value, scale):
    return _half_points(value * 10 / Decimal(scale)) if scale != 10 else _half_points(value)


def _score_in_text(text):
    """(score out of 10, the words it came from) found in a post's text, or (None, "")."""
    match = LABELLED_SCORE_RE.search(text)
    if match:
        value, scale = _number(match.group(1)), int(match.group(2))
        if value is not None and value <= scale:
            return _out_of_ten(value, scale), match.group(0).strip()
    stars = [m.group(0) for m in STARS_RE.finditer(text) if "★" in m.group(0)]
    if len(set(stars)) == 1:
        value = Decimal(stars[0].count("★")) + Decimal("0.5") * stars[0].count("½")
        if value <= 5:
            return _out_of_ten(value, 5), stars[0]
    fractions = {
        (m.group(1), m.group(2)): m.group(0)
        for m in FRACTION_SCORE_RE.finditer(text)
        if (_number(m.group(1)) or 0) <= int(m.group(2))
    }
    if len(fractions) == 1:  # two different "x/y" in one post: which one is the score is a guess
        (value, scale), words = next(iter(fractions.items()))
        return _out_of_ten(_number(value), int(scale)), words
    return None, ""


@dataclass
class Score:
    """A review's score out of 10 (None: no score) and where it came from, for the report."""

    value: Decimal | None
    source: str  # "field", "pattern" or "none"
    detail: str = ""


def resolve_score(post, score_field=None):
    """The post's score: from a custom field, else a pattern in its text, else none."""
    for key in [score_field] if score_field else SCORE_FIELDS:
        raw = post.meta.get(key, "").strip()
        if not raw:
            continue
        number = _number(raw)
        if number is not None:
            return Score(_half_points(number), "field", f'"{key}" = {raw}')
        value, words = _score_in_text(raw)  # a field holding "4/5" or stars
        if value is not None:
            return Score(value, "field", f'"{key}" = {raw}')
    text = strip_tags(post.content)
    value, words = _score_in_text(text)
    if value is not None:
        return Score(value, "pattern", f'"{words}"')
    return Score(None, "none")


def _unique_slug(model, base, max_length, field_name="slug"):
    base = (base or "item")[: max_length - 4].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(**{field_name: slug}).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _remembered(source, kind, source_id, model):
    """The object an earlier run imported for this WordPress id (None if none or deleted)."""
    item = ImportedItem.objects.filter(source=source, kind=kind, source_id=source_id).first()
    if item is None:
        return None
    obj = model.objects.filter(pk=item.object_id).first()
    if obj is None:
        item.delete()  # deleted here since: import it again
    return obj


def _remember(source, kind, source_id, obj):
    ImportedItem.objects.create(source=source, kind=kind, source_id=source_id, object_id=obj.pk)


def _unique_username(User, login):
    """`login` with a "-wp" suffix (then "-wp-2", …) that no local user has."""
    base = f"{login[:140]}-wp"
    username, n = base, 2
    while User.objects.filter(username=username).exists():
        username = f"{base}-{n}"
        n += 1
    return username


def _import_author(doc, wp_author, counts, author_map):
    kind = ImportedItem.Kind.AUTHOR
    key = wp_author.id or wp_author.login
    author = _remembered(doc.site, kind, key, Author)
    if author is not None:
        counts.add("authors", False)
        _import_author_redirects(doc, wp_author, author, counts)
        return author
    User = get_user_model()
    login = wp_author.login[:150]
    user = None
    if login in author_map:
        user = User.objects.filter(username=author_map[login]).first()
        if user is None:
            raise WXRError(
                f"--author-map {login}={author_map[login]}: there is no local user "
                f"{author_map[login]!r}."
            )
        counts.author_clashes.append(
            f"WordPress author {login!r} mapped to the local user {user.get_username()!r}."
        )
        counts.add("authors mapped", True)
    elif User.objects.filter(username=login).exists():
        # Never merged silently: the local account may belong to someone else entirely.
        username = _unique_username(User, login)
        counts.author_clashes.append(
            f"WordPress author {login!r} has the login of a local user: imported as the new "
            f"user {username!r} (or map it with --author-map {login}=<local user>)."
        )
        login = username
    if user is None:
        user = User(
            username=login,
            email=wp_author.email[:254],
            first_name=wp_author.first_name[:150],
            last_name=wp_author.last_name[:150],
            is_staff=False,
        )
        user.set_unusable_password()  # an admin sets a password (and staff status) to let them in
        user.save()
        counts.add("authors", True)  # counted as created only when a user is created
    author = Author.objects.filter(user=user).first()
    if author is None:
        author = Author.objects.create(
            user=user,
            display_name=(wp_author.display_name or login)[:120],
            slug=_unique_slug(Author, slugify(login), 140),
        )
    _remember(doc.site, kind, key, author)
    _import_author_redirects(doc, wp_author, author, counts)
    return author


def _import_author_redirects(doc, wp_author, author, counts):
    """The author's old /author/<nicename>/ address, for their author page here."""
    source = redirects.import_source(doc.site)
    for created in redirects.save_author_redirects(
        source=source, login=wp_author.login, author=author
    ):
        counts.add("redirects", created)


def _year(value):
    """A plausible film year (as the database allows) from text, or None."""
    try:
        year = int(str(value).strip())
    except ValueError:
        return None
    return year if 1880 <= year <= 2100 else None


def _split_title_year(text):
    """("Her", 2013) from "Her (2013)"; (text, None) when it ends in no plausible year."""
    match = TITLE_YEAR_RE.match(text or "")
    if match and _year(match.group("year")):
        return match.group("title"), _year(match.group("year"))
    return (text or "").strip(), None


@dataclass
class FilmChoice:
    """Which film a post reviews, before it is looked up or created, and what to confirm."""

    title: str
    year: int
    year_source: str  # "field", "category", "title" or "post date"
    imdb_id: str = ""
    doubts: list = field(default_factory=list)


def resolve_film(post, published_at=None, field_map=None):
    """The film's title and year: custom fields, else the film category, else the post title."""
    keys = {name: name for name in FILM_FIELDS} | (field_map or {})
    category_title, category_year = _split_title_year(post.film_name)
    post_title, post_title_year = _split_title_year(post.title)
    title = post.meta.get(keys["film_title"], "").strip()
    title_year = None
    if title:
        title, title_year = _split_title_year(title)
    else:
        title = category_title or post_title or "Untitled"
    candidates = [
        (_year(post.meta.get(keys["film_year"], "")), "field"),
        (_year(post.meta.get("year", "")), "field"),  # what this site's own export writes
        (title_year, "field"),
        (category_year, "category"),
        (post_title_year, "title"),
    ]
    year, source = next(((y, s) for y, s in candidates if y), (None, "post date"))
    doubts = []
    if year is None:
        # No year anywhere: the post's year, as before, but the blogger should confirm it.
        year = (_gmt(post.post_date) or published_at or timezone.now()).year
        doubts.append(f"no year given: {year}, the year of the post, was used")
    imdb_id = post.meta.get(keys["imdb_id"], "").strip()[:20]
    return FilmChoice(title[:200], year, source, imdb_id, doubts)


def _film_for(post, published_at, field_map, counts):
    """The film a post reviews (see resolve_film): one with its title and year, else a new one."""
    choice = resolve_film(post, published_at, field_map)
    same_title = list(Film.objects.filter(title__iexact=choice.title).order_by("pk"))
    same_year = [film for film in same_title if film.year == choice.year]
    if len(same_year) > 1:
        choice.doubts.append(
            f"{len(same_year)} films here are called {choice.title} ({choice.year}): "
            f"the first (id {same_year[0].pk}) was used"
        )
    elif choice.year_source == "post date" and same_title and not same_year:
        years = ", ".join(str(film.year) for film in same_title)
        choice.doubts.append(f"films called {choice.title} already here: {years}")
    if same_year:
        return same_year[0], choice
    slug = _unique_slug(Film, slugify(post.film_slug) or slugify(choice.title), 220)
    film = Film.objects.create(title=choice.title, slug=slug, year=choice.year)
    counts.add("films", True)
    return film, choice


def _import_post(doc, post, authors, counts, options):
    kind = ImportedItem.Kind.POST
    review = _remembered(doc.site, kind, post.id, Review)
    if review is not None:
        counts.add("reviews", False)
        _add_media_later(post, review, options, counts)
        return review
    status = STATUS_MAP.get(post.status, Review.Status.DRAFT)
    published_at = _gmt(post.post_date_gmt)
    if status != Review.Status.DRAFT and published_at is None:
        published_at = _gmt(post.post_date)  # local time, but better than no date at all
    if status != Review.Status.DRAFT and published_at is None:
        status = Review.Status.DRAFT  # the database refuses a public review without a date
    author = authors.get(post.creator) or next(iter(authors.values()), None)
    if author is None:
        raise WXRError(f"Post {post.id} has no author and the file lists none.")
    film, choice = _film_for(post, published_at, options.get("field_map"), counts)
    score = resolve_score(post, options.get("score_field"))
    counts.rows.append(
        {
            "post": post.title or post.post_name or post.id,
            "film": film.title,
            "year": film.year,
            "year_source": choice.year_source,
            "imdb_id": choice.imdb_id,
            "score": score.value,
            "score_source": score.source,
            "score_detail": score.detail,
        }
    )
    for doubt in choice.doubts:
        counts.ambiguous.append(f"Post {post.id} ({post.title}): film {film}: {doubt}.")
    media = options["media"].for_post(post)
    body, body_notes = _body(post, options, media.image_for)
    for note in body_notes:
        kept = counts.shortcodes if note.startswith("shortcode ") else counts.problems
        kept.append(f"Post {post.id} ({post.title}): {note}.")
    review = Review.objects.create(
        film=film,
        author=author,
        headline=(post.title or film.title)[:200],
        slug=_unique_slug(Review, slugify(unquote(post.post_name)) or slugify(post.title), 220),
        standfirst=strip_tags(post.excerpt).strip()[:400],
        body=body,
        rating=score.value,
        verdict=post.meta.get("verdict", "")[:30],
        status=status,
        published_at=published_at,
        comments_open=post.comment_status == "open",
    )
    _remember(doc.site, kind, post.id, review)
    counts.add("reviews", True)
    media.save(review)
    options["media"].poster(post, film)
    options["terms"].apply(review, post.terms)
    return review


def _body(post, options, image_for):
    """The review body for a post, and the notes for the report."""
    body, notes = convert_post_body(
        BLOCK_COMMENT_RE.sub("", post.content),
        attachments=options["media"].index.attachments,
        image_for=image_for,
        post_id=post.id,
        quiet_images=True,
    )
    return body.strip() or "(No text.)", notes


def _add_media_later(post, review, options, counts):
    """A post imported before without --uploads: its images now, unless the review's text was
    edited since (an author's words are never overwritten) or it has images already."""
    media = options["media"]
    if media.root is None or review.images.exists():
        return
    as_imported, _ = _body(post, options, lambda image: None)
    post_media = media.for_post(post)
    body, _ = _body(post, options, post_media.image_for)
    post_media.plan_attached()
    if not post_media.planned:
        return  # nothing to bring in
    if review.body != as_imported:
        counts.problems.append(
            f"Post {post.id} ({post.title}): its review was edited since it was imported: "
            f"images not added (add them in the admin)."
        )
        return
    review.body = body
    review.save()
    post_media.save(review)
    media.poster(post, review.film)


def _import_redirects(doc, post, review, counts, options=None):
    """Every old address of the post (wordpress.redirects.post_paths) for its review."""
    comments_per_page = (options or {}).get("comments_per_page")
    source = redirects.import_source(doc.site, comments_per_page=comments_per_page)
    for created in redirects.save_post_redirects(source=source, post=post, review=review):
        counts.add("redirects", created)


def _clean_url(url):
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 200:
        return ""  # the page links it: never a javascript: or data: address
    return url


def _clean_ip(value):
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _owner_post(doc, review_id):
    """The WordPress post id an earlier import made this review from ("" if none)."""
    item = ImportedItem.objects.filter(
        source=doc.site, kind=ImportedItem.Kind.POST, object_id=review_id
    ).first()
    return item.source_id if item else ""


def _remembered_comments(doc, comment_ids, chunk=500):
    """{WordPress comment id: Comment} of an earlier run, in a query per 500 comments rather
    than one per comment (a forgotten item whose comment was deleted is dropped: imported
    again)."""
    found = {}
    for start in range(0, len(comment_ids), chunk):
        items = dict(
            ImportedItem.objects.filter(
                source=doc.site,
                kind=ImportedItem.Kind.COMMENT,
                source_id__in=comment_ids[start : start + chunk],
            ).values_list("source_id", "object_id")
        )
        comments = Comment.objects.in_bulk(items.values()) if items else {}
        stale = [source_id for source_id, pk in items.items() if pk not in comments]
        if stale:
            ImportedItem.objects.filter(
                source=doc.site, kind=ImportedItem.Kind.COMMENT, source_id__in=stale
            ).delete()
        found.update({source_id: comments[pk] for source_id, pk in items.items() if pk in comments})
    return found


def _import_comments(doc, post, review, users_by_wp_id, counts):
    kind = ImportedItem.Kind.COMMENT
    wanted = {}
    for comment in post.comments:
        if comment.type in ("pingback", "trackback"):
            counts.skipped_pingbacks += 1
            continue
        if comment.id in wanted:
            # WordPress ids are unique per site: a second use is a damaged or merged export.
            counts.problems.append(
                f"Comment {comment.id} of post {post.id} skipped: post {post.id} already has a "
                f"comment with that id."
            )
            continue
        wanted[comment.id] = comment

    def chain(comment):
        """The ancestors' ids, nearest first, stopping at a missing parent or a loop."""
        ids, seen = [], {comment.id}
        parent = comment.parent_id
        while parent in wanted and parent not in seen:
            ids.append(parent)
            seen.add(parent)
            parent = wanted[parent].parent_id
        return ids

    ancestry = {cid: chain(c) for cid, c in wanted.items()}
    # Parents before children (Comment.save() builds the path from the saved parent); within a
    # level, oldest first, so siblings keep the order they were written in.
    order = sorted(
        wanted.values(),
        key=lambda c: (len(ancestry[c.id]), c.date_gmt, int_param(c.id, default=0)),
    )
    saved, remembered = {}, _remembered_comments(doc, list(wanted))
    for wp_comment in order:
        existing = remembered.get(wp_comment.id)
        if existing is not None and existing.review_id != review.pk:
            # Found in the database, not in a dict of every id seen: memory stays constant.
            owner = _owner_post(doc, existing.review_id)
            counts.problems.append(
                f"Comment {wp_comment.id} of post {post.id} skipped: "
                + (
                    f"post {owner} already has a comment with that id."
                    if owner
                    else "an earlier import gave that id to a comment on another review."
                )
            )
            continue
        if existing is not None:
            saved[wp_comment.id] = existing
            counts.add("comments", False)
            continue
        ancestors = ancestry[wp_comment.id]
        if len(ancestors) >= MAX_DEPTH:
            ancestors = ancestors[len(ancestors) - MAX_DEPTH + 1 :]
        parent = saved.get(ancestors[0]) if ancestors else None
        comment = Comment(
            review=review,
            parent=parent,
            name=(wp_comment.author or "Anonymous")[:80],
            email=wp_comment.email[:254],
            url=_clean_url(wp_comment.url),
            body=wp_comment.content or "",
            status=COMMENT_STATUS_MAP.get(wp_comment.approved, Comment.Status.PENDING),
            user=users_by_wp_id.get(wp_comment.user_id),
            ip_address=_clean_ip(wp_comment.ip),
        )
        comment.save()
        created_at = _gmt(wp_comment.date_gmt)
        if created_at:
            # created_at is auto_now_add, so the export's date is written after the insert.
            Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
        _remember(doc.site, kind, wp_comment.id, comment)
        saved[wp_comment.id] = comment
        counts.add("comments", True)


class _Source:
    """The export to read, opened afresh for each pass: bytes, or a file's path."""

    def __init__(self, data=None, path=None):
        self.data, self.path = data, path

    def open(self):
        if self.path is not None:
            return open(self.path, "rb")  # noqa: SIM115 - closed by the caller's `with`
        return io.BytesIO(self.data)


def _first_pass(source):
    """Reads the whole file once before anything is written: a broken file imports nothing.
    Returns the channel, the number of posts (for the progress bar) and the attachments."""
    posts = 0
    with source.open() as file:
        items = stream.read_wxr(file)
        channel = next(items)
        index, hosts = MediaIndex.empty(), site_hosts(channel.site)
        for item in items:
            if isinstance(item, stream.WXRPost):
                posts += 1
            elif isinstance(item, stream.WXRAttachment):
                index.add(item, hosts)
    return channel, posts, index


def import_wxr(
    *,
    data: bytes | None = None,
    path=None,
    dry_run: bool = False,
    progress=silent,
    field_map=None,
    score_field=None,
    author_map=None,
    uploads=None,
    categories_as="tags",
    comments_per_page=None,
) -> ImportCounts:
    """Imports a WXR file's authors, terms, posts, media, comments and permalinks.

    The file (`path`, or `data` as bytes) is streamed twice, one item at a time: a first pass
    checks it all and notes its attachments, the second imports. Authors and terms are saved in
    one transaction, then posts (each with its comments, images, tags and old addresses, never
    half of one) in transactions of POSTS_PER_TRANSACTION: a long import neither holds its locks
    for its whole run nor waits for a disk flush per post. A dry run rolls everything back and
    writes no file.
    `progress` wraps the loop over posts to show how far it got (core.progress.progress).
    `field_map`: {"film_title"/"film_year"/"imdb_id": the blog's custom field for it};
    `score_field`: the custom field holding the score; `author_map`: {WordPress login: local
    username} for logins that exist here already; `uploads`: a copy of wp-content/uploads;
    `categories_as`: "tags", or "genres" to file reviews' films under existing genres;
    `comments_per_page`: WordPress's top-level comments per page, which old comment-page
    addresses need (stored for the site; WordPress's default, 50, when never given)."""
    source = _Source(data, path)
    author_map = author_map or {}
    channel, total, index = _first_pass(source)
    counts = ImportCounts()
    options = {
        "field_map": field_map or {},
        "score_field": score_field,
        "comments_per_page": comments_per_page,
        "media": MediaImporter(
            uploads=uploads, index=index, site=channel.site, counts=counts, dry_run=dry_run
        ),
        "terms": TermImporter(site=channel.site, counts=counts, categories_as=categories_as),
    }
    # A dry run is one transaction rolled back; otherwise each batch of posts commits.
    with transaction.atomic() if dry_run else nullcontext(), source.open() as file:
        items = stream.read_wxr(file)
        doc = next(items)
        authors, users_by_wp_id = {}, {}
        with transaction.atomic():
            for wp_author in doc.authors:
                author = _import_author(doc, wp_author, counts, author_map)
                authors[wp_author.login] = author
                if wp_author.id:
                    users_by_wp_id[wp_author.id] = author.user
            options["terms"].channel_terms(doc.terms)
        for login in sorted(set(author_map) - {a.login for a in doc.authors}):
            counts.problems.append(f"--author-map {login}=…: the file has no author {login!r}.")
        posts = (item for item in items if _counted(item, counts))
        posts = progress(posts, desc="Importing posts", unit="post", total=total)
        for batch in _batches(posts, POSTS_PER_TRANSACTION):
            with transaction.atomic():
                for post in batch:
                    # The review's comment count is recounted once, after its comments.
                    with deferred_comment_counts():
                        review = _import_post(doc, post, authors, counts, options)
                        _import_redirects(doc, post, review, counts, options)
                        _import_comments(doc, post, review, users_by_wp_id, counts)
        if dry_run:
            transaction.set_rollback(True)
    if not uploads and (counts.media_skipped or index.attachments):
        counts.hints.append(
            "Images were not imported: pass --uploads with a copy of the blog's "
            "wp-content/uploads folder to import them."
        )
    return counts


def _batches(iterable, size):
    """Lazy runs of up to `size` items: nothing is read ahead of the item being imported."""
    iterator = iter(iterable)
    for first in iterator:
        yield chain([first], islice(iterator, size - 1))


def _counted(item, counts):
    """True for a post; counts the items that are skipped (attachments are read separately)."""
    if isinstance(item, stream.WXRPost):
        return True
    if item is stream.SKIPPED:
        counts.skipped_items += 1
    return False
