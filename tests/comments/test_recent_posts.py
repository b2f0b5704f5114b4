"""“<name> recently posted: <title>” under approved comments, read safely from the commenter's
own blog feed. The network is faked (the one function that opens an HTTP connection, and the
resolver), except for a loopback http.server that exercises the real HTTP code."""

import importlib
import io
import re
import socket
import threading
import time
from datetime import timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from comments import recent_posts, tasks
from comments.forms import CommentForm
from comments.models import Comment, CommenterFeed
from tests.comments.commenting import post_comment
from tests.comments.test_form_markup import same_markup
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

PUBLIC_IP = "93.184.216.34"
BLOG = "https://blog.example/"


def rss(*items):
    """An RSS 2.0 document; items are (title, link, pubDate) with already-escaped XML text."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
        for title, link, date in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Ada\'s blog</title>'
        f"<link>https://blog.example/</link>{body}</channel></rss>"
    ).encode()


FEED = rss(
    ("Older post", "https://blog.example/older", "Mon, 02 Nov 2026 10:00:00 GMT"),
    ("On slow cinema", "https://blog.example/slow-cinema", "Fri, 20 Nov 2026 10:00:00 GMT"),
)
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Ada</title><id>urn:ada</id>
<updated>2026-11-20T10:00:00Z</updated>
<entry><title>Found through the link tag</title><link href="/posts/found"/><id>urn:1</id>
<updated>2026-11-20T10:00:00Z</updated></entry></feed>"""
HOME_WITH_FEED_LINK = b"""<!doctype html><html><head><title>Ada</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/atom+xml" title="Ada" href="/feed.atom">
</head><body>Hello</body></html>"""


class FakeResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self._headers = {name.lower(): value for name, value in headers.items()}
        self._body = io.BytesIO(body)

    def getheader(self, name, default=None):
        return self._headers.get(name.lower(), default)

    def read(self, size=-1):
        return self._body.read(size)

    def close(self):
        pass


class FakeWeb:
    """Pages by URL; records every request the site makes."""

    def __init__(self):
        self.pages = {}
        self.requested = []

    def serve(self, url, body, content_type="text/html", status=200, headers=None):
        self.pages[url] = (status, {"Content-Type": content_type, **(headers or {})}, body)

    def redirect(self, url, location, status=301):
        self.pages[url] = (status, {"Location": location}, b"")

    def open(self, url, addresses, deadline):
        self.requested.append(url)
        page = self.pages.get(url, (404, {"Content-Type": "text/plain"}, b"not found"))
        if isinstance(page, BaseException):
            raise page
        return FakeResponse(*page)


FAKE_DNS = {
    "blog.example": [PUBLIC_IP],
    "other.example": [PUBLIC_IP],
    "films.example": [PUBLIC_IP],  # a blogging platform: one host, a blog per path
    "inside.example": [PUBLIC_IP, "10.0.0.7"],  # one private answer is enough to refuse
    "metadata.example": ["169.254.169.254"],
    "mapped.example": ["::ffff:127.0.0.1"],  # loopback dressed as IPv6
    "cgnat.example": ["100.64.0.1"],  # shared address space: not public
}


@pytest.fixture
def web(settings, monkeypatch):
    settings.COMMENTS_FETCH_RECENT_POSTS = True
    settings.COMMENTS_MODERATION = "none"
    fake = FakeWeb()
    monkeypatch.setattr(recent_posts, "_open", fake.open)
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in FAKE_DNS:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in FAKE_DNS[host]
            ]
        if host.endswith(".example"):
            raise socket.gaierror("unknown host")
        return real_getaddrinfo(host, port, *args, **kwargs)  # IP literals, localhost

    monkeypatch.setattr(recent_posts.socket, "getaddrinfo", getaddrinfo)
    return fake


@pytest.fixture
def comment_with(client, review, django_capture_on_commit_callbacks):
    """Posts an approved comment with this website (its writer opted in to "recently posted",
    unless `show_recent_post=""`) and runs what the commit queues."""

    def _post(url, **data):
        data.setdefault("show_recent_post", "on")
        with django_capture_on_commit_callbacks(execute=True):
            response = post_comment(client, review, url=url, **data)
        assert response.status_code == HTTPStatus.FOUND
        return Comment.objects.filter(url=url).latest("pk")

    return _post


