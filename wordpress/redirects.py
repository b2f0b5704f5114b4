"""Every old WordPress address, and where it answers now (a 301 from LegacyRedirectMiddleware).

Stored at import (LegacyRedirect rows, looked up in one indexed query), per post: its link's path,
its path under the permalink structure the export's links imply (for posts whose link is a bare
"?p="), its bare "/<post name>" (WordPress itself redirects that to the post), "/?p=<id>", and
the old paths this site's own export carried along (``_reviewsite_old_path`` postmeta); per
author, "/author/<nicename>". Paths are stored decoded, without a trailing slash and without an
"/index.php" prefix, and requests are read the same way, so every spelling of one address hits.

Read from the request alone, after that lookup (see ``resolve``):

- "<post>/feed/" (and /rss2/, /atom/…) → the review's comments feed; "<post>/comment-page-N/" →
  the review's comment page holding WordPress's page N (``comment_page_url``); "<post>/amp/",
  "<post>/attachment/<name>/", "<post>/trackback/", "<post>/embed/", "<post>/2/" → the review.
- "/feed/", "/feed/rss2/", "/comments/feed/"… → the latest-reviews feed (Atom for /atom/); the
  site has no site-wide comments feed, so that is the closest.
- "/category/<…>/<nicename>/" and "/tag/<nicename>/" (and their /page/N/) → the tag they were
  imported as (their /feed/ → the tag's feed), else a tag or (categories only) a genre with that
  slug, else the home page.
- "/author/<nicename>/" → the author's page (else an author with that slug, else home).
- "/YYYY/", "/YYYY/MM/", "/YYYY/MM/DD/" archives → the home page (the site has no date archives).
- "/page/N/" → "/?page=N".
- On "/" (and "/index.php"): "?p=N" → the review (with "&feed=…" its comments feed, with
  "&cpage=N" its comment page), "?page_id=N" → home (WordPress pages are not imported),
  "?feed=…" → the feed, "?tag=…" → the tag, "?author=N" → the author, "?s=…" → the search,
  "?m=…", "?cat=N", "?year=…" → home. An unknown "?p=N" is left to the home page (a 200).

Only published reviews are ever a target (a draft's old address stays 404), and every Location
is built here from reverse() and the site's own slugs, never from the request: no open redirect.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlencode, urlsplit

from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from comments.models import Comment
from comments.threads import page_of, page_query
from core.http import int_param
from films.models import Genre
from reviews.models import Author, Review, Tag

from .models import ImportedItem, ImportSource, LegacyRedirect
from .terms import term_source_id

MAX_PATH = 500  # LegacyRedirect.old_path
# Postmeta this site's export writes so that a second move keeps the old addresses: one
# OLD_PATH_META per old address of the post, the site they came from and its comments per page
# (for old comment pages), and the exporting site's address (its own "?p=" ids were never
# addresses anyone used).
OLD_PATH_META = "_reviewsite_old_path"
OLD_SITE_META = "_reviewsite_old_site"
OLD_COMMENTS_PER_PAGE_META = "_reviewsite_comments_per_page"
EXPORTED_FROM_META = "_reviewsite_exported_from"
DEFAULT_COMMENTS_PER_PAGE = 50  # WordPress's own default

# Suffixes WordPress answers under a post's address, and what each becomes here.
FEED = "feed"
COMMENT_PAGE = "comment-page"
SAME = "same"
SUFFIXES = [
    (re.compile(r"^(?P<base>.+)/feed(?:/(?:rss2?|rdf|atom))?$"), FEED),
    (re.compile(r"^(?P<base>.+)/comment-page-(?P<number>\d{1,9})$"), COMMENT_PAGE),
    (re.compile(r"^(?P<base>.+)/attachment/[^/]+$"), SAME),
    (re.compile(r"^(?P<base>.+)/(?:amp|trackback|embed|page/\d{1,9}|\d{1,4})$"), SAME),
]
SITE_FEEDS = {
    "/feed": "reviews:feed_rss",
    "/feed/rss2": "reviews:feed_rss",
    "/feed/rss": "reviews:feed_rss",
    "/feed/rdf": "reviews:feed_rss",
    "/feed/atom": "reviews:feed_atom",
    "/comments/feed": "reviews:feed_rss",
    "/comments/feed/rss2": "reviews:feed_rss",
    "/comments/feed/atom": "reviews:feed_atom",
    "/wp-rss2.php": "reviews:feed_rss",
    "/wp-rss.php": "reviews:feed_rss",
    "/wp-atom.php": "reviews:feed_atom",
    "/wp-commentsrss2.php": "reviews:feed_rss",
}
LIST_SUFFIX = r"(?:/page/(?P<page>\d{1,9}))?(?P<feed>/feed(?:/(?:rss2?|rdf|atom))?)?"
TERM_RE = re.compile(rf"^/(?P<base>category|tag)/(?P<names>[^?#]+?){LIST_SUFFIX}$")
AUTHOR_RE = re.compile(rf"^/author/(?P<name>[^/]+){LIST_SUFFIX}$")
DATE_ARCHIVE_RE = re.compile(rf"^/\d{{4}}(?:/\d{{1,2}}(?:/\d{{1,2}})?)?{LIST_SUFFIX}$")
HOME_PAGE_RE = re.compile(r"^/page/(?P<page>\d{1,9})$")
# Query parameters WordPress reads on its front page ("/?p=12"); any of them makes "/" a
# possible old address.
LEGACY_PARAMS = ("p", "page_id", "feed", "tag", "author", "s", "m", "cat", "year", "monthnum")
TERM_DOMAINS = {"category": ("category", "post_tag"), "tag": ("post_tag", "category")}


# Import side ---------------------------------------------------------------------------------


def canonical(path):
    """A (decoded) path as LegacyRedirect stores it: no /index.php prefix, no trailing slash."""
    if path == "/index.php" or path.startswith("/index.php/"):
        path = path.removeprefix("/index.php")
    return path.rstrip("/")[:MAX_PATH]


def link_path(link):
    """The stored form of a permalink URL's path ("" for "?p=" links or no path at all)."""
    parts = urlsplit(link or "")
    if parts.query:
        return ""  # "?p=…" links are stored from the post id instead
    return canonical(unquote(parts.path))


