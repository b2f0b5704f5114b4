"""“<name> recently posted: <title>”: the latest post on a commenter's own blog, read safely.

The commenter chose the URL, so every request this module makes is treated as hostile input
pointed at our own network (SSRF): http/https only; every address a host resolves to must be
public, and the connection goes to an address that was checked (no second lookup an attacker's
DNS could answer differently); each redirect is checked again, at most MAX_REDIRECTS of them;
timeouts, and one DEADLINE for the whole read of a site (connections, redirects, the page and
its feed: a server trickling a byte at a time never trips a per-read timeout); a size cap read
in chunks. Nothing here raises to its caller: a failure is logged and counted on the site's row.

A site is the commenter's website URL, path included (site_url_of): two blogs on one host are
two sites. Only comments whose writer ticked "Show my latest post under my comment"
(Comment.show_recent_post) are read for or show the line. A site is read again a day after a
success; after a failure, sooner at first and then less often (retry_delay).
"""

import contextlib
import html
import http.client
import ipaddress
import logging
import socket
import ssl
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import feedparser
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

from .models import Comment, CommenterFeed

log = logging.getLogger(__name__)

TIMEOUT = 5  # seconds, for the connection and for each read
DEADLINE = 10  # seconds for everything one site is asked (DNS is bounded by the resolver's own)
MAX_BYTES = 512 * 1024
CHUNK = 16 * 1024
MAX_REDIRECTS = 3
REFETCH_AFTER = timedelta(days=1)
# Waits after the 1st, 2nd and 3rd failure in a row; from the 4th on, REFETCH_AFTER. A site that
# was down for a minute shows its line again within minutes, a dead one costs a read a day.
RETRY_AFTER = (timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6))
# The fetch task schedules its own retry (with a backend that can run a task later) after this
# many failures in a row at most; after that, the next approved comment or the backfill command
# tries again, once the wait is over.
SCHEDULED_RETRIES = len(RETRY_AFTER) + 1
SITE_URL_MAX = 200  # CommenterFeed.site_url
TITLE_MAX = 200  # stored; the page shows at most DISPLAY_TITLE_MAX
DISPLAY_TITLE_MAX = 120
URL_MAX = 500
BACKFILL_BATCH = 500  # site rows looked up per query by sites_to_backfill
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """Why a fetch stopped: refused target, too big, too many redirects, bad status."""


class DeadlineExceeded(FetchError):
    """The site took longer than DEADLINE seconds in all."""


class Deadline:
    """The moment (time.monotonic()) by which a read of a site must be over."""

    def __init__(self, seconds=None):
        self.seconds = DEADLINE if seconds is None else seconds
        self.at = time.monotonic() + self.seconds

    def exceeded(self) -> DeadlineExceeded:
        return DeadlineExceeded(f"no complete answer within {self.seconds} s")

    def timeout(self) -> float:
        """The socket timeout for the next operation: TIMEOUT, or less near the deadline."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.exceeded()
        return min(TIMEOUT, left)


class _DeadlineReads:
    """For sockets: every read waits at most until the deadline (a socket timeout alone
    restarts at each byte received)."""

    deadline = None

    def recv_into(self, *args, **kwargs):
        if self.deadline is None:
            return super().recv_into(*args, **kwargs)
        timeout = self.deadline.timeout()
        self.settimeout(timeout)
        try:
            return super().recv_into(*args, **kwargs)
        except TimeoutError as error:
            if timeout < TIMEOUT:  # it was the deadline, not a silent server, that ran out
                raise self.deadline.exceeded() from error
            raise


class _DeadlineSocket(_DeadlineReads, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineReads, ssl.SSLSocket):
    """Made by an SSL context through its `sslsocket_class`."""


@dataclass
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes


def is_web_url(url) -> bool:
    """True for an absolute http(s) URL with a host: the only links we fetch or show."""
    try:
        parts = urlsplit(str(url or "").strip())
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _site_parts(url):
    """(scheme, netloc, path) of an http(s) URL: host lower-cased, a default port dropped; None
    when it is not one."""
    if not is_web_url(url):
        return None
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    netloc = host + (f":{port}" if port and port != default else "")
    return parts.scheme, netloc, parts.path


def site_url_of(url) -> str | None:
    """The site a commenter's website URL names, the key of its CommenterFeed row: scheme,
    host (lower-cased), port unless the default, and path without its trailing slash; query and
    fragment dropped. "https://Letterboxd.com:443/alice/?x#y" -> "https://letterboxd.com/alice".
    None when it is not an http(s) URL (or too long to store)."""
    parts = _site_parts(url)
    if parts is None:
        return None
    scheme, netloc, path = parts
    site = f"{scheme}://{netloc}{path.rstrip('/')}"
    return site if len(site) <= SITE_URL_MAX else None


def start_url_of(url) -> str | None:
    """Where feed discovery starts for a commenter's website: the URL as typed (its path, so
    the blog at /alice/ is read, not the host's home page), without query and fragment."""
    parts = _site_parts(url)
    if parts is None:
        return None
    scheme, netloc, path = parts
    return f"{scheme}://{netloc}{path or '/'}"


