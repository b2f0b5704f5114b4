"""A reader on the second page of threads replies, with JavaScript on and then off."""

import re

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment
from tests.browser.conftest import require_chromium
from tests.factories import CommentFactory, ReviewFactory

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(settings):
    """Four threads, two a page: Grace's is the first thread of page 2."""
    settings.COMMENTS_PER_PAGE = 2
    # A transactional test may run after another one flushed the groups the migrations made.
    for name in ("Authors", "Moderators"):
        Group.objects.get_or_create(name=name)
    review = ReviewFactory(headline="Her — a quiet triumph")
    CommentFactory.create_batch(2, review=review)
    grace = CommentFactory(review=review, name="Grace", body="The score stays with you.")
    CommentFactory(review=review, name="Linus")
    return review, grace


def test_with_javascript_a_reply_on_page_two_lands_back_on_page_two(live_server, page, second_page):
    review, grace = second_page
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    url = live_server.url + review.get_absolute_url()

    # Opened from a no-JS reply link, the script puts the form under Grace's comment; cancelling
    # drops the reply target from the address but keeps the page.
    page.goto(f"{url}?cpage=2&replytocom={grace.pk}#respond")
    assert page.locator(f"#comment-{grace.pk} #respond").count() == 1
    page.click("#cancel-comment-reply-link")
    assert page.url == f"{url}?cpage=2#respond"
    assert page.locator(f"#comment-{grace.pk}").count() == 1

    page.click(f"#div-comment-{grace.pk} .comment-reply-link")
    assert page.locator(f"#comment-{grace.pk} #respond").count() == 1
    assert "replytocom" not in page.url  # JavaScript handled it: no page load
    page.fill("textarea[name=comment]", "Page two, with a script.")
    page.fill("input[name=name]", "Ada")
    page.fill("input[name=email]", "ada@example.net")
    with page.expect_navigation():
        page.click("input[type=submit][value='Post Comment']")
    reply = Comment.objects.get(parent=grace)
    assert page.url == f"{url}?cpage=2#comment-{reply.pk}"
    assert page.locator(f"#comment-{grace.pk} ol.children #comment-{reply.pk}").count() == 1
    assert problems == []


def test_without_javascript_a_reader_pages_on_and_reaches_the_reply_form(
    live_server, browser, second_page
):
    review, grace = second_page
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        url = live_server.url + review.get_absolute_url()
        page.goto(url)
        assert page.locator(f"#comment-{grace.pk}").count() == 0
        with page.expect_navigation():
            page.click("nav[aria-label='Comment pages'] a[rel=next]")
        assert page.url == f"{url}?cpage=2#comments"
        with page.expect_navigation():
            page.click(f"#div-comment-{grace.pk} .comment-reply-link")
        assert re.search(rf"\?cpage=2&replytocom={grace.pk}#respond$", page.url)
        assert page.inner_text("#reply-title") == "Reply to Grace"
        assert page.input_value("input[name=parent]") == str(grace.pk)

        page.fill("textarea[name=comment]", "Page two, without a script.")
        page.fill("input[name=name]", "Bea")
        page.fill("input[name=email]", "bea@example.net")
        with page.expect_navigation():
            page.click("input[type=submit][value='Post Comment']")
        reply = Comment.objects.get(parent=grace)
        assert page.url == f"{url}?cpage=2#comment-{reply.pk}"
        assert page.locator(f"#comment-{grace.pk} ol.children #comment-{reply.pk}").count() == 1
    finally:
        context.close()