DATE_ORDER = ["%year%", "%monthnum%", "%day%", "%hour%", "%minute%", "%second%"]
POST_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$")


def _tokens(post):
    """{structure tag: its value for this post}, WordPress's names for them."""
    tokens = {"%post_id%": post.id, "%postname%": unquote(post.post_name or "")}
    # Permalinks use the blog's local time (post_date), not GMT; WordPress's "zero" date
    # (an undated draft) gives none.
    date = POST_DATE_RE.match(post.post_date or "")
    if date and date.group(1) != "0000":
        tokens |= dict(zip(DATE_ORDER, date.groups(), strict=True))
    categories = [t.nicename for t in getattr(post, "terms", []) if t.domain == "category"]
    if categories and categories[0]:
        tokens["%category%"] = categories[0]
    if post.creator:
        tokens["%author%"] = slugify(post.creator)
    return {tag: value for tag, value in tokens.items() if value}


def infer_structure(path, post):
    """The permalink structure a post's stored link path implies, as WordPress writes it
    ("/%year%/%monthnum%/%postname%"), or "" when the path names neither the post nor its id."""
    tokens = _tokens(post)
    name, post_id = tokens.get("%postname%"), tokens.get("%post_id%")
    dates = [tag for tag in DATE_ORDER if tag in tokens]
    out, names_post = [], False
    for segment in path.strip("/").split("/"):
        if name and re.search(rf"(?<![0-9A-Za-z]){re.escape(name)}(?![0-9A-Za-z])", segment):
            out.append(segment.replace(name, "%postname%", 1))
            names_post = True
        elif post_id and re.fullmatch(rf"(?:.*\D)?{post_id}(?:\D.*)?", segment):
            out.append(re.sub(rf"(?<!\d){post_id}(?!\d)", "%post_id%", segment, count=1))
            names_post = True
        elif dates and segment == tokens[dates[0]]:
            out.append(dates.pop(0))  # year, then month, then day…: in that order only
        elif segment and segment == tokens.get("%category%"):
            out.append("%category%")
        elif segment and segment == tokens.get("%author%"):
            out.append("%author%")
        else:
            out.append(segment)
    return "/" + "/".join(out) if names_post else ""