def retry_delay(failures) -> timedelta:
    """How long a site waits after `failures` failed reads in a row (1, 2, …)."""
    if 1 <= failures <= len(RETRY_AFTER):
        return RETRY_AFTER[failures - 1]
    return REFETCH_AFTER


def is_due(feed, now=None) -> bool:
    """The site may be read now: never read, or its wait is over."""
    return feed.next_fetch_at is None or (now or timezone.now()) >= feed.next_fetch_at


def _is_public(address) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address inside IPv6 (::ffff:127.0.0.1, 6to4, Teredo) is judged as itself.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not _is_public(str(embedded)):
            return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def checked_addresses(url) -> list[tuple]:
    """The socket addresses `url` may be fetched from; FetchError if any of them is not public."""
    if not is_web_url(url):
        raise FetchError(f"not an http(s) URL: {url!r}")
    parts = urlsplit(url.strip())
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchError(f"bad port in {url!r}") from error
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"cannot resolve {parts.hostname!r}") from error
    if not infos:
        raise FetchError(f"no address for {parts.hostname!r}")
    # Tests serve feeds from a loopback http.server; production never sets this.
    if not getattr(settings, "COMMENTS_FEED_ALLOW_PRIVATE", False):
        for *_, sockaddr in infos:
            if not _is_public(sockaddr[0]):
                raise FetchError(f"{parts.hostname!r} resolves to a non-public address")
    return [(family, sockaddr) for family, _, _, _, sockaddr in infos]


def _connect_to_checked(addresses, deadline):
    """A socket connected to the first of the checked `addresses` that answers.

    Not the host name again: a second DNS answer could point inside our network.
    """
    last = None
    for family, sockaddr in addresses:
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        sock.deadline = deadline
        try:
            sock.settimeout(deadline.timeout())
        except DeadlineExceeded:
            sock.close()
            raise
        try:
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            last = error
            continue
        with contextlib.suppress(OSError):  # as http.client's own connect() does
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise last or OSError("no address to connect to")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the URL's host name (the Host header), over a socket to a checked address."""

    def __init__(self, host, port, *, addresses, deadline):
        super().__init__(host, port, timeout=TIMEOUT)
        self.checked_addresses = addresses
        self.deadline = deadline

    def connect(self):
        # http.client's own connect() would resolve the host name again.
        sys.audit("http.client.connect", self, self.host, self.port)
        self.sock = _connect_to_checked(self.checked_addresses, self.deadline)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    """As _CheckedHTTPConnection, with TLS for the host name: SNI and the certificate check are
    for the name in the URL, not for the address connected to."""

    def __init__(self, host, port, *, addresses, deadline, context):
        super().__init__(host, port, timeout=TIMEOUT, context=context)
        self.checked_addresses = addresses
        self.deadline = deadline
        self.tls_context = context
        self.tls_context.sslsocket_class = _DeadlineSSLSocket

    def connect(self):
        sys.audit("http.client.connect", self, self.host, self.port)
        sock = _connect_to_checked(self.checked_addresses, self.deadline)
        try:
            # The handshake as a whole is bounded by the socket's timeout (Python >= 3.5).
            sock.settimeout(self.deadline.timeout())
            self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host)
            self.sock.deadline = self.deadline
        except BaseException:
            sock.close()
            raise