def page(client, review):
    response = client.get(review.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_approving_a_comment_with_a_website_shows_the_commenters_latest_post(
    web, comment_with, client, review
):
    web.serve(BLOG, FEED, content_type="application/rss+xml; charset=utf-8")

    comment = comment_with(BLOG, name="Ada Reader")

    assert comment.status == Comment.Status.APPROVED
    feed = CommenterFeed.objects.get(site_url="https://blog.example")
    assert (feed.latest_title, feed.latest_url) == (
        "On slow cinema",
        "https://blog.example/slow-cinema",
    )
    assert feed.failures == 0
    assert (
        'Ada Reader recently posted: <a href="https://blog.example/slow-cinema" '
        'rel="nofollow ugc">On slow cinema</a>'
    ) in page(client, review)


def test_a_comment_approved_by_a_moderator_gets_its_recent_post_then(
    web, settings, client, review, moderator, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATION = "all"
    web.serve(BLOG, FEED, content_type="application/rss+xml")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, review, url=BLOG, show_recent_post="on")
    comment = Comment.objects.get(url=BLOG)
    assert comment.status == Comment.Status.PENDING
    assert web.requested == []  # nothing is read for a held comment

    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("moderation:act"), {"action": "approve", "comment": [comment.pk]})
    client.logout()

    assert web.requested == [BLOG]
    assert "recently posted: <a" in page(client, review)


def test_a_blog_home_page_leads_to_its_feed_through_its_alternate_link(
    web, comment_with, client, review
):
    web.serve(BLOG, HOME_WITH_FEED_LINK, content_type="text/html; charset=utf-8")
    web.serve("https://blog.example/feed.atom", ATOM, content_type="application/atom+xml")

    comment_with(BLOG)

    assert web.requested == [BLOG, "https://blog.example/feed.atom"]
    feed = CommenterFeed.objects.get()
    assert feed.feed_url == "https://blog.example/feed.atom"
    assert feed.latest_url == "https://blog.example/posts/found"  # relative link resolved
    assert "recently posted: <a" in page(client, review)
    assert "Found through the link tag</a>" in page(client, review)


def test_a_page_without_a_feed_stores_no_post(web, comment_with, client, review):
    web.serve(BLOG, b"<html><head><title>No feed</title></head><body>Hi</body></html>")
    comment_with(BLOG)
    assert CommenterFeed.objects.get().latest_title == ""
    assert "recently posted" not in page(client, review)


def test_a_hostile_title_is_shown_as_text(web, comment_with, client, review):
    title = "&lt;script&gt;alert(1)&lt;/script&gt;Fish &amp;lt;3 &lt;img src=x onerror=alert(2)&gt;"
    web.serve(
        BLOG,
        rss((title, "https://blog.example/p", "Fri, 20 Nov 2026 10:00:00 GMT")),
        content_type="application/rss+xml",
    )
    comment_with(BLOG)

    assert CommenterFeed.objects.get().latest_title == "alert(1)Fish <3"  # text, not markup
    html = page(client, review)
    assert 'recently posted: <a href="https://blog.example/p" rel="nofollow ugc">' in html
    assert "alert(1)Fish &lt;3</a>" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_a_title_that_decodes_to_markup_is_still_escaped(web, comment_with, client, review):
    # Double-encoded: the stored text itself reads "<script>…", and the page must escape it.
    title = "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;"
    web.serve(
        BLOG,
        rss((title, "https://blog.example/p", "Fri, 20 Nov 2026 10:00:00 GMT")),
        content_type="application/rss+xml",
    )
    comment_with(BLOG)

    assert CommenterFeed.objects.get().latest_title == "<script>alert(1)</script>"
    html = page(client, review)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in html
    assert "<script>alert" not in html


def test_a_javascript_link_is_shown_without_a_link(web, comment_with, client, review):
    web.serve(
        BLOG,
        rss(("Click me", "javascript:alert(document.cookie)", "Fri, 20 Nov 2026 10:00:00 GMT")),
        content_type="application/rss+xml",
    )
    comment_with(BLOG, name="Mallory")

    html = page(client, review)
    assert "Mallory recently posted: Click me</p>" in html
    assert "javascript:" not in html


def test_a_long_title_is_trimmed_to_120_characters(web, comment_with, client, review):
    title = "A" * 300
    web.serve(
        BLOG,
        rss((title, "https://blog.example/long", "Fri, 20 Nov 2026 10:00:00 GMT")),
        content_type="application/rss+xml",
    )
    comment_with(BLOG)

    assert len(CommenterFeed.objects.get().latest_title) == 200
    html = page(client, review)
    assert ">" + "A" * 119 + "…</a>" in html
    assert "A" * 120 not in html


@pytest.mark.parametrize(
    "website",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/feed",
        "http://10.1.2.3/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://inside.example/",
        "http://metadata.example/",
        "http://mapped.example/",
        "https://cgnat.example/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_private_and_non_http_targets_are_refused_without_a_request(
    web, comment_with, client, review, website
):
    comment_with(website)

    assert web.requested == []
    assert Comment.objects.get(url=website).status == Comment.Status.APPROVED
    feed = CommenterFeed.objects.get()
    assert (feed.latest_title, feed.failures) == ("", 1)
    assert "recently posted" not in page(client, review)


