"""No commenter's email address (nor a hash of it) appears in any public response.

Seeds the demo content, adds commenters in every state, then crawls the whole public site as an
anonymous visitor: every page linked from anywhere, the feeds, the sitemap's URLs, robots.txt,
the 404 page, comment permalinks and the no-JavaScript reply pages.
"""

import hashlib
import os
import re
from html import unescape
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from comments.models import Comment
from reviews.models import Review
from tests.factories import CommentFactory, CreditFactory, GenreFactory, ReviewFactory

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("/admin/", "/moderation/", "/static/", "/media/", "/email/")
MAX_PAGES = 1500


def seed():
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", allow_without_debug=True, stdout=quiet)
    # Commenters in every state, with websites, replies and an author's answer.
    genre = GenreFactory(name="Noir", slug="noir")
    review = ReviewFactory(headline="A privacy-test review")
    review.film.genres.add(genre)
    CreditFactory(film=review.film)
    top = CommentFactory(review=review, email="Top.Reader@Example.com", url="https://top.example/")
    reply = CommentFactory(review=review, parent=top, email="replier@example.com")
    CommentFactory(review=review, parent=reply, user=review.author.user, email="author@example.com")
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED):
        CommentFactory(review=review, status=status, email=f"{status}-reader@example.com")
    CommentFactory(review=review, rating=7, email="rater@example.com")


def forbidden_strings():
    """Every commenter's address, as typed and lowercased, URL-encoded, and common hashes."""
    needles = set()
    for email in Comment.objects.values_list("email", flat=True).distinct():
        if not email:
            continue
        for variant in {email, email.strip().lower()}:
            needles.update({variant, quote(variant), quote(variant, safe="")})
            needles.update(
                digest(variant.encode()).hexdigest()
                for digest in (hashlib.md5, hashlib.sha1, hashlib.sha256)
            )
    return needles


def local_path(url):
    parts = urlsplit(url)
    if parts.netloc and parts.netloc not in (
        "testserver",
        urlsplit("http://127.0.0.1:8000").netloc,
    ):
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith(SKIP_PREFIXES) or path.endswith("/comments/"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def links(body):
    found = re.findall(r'(?:href|src|action)="([^"#]*)', body)
    found += re.findall(r"<(?:loc|link|id)>([^<]+)</", body)  # sitemap, RSS
    found += re.findall(r'<link[^>]*href="([^"]+)"', body)  # Atom
    return found


def crawl(client, start):
    queue, seen, responses = list(start), set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        responses[path] = response
        base = f"http://testserver{path}"
        if response.status_code in (301, 302):
            target = local_path(urljoin(base, response["Location"]))
            if target:
                queue.append(target)
            continue
        content_type = response.get("Content-Type", "")
        if not any(kind in content_type for kind in ("html", "xml", "text/plain")):
            continue
        for link in links(response.content.decode()):
            target = local_path(urljoin(base, unescape(link)))
            if target and target not in seen:
                queue.append(target)
    return responses


def test_no_commenter_email_appears_in_any_public_response():
    seed()
    reviews = list(Review.objects.published())
    start = [
        "/",
        "/?page=2",
        "/films/",
        "/search/?q=the",
        "/search/?q=reader",
        "/feeds/reviews/",
        "/feeds/reviews/atom/",
        "/sitemap.xml",
        "/robots.txt",
        "/no-such-page/",
        "/reviews/no-such-review/",
    ]
    for review in reviews:
        start.append(review.get_absolute_url())
        start.append(f"/reviews/{review.slug}/comments/feed/")
    for comment in Comment.objects.all():
        start.append(comment.get_absolute_url())
        start.append(f"{comment.review.get_absolute_url()}?replytocom={comment.pk}")

    responses = crawl(Client(), start)

    needles = forbidden_strings()
    assert len(needles) > 20
    statuses = {path: response.status_code for path, response in responses.items()}
    assert not [path for path, status in statuses.items() if status >= 500]
    assert len(responses) > 100
    leaks = []
    for path, response in responses.items():
        text = response.content.decode(errors="replace")
        headers = "\n".join(f"{key}: {value}" for key, value in response.items())
        cookies = response.cookies.output()
        haystack = f"{text}\n{headers}\n{cookies}".lower()
        leaks += [(path, needle) for needle in needles if needle.lower() in haystack]
    assert leaks == []

    # The crawl really reached the pages that show comments and the feeds.
    crawled = set(responses)
    for review in reviews:
        assert review.get_absolute_url() in crawled
        assert statuses[f"/reviews/{review.slug}/comments/feed/"] == 200
    assert statuses["/sitemap.xml"] == 200
    assert statuses["/reviews/no-such-review/"] == 404
    assert any(path.startswith("/films/") and path != "/films/" for path in crawled)
    assert any(path.startswith("/people/") for path in crawled)
    assert any(path.startswith("/genres/") for path in crawled)
    assert any(path.startswith("/authors/") for path in crawled)
    shown = sum(
        responses[review.get_absolute_url()].content.decode().count('class="comment depth-')
        for review in reviews
    )
    assert shown >= Comment.objects.filter(status=Comment.Status.APPROVED).count() > 10
