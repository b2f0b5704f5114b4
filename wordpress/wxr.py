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
- Each post's old permalink path and ``/?p=<id>`` are kept as LegacyRedirects.
- Running the same file again adds nothing: authors, posts and comments are remembered by their
  WordPress ids (ImportedItem, per exported site).

WXR files are untrusted input: they are parsed with defusedxml, which refuses any DTD, entity
declaration or external reference (no entity expansion, no XXE) wherever it hides, and only
UTF-8 is accepted. A comment id used twice in one export is reported and skipped; the import
goes on.

Writing (``export_wxr``) produces a WXR 1.2 file of published reviews, their authors and approved
comments (threaded with ``wp:comment_parent``) that ``import_wxr`` reads back.
"""

import ipaddress
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import unquote, urlsplit

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from comments.counts import deferred_comment_counts
from comments.models import Comment
from core.http import int_param
from core.progress import silent
from core.text import xml_safe
from films.models import Film
from reviews.models import Author, Review

from .models import ImportedItem, LegacyRedirect
from .shortcodes import convert_post_body

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}
# WordPress 3.0 and 3.1 exports use earlier namespace versions; they mean the same.
WP_NAMESPACES = [f"http://wordpress.org/export/1.{n}/" for n in (2, 1, 0)]
EXCERPT_NAMESPACES = [f"http://wordpress.org/export/1.{n}/excerpt/" for n in (2, 1, 0)]

BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:.*?-->\n?", re.S)
ZERO_DATE = "0000-00-00 00:00:00"
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


class WXRError(ValueError):
    """The file cannot be imported; the message says why, for the operator."""


@dataclass
class WXRAuthor:
    id: str
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class WXRComment:
    id: str
    parent_id: str
    author: str
    email: str
    url: str
    ip: str
    date_gmt: str
    content: str
    approved: str
    type: str
    user_id: str


@dataclass
class WXRPost:
    id: str
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    post_name: str
    status: str
    post_date: str
    post_date_gmt: str
    comment_status: str
    film_name: str = ""
    film_slug: str = ""
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


@dataclass
class WXRDocument:
    site: str
    authors: list
    posts: list
    skipped_items: int = 0


# Reading ------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """The file as text, or WXRError when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WXRError("The file is not UTF-8 text, so it is not a WordPress export.") from exc


def _text(element, path, default=""):
    found = None
    for prefix, uris in (("wp:", WP_NAMESPACES), ("excerpt:", EXCERPT_NAMESPACES)):
        if path.startswith(prefix):
            tag = path.removeprefix(prefix)
            for uri in uris:
                found = element.find(f"{{{uri}}}{tag}")
                if found is not None:
                    break
            break
    else:
        found = element.find(path, NS)
    if found is None or found.text is None:
        return default
    return found.text.strip() if path not in ("content:encoded",) else found.text


def _findall(element, tag):
    """wp:<tag> children, in whichever WXR namespace version the file uses."""
    for uri in WP_NAMESPACES:
        found = element.findall(f"{{{uri}}}{tag}")
        if found:
            return found
    return []


