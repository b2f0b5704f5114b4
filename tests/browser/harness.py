"""Shared helpers for every test that drives a real browser (tests/browser, tests/quality).

Playwright for Python (sync API) launches Debian's Chromium, /usr/bin/chromium, never a browser
Playwright downloads itself: CI installs Chromium with apt (see .ci/run and DEVELOPERS.md).

Without Chromium the browser tests skip with the command that installs it, so `make test` still
passes on a bare machine; in CI (CI=true) a missing Chromium is an error instead, because there a
silently skipped browser suite would hide every regression it exists to catch.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM
# calls made from it ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # containers and CI runners have no user namespaces for the sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No phoning home: a test must see only the requests the page itself makes.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = {1280: DESKTOP, 390: PHONE}


def in_ci():
    return os.environ.get("CI") == "true"


def require(available, *, what, install):
    """Skips the calling module when a tool is missing, except in CI where that is an error."""
    if available:
        return
    message = f"{what} is not installed, so these tests cannot run: {install}"
    if in_ci():
        raise RuntimeError(f"{message} (required in CI)")
    pytest.skip(message, allow_module_level=True)


def require_chromium():
    require(CHROMIUM.exists(), what=str(CHROMIUM), install="apt-get install -y chromium")


def require_java():
    require(
        shutil.which("java"),
        what="Java (for the Nu Html Checker)",
        install="apt-get install -y default-jre-headless",
    )


def launch(playwright):
    """Debian's headless Chromium with the flags above."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