def test_a_website_that_is_not_http_is_never_fetched(web, review):
    # The form only takes http(s) websites; an imported comment may carry anything.
    comment = CommentFactory(review=review, url="ftp://blog.example/feed", show_recent_post=True)
    tasks.fetch_recent_post.enqueue(comment.pk)
    assert web.requested == []
    assert not CommenterFeed.objects.exists()


def test_an_oversized_response_is_dropped_and_counted(web, comment_with, client, review):
    web.serve(BLOG, FEED + b" " * (600 * 1024), content_type="application/rss+xml")

    comment_with(BLOG)

    feed = CommenterFeed.objects.get()
    assert (feed.latest_title, feed.failures) == ("", 1)
    assert "recently posted" not in page(client, review)


def test_a_timeout_is_handled_and_counted(web, comment_with, client, review):
    web.pages[BLOG] = TimeoutError("timed out")

    comment_with(BLOG)

    feed = CommenterFeed.objects.get()
    assert (feed.latest_title, feed.failures) == ("", 1)
    assert "recently posted" not in page(client, review)


def test_up_to_three_redirects_are_followed(web, comment_with):
    web.redirect(BLOG, "https://blog.example/1")
    web.redirect("https://blog.example/1", "/2", status=302)
    web.redirect("https://blog.example/2", "https://other.example/feed", status=308)
    web.serve("https://other.example/feed", FEED, content_type="application/rss+xml")

    comment_with(BLOG)

    assert CommenterFeed.objects.get().latest_title == "On slow cinema"


def test_a_fourth_redirect_is_not_followed(web, comment_with):
    for n in range(5):
        web.redirect(f"https://blog.example/{n}" if n else BLOG, f"https://blog.example/{n + 1}")
    web.serve("https://blog.example/5", FEED, content_type="application/rss+xml")

    comment_with(BLOG)

    assert len(web.requested) == 4  # the first request and three redirects
    feed = CommenterFeed.objects.get()
    assert (feed.latest_title, feed.failures) == ("", 1)


def test_a_redirect_into_the_private_network_is_refused(web, comment_with):
    web.redirect(BLOG, "http://169.254.169.254/latest/meta-data/")

    comment_with(BLOG)

    assert web.requested == [BLOG]
    assert CommenterFeed.objects.get().failures == 1


def test_a_site_is_read_at_most_once_a_day(web, comment_with):
    web.serve(BLOG, FEED, content_type="application/rss+xml")

    comment_with(BLOG, comment="First.")
    comment_with("https://BLOG.example:443?utm=x#top", comment="Second, same site.")
    assert web.requested == [BLOG]
    feed = CommenterFeed.objects.get()
    assert feed.next_fetch_at == feed.fetched_at + timedelta(days=1)

    CommenterFeed.objects.update(next_fetch_at=timezone.now() - timedelta(minutes=1))
    comment_with("https://blog.example", comment="Third, a day later.")
    assert web.requested == [BLOG, BLOG]


def test_switched_off_nothing_is_fetched_or_shown(web, settings, comment_with, client, review):
    settings.COMMENTS_FETCH_RECENT_POSTS = False
    web.serve(BLOG, FEED, content_type="application/rss+xml")
    CommenterFeed.objects.create(
        site_url="https://blog.example", latest_title="Stored earlier", latest_url=BLOG
    )

    comment_with(BLOG)

    assert web.requested == []
    assert "recently posted" not in page(client, review)


# Rendering is what is counted here: pages from the page cache cost no rendering at all.
@override_settings(PAGE_CACHE=False)
def test_the_review_page_costs_the_same_queries_with_and_without_recent_posts(web, client, review):
    url = review.get_absolute_url()
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    expected = len(empty.captured_queries)

    for n in range(20):
        CommentFactory(
            review=review,
            url=f"https://blog{n}.example/",
            name=f"Reader {n}",
            show_recent_post=True,
        )
    with CaptureQueriesContext(connection) as without_feeds:
        assert "recently posted" not in client.get(url).content.decode()
    assert len(without_feeds.captured_queries) == expected

    CommenterFeed.objects.bulk_create(
        CommenterFeed(
            site_url=f"https://blog{n}.example",
            latest_title=f"Post {n}",
            latest_url=f"https://blog{n}.example/p",
            fetched_at=timezone.now(),
        )
        for n in range(20)
    )
    with CaptureQueriesContext(connection) as with_feeds:
        html = client.get(url).content.decode()
    assert html.count("recently posted:") == 20
    assert len(with_feeds.captured_queries) == expected


