"""“<name> recently posted: <title>” under approved comments, read safely from the commenter's
own blog feed. The network is faked (the one function that opens an HTTP connection, and the
resolver), except for a loopback http.server that exercises the real HTTP code."""

import io
import socket
import threading
import time
from datetime import timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import recent_posts, tasks
from comments.models import Comment, CommenterFeed
from tests.comments.commenting import post_comment
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
    """Posts an approved comment with this website and runs what the commit queues."""

    def _post(url, **data):
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
        post_comment(client, review, url=BLOG)
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
    comment = CommentFactory(review=review, url="ftp://blog.example/feed")
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
    comment_with("https://blog.example/about", comment="Second, same site.")
    assert web.requested == [BLOG]

    CommenterFeed.objects.update(fetched_at=timezone.now() - timedelta(days=1, minutes=1))
    comment_with("https://blog.example/about", comment="Third, a day later.")
    assert web.requested == [BLOG, "https://blog.example/about"]


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
        CommentFactory(review=review, url=f"https://blog{n}.example/", name=f"Reader {n}")
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
