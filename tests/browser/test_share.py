"""The "Copy link" control under a review, in headless Chromium: with JavaScript a button that
puts the review's address on the clipboard and says so; without, a plain link to the review."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import require_chromium
from tests.factories import ReviewFactory

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_link_puts_the_review_address_on_the_clipboard(live_server, browser):
    review = ReviewFactory(headline="A copyable review")
    address = live_server.url + review.get_absolute_url()
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(address)
        copy = page.get_by_role("button", name="Copy link")

        copy.click()

        # The clipboard answers asynchronously: wait for the message rather than race it.
        expect(page.locator(".share-status")).to_have_text("Link copied.")
        assert page.evaluate("navigator.clipboard.readText()") == address
        assert page.url == address  # the click did not navigate
    finally:
        context.close()


def test_without_javascript_copy_link_is_a_link_to_the_review(live_server, browser):
    review = ReviewFactory(headline="A review read without scripts")
    address = live_server.url + review.get_absolute_url()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(address)

        link = page.get_by_role("link", name="Copy link")

        assert link.get_attribute("href") == address
    finally:
        context.close()