# A real HTTP exchange on loopback: the real connection code, reading, redirects and discovery.


class _Blog(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).requests.append((self.path, self.headers.get("User-Agent", "")))
        if self.path == "/":
            self._send(HOME_WITH_FEED_LINK, "text/html; charset=utf-8")
        elif self.path == "/old-feed":
            self.send_response(301)
            self.send_header("Location", "/feed.atom")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/feed.atom":
            self._send(ATOM, "application/atom+xml")
        elif self.path == "/huge":
            self._send(b"x" * (recent_posts.MAX_BYTES + 1), "application/rss+xml")
        else:
            self.send_error(404)

    def _send(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_blog():
    _Blog.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Blog)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def real_network(settings):
    settings.COMMENTS_FETCH_RECENT_POSTS = True
    settings.COMMENTS_MODERATION = "none"


def test_a_real_blog_on_loopback_is_read_when_tests_allow_private_hosts(
    real_network, settings, local_blog, comment_with, client, review
):
    settings.COMMENTS_FEED_ALLOW_PRIVATE = True  # tests only: the guard would refuse loopback

    comment_with(f"{local_blog}/", name="Ada Reader")

    assert [path for path, _ in _Blog.requests] == ["/", "/feed.atom"]
    assert all(settings.SITE_NAME in agent for _, agent in _Blog.requests)
    assert f'<a href="{local_blog}/posts/found" rel="nofollow ugc">' in page(client, review)


def test_a_real_redirect_and_a_real_oversized_body(real_network, settings, local_blog):
    settings.COMMENTS_FEED_ALLOW_PRIVATE = True
    assert recent_posts.fetch(f"{local_blog}/old-feed").url == f"{local_blog}/feed.atom"
    with pytest.raises(recent_posts.FetchError):
        recent_posts.fetch(f"{local_blog}/huge")


def test_the_guard_refuses_a_real_loopback_blog_before_connecting(
    real_network, local_blog, comment_with, client, review
):
    comment_with(f"{local_blog}/")

    assert _Blog.requests == []
    assert CommenterFeed.objects.get().failures == 1
    assert "recently posted" not in page(client, review)


# One deadline for the whole read of a site: a server that trickles bytes never trips a
# per-read timeout, so without it a fetch would last as long as the server liked.

TRICKLE_EVERY = 0.5  # seconds between bytes: each read succeeds well within recent_posts.TIMEOUT


class _Trickler(BaseHTTPRequestHandler):
    stop = threading.Event()
    sent = []  # bytes written so far, all requests together

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/redirect":  # a slow hop that redirects back to itself
            time.sleep(TRICKLE_EVERY * 2)
            head = b"HTTP/1.1 302 Found\r\nLocation: /redirect\r\nContent-Length: 0\r\n\r\n"
            self._write(head, all_at_once=True)
        elif self.path == "/home":  # a slow home page naming its (trickling) feed
            time.sleep(TRICKLE_EVERY * 3)
            body = HOME_WITH_FEED_LINK.replace(b"/feed.atom", b"/feed")
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
            self._write(head % len(body) + body, all_at_once=True)
        elif self.path == "/slow-headers":  # even the status line comes a byte at a time
            self._write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n" + FEED)
        else:  # prompt headers, then a body that never finishes arriving
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            self._write(head + b"Content-Length: %d\r\n\r\n" % len(FEED), all_at_once=True)
            self._write(FEED)

    def _write(self, data, all_at_once=False):
        pieces = [data] if all_at_once else [data[i : i + 1] for i in range(len(data))]
        for piece in pieces:
            if type(self).stop.is_set():
                return
            try:
                self.wfile.write(piece)
            except OSError:  # the reader gave up: what the deadline is for
                return
            type(self).sent.append(piece)
            if not all_at_once:
                time.sleep(TRICKLE_EVERY)

    def log_message(self, *args):
        pass


@pytest.fixture
def trickling_blog(settings, monkeypatch):
    settings.COMMENTS_FEED_ALLOW_PRIVATE = True  # tests only: the guard would refuse loopback
    monkeypatch.setattr(recent_posts, "DEADLINE", 2)
    _Trickler.stop.clear()
    _Trickler.sent = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _Trickler.stop.set()
    server.shutdown()
    server.server_close()


def timed(call, *args):
    started = time.monotonic()
    with pytest.raises(recent_posts.DeadlineExceeded) as raised:
        call(*args)
    return time.monotonic() - started, raised.value


