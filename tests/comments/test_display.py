import hashlib
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from comments.avatars import avatar_url
from comments.models import PATH_STEP, Comment
from tests.comments.commenting import comment_tree
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(client, review, **params):
    return client.get(review.get_absolute_url(), params).content.decode()


def comment_html(html, comment):
    """The markup of one comment's own <article> (without its replies)."""
    match = re.search(rf'<article id="div-comment-{comment.pk}".*?</article>', html, re.S)
    assert match, f"comment {comment.pk} is not on the page"
    return match.group(0)


def heading(html):
    return re.search(r'<h2 id="comments-title"[^>]*>(.*?)</h2>', html).group(1)


def test_the_heading_counts_approved_comments_only(client, review):
    assert heading(page(client, review)) == "No comments yet"
    CommentFactory(review=review)
    CommentFactory(review=review, status=Comment.Status.PENDING)
    CommentFactory(review=review, status=Comment.Status.SPAM)
    assert heading(page(client, review)) == "1 Comment"
    CommentFactory.create_batch(7, review=review)
    assert heading(page(client, review)) == "8 Comments"


def test_replies_are_nested_inside_their_parent_in_the_order_written(client, review):
    first = CommentFactory(review=review)
    reply = CommentFactory(review=review, parent=first)
    second = CommentFactory(review=review)
    deeper = CommentFactory(review=review, parent=reply)
    deepest = CommentFactory(review=review, parent=deeper)
    sibling = CommentFactory(review=review, parent=first)
    html = page(client, review)
    assert comment_tree(html) == [
        (first.pk, [(reply.pk, [(deeper.pk, [(deepest.pk, [])])]), (sibling.pk, [])]),
        (second.pk, []),
    ]
    # Top-level comments are the numbered items of one <ol>; replies sit in <ol class="children">.
    assert re.search(r'<ol class="comment-list">\s*<li id="comment-' + str(first.pk), html)
    assert re.search(rf'<ol class="children">\s*<li id="comment-{reply.pk}"', html)


def test_a_comment_shows_its_name_linked_with_nofollow_ugc_only_when_a_website_is_given(
    client, review
):
    linked = CommentFactory(review=review, name="Ada", url="https://ada.example.org/")
    plain = CommentFactory(review=review, name="Grace", url="")
    html = page(client, review)
    assert '<a href="https://ada.example.org/" rel="nofollow ugc" class="url">Ada</a>' in (
        comment_html(html, linked)
    )
    assert ">Grace</b>" in comment_html(html, plain)
    assert 'class="url"' not in comment_html(html, plain)


def test_the_date_and_time_are_localised_and_a_permalink(client, review):
    comment = CommentFactory(review=review)
    written = datetime(2024, 7, 3, 20, 15, tzinfo=ZoneInfo("UTC"))
    Comment.objects.filter(pk=comment.pk).update(created_at=written)
    html = comment_html(page(client, review), comment)
    # Europe/London is an hour ahead of UTC in July.
    assert (
        f'<a class="comment-permalink" href="#comment-{comment.pk}">'
        '<time datetime="2024-07-03T21:15:00+01:00">'
        "3 July 2024 at 21:15</time></a>"
    ) in html


def test_the_body_is_escaped_text_with_paragraphs_and_nofollow_links(client, review):
    comment = CommentFactory(
        review=review,
        body=(
            "First <u>bold?</u> <script>alert('x')</script>\n"
            "same paragraph, see https://example.org/a?b=1&c=2.\n\n"
            "Second paragraph: www.example.com and me@example.net"
        ),
    )
    body = re.search(
        r'<div class="comment-content">(.*?)</div>',
        comment_html(page(client, review), comment),
        re.S,
    ).group(1)
    assert "<script>" not in body and "<u>" not in body  # not on the comment allow-list
    assert "&lt;u&gt;bold?&lt;/u&gt;" in body
    assert "&lt;script&gt;" in body
    assert body.count("<p>") == 2
    assert "<br>" in body
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc">'
        "https://example.org/a?b=1&amp;c=2</a>." in body
    )
    assert '<a href="http://www.example.com" rel="nofollow ugc">www.example.com</a>' in body
    assert "mailto:" not in body  # addresses in the text are not turned into links
    assert 'rel="nofollow"' not in body


def test_the_reviews_author_gets_an_author_badge(client, review):
    by_author = CommentFactory(review=review, user=review.author.user, parent=None)
    other_staff = CommentFactory(review=review, user=UserFactory(is_staff=True))
    reader = CommentFactory(review=review)
    html = page(client, review)
    assert ">Author</span>" in comment_html(html, by_author)
    assert "by-author" in html.split(f'id="comment-{by_author.pk}"')[1][:40]
    assert "Author</span>" not in comment_html(html, other_staff)
    assert "Author</span>" not in comment_html(html, reader)