def _open(url, addresses, deadline):
    """One GET of `url`, connected to one of its checked `addresses`, over by `deadline`; the
    HTTP response."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        conn = _CheckedHTTPSConnection(
            parts.hostname,
            port,
            addresses=addresses,
            deadline=deadline,
            context=ssl.create_default_context(),
        )
    else:
        conn = _CheckedHTTPConnection(parts.hostname, port, addresses=addresses, deadline=deadline)
    conn.request(
        "GET",
        path,
        headers={
            "User-Agent": f"{settings.SITE_NAME} recent-post reader (+{settings.SITE_URL})",
            "Accept": "application/rss+xml, application/atom+xml, text/html;q=0.9, */*;q=0.5",
            "Connection": "close",  # one request per connection: nothing left open
        },
    )
    return conn.getresponse()


def _read_limited(response) -> bytes:
    chunks, size = [], 0
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(f"response larger than {MAX_BYTES} bytes")
        chunks.append(chunk)


def fetch(url, deadline=None) -> Fetched:
    """GET `url` through the guard, following at most MAX_REDIRECTS redirects (each checked),
    all of it over by `deadline` (DEADLINE seconds from now by default)."""
    deadline = deadline or Deadline()
    for _ in range(MAX_REDIRECTS + 1):
        if len(url) > URL_MAX * 4:
            raise FetchError("URL too long")
        addresses = checked_addresses(url)
        deadline.timeout()  # a slow DNS answer may have used it up
        response = _open(url, addresses, deadline)
        try:
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"redirect without Location from {url}")
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise FetchError(f"HTTP {response.status} from {url}")
            content_type = (response.getheader("Content-Type") or "").split(";")[0]
            return Fetched(
                url=url, content_type=content_type.strip().lower(), body=_read_limited(response)
            )
        finally:
            response.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


class _AlternateLinkFinder(HTMLParser):
    """The first <link rel="alternate" type="application/rss+xml|atom+xml" href=…>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.href = None

    def handle_starttag(self, tag, attrs):
        if tag != "link" or self.href is not None:
            return
        attrs = {name: (value or "") for name, value in attrs}
        rel = attrs.get("rel", "").lower().split()
        kind = attrs.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rel and kind in FEED_TYPES and attrs.get("href", "").strip():
            self.href = attrs["href"].strip()


def _feed_link(page: Fetched) -> str | None:
    finder = _AlternateLinkFinder()
    try:
        finder.feed(page.body.decode("utf-8", errors="replace"))
        finder.close()
    except Exception:  # a broken page is just a page without a feed link
        return None
    return urljoin(page.url, finder.href) if finder.href else None


def _looks_like_feed(page: Fetched):
    parsed = feedparser.parse(page.body)
    if page.content_type in FEED_TYPES or parsed.entries:
        return parsed
    return None


def _latest(parsed, base_url) -> tuple[str, str] | None:
    """(title, link) of the newest entry; the link only when it is http(s)."""
    entries = [entry for entry in parsed.entries if (entry.get("title") or "").strip()]
    if not entries:
        return None

    def when(entry):
        return entry.get("published_parsed") or entry.get("updated_parsed") or ()

    # Most feeds list the newest first; dated entries are sorted in case this one does not.
    newest = max(entries, key=when) if all(when(entry) for entry in entries) else entries[0]
    # RSS titles are HTML in practice and feedparser's guess of their type varies: keep the
    # text only (tags dropped, entities decoded); the page escapes it again on display.
    title = html.unescape(strip_tags(newest.get("title", "")))
    title = " ".join(title.split())[:TITLE_MAX]
    link = urljoin(base_url, (newest.get("link") or "").strip())
    if not is_web_url(link) or len(link) > URL_MAX:
        link = ""
    return title, link


def discover_and_read(website) -> tuple[str, str, str] | None:
    """(feed_url, title, link) of the latest post of the site at `website`, or None."""
    deadline = Deadline()  # one for the page and its feed together
    page = fetch(website, deadline)
    parsed = _looks_like_feed(page)
    feed_url = page.url
    if parsed is None:
        feed_url = _feed_link(page)
        if not feed_url:
            return None
        feed = fetch(feed_url, deadline)
        parsed = feedparser.parse(feed.body)
        feed_url = feed.url
    latest = _latest(parsed, feed_url)
    if latest is None:
        return None
    return (feed_url if len(feed_url) <= URL_MAX else "", *latest)