def test_a_feed_trickling_its_body_is_cut_off_at_the_deadline(trickling_blog):
    elapsed, error = timed(recent_posts.fetch, f"{trickling_blog}/feed")

    assert 2 <= elapsed < 3
    assert "within 2 s" in str(error)
    assert len(_Trickler.sent) > 2  # reads kept succeeding: only the deadline stopped it


def test_a_server_trickling_its_status_line_is_cut_off_at_the_deadline(trickling_blog):
    elapsed, _ = timed(recent_posts.fetch, f"{trickling_blog}/slow-headers")

    assert 2 <= elapsed < 3


def test_the_deadline_spans_every_redirect(trickling_blog):
    # Each hop answers within a second; three of them do not fit in two.
    elapsed, _ = timed(recent_posts.fetch, f"{trickling_blog}/redirect")

    assert 2 <= elapsed < 3


def test_the_deadline_spans_the_page_and_its_feed(trickling_blog):
    # The home page takes most of the two seconds; its feed gets what is left, not two more.
    elapsed, _ = timed(recent_posts.discover_and_read, f"{trickling_blog}/home")

    assert 2 <= elapsed < 3
    assert b"/feed" in b"".join(_Trickler.sent)  # the feed was reached, then cut off


def test_a_trickling_blog_costs_an_approval_at_most_the_deadline(
    trickling_blog, settings, comment_with, client, review
):
    settings.COMMENTS_FETCH_RECENT_POSTS = True
    settings.COMMENTS_MODERATION = "none"
    started = time.monotonic()

    comment_with(f"{trickling_blog}/feed")  # the immediate backend fetches inside the request

    assert time.monotonic() - started < 3
    assert CommenterFeed.objects.get().failures == 1
    assert "recently posted" not in page(client, review)


# Keyed by the commenter's site URL (scheme, host, port, path), not by host.

PLATFORM_ALICE = "https://films.example/alice/"
PLATFORM_BOB = "https://films.example/bob/"


def platform_page(user):
    return (
        f'<!doctype html><html><head><title>{user}</title><link rel="alternate" '
        f'type="application/rss+xml" href="/{user}/rss/"></head><body>{user}</body></html>'
    ).encode()


def test_two_blogs_on_one_host_get_two_lines(web, comment_with, client, review):
    for user, title in (("alice", "Alice on long takes"), ("bob", "Bob on film grain")):
        web.serve(f"https://films.example/{user}/", platform_page(user))
        web.serve(
            f"https://films.example/{user}/rss/",
            rss((title, f"https://films.example/{user}/p", "Fri, 20 Nov 2026 10:00:00 GMT")),
            content_type="application/rss+xml",
        )

    comment_with(PLATFORM_ALICE, name="Alice", comment="From Alice.")
    comment_with(PLATFORM_BOB, name="Bob", comment="From Bob.")

    assert web.requested == [
        PLATFORM_ALICE,
        "https://films.example/alice/rss/",
        PLATFORM_BOB,
        "https://films.example/bob/rss/",
    ]
    assert sorted(CommenterFeed.objects.values_list("site_url", "latest_title")) == [
        ("https://films.example/alice", "Alice on long takes"),
        ("https://films.example/bob", "Bob on film grain"),
    ]
    html = page(client, review)
    assert (
        'Alice recently posted: <a href="https://films.example/alice/p" rel="nofollow ugc">'
        "Alice on long takes</a>"
    ) in html
    assert (
        'Bob recently posted: <a href="https://films.example/bob/p" rel="nofollow ugc">'
        "Bob on film grain</a>"
    ) in html


@pytest.mark.parametrize(
    ("website", "site"),
    [
        ("https://films.example/alice/", "https://films.example/alice"),
        ("https://films.example/alice", "https://films.example/alice"),
        ("https://Films.EXAMPLE/alice//", "https://films.example/alice"),
        ("https://films.example:443/alice/?ref=comment#latest", "https://films.example/alice"),
        ("http://films.example:80/", "http://films.example"),
        ("http://films.example:8080/blog/", "http://films.example:8080/blog"),
        ("https://films.example/Alice/", "https://films.example/Alice"),  # paths keep their case
        ("https://[2001:DB8::1]/blog/", "https://[2001:db8::1]/blog"),
        ("ftp://films.example/alice/", None),
        ("https://films.example:99999/", None),
    ],
)
def test_a_site_is_its_url_with_the_path_normalised(website, site):
    assert recent_posts.site_url_of(website) == site


