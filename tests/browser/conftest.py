"""Headless Chromium for the browser tests (Playwright's sync API, Debian's /usr/bin/chromium).

Browser tests need a live server: mark them `@pytest.mark.browser` and
`@pytest.mark.django_db(transaction=True)`, and take the `live_server` and `page` fixtures.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
# calls from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium():
    """Skips the calling module when Chromium is missing, except in CI where that is an error."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is required in CI: apt-get install -y chromium")
    pytest.skip(
        f"{CHROMIUM} is not installed, so the browser tests cannot run "
        "(apt-get install -y chromium)",
        allow_module_level=True,
    )


# Module scope, not session: a running sync Playwright owns this thread's event loop, and other
# suites (tests/quality) start their own Playwright after these modules are done.
@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
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