def apply_structure(structure, post):
    """A post's path under a permalink structure, or "" when the post lacks one of its tags."""
    tokens = _tokens(post)
    path = structure
    for tag in re.findall(r"%[a-z_]+%", structure):
        if tag not in tokens:
            return ""
        path = path.replace(tag, tokens[tag], 1)
    return canonical(path)


def post_paths(post, structure=""):
    """(paths to store for a WordPress post, the structure its link implies or "")."""
    paths, implied = [], ""
    own = link_path(post.link)
    if own:
        paths.append(own)
        implied = infer_structure(own, post)
    elif structure:
        paths.append(apply_structure(structure, post))
    if post.status in ("publish", "future") and post.post_name:
        # WordPress answers a bare "/<post name>/" with a redirect to the post, whatever the
        # structure, so such links work on the old blog.
        paths.append(canonical("/" + unquote(post.post_name)))
    post_id = int_param(post.id)  # as the middleware reads "/?p=" (ASCII digits)
    if post_id is not None:
        paths.append(f"/?p={post_id}")
    # In order, once each, and only what looks like a path of this site.
    return list(dict.fromkeys(p for p in paths if p.startswith("/") and len(p) > 1)), implied


def author_paths(login):
    """The old /author/<nicename> address of a WordPress author (nicename: the slugged login)."""
    nicename = slugify(login)
    return [f"/author/{nicename}"] if nicename else []


# Request side --------------------------------------------------------------------------------


@dataclass
class Match:
    old_path: str
    review_id: int | None
    review_slug: str | None
    author_slug: str | None
    comments_per_page: int | None


def _candidates(path):
    """[(stored path to look up, what the suffix asks for, the suffix's number)], exact first."""
    found = [(path, SAME, None)]
    for pattern, kind in SUFFIXES:
        match = pattern.match(path)
        if match:
            found.append((match.group("base"), kind, match.groupdict().get("number")))
    return found


def _lookup(paths):
    """{old path: Match} of the rows among `paths` that point at something public (one query)."""
    public = Q(review__in=Review.objects.published().values("pk")) | Q(author__isnull=False)
    rows = LegacyRedirect.objects.filter(
        public, old_path__in=list(dict.fromkeys(paths))
    ).values_list(
        "old_path", "review_id", "review__slug", "author__slug", "source__comments_per_page"
    )
    return {row[0]: Match(*row) for row in rows}


def comment_page_url(review_id, review_url, wordpress_page, per_page):
    """The review's comment page holding the first top-level comment of WordPress's page N.

    WordPress pages threads by top-level comment, oldest first: its page N starts with the
    ((N - 1) × per_page + 1)th approved top-level comment. The import kept their order (top-level
    comments are saved oldest first), so that comment is found by path, and the site's own
    paging (comments.threads) says which page shows it."""
    per_page = per_page or DEFAULT_COMMENTS_PER_PAGE
    top_level = Comment.objects.approved().filter(review_id=review_id, parent__isnull=True)
    offset = min((wordpress_page - 1) * per_page, 10**9)
    first = (
        top_level.order_by("path").only("pk", "path", "review_id")[offset : offset + 1].first()
        or top_level.order_by("-path").only("pk", "path", "review_id").first()
    )
    if first is None:
        return f"{review_url}#comments"
    return f"{review_url}{page_query(number=page_of(first))}#comments"