def test_spellings_of_one_site_share_its_line_and_its_read(web, comment_with, client, review):
    web.serve(PLATFORM_ALICE, platform_page("alice"))
    web.serve(
        "https://films.example/alice/rss/",
        rss(
            (
                "Alice on long takes",
                "https://films.example/alice/p",
                "Fri, 20 Nov 2026 10:00:00 GMT",
            )
        ),
        content_type="application/rss+xml",
    )

    comment_with(PLATFORM_ALICE, name="Alice", comment="First.")
    comment_with("https://FILMS.example/alice?utm_source=x", name="Alice", comment="Second.")

    assert web.requested == [PLATFORM_ALICE, "https://films.example/alice/rss/"]  # read once
    assert CommenterFeed.objects.count() == 1
    assert page(client, review).count("Alice recently posted:") == 2


def test_discovery_starts_from_the_path_without_query_or_fragment(web, comment_with):
    web.serve("https://films.example/alice", platform_page("alice"))
    web.serve("https://films.example/alice/rss/", FEED, content_type="application/rss+xml")

    comment_with("https://films.example/alice?ref=comment#top")

    assert web.requested[0] == "https://films.example/alice"  # not the host's home page


# The reader's choice: "Show my latest post under my comment".


def form_checkbox(html):
    match = re.search(r'<input type="checkbox" name="show_recent_post"[^>]*>', html)
    return match.group(0) if match else None


def test_the_box_sits_under_the_website_field_unticked_for_a_new_commenter(web, client, review):
    html = page(client, review)

    box = form_checkbox(html)
    assert box is not None and "checked" not in box
    assert 'for="id_show_recent_post"' in html
    assert ">Show my latest post under my comment</label>" in html
    assert html.index('name="url"') < html.index('name="show_recent_post"')
    assert html.index('name="show_recent_post"') < html.index('name="rating"')


def test_the_box_is_in_crispys_markup_too(web, review):
    html = same_markup(CommentForm(review=review, csrf_token="t" * 64))
    assert form_checkbox(html) is not None


def test_switched_off_there_is_no_box(web, settings, client, review):
    settings.COMMENTS_FETCH_RECENT_POSTS = False
    assert form_checkbox(page(client, review)) is None
    assert "Show my latest post" not in page(client, review)


@pytest.mark.parametrize(("posted", "stored"), [("on", True), ("", False)])
def test_the_choice_is_stored_on_the_comment(web, comment_with, posted, stored):
    web.serve(BLOG, FEED, content_type="application/rss+xml")

    comment = comment_with(BLOG, show_recent_post=posted)

    assert comment.show_recent_post is stored
    assert web.requested == ([BLOG] if stored else [])  # nothing read without consent


def test_a_form_sent_back_with_an_error_keeps_the_box_as_ticked(web, client, review):
    response = post_comment(client, review, comment="", url=BLOG, show_recent_post="on")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "checked" in form_checkbox(response.content.decode())


def test_a_comment_whose_writer_did_not_opt_in_shows_no_line(web, comment_with, client, review):
    web.serve(BLOG, FEED, content_type="application/rss+xml")
    comment_with(BLOG, name="Ada Reader", comment="Opted in.")
    comment_with(BLOG, name="Quiet Reader", comment="Not opted in.", show_recent_post="")

    html = page(client, review)
    assert "Ada Reader recently posted:" in html
    assert "Quiet Reader recently posted" not in html  # the same site's line, not for them


def test_the_choice_is_remembered_with_the_name_when_asked(web, comment_with, client, review):
    comment_with(BLOG, comment="Remember me.", remember="on")
    assert "checked" in form_checkbox(page(client, review))

    comment_with(BLOG, comment="Remember me, no line.", remember="on", show_recent_post="")
    assert "checked" not in form_checkbox(page(client, review))


def test_a_moderator_can_switch_a_comments_line_off_in_the_admin(
    web, comment_with, client, review, moderator
):
    web.serve(BLOG, FEED, content_type="application/rss+xml")
    comment = comment_with(BLOG, name="Ada Reader")
    assert "Ada Reader recently posted:" in page(client, review)

    client.force_login(moderator)
    response = client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {
            "status": comment.status,
            "name": comment.name,
            "email": comment.email,
            "url": comment.url,
            "body": comment.body,  # show_recent_post left unticked
            "moderation_log-TOTAL_FORMS": "0",
            "moderation_log-INITIAL_FORMS": "0",
            "moderation_log-MIN_NUM_FORMS": "0",
            "moderation_log-MAX_NUM_FORMS": "0",
        },
    )
    client.logout()

    assert response.status_code == HTTPStatus.FOUND
    assert "recently posted" not in page(client, review)


def test_a_signed_in_author_gets_no_box(web, client, review, moderator):
    client.force_login(moderator)
    assert form_checkbox(page(client, review)) is None


# Retries after failures: 10 min, 1 h, 6 h, then a day; a success resets.


