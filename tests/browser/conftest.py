"""Headless Chromium for the browser tests (Playwright's sync API, Debian's /usr/bin/chromium).

Browser tests need a live server: mark them `@pytest.mark.browser` and
`@pytest.mark.django_db(transaction=True)`, and take the `live_server` and `page` fixtures.
"""

import pytest

# The launch flags and the skip-or-fail rule live in harness.py, shared with tests/quality;
# importing it also sets DJANGO_ALLOW_ASYNC_UNSAFE (Playwright's sync API runs an event loop in
# the test thread, and Django would otherwise refuse ORM calls from it).
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, launch, require_chromium

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "require_chromium"]


# Module scope, not session: a running sync Playwright owns this thread's event loop, and other
# suites (tests/quality) start their own Playwright after these modules are done.
@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = launch(playwright)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page
