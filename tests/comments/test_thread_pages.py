"""Threads paginated by top-level comment (?cpage=N), oldest or newest first (?corder=)."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from comments.models import PATH_STEP, Comment
from tests.comments.commenting import comment_tree, field_value, form_data, post_comment, post_url
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

AWAITING = "Your comment is awaiting moderation."


@pytest.fixture(autouse=True)
def three_threads_a_page(settings):
    settings.COMMENTS_PER_PAGE = 3


@pytest.fixture
def threads(review):
    """Seven threads written in order t1..t7 (pages of three: t1-t3, t4-t6, t7), with replies.

    t1 has a reply with its own reply; t5 has two replies, the second answered after t7 was
    written (replies keep the order written, whatever the thread order).
    """
    t = {f"t{n}": CommentFactory(review=review, name=f"Thread {n}") for n in range(1, 8)}
    t["r1"] = CommentFactory(review=review, parent=t["t1"])
    t["r1r"] = CommentFactory(review=review, parent=t["r1"])
    t["r5a"] = CommentFactory(review=review, parent=t["t5"], name="Grace")
    t["r5b"] = CommentFactory(review=review, parent=t["t5"])
    return t


def get(client, review, **params):
    response = client.get(review.get_absolute_url(), params)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def shape(threads, *names):
    """The nested (id, [children]) tree a page should show for these top-level threads."""
    children = {
        "t1": [(threads["r1"].pk, [(threads["r1r"].pk, [])])],
        "t5": [(threads["r5a"].pk, []), (threads["r5b"].pk, [])],
    }
    return [(threads[name].pk, children.get(name, [])) for name in names]


def nav(html):
    match = re.search(
        r'<nav class="comment-pages" aria-label="Comment pages">.*?</nav>', html, re.S
    )
    return match.group(0) if match else ""


def link(html, text):
    """The href of the link whose text (arrows and hidden words aside) is `text`."""
    for href, inner in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html, re.S):
        if re.sub(r"<[^>]+>|[←→]", "", inner).strip() == text:
            return href
    return None


def test_the_first_page_shows_the_oldest_threads_with_all_their_replies(client, review, threads):
    html = get(client, review)
    assert comment_tree(html) == shape(threads, "t1", "t2", "t3")
    assert re.search(r'<ol class="comment-list">\s*<li id="comment-', html)


def test_later_pages_show_the_next_threads_with_their_replies_in_the_order_written(
    client, review, threads
):
    page_two = get(client, review, cpage=2)
    assert comment_tree(page_two) == shape(threads, "t4", "t5", "t6")
    # Threads keep their numbers from page to page.
    assert '<ol class="comment-list" start="4">' in page_two
    assert comment_tree(get(client, review, cpage=3)) == shape(threads, "t7")


def test_the_heading_counts_every_approved_comment_on_every_page(client, review, threads):
    CommentFactory(review=review, status=Comment.Status.PENDING)
    for params in ({}, {"cpage": 2}, {"cpage": 3, "corder": "newest"}):
        assert '<h2 id="comments-title" class="comments-title">11 Comments</h2>' in get(
            client, review, **params
        )


def test_newest_first_reverses_the_threads_but_not_the_replies(client, review, threads):
    first = get(client, review, corder="newest")
    assert comment_tree(first) == shape(threads, "t7", "t6", "t5")
    # Numbers stay those of the oldest-first order, counting down.
    assert '<ol class="comment-list" reversed start="7">' in first
    assert comment_tree(get(client, review, corder="newest", cpage=2)) == shape(
        threads, "t4", "t3", "t2"
    )
    assert comment_tree(get(client, review, corder="newest", cpage=3)) == shape(threads, "t1")


def test_page_links_below_the_thread_keep_the_order_and_the_comments_anchor(
    client, review, threads
):
    url = review.get_absolute_url()
    first = get(client, review)
    assert first.index('id="comment-') < first.index('aria-label="Comment pages"')
    assert first.index('aria-label="Comment pages"') < first.index('id="respond"')
    links = nav(first)
    assert link(links, "Older comments") is None
    assert link(links, "Newer comments") == f"{url}?cpage=2#comments"
    assert link(links, "Page 2") == f"{url}?cpage=2#comments"
    assert '<span class="comment-pages-current" aria-current="page">' in links

    middle = nav(get(client, review, cpage=2))
    assert link(middle, "Older comments") == f"{url}#comments"  # page 1 is the plain URL
    assert link(middle, "Newer comments") == f"{url}?cpage=3#comments"

    newest = nav(get(client, review, corder="newest"))
    assert link(newest, "Older comments") == escape(f"{url}?cpage=2&corder=newest#comments")
    assert link(newest, "Page 3") == escape(f"{url}?cpage=3&corder=newest#comments")


def test_the_order_switch_is_plain_links_that_start_again_at_page_one(client, review, threads):
    url = review.get_absolute_url()
    html = get(client, review, cpage=2)
    switch = re.search(r'<p class="comment-order">.*?</p>', html, re.S).group(0)
    assert link(switch, "Oldest first") == f"{url}#comments"
    assert link(switch, "Newest first") == f"{url}?corder=newest#comments"
    assert f'<a href="{url}#comments" aria-current="true">Oldest first</a>' in switch
    newest = get(client, review, corder="newest")
    assert f'href="{url}?corder=newest#comments" aria-current="true">Newest first</a>' in newest


def test_one_page_of_threads_shows_no_page_links(client, review):
    CommentFactory.create_batch(3, review=review)
    html = get(client, review)
    assert "Comment pages" not in html
    assert '<p class="comment-order">' in html
    assert len(comment_tree(html)) == 3


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"cpage": "abc"}, ("t1", "t2", "t3")),
        ({"cpage": ""}, ("t1", "t2", "t3")),
        ({"cpage": "0"}, ("t1", "t2", "t3")),
        ({"cpage": "-2"}, ("t1", "t2", "t3")),
        ({"cpage": "1.5"}, ("t1", "t2", "t3")),
        ({"cpage": "２"}, ("t1", "t2", "t3")),  # a full-width digit is not a page number
        ({"cpage": ["2", "3"]}, ("t7",)),  # the last value wins, as Django reads it
        ({"cpage": "4"}, ("t7",)),  # past the end: the last page
        ({"cpage": "9" * 40}, ("t7",)),
        ({"corder": "sideways"}, ("t1", "t2", "t3")),
        ({"corder": "NEWEST"}, ("t1", "t2", "t3")),
        ({"corder": "", "cpage": "2"}, ("t4", "t5", "t6")),
        ({"corder": "newest", "cpage": "99"}, ("t1",)),
    ],
)
def test_bad_or_out_of_range_page_and_order_fall_back_to_a_real_page(
    client, review, threads, params, expected
):
    assert comment_tree(get(client, review, **params)) == shape(threads, *expected)


def test_a_review_without_comments_accepts_any_page_and_order(client, review):
    html = get(client, review, cpage="7", corder="newest")
    assert "No comments yet" in html
    assert "Comment pages" not in html
    assert 'id="respond"' in html


def test_a_permalink_lands_on_the_page_of_the_comments_thread(client, review, threads):
    url = review.get_absolute_url()
    cases = {"t1": "", "r1r": "", "t3": "", "t4": "?cpage=2", "r5b": "?cpage=2", "t7": "?cpage=3"}
    for name, query in cases.items():
        comment = threads[name]
        response = client.get(comment.get_absolute_url())
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == f"{url}{query}#comment-{comment.pk}"
        assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()


def test_held_and_removed_threads_do_not_shift_the_pages_for_the_public(client, review, threads):
    CommentFactory(review=review, status=Comment.Status.PENDING)  # would be thread 8
    Comment.objects.filter(pk=threads["t2"].pk).update(status=Comment.Status.SPAM)
    assert comment_tree(get(client, review)) == shape(threads, "t1", "t3", "t4")
    response = client.get(threads["r5b"].get_absolute_url())
    assert response["Location"].endswith(f"?cpage=2#comment-{threads['r5b'].pk}")
    assert comment_tree(get(client, review, cpage=2)) == shape(threads, "t5", "t6", "t7")
    assert "Comment pages" in get(client, review)
    assert comment_tree(get(client, review, cpage=3)) == shape(threads, "t5", "t6", "t7")


def test_a_thread_whose_first_comment_was_removed_keeps_its_replies_on_its_page(
    client, review, threads
):
    Comment.objects.filter(pk=threads["t5"].pk).update(status=Comment.Status.REMOVED)
    expected = [
        (threads["t4"].pk, []),
        (threads["r5a"].pk, []),
        (threads["r5b"].pk, []),
        (threads["t6"].pk, []),
    ]
    assert comment_tree(get(client, review, cpage=2)) == expected
    newest = comment_tree(get(client, review, corder="newest"))
    assert newest == [
        (threads["t7"].pk, []),
        (threads["t6"].pk, []),
        (threads["r5a"].pk, []),  # still in the order written
        (threads["r5b"].pk, []),
    ]
    response = client.get(threads["r5b"].get_absolute_url())
    assert response["Location"].endswith(f"?cpage=2#comment-{threads['r5b'].pk}")


def test_a_new_thread_lands_its_writer_on_the_last_page_awaiting_moderation(
    client, review, threads
):
    response = post_comment(client, review, comment="My new thread.")
    new = Comment.objects.get(body="My new thread.")
    assert new.status == Comment.Status.PENDING  # a first-time commenter is held
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{review.get_absolute_url()}?cpage=3#comment-{new.pk}"
    html = client.get(response["Location"]).content.decode()
    assert comment_tree(html) == [*shape(threads, "t7"), (new.pk, [])]
    assert AWAITING in html
    # Nobody else sees it, and their pages do not count it.
    others = Client()
    assert comment_tree(others.get(response["Location"]).content.decode()) == shape(threads, "t7")


def test_a_reply_lands_its_writer_on_the_page_of_its_thread(client, review, threads):
    response = post_comment(
        client, review, comment="Replying on page two.", parent=str(threads["r5a"].pk)
    )
    reply = Comment.objects.get(body="Replying on page two.")
    assert response["Location"] == f"{review.get_absolute_url()}?cpage=2#comment-{reply.pk}"
    tree = comment_tree(client.get(response["Location"]).content.decode())
    assert tree[1] == (
        threads["t5"].pk,
        [(threads["r5a"].pk, [(reply.pk, [])]), (threads["r5b"].pk, [])],
    )


def test_a_reader_reading_newest_first_lands_back_in_that_order_after_posting(
    client, review, threads
):
    html = get(client, review, corder="newest", cpage=3)
    action = re.search(r'<form[^>]*id="commentform"[^>]*>', html).group(0)
    assert f'action="{post_url(review)}?corder=newest"' in action
    response = client.post(
        f"{post_url(review)}?corder=newest", form_data(comment="Newest first, please.")
    )
    new = Comment.objects.get(body="Newest first, please.")
    assert response["Location"] == (
        f"{review.get_absolute_url()}?corder=newest#comment-{new.pk}"  # the first page
    )
    assert comment_tree(client.get(response["Location"]).content.decode())[0] == (new.pk, [])


def test_a_refused_post_keeps_the_readers_order_in_the_form(client, review, threads):
    response = client.post(f"{post_url(review)}?corder=newest", form_data(email="not an email"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f'action="{post_url(review)}?corder=newest"' in response.content.decode()


def test_the_no_javascript_reply_link_keeps_the_reader_on_their_page(client, review, threads):
    url = review.get_absolute_url()
    grace = threads["r5a"]
    page_two = get(client, review, cpage=2)
    assert f'href="?cpage=2&amp;replytocom={grace.pk}#respond"' in page_two
    newest = get(client, review, cpage=2, corder="newest")
    assert f'href="?cpage=2&amp;corder=newest&amp;replytocom={threads["t4"].pk}#respond"' in newest

    html = get(client, review, cpage=2, replytocom=grace.pk)
    assert comment_tree(html) == shape(threads, "t4", "t5", "t6")  # still page 2
    respond = html[html.index('id="respond"') :]
    assert ">Reply to Grace<" in respond
    assert field_value(respond, "parent") == str(grace.pk)
    assert f'<a id="cancel-comment-reply-link" rel="nofollow" href="{url}?cpage=2#respond">' in (
        respond
    )

    # The form reached, the reply is posted and shown on that same page.
    response = post_comment(client, review, comment="No script needed.", parent=str(grace.pk))
    reply = Comment.objects.get(body="No script needed.")
    assert response["Location"] == f"{url}?cpage=2#comment-{reply.pk}"
    assert f'id="comment-{reply.pk}"' in client.get(response["Location"]).content.decode()


def test_a_reply_link_to_a_comment_on_another_page_just_shows_the_normal_form(
    client, review, threads
):
    html = get(client, review, replytocom=threads["r5a"].pk)  # r5a is on page 2
    assert ">Leave a Reply<" in html
    assert field_value(html, "parent") == ""


def _bulk_threads(review, count):
    """`count` approved comments, a quarter of them replies, in a few queries."""
    tops = Comment.objects.bulk_create(
        Comment(
            review=review,
            name=f"Reader {n}",
            email=f"reader{n}@example.net",
            body=f"Comment {n}.",
            status=Comment.Status.APPROVED,
        )
        for n in range(count - count // 4)
    )
    for comment in tops:
        comment.path = str(comment.pk).zfill(PATH_STEP)
    Comment.objects.bulk_update(tops, ["path"])
    replies = Comment.objects.bulk_create(
        Comment(
            review=review,
            parent=tops[n % len(tops)],
            depth=1,
            name=f"Replier {n}",
            email=f"replier{n}@example.net",
            body="A reply.",
            status=Comment.Status.APPROVED,
        )
        for n in range(count // 4)
    )
    for reply in replies:
        reply.path = f"{reply.parent.path}/{str(reply.pk).zfill(PATH_STEP)}"
    Comment.objects.bulk_update(replies, ["path"])


# Rendering is what is counted here: pages from the page cache cost no rendering at all.
@override_settings(PAGE_CACHE=False)
@pytest.mark.parametrize("params", [{}, {"cpage": "2"}, {"corder": "newest", "cpage": "3"}])
def test_a_page_of_threads_costs_the_same_queries_with_0_10_or_200_comments(
    client, review, django_assert_num_queries, params
):
    url = review.get_absolute_url()
    client.get(url, params)  # warm up (content types, template loading)
    with CaptureQueriesContext(connection) as empty:
        client.get(url, params)
    expected = len(empty.captured_queries)
    _bulk_threads(review, 10)
    with django_assert_num_queries(expected):
        assert "10 Comments" in client.get(url, params).content.decode()
    _bulk_threads(review, 190)
    with django_assert_num_queries(expected):
        html = client.get(url, params).content.decode()
    assert "200 Comments" in html
    assert len(comment_tree(html)) == 3


def test_a_writers_page_costs_no_more_queries_with_held_comments(
    client, review, django_assert_num_queries
):
    post_comment(client, review, comment="First, held.")
    url = review.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    expected = len(few.captured_queries)  # read now: the next request clears the query log
    _bulk_threads(review, 200)
    post_comment(client, review, comment="Second, held.")
    with django_assert_num_queries(expected):
        client.get(url, {"cpage": "999"})