@override_settings(COMMENTS_MAX_DEPTH=3)
def test_reply_links_stop_at_the_maximum_depth(client, review):
    top = CommentFactory(review=review)
    middle = CommentFactory(review=review, parent=top)
    last = CommentFactory(review=review, parent=middle)  # depth 2: the third and last level
    html = page(client, review)
    assert 'class="comment-reply-link"' in comment_html(html, top)
    assert 'class="comment-reply-link"' in comment_html(html, middle)
    assert 'class="comment-reply-link"' not in comment_html(html, last)
    reply_link = re.search(r'<a rel="nofollow" class="comment-reply-link"[^>]*>', html).group(0)
    assert f'data-comment-id="{top.pk}"' in reply_link
    assert f'data-reply-to="{top.name}"' in reply_link


def test_a_closed_review_shows_the_thread_without_reply_links_or_form(client):
    review = ReviewFactory(comments_open=False)
    comment = CommentFactory(review=review)
    html = page(client, review)
    assert f'id="comment-{comment.pk}"' in html
    assert "comment-reply-link" not in html
    assert "Comments are closed." in html
    assert 'id="respond"' not in html


def test_a_reply_whose_parent_was_removed_is_still_shown(client, review):
    parent = CommentFactory(review=review)
    reply = CommentFactory(review=review, parent=parent)
    Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.REMOVED)
    html = page(client, review)
    assert f'id="comment-{parent.pk}"' not in html
    assert comment_tree(html) == [(reply.pk, [])]
    assert heading(html) == "1 Comment"


def test_avatars_are_local_identicons_from_a_keyed_hash(client, review):
    ada = CommentFactory(review=review, email="Ada@Example.net")
    ada_again = CommentFactory(review=review, email="ada@example.net ")
    grace = CommentFactory(review=review, email="grace@example.net")
    html = page(client, review)

    def avatar(comment):
        return re.search(r'<img class="comment-avatar"[^>]*>', comment_html(html, comment)).group(0)

    def src(comment):
        return re.search(r'src="([^"]+)"', avatar(comment)).group(1)

    assert src(ada) == src(ada_again)  # the same person, however they typed it
    assert src(ada) != src(grace)
    # A decorative image of a fixed size (the name is printed beside it), loaded lazily.
    for attribute in ('alt=""', 'width="44"', 'height="44"', 'loading="lazy"'):
        assert attribute in avatar(ada)
    assert "gravatar" not in html.lower()
    assert re.fullmatch(r"/avatars/[0-9a-f]{8}\.svg", src(ada))
    # Keyed: another site's secret gives another picture, so it is not a public hash.
    with override_settings(SECRET_KEY="another-secret-key-for-another-site-0123456789"):
        assert avatar_url("ada@example.net") != src(ada)
    for email in ("ada@example.net", "grace@example.net"):
        for digest in (hashlib.md5, hashlib.sha256, hashlib.sha1):
            assert digest(email.encode()).hexdigest()[:8] not in html


def test_an_avatar_is_an_svg_image_browsers_keep_for_a_year(client, review):
    CommentFactory(review=review, email="ada@example.net")
    html = page(client, review)
    url = re.search(r'<img class="comment-avatar" src="([^"]+)"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    svg = response.content.decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "style=" not in svg
    assert "ada" not in svg and "example" not in svg
    # Drawn from the key alone: the same picture for everyone, revalidated by its ETag.
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get("/avatars/not-a-key.svg").status_code == 404
    assert client.get(url.replace(".svg", "0.svg")).status_code == 404


def _bulk_thread(review, count):
    """`count` approved comments (a fifth of them replies), created in a few queries."""
    tops = Comment.objects.bulk_create(
        Comment(
            review=review,
            name=f"Reader {n}",
            email=f"reader{n}@example.net",
            url="https://example.org/" if n % 3 == 0 else "",
            body=f"Comment number {n}.\n\nhttps://example.org/{n}",
            status=Comment.Status.APPROVED,
        )
        for n in range(count * 4 // 5)
    )
    for comment in tops:
        comment.path = str(comment.pk).zfill(PATH_STEP)
    Comment.objects.bulk_update(tops, ["path"])
    replies = Comment.objects.bulk_create(
        Comment(
            review=review,
            parent=tops[n],
            depth=1,
            name=f"Replier {n}",
            email=f"replier{n}@example.net",
            body="A reply.",
            status=Comment.Status.APPROVED,
        )
        for n in range(count - len(tops))
    )
    for reply in replies:
        reply.path = f"{reply.parent.path}/{str(reply.pk).zfill(PATH_STEP)}"
    Comment.objects.bulk_update(replies, ["path"])


# Rendering is what is counted here: pages from the page cache cost no rendering at all.
@override_settings(PAGE_CACHE=False)
def test_the_review_page_costs_the_same_queries_with_0_or_500_comments(
    client, django_assert_num_queries
):
    review = ReviewFactory()
    url = review.get_absolute_url()
    client.get(url)  # warm up (content types, template loading)
    with CaptureQueriesContext(connection) as empty:
        assert client.get(url).status_code == 200
    _bulk_thread(review, 500)
    assert Comment.objects.filter(review=review, status="approved").count() == 500
    with django_assert_num_queries(len(empty.captured_queries)):
        response = client.get(url)
    # One page of threads (COMMENTS_PER_PAGE = 50): the first 50 top-level comments, each
    # with its reply; the heading still counts every approved comment.
    assert response.content.decode().count('class="comment depth-') == 100
    assert "500 Comments" in response.content.decode()
