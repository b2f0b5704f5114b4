"""A held comment goes through the moderation queue in headless Chromium: a reader posts, a
moderator signs in and approves it, and a fresh visitor then sees it."""

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment, ModerationLog
from tests.browser.conftest import require_chromium
from tests.factories import CommentFactory, ReviewFactory, UserFactory

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
AWAITING = "Your comment is awaiting moderation."
TEXT = "The last scene in the empty flat is the best thing in the film."


@pytest.fixture
def site():
    # A transactional test may run after another one flushed the groups the migrations made.
    for name in ("Authors", "Moderators"):
        Group.objects.get_or_create(name=name)
    review = ReviewFactory(headline="Her — a quiet triumph")
    moderator = UserFactory(username="mia", is_staff=True, groups=["Moderators"])
    return review, moderator


def watch_errors(page):
    """Script errors, CSP violations and failed requests of the page end up in this list."""
    problems = []

    def console(message):
        # Failed loads are listed with their URL below; the browser's own /favicon.ico probe on
        # the admin login page is not the page's doing.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", console)
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    return problems


def sign_in_to_queue(page, live_server, moderator):
    page.goto(live_server.url + "/moderation/")
    assert "/admin/login/" in page.url  # signed out: the admin login page, then back
    page.fill("input[name=username]", moderator.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.url == live_server.url + "/moderation/"


def test_reader_posts_moderator_approves_in_the_queue_and_a_fresh_visitor_sees_it(
    live_server, browser, site
):
    review, moderator = site
    review_url = live_server.url + review.get_absolute_url()

    # A reader posts; the comment is held and only they see it, marked as awaiting moderation.
    reader = browser.new_context()
    page = reader.new_page()
    page.set_default_timeout(10_000)
    page.goto(review_url)
    page.fill("textarea[name=comment]", TEXT)
    page.fill("input[name=name]", "Ada")
    page.fill("input[name=email]", "ada@example.net")
    with page.expect_navigation():
        page.click("input[type=submit][value='Post Comment']")
    comment = Comment.objects.get(body=TEXT)
    assert comment.status == Comment.Status.PENDING
    assert page.get_by_text(AWAITING).is_visible()
    reader.close()

    # A moderator signs in through the admin login page and approves it in place.
    moderation = browser.new_context()
    page = moderation.new_page()
    page.set_default_timeout(10_000)
    problems = watch_errors(page)
    sign_in_to_queue(page, live_server, moderator)
    row = page.locator(f"#mod-comment-{comment.pk}")
    assert TEXT in row.inner_text()
    assert "ada@example.net" in row.inner_text()  # moderators see the address
    assert page.locator('[data-count="pending"]').inner_text() == "1"
    row.get_by_role("button", name="Approve").click()
    page.wait_for_function(
        "id => document.querySelector('#mod-comment-' + id).dataset.status === 'approved'",
        arg=comment.pk,
    )
    assert row.locator("[data-role=status]").inner_text() == "Approved"
    assert page.locator('[data-count="pending"]').inner_text() == "0"
    assert page.locator("#mod-messages").inner_text() == "1 comment approved."
    assert page.url == live_server.url + "/moderation/"  # in place: no page load
    assert problems == []
    moderation.close()

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert ModerationLog.objects.get(comment=comment).moderator == moderator

    # A fresh visitor, with no cookies at all, now reads it on the review.
    visitor = browser.new_context()
    page = visitor.new_page()
    page.goto(review_url)
    assert TEXT in page.locator(f"#comment-{comment.pk}").inner_text()
    assert AWAITING not in page.content()
    visitor.close()


def test_keyboard_shortcuts_move_decide_and_undo(live_server, browser, site):
    review, moderator = site
    first = CommentFactory(review=review, status="pending", body="First in the queue.")
    second = CommentFactory(review=review, status="pending", body="Second in the queue.")
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = watch_errors(page)
    sign_in_to_queue(page, live_server, moderator)

    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"mod-comment-{second.pk}"
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == f"mod-comment-{first.pk}"

    page.keyboard.press("s")
    page.wait_for_function(
        "id => document.querySelector('#mod-comment-' + id).dataset.status === 'spam'",
        arg=first.pk,
    )
    first.refresh_from_db()
    assert first.status == Comment.Status.SPAM
    assert page.evaluate("document.activeElement.id") == f"mod-comment-{second.pk}"

    page.keyboard.press("u")
    page.wait_for_function(
        "id => document.querySelector('#mod-comment-' + id).dataset.status === 'pending'",
        arg=first.pk,
    )
    first.refresh_from_db()
    assert first.status == Comment.Status.PENDING
    assert problems == []
    context.close()


def test_queue_works_without_javascript(live_server, browser, site):
    review, moderator = site
    first = CommentFactory(review=review, status="pending", body="Approve me.")
    second = CommentFactory(review=review, status="pending", body="Me too.")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_to_queue(page, live_server, moderator)

    page.check(f"#select-{first.pk}")
    page.check(f"#select-{second.pk}")
    page.select_option("#bulk-action", "approve")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply to selected").click()

    assert "2 comments approved." in page.inner_text("#mod-messages")
    assert Comment.objects.filter(status="approved").count() == 2
    with page.expect_navigation():
        page.get_by_role("button", name="Undo last action").click()
    assert Comment.objects.filter(status="pending").count() == 2
    context.close()


def test_queue_has_no_serious_accessibility_problems(live_server, browser, site):
    from axe_playwright_python.sync_playwright import Axe

    review, moderator = site
    parent = CommentFactory(review=review)
    CommentFactory(review=review, status="pending", parent=parent, url="https://a.example/")
    context = browser.new_context()
    page = context.new_page()
    sign_in_to_queue(page, live_server, moderator)

    results = Axe().run(page)

    serious = [
        (v["id"], v["impact"], [n["html"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()
