"""A reader replies to a comment in headless Chromium, with JavaScript on and then off."""

import re

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment
from tests.browser.conftest import require_chromium
from tests.factories import CommentFactory, ReviewFactory

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AWAITING = "Your comment is awaiting moderation."


@pytest.fixture
def thread():
    # A transactional test may run after another one flushed the groups the migrations made.
    for name in ("Authors", "Moderators"):
        Group.objects.get_or_create(name=name)
    review = ReviewFactory(headline="Her — a quiet triumph")
    grace = CommentFactory(review=review, name="Grace", body="The score stays with you.")
    CommentFactory(review=review, name="Linus", body="I preferred the first half.")
    return review, grace


def inside(page, child, ancestor):
    return page.evaluate(
        "([child, ancestor]) => !!document.querySelector(ancestor + ' ' + child)",
        [child, ancestor],
    )


def test_replying_with_javascript_moves_the_form_and_lands_on_the_held_reply(
    live_server, page, thread
):
    review, grace = thread
    problems = []  # script errors and CSP violations would show up here
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    url = live_server.url + review.get_absolute_url()
    page.goto(url)
    title = page.locator("#reply-title")
    assert title.inner_text() == "Leave a Reply"
    assert not inside(page, "#respond", "li.comment")

    page.click(f"#div-comment-{grace.pk} .comment-reply-link")
    assert inside(page, "#respond", f"#comment-{grace.pk}")
    assert title.inner_text() == "Reply to Grace"
    assert page.input_value("input[name=parent]") == str(grace.pk)
    assert page.is_visible("#cancel-comment-reply-link")
    assert page.evaluate("document.activeElement.name") == "comment"
    assert not page.is_visible("select[name=rating]")  # replies do not rate the film
    assert "replytocom" not in page.url  # JavaScript handled it: no page load

    page.click("#cancel-comment-reply-link")
    assert not inside(page, "#respond", "li.comment")
    assert title.inner_text() == "Leave a Reply"
    assert page.input_value("input[name=parent]") == ""
    assert not page.is_visible("#cancel-comment-reply-link")
    assert page.is_visible("select[name=rating]")

    # A reply being typed survives a reload (kept in the browser until posted).
    page.click(f"#div-comment-{grace.pk} .comment-reply-link")
    page.fill("textarea[name=comment]", "Agreed: the score is the film's heart.")
    page.reload()
    page.click(f"#div-comment-{grace.pk} .comment-reply-link")
    assert page.input_value("textarea[name=comment]") == "Agreed: the score is the film's heart."

    page.fill("input[name=name]", "Ada")
    page.fill("input[name=email]", "ada@example.net")
    with page.expect_navigation():
        page.click("input[type=submit][value='Post Comment']")
    reply = Comment.objects.get(parent=grace)
    assert reply.status == Comment.Status.PENDING
    assert page.url.endswith(f"{review.get_absolute_url()}#comment-{reply.pk}")
    assert inside(page, f"#comment-{reply.pk}", f"#comment-{grace.pk} ol.children")
    assert AWAITING in page.inner_text(f"#comment-{reply.pk}")
    # Posted: the kept draft is gone, the form is empty again.
    page.click(f"#div-comment-{grace.pk} .comment-reply-link")
    assert page.input_value("textarea[name=comment]") == ""
    assert problems == []


def test_replying_without_javascript_uses_the_reply_link_page(live_server, browser, thread):
    review, grace = thread
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + review.get_absolute_url())
        with page.expect_navigation():
            page.click(f"#div-comment-{grace.pk} .comment-reply-link")
        assert re.search(rf"\?replytocom={grace.pk}#respond$", page.url)
        assert page.inner_text("#reply-title") == "Reply to Grace"
        assert page.is_visible("#cancel-comment-reply-link")
        assert page.input_value("input[name=parent]") == str(grace.pk)

        page.fill("textarea[name=comment]", "Without JavaScript, still a reply.")
        page.fill("input[name=name]", "Bea")
        page.fill("input[name=email]", "bea@example.net")
        with page.expect_navigation():
            page.click("input[type=submit][value='Post Comment']")
        reply = Comment.objects.get(parent=grace)
        assert page.url.endswith(f"#comment-{reply.pk}")
        assert inside_no_js(page, reply, grace)
        assert AWAITING in page.inner_text(f"#comment-{reply.pk}")
    finally:
        context.close()


def inside_no_js(page, reply, parent):
    # page.evaluate needs JavaScript; count the nested element with a CSS locator instead.
    return page.locator(f"#comment-{parent.pk} ol.children #comment-{reply.pk}").count() == 1
