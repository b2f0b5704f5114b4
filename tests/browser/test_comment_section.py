"""The comment section and the queue in headless Chromium (issue 14): Reply is a target a
finger can hit, the keyboard reaches the first Reply in a few presses through "Skip to
comments", and a 1280 px screen shows ten comments of the moderation queue."""

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment
from tests.browser.conftest import require_chromium
from tests.browser.test_moderation import sign_in_to_queue
from tests.factories import CommentFactory, ReviewFactory, UserFactory

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def review():
    for name in ("Authors", "Moderators"):
        Group.objects.get_or_create(name=name)
    review = ReviewFactory(headline="Her — a quiet triumph")
    first = CommentFactory(review=review, name="Grace", url="https://grace.example/")
    CommentFactory(review=review, name="Linus", parent=first)
    CommentFactory(review=review, name="Ada")
    return review


def reply_box(page):
    return page.locator(".comment-reply-link").first.bounding_box()


def test_reply_is_a_24_px_target_with_a_mouse_and_44_px_with_a_finger(live_server, browser, review):
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    page.goto(live_server.url + review.get_absolute_url())
    box = reply_box(page)
    assert box["width"] >= 24 and box["height"] >= 24
    desktop.close()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = phone.new_page()
    page.goto(live_server.url + review.get_absolute_url())
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")
    for selector in (".comment-reply-link", ".comment-report-button"):
        box = page.locator(selector).first.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, selector
    phone.close()


def presses_until(page, predicate, limit):
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return count
    return None


IS_REPLY = "document.activeElement.classList.contains('comment-reply-link')"


def test_the_keyboard_reaches_the_first_reply_through_skip_to_comments(
    live_server, browser, review
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + review.get_absolute_url())
    to_skip_link = presses_until(
        page, "document.activeElement.getAttribute('href') === '#comments'", 12
    )
    # The second stop, right after "Skip to content".
    assert to_skip_link == 2, "“Skip to comments” is not the page's second stop"
    skip_link = page.locator("a.skip-link[href='#comments']")
    assert skip_link.inner_text() == "Skip to comments"
    box = skip_link.bounding_box()  # shown on screen while it has the focus
    assert box["y"] >= 0 and box["height"] > 10, box
    page.keyboard.press("Enter")
    to_reply = presses_until(page, IS_REPLY, 6)  # Grace's name, her date, then Reply
    assert to_reply is not None
    total = to_skip_link + 1 + to_reply
    assert total <= 9
    context.close()


def test_a_1280_px_screen_shows_ten_comments_of_the_queue(live_server, browser, review):
    moderator = UserFactory(username="mia", is_staff=True, groups=["Moderators"])
    for n in range(12):
        CommentFactory(
            review=review,
            status=Comment.Status.PENDING,
            name=f"Reader {n}",
            url=f"https://reader{n}.example.org/" if n % 2 else "",
            rating=n % 10 + 1 if n % 3 == 0 else None,
            has_spoilers=n % 4 == 0,
            held_reason="First comment from this commenter",
            body=f"Comment number {n}: the quiet ending landed for me, more than the twist.",
        )
    context = browser.new_context(viewport={"width": 1280, "height": 1024})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_to_queue(page, live_server, moderator)
    rows = page.locator(".mod-row")
    assert rows.count() == 12
    bottoms = [rows.nth(i).bounding_box() for i in range(12)]
    on_screen = [box for box in bottoms if box["y"] + box["height"] <= 1024]
    assert len(on_screen) >= 10
    context.close()