def read_again(comment):
    """Time passes until the site is due, then its comment's fetch task runs."""
    CommenterFeed.objects.update(next_fetch_at=timezone.now() - timedelta(seconds=1))
    tasks.fetch_recent_post.enqueue(comment.pk)
    return CommenterFeed.objects.get()


def wait_after(feed):
    return feed.next_fetch_at - feed.fetched_at


def test_failures_are_retried_sooner_at_first_then_daily(web, comment_with):
    web.pages[BLOG] = TimeoutError("timed out")
    comment = comment_with(BLOG)

    feed = CommenterFeed.objects.get()
    waits = [wait_after(feed)]
    for _ in range(4):
        feed = read_again(comment)
        waits.append(wait_after(feed))

    assert waits == [
        timedelta(minutes=10),
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(days=1),
        timedelta(days=1),
    ]
    assert feed.failures == 5
    assert len(web.requested) == 5


def test_a_site_waiting_after_a_failure_is_not_asked_before_its_time(web, comment_with):
    web.pages[BLOG] = TimeoutError("timed out")
    comment_with(BLOG, comment="First.")
    comment_with(BLOG, comment="Second, five minutes later.")

    assert web.requested == [BLOG]
    assert CommenterFeed.objects.get().failures == 1


def test_a_success_after_failures_shows_the_line_and_resets_the_wait(
    web, comment_with, client, review
):
    web.pages[BLOG] = TimeoutError("timed out")
    comment = comment_with(BLOG)
    read_again(comment)
    assert CommenterFeed.objects.get().failures == 2

    web.serve(BLOG, FEED, content_type="application/rss+xml")  # the blog is back
    feed = read_again(comment)

    assert (feed.failures, feed.latest_title) == (0, "On slow cinema")
    assert wait_after(feed) == timedelta(days=1)
    assert "recently posted: <a" in page(client, review)


@pytest.fixture
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker drops connections between tasks: that would end the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker():
    """`manage.py db_worker --batch`: every task that is due, then stop."""
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="recent-1",
        excluded_queue_names=[],
    ).run()


def fetch_rows():
    return list(
        DBTaskResult.objects.filter(task_path="comments.tasks.fetch_recent_post").order_by(
            "enqueued_at"
        )
    )


def test_with_the_worker_a_failed_read_queues_its_own_retry_for_the_sites_next_time(
    web, database_tasks, review
):
    web.pages[BLOG] = TimeoutError("timed out")
    comment = CommentFactory(review=review, url=BLOG, show_recent_post=True)
    tasks.fetch_recent_post.enqueue(comment.pk)

    run_worker()

    first, retry = fetch_rows()
    assert first.status == "SUCCESSFUL"  # the task itself never fails: the site did
    assert retry.status == "READY" and retry.args_kwargs["args"] == [comment.pk]
    assert retry.run_after == CommenterFeed.objects.get().next_fetch_at
    assert retry.run_after - first.enqueued_at >= timedelta(minutes=9)

    web.serve(BLOG, FEED, content_type="application/rss+xml")  # back ten minutes later
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    CommenterFeed.objects.update(next_fetch_at=timezone.now())
    run_worker()

    assert [row.status for row in fetch_rows()] == ["SUCCESSFUL", "SUCCESSFUL"]  # no third
    assert CommenterFeed.objects.get().latest_title == "On slow cinema"


def test_with_the_worker_retries_stop_after_a_few_failures(web, database_tasks, review):
    web.pages[BLOG] = TimeoutError("timed out")
    comment = CommentFactory(review=review, url=BLOG, show_recent_post=True)
    tasks.fetch_recent_post.enqueue(comment.pk)

    for _ in range(8):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        CommenterFeed.objects.update(next_fetch_at=timezone.now())
        run_worker()

    assert len(web.requested) == 1 + recent_posts.SCHEDULED_RETRIES
    assert not DBTaskResult.objects.filter(status="READY").exists()


# `manage.py backfill_recent_posts`: comments approved before the feature, or whose read is over.