def _review_target(match, kind, number):
    review_url = reverse("reviews:detail", kwargs={"slug": match.review_slug})
    if kind == FEED:
        return reverse("comments:feed", kwargs={"slug": match.review_slug})
    if kind == COMMENT_PAGE:
        wordpress_page = int_param(number, minimum=1)
        if wordpress_page is None:
            return review_url
        return comment_page_url(
            match.review_id, review_url, wordpress_page, match.comments_per_page
        )
    return review_url


def _target(match, kind, number):
    if match.review_slug:
        return _review_target(match, kind, number)
    return reverse("reviews:author", kwargs={"slug": match.author_slug})


def _home(page=None):
    page = int_param(page, minimum=2)
    home = reverse("reviews:home")
    return f"{home}?{urlencode({'page': page})}" if page else home


def _term_url(base, nicename, *, feed=False):
    """The tag (or genre) an old /category/ or /tag/ address became, else the home page."""
    nicename = nicename[:200]
    wanted = [term_source_id(domain, nicename) for domain in TERM_DOMAINS[base]]
    genre_id = term_source_id("genre", nicename)  # categories imported as genres
    items = dict(
        ImportedItem.objects.filter(
            kind=ImportedItem.Kind.TERM, source_id__in=[*wanted, genre_id]
        ).values_list("source_id", "object_id")
    )
    tag_ids = [items[source_id] for source_id in wanted if source_id in items]
    tags = dict(Tag.objects.filter(Q(pk__in=tag_ids) | Q(slug=nicename)).values_list("pk", "slug"))
    # What the import made of it first, else a tag of that name made here.
    slug = next((tags[pk] for pk in tag_ids if pk in tags), None) or next(
        (slug for slug in tags.values() if slug == nicename), None
    )
    if slug:
        return reverse("reviews:tag_feed" if feed else "reviews:tag", kwargs={"slug": slug})
    if base == "category":
        genre = (
            Genre.objects.filter(Q(pk=items.get(genre_id, 0)) | Q(slug=nicename))
            .values_list("slug", flat=True)
            .first()
        )
        if genre:
            return reverse("films:genre", kwargs={"slug": genre})
    return _home()


def _author_url(nicename):
    slug = Author.objects.filter(slug=nicename[:140]).values_list("slug", flat=True).first()
    return reverse("reviews:author", kwargs={"slug": slug}) if slug else _home()


def resolve(path):
    """Where an old address (a path the site answers with 404) lives now, or None."""
    path = canonical(path)
    if not path:
        return None
    if path in SITE_FEEDS:
        return reverse(SITE_FEEDS[path])
    candidates = _candidates(path)
    matches = _lookup([stored for stored, _, _ in candidates])
    for stored, kind, number in candidates:
        if stored in matches:
            return _target(matches[stored], kind, number)
    if match := TERM_RE.match(path):
        nicename = match.group("names").rstrip("/").rsplit("/", 1)[-1]  # parent/child: child
        return _term_url(match.group("base"), nicename, feed=bool(match.group("feed")))
    if match := AUTHOR_RE.match(path):
        return _author_url(match.group("name"))
    if match := HOME_PAGE_RE.match(path):
        return _home(match.group("page"))
    if DATE_ARCHIVE_RE.match(path):
        return _home()
    return None


def has_legacy_query(query):
    """True when a query string on "/" is one of WordPress's front-page addresses."""
    return any(name in query for name in LEGACY_PARAMS)