def parse(data: bytes) -> WXRDocument:
    """Parses WXR bytes, or raises WXRError with a message for the operator."""
    text = _decode(data)
    try:
        # The parser itself refuses DTDs, entities and external references: no pattern to dodge.
        root = DefusedET.fromstring(text, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException as exc:
        raise WXRError(
            "The file declares a DTD or entities (<!DOCTYPE or <!ENTITY), which WordPress "
            "exports never do; refused for safety."
        ) from exc
    except ET.ParseError as exc:
        raise WXRError(f"The file is not well-formed XML ({exc}).") from exc
    channel = root.find("channel")
    if root.tag != "rss" or channel is None or _text(channel, "wp:wxr_version") == "":
        raise WXRError(
            "The file is XML but not a WordPress export (WXR): no <rss><channel> with "
            "<wp:wxr_version>."
        )
    site = (
        _text(channel, "wp:base_site_url")
        or _text(channel, "wp:base_blog_url")
        or _text(channel, "link")
    )
    authors = [
        WXRAuthor(
            id=_text(a, "wp:author_id"),
            login=_text(a, "wp:author_login"),
            email=_text(a, "wp:author_email"),
            display_name=_text(a, "wp:author_display_name"),
            first_name=_text(a, "wp:author_first_name"),
            last_name=_text(a, "wp:author_last_name"),
        )
        for a in _findall(channel, "author")
        if _text(a, "wp:author_login")
    ]
    posts, skipped = [], 0
    for item in channel.findall("item"):
        if _text(item, "wp:post_type") != "post" or not _text(item, "wp:post_id"):
            skipped += 1  # pages, attachments, menu items, revisions…
            continue
        post = WXRPost(
            id=_text(item, "wp:post_id"),
            title=_text(item, "title"),
            link=_text(item, "link"),
            creator=_text(item, "dc:creator"),
            content=_text(item, "content:encoded"),
            excerpt=_text(item, "excerpt:encoded"),
            post_name=_text(item, "wp:post_name"),
            status=_text(item, "wp:status"),
            post_date=_text(item, "wp:post_date"),
            post_date_gmt=_text(item, "wp:post_date_gmt"),
            comment_status=_text(item, "wp:comment_status", "open"),
        )
        for category in item.findall("category"):
            if category.get("domain") == "film" and (category.text or "").strip():
                post.film_name = category.text.strip()
                post.film_slug = category.get("nicename", "")
                break
        for meta in _findall(item, "postmeta"):
            post.meta.setdefault(_text(meta, "wp:meta_key"), _text(meta, "wp:meta_value"))
        post.comments = [
            WXRComment(
                id=_text(c, "wp:comment_id"),
                parent_id=_text(c, "wp:comment_parent", "0"),
                author=_text(c, "wp:comment_author"),
                email=_text(c, "wp:comment_author_email"),
                url=_text(c, "wp:comment_author_url"),
                ip=_text(c, "wp:comment_author_IP"),
                date_gmt=_text(c, "wp:comment_date_gmt"),
                content=_text(c, "wp:comment_content"),
                approved=_text(c, "wp:comment_approved", "0"),
                type=_text(c, "wp:comment_type"),
                user_id=_text(c, "wp:comment_user_id", "0"),
            )
            for c in _findall(item, "comment")
            if _text(c, "wp:comment_id")
        ]
        posts.append(post)
    return WXRDocument(site=site[:200], authors=authors, posts=posts, skipped_items=skipped)


# Importing ----------------------------------------------------------------------------------


@dataclass
class ImportCounts:
    """Created vs already present, per kind: what the command prints."""

    created: dict = field(default_factory=dict)
    present: dict = field(default_factory=dict)
    skipped_pingbacks: int = 0
    skipped_items: int = 0
    problems: list = field(default_factory=list)  # what was skipped and why, for the operator
    # One row per post for the dry-run table: post, film, year, score, where the score came from.
    rows: list = field(default_factory=list)
    ambiguous: list = field(default_factory=list)  # films the blogger should confirm
    author_clashes: list = field(default_factory=list)  # logins that exist here already

    def add(self, kind, created):
        bucket = self.created if created else self.present
        bucket[kind] = bucket.get(kind, 0) + 1


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


def _legacy_path(link):
    """The path of an old permalink, decoded and without its trailing slash ("" if none)."""
    parts = urlsplit(link or "")
    path = unquote(parts.path)
    if parts.query:
        return ""  # "?p=…" links are stored from the post id instead
    path = path.rstrip("/")
    return path[:500] if path else ""


def normalise_path(path):
    """A request path as LegacyRedirect stores it."""
    return path.rstrip("/")[:500]


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
    return author


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
    body, body_notes = convert_post_body(BLOCK_COMMENT_RE.sub("", post.content), post_id=post.id)
    counts.problems.extend(f"Post {post.id} ({post.title}): {note}." for note in body_notes)
    body = body.strip() or "(No text.)"
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
    return review


def _import_redirects(doc, post, review, counts):
    paths = [_legacy_path(post.link)] if _legacy_path(post.link) else []
    post_id = int_param(post.id)  # as the redirect middleware reads "/?p=" (ASCII digits)
    if post_id is not None:
        paths.append(f"/?p={post_id}")
    for path in paths:
        _, created = LegacyRedirect.objects.get_or_create(
            old_path=path, defaults={"review": review}
        )
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


def _import_comments(doc, post, review, users_by_wp_id, counts, owners):
    """`owners`: {WordPress comment id: post id} of the comments this file already had."""
    kind = ImportedItem.Kind.COMMENT
    wanted = {}
    for comment in post.comments:
        if comment.type in ("pingback", "trackback"):
            counts.skipped_pingbacks += 1
            continue
        if comment.id in wanted or comment.id in owners:
            # WordPress ids are unique per site: a second use is a damaged or merged export.
            counts.problems.append(
                f"Comment {comment.id} of post {post.id} skipped: post "
                f"{owners.get(comment.id, post.id)} already has a comment with that id."
            )
            continue
        wanted[comment.id] = comment
    for comment_id in wanted:
        owners[comment_id] = post.id

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
    saved = {}
    for wp_comment in order:
        existing = _remembered(doc.site, kind, wp_comment.id, Comment)
        if existing is not None and existing.review_id != review.pk:
            counts.problems.append(
                f"Comment {wp_comment.id} of post {post.id} skipped: an earlier import gave "
                f"that id to a comment on another review."
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


def import_wxr(
    *,
    data: bytes,
    dry_run: bool = False,
    progress=silent,
    field_map=None,
    score_field=None,
    author_map=None,
) -> ImportCounts:
    """Imports a WXR file's authors, posts, comments and permalinks, in one transaction.

    `progress` wraps the loop over posts to show how far it got (core.progress.progress).
    `field_map`: {"film_title"/"film_year"/"imdb_id": the blog's custom field for it};
    `score_field`: the custom field holding the score; `author_map`: {WordPress login: local
    username} for logins that exist here already."""
    options = {"field_map": field_map or {}, "score_field": score_field}
    author_map = author_map or {}
    doc = parse(data)
    counts = ImportCounts(skipped_items=doc.skipped_items)
    with transaction.atomic():
        authors, users_by_wp_id, owners = {}, {}, {}
        for wp_author in doc.authors:
            author = _import_author(doc, wp_author, counts, author_map)
            authors[wp_author.login] = author
            if wp_author.id:
                users_by_wp_id[wp_author.id] = author.user
        for login in sorted(set(author_map) - {a.login for a in doc.authors}):
            counts.problems.append(f"--author-map {login}=…: the file has no author {login!r}.")
        # Each review's comment count is recounted once, after its comments, not per comment.
        with deferred_comment_counts():
            for post in progress(doc.posts, desc="Importing posts", unit="post"):
                review = _import_post(doc, post, authors, counts, options)
                _import_redirects(doc, post, review, counts)
                _import_comments(doc, post, review, users_by_wp_id, counts, owners)
        if dry_run:
            transaction.set_rollback(True)
    return counts


# Exporting ----------------------------------------------------------------------------------


def _wp(tag):
    return f"{{{NS['wp']}}}{tag}"


def _sub(parent, tag, text="", **attrib):
    # ElementTree writes any character it is given: a row holding a control character (saved
    # before the validators, or by a script) would make a file that no XML parser reads back.
    element = ET.SubElement(parent, tag, {name: xml_safe(value) for name, value in attrib.items()})
    element.text = "" if text is None else xml_safe(text)
    return element


def _wxr_date(value):
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ZERO_DATE


def export_wxr(*, progress=silent) -> bytes:
    """A WXR 1.2 document of published reviews, their authors and approved comments.

    `progress` wraps the loop over reviews to show how far it got (core.progress.progress)."""
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    site = settings.SITE_URL
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _sub(channel, "title", settings.SITE_NAME)
    _sub(channel, "link", site)
    _sub(channel, "description", "")
    _sub(channel, "language", settings.LANGUAGE_CODE)
    _sub(channel, _wp("wxr_version"), "1.2")
    _sub(channel, _wp("base_site_url"), site)
    _sub(channel, _wp("base_blog_url"), site)

    reviews = list(Review.objects.published().select_related("film", "author__user").order_by("pk"))
    for author in sorted({r.author for r in reviews}, key=lambda a: a.pk):
        element = ET.SubElement(channel, _wp("author"))
        _sub(element, _wp("author_id"), author.user_id)
        _sub(element, _wp("author_login"), author.user.get_username())
        _sub(element, _wp("author_email"), author.user.email)
        _sub(element, _wp("author_display_name"), author.display_name)
        _sub(element, _wp("author_first_name"), author.user.first_name)
        _sub(element, _wp("author_last_name"), author.user.last_name)

    comments_by_review = {}
    for comment in Comment.objects.approved().filter(review__in=reviews).order_by("path"):
        comments_by_review.setdefault(comment.review_id, []).append(comment)
    approved_ids = {c.pk for cs in comments_by_review.values() for c in cs}

    for review in progress(reviews, desc="Exporting reviews", unit="review"):
        item = ET.SubElement(channel, "item")
        _sub(item, "title", review.headline)
        _sub(item, "link", f"{site}{review.get_absolute_url()}")
        _sub(
            item,
            "pubDate",
            review.published_at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000"),
        )
        _sub(item, f"{{{NS['dc']}}}creator", review.author.user.get_username())
        _sub(item, "guid", f"{site}/?p={review.pk}", isPermaLink="false")
        _sub(item, "description", "")
        _sub(item, f"{{{NS['content']}}}encoded", review.body)
        _sub(item, f"{{{NS['excerpt']}}}encoded", review.standfirst)
        _sub(item, _wp("post_id"), review.pk)
        local = timezone.localtime(review.published_at)
        _sub(item, _wp("post_date"), local.strftime("%Y-%m-%d %H:%M:%S"))
        _sub(item, _wp("post_date_gmt"), _wxr_date(review.published_at))
        _sub(item, _wp("comment_status"), "open" if review.comments_open else "closed")
        _sub(item, _wp("ping_status"), "closed")
        _sub(item, _wp("post_name"), review.slug)
        _sub(item, _wp("status"), "publish")
        _sub(item, _wp("post_parent"), 0)
        _sub(item, _wp("menu_order"), 0)
        _sub(item, _wp("post_type"), "post")
        _sub(item, _wp("post_password"), "")
        _sub(item, _wp("is_sticky"), 0)
        _sub(item, "category", review.film.title, domain="film", nicename=review.film.slug)
        for key, value in (
            ("rating", review.rating),
            ("year", review.film.year),
            ("verdict", review.verdict),
        ):
            if value not in ("", None):  # no score: no rating field, as WordPress would have
                meta = ET.SubElement(item, _wp("postmeta"))
                _sub(meta, _wp("meta_key"), key)
                _sub(meta, _wp("meta_value"), value)
        for comment in comments_by_review.get(review.pk, []):
            element = ET.SubElement(item, _wp("comment"))
            # A reply whose parent is not public hangs from its nearest approved ancestor.
            ancestors = [int(step) for step in comment.path.split("/")[:-1]]
            parent = next((pk for pk in reversed(ancestors) if pk in approved_ids), 0)
            _sub(element, _wp("comment_id"), comment.pk)
            _sub(element, _wp("comment_author"), comment.name)
            _sub(element, _wp("comment_author_email"), comment.email)
            _sub(element, _wp("comment_author_url"), comment.url)
            _sub(element, _wp("comment_author_IP"), comment.ip_address or "")
            created = timezone.localtime(comment.created_at)
            _sub(element, _wp("comment_date"), created.strftime("%Y-%m-%d %H:%M:%S"))
            _sub(element, _wp("comment_date_gmt"), _wxr_date(comment.created_at))
            _sub(element, _wp("comment_content"), comment.body)
            _sub(element, _wp("comment_approved"), 1)
            _sub(element, _wp("comment_type"), "comment")
            _sub(element, _wp("comment_parent"), parent)
            _sub(element, _wp("comment_user_id"), comment.user_id or 0)
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)