@dataclass
class Refreshed:
    """What one refresh did: the site's row (None when the comment is not one to read for)
    and whether this call read the site and failed."""

    feed: CommenterFeed | None = None
    failed: bool = False

    @property
    def retry_at(self):
        """When the fetch task should try again by itself, or None (see SCHEDULED_RETRIES)."""
        if self.failed and self.feed.failures <= SCHEDULED_RETRIES:
            return self.feed.next_fetch_at
        return None


def wants_recent_post(comment) -> bool:
    """An approved comment with an http(s) website, whose writer opted in."""
    return (
        comment.status == Comment.Status.APPROVED
        and comment.show_recent_post
        and site_url_of(comment.url) is not None
    )


def refresh_for_comment(comment_id) -> Refreshed:
    """Reads the latest post of an approved, opted-in comment's website when its site is due:
    a day after the last success, after 10 min, 1 h, 6 h, then a day after failures in a row.

    Never raises: a failure is logged and counted on the site's row with its next time.
    """
    try:
        return _refresh(comment_id)
    except Exception:  # e.g. two workers creating the same site's row at once
        log.exception("Recent post for comment %s not refreshed", comment_id)
        return Refreshed()


def _refresh(comment_id):
    if not settings.COMMENTS_FETCH_RECENT_POSTS:
        return Refreshed()
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None or not wants_recent_post(comment):
        return Refreshed()
    site_url = site_url_of(comment.url)
    feed, _ = CommenterFeed.objects.get_or_create(site_url=site_url)
    now = timezone.now()
    if not is_due(feed, now):
        return Refreshed(feed)
    try:
        found = discover_and_read(start_url_of(comment.url))
    except Exception as error:  # network, TLS, parser: the reader's page must not care
        feed.failures += 1
        feed.fetched_at = now
        feed.next_fetch_at = now + retry_delay(feed.failures)
        log.warning(
            "Recent post of %s not read (failure %d in a row, next try after %s): %s",
            site_url,
            feed.failures,
            feed.next_fetch_at,
            error,
        )
        feed.save(update_fields=["failures", "fetched_at", "next_fetch_at"])
        return Refreshed(feed, failed=True)
    if found is not None:
        feed.feed_url, feed.latest_title, feed.latest_url = found
    feed.fetched_at = now
    feed.failures = 0
    feed.next_fetch_at = now + REFETCH_AFTER
    feed.save()
    return Refreshed(feed)


def sites_to_backfill(*, now=None):
    """(site_url, comment id) for each site named by an approved, opted-in comment whose row is
    missing or due, the site of the newest such comment first; the id is that comment's.

    A generator over the comments (iterated in chunks): the rows of the sites met so far are
    looked up a batch at a time.
    """
    now = now or timezone.now()
    comments = (
        Comment.objects.approved()
        .filter(show_recent_post=True)
        .exclude(url="")
        .order_by("-pk")
        .values_list("pk", "url")
    )
    seen = set()
    batch = []

    def due(batch):
        rows = CommenterFeed.objects.filter(site_url__in=[site for site, _ in batch])
        fresh = {row.site_url for row in rows if not is_due(row, now)}
        return [(site, pk) for site, pk in batch if site not in fresh]

    for pk, url in comments.iterator(chunk_size=BACKFILL_BATCH):
        site = site_url_of(url)
        if site is None or site in seen:
            continue
        seen.add(site)
        batch.append((site, pk))
        if len(batch) >= BACKFILL_BATCH:
            yield from due(batch)
            batch = []
    if batch:
        yield from due(batch)


def recent_posts_for(comments) -> dict:
    """{site_url: CommenterFeed} for the approved, opted-in comments shown, in one query (even
    for none)."""
    if not settings.COMMENTS_FETCH_RECENT_POSTS:
        return {}
    sites = {
        site_url_of(c.url) for c in comments if c.url and c.is_public and c.show_recent_post
    } - {None}
    # [""] keeps the query count constant: Django skips the query for an empty IN list.
    rows = CommenterFeed.objects.filter(site_url__in=sorted(sites) or [""]).exclude(latest_title="")
    return {row.site_url: row for row in rows}