def resolve_query(query):
    """Where a WordPress front-page address ("/?p=12&cpage=2", "/?feed=rss2"…) lives now, or
    None to let the home page answer (an unknown post id, say)."""
    post_id = int_param(query.get("p", ""))
    if post_id is not None:
        match = _lookup([f"/?p={post_id}"]).get(f"/?p={post_id}")
        if match is None:
            return None
        if query.get("feed"):
            return _target(match, FEED, None)
        if query.get("cpage"):
            return _target(match, COMMENT_PAGE, query["cpage"])
        return _target(match, SAME, None)
    if "page_id" in query:
        return _home()  # WordPress pages are not imported: the home page is the closest
    if query.get("feed"):
        return reverse("reviews:feed_atom" if "atom" in query["feed"] else "reviews:feed_rss")
    if query.get("tag"):
        return _term_url("tag", query["tag"].split(",")[0].strip())
    author_id = int_param(query.get("author", ""))
    if author_id is not None:
        item = ImportedItem.objects.filter(
            kind=ImportedItem.Kind.AUTHOR, source_id=str(author_id)
        ).values("object_id")
        # Ids are per WordPress site: with several imported, the earliest import's author.
        authors = Author.objects.filter(pk__in=item).order_by("pk")
        slug = authors.values_list("slug", flat=True).first()
        return reverse("reviews:author", kwargs={"slug": slug}) if slug else _home()
    if query.get("s"):
        return f"{reverse('reviews:search')}?{urlencode({'q': query['s'][:200]})}"
    if any(name in query for name in ("m", "cat", "year", "monthnum")):
        return _home()  # date and category-id archives: the home page is the closest
    return None


# Saving (called by the importer) --------------------------------------------------------------


def import_source(site, *, comments_per_page=None):
    """The ImportSource of an exported site; `comments_per_page` given replaces the stored one."""
    source, _ = ImportSource.objects.get_or_create(
        url=site[:200],
        defaults={"comments_per_page": comments_per_page or DEFAULT_COMMENTS_PER_PAGE},
    )
    if comments_per_page and source.comments_per_page != comments_per_page:
        source.comments_per_page = comments_per_page
        source.save(update_fields=["comments_per_page", "imported_at"])
    return source


def _carried(post, source):
    """(the old paths this site's export carried for the post, the ImportSource they belong to)."""
    meta = getattr(post, "postmeta", [])
    paths = [value for key, value in meta if key == OLD_PATH_META]
    if not paths:
        return [], source
    values = dict(reversed(meta))  # the first value of each key
    site = values.get(OLD_SITE_META, "").strip()
    per_page = int_param(values.get(OLD_COMMENTS_PER_PAGE_META, ""), minimum=1, maximum=1000)
    origin = import_source(site, comments_per_page=per_page) if site else source
    paths = [path if path.startswith("/?p=") else canonical(path) for path in paths]
    return [path for path in paths if path.startswith("/") and len(path) > 1], origin


def save_post_redirects(*, source, post, review):
    """Stores a post's old addresses (see post_paths) for its review: [True per path created,
    False per path already stored]. A path another review has already keeps that review.

    A post of this site's own export (EXPORTED_FROM_META is the export's site) brings the old
    addresses it carried, with the site they came from; its own "?p=" id and bare slug were
    never addresses of the exporting site, so they are not stored."""
    values = dict(reversed(getattr(post, "postmeta", [])))
    if values.get(EXPORTED_FROM_META, "").rstrip("/") == source.url.rstrip("/"):
        own = link_path(post.link)
        pairs = [(own, source)] if own else []
    else:
        paths, implied = post_paths(post, source.permalink_structure)
        if implied and implied != source.permalink_structure:
            source.permalink_structure = implied[:200]
            source.save(update_fields=["permalink_structure", "imported_at"])
        pairs = [(path, source) for path in paths]
    carried, origin = _carried(post, source)
    pairs += [(path, origin) for path in carried]
    results = []
    for path, path_source in dict(pairs).items():
        _, created = LegacyRedirect.objects.get_or_create(
            old_path=path, defaults={"review": review, "source": path_source}
        )
        results.append(created)
    return results


def save_author_redirects(*, source, login, author):
    """Stores a WordPress author's /author/<nicename> address for their author page."""
    results = []
    for path in author_paths(login):
        _, created = LegacyRedirect.objects.get_or_create(
            old_path=path, defaults={"author": author, "source": source}
        )
        results.append(created)
    return results