def backfill(*args):
    out = io.StringIO()
    call_command("backfill_recent_posts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def backfill_comments(web, review, monkeypatch):
    """Approved, opted-in comments of two due sites, and others the command must leave alone;
    made oldest first, as posted."""
    for name in ("due", "fresh", "new", "quiet", "held", "spam"):
        web.serve(f"https://{name}.example/", FEED, content_type="application/rss+xml")
        monkeypatch.setitem(FAKE_DNS, f"{name}.example", [PUBLIC_IP])

    def opted_in(url, **fields):
        return CommentFactory(review=review, url=url, show_recent_post=True, **fields)

    made = {
        "new": opted_in("https://new.example/"),
        "quiet": CommentFactory(review=review, url="https://quiet.example/"),  # did not opt in
        "held": opted_in("https://held.example/", status=Comment.Status.PENDING),
        "spam": opted_in("https://spam.example/", status=Comment.Status.SPAM),
        "fresh": opted_in("https://fresh.example/"),
        "due": opted_in("https://due.example/"),
        "due-again": opted_in("https://DUE.example"),
    }
    now = timezone.now()
    CommenterFeed.objects.create(
        site_url="https://fresh.example", fetched_at=now, next_fetch_at=now + timedelta(hours=20)
    )
    CommenterFeed.objects.create(
        site_url="https://due.example",
        fetched_at=now - timedelta(days=2),
        next_fetch_at=now - timedelta(days=1),
    )
    return made


def test_backfill_reads_only_due_sites_of_approved_opted_in_comments(
    web, backfill_comments, client, review
):
    out = backfill()

    # Newest comment's site first; each site once.
    assert web.requested == ["https://due.example/", "https://new.example/"]
    assert "Queued 2 site(s)." in out
    assert set(
        CommenterFeed.objects.exclude(latest_title="").values_list("site_url", flat=True)
    ) == {"https://due.example", "https://new.example"}
    assert not CommenterFeed.objects.filter(
        site_url__in=["https://quiet.example", "https://held.example", "https://spam.example"]
    ).exists()
    html = page(client, review)
    assert html.count("recently posted:") == 3  # new, and both comments naming due.example

    assert "Queued 0 site(s)." in backfill()  # now all fresh
    assert len(web.requested) == 2


def test_backfill_dry_run_lists_the_sites_and_reads_nothing(web, backfill_comments):
    out = backfill("--dry-run")

    due = backfill_comments["due-again"].pk
    new = backfill_comments["new"].pk
    assert out.splitlines() == [
        f"https://due.example  (comment {due})",
        f"https://new.example  (comment {new})",
        "2 site(s) would be read.",
    ]
    assert web.requested == []


def test_backfill_stops_at_its_limit_and_says_so(web, backfill_comments):
    out = backfill("--limit", "1")

    assert web.requested == ["https://due.example/"]
    assert "Queued 1 site(s)." in out
    assert "More sites are due: the limit (1) stopped here." in out

    backfill("--limit", "1")
    assert web.requested == ["https://due.example/", "https://new.example/"]


def test_backfill_refuses_to_run_while_the_feature_is_off(web, settings, backfill_comments):
    settings.COMMENTS_FETCH_RECENT_POSTS = False
    with pytest.raises(CommandError, match="COMMENTS_FETCH_RECENT_POSTS"):
        backfill()
    assert "2 site(s) would be read." in backfill("--dry-run")
    assert web.requested == []


def test_backfill_refuses_a_limit_below_one(web):
    with pytest.raises(CommandError):
        backfill("--limit", "0")


# The upgrade: rows keyed by host move to the site their comments name (migration 0013).

MIGRATION = importlib.import_module("comments.migrations.0013_recent_posts_by_site")


def migrate_rows():
    MIGRATION.rekey_feeds(django_apps, SimpleNamespace(connection=connection))


def test_the_upgrade_moves_host_rows_to_their_sites(review):
    read_at = timezone.now() - timedelta(hours=3)
    for url in (
        "https://films.example/alice/",
        "https://films.example/bob",
        "https://solo.example/blog/",
        "https://root.example/",
        "https://gone.example/x/",
        "https://gone.example/y/",
    ):
        CommentFactory(review=review, url=url)
    CommentFactory(review=review, url="https://held.example/", status=Comment.Status.PENDING)

    def host_row(host, feed_url):
        return CommenterFeed.objects.create(
            site_url=host,
            feed_url=feed_url,
            latest_title=f"Post on {host}",
            fetched_at=read_at,
        )

    host_row("https://films.example", "https://films.example/bob/rss/")
    host_row("https://solo.example", "https://solo.example/blog/feed/")
    host_row("https://root.example", "https://root.example/feed/")
    host_row("https://gone.example", "https://elsewhere.example/feed")  # which site? unknown
    host_row("https://held.example", "https://held.example/feed")  # no approved comment

    migrate_rows()

    rows = dict(CommenterFeed.objects.values_list("site_url", "latest_title"))
    assert rows == {
        "https://films.example/bob": "Post on https://films.example",  # its feed is under /bob
        "https://solo.example/blog": "Post on https://solo.example",
        "https://root.example": "Post on https://root.example",
        "https://held.example": "Post on https://held.example",
    }
    assert {row.next_fetch_at for row in CommenterFeed.objects.all()} == {
        read_at + timedelta(days=1)
    }
