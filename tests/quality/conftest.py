"""Fixtures for the browser quality checks: one live server over the seeded demo content for the
whole session, one headless Chromium, and browser contexts that record every request, console
error, script error and CSP violation.

Why not pytest-django's `live_server` + `django_db(transaction=True)`: a transactional test
flushes the database after itself, so every test would have to seed the demo content again
(seconds each). Here the content is seeded once; the tests of tests/quality that use `site` are
written not to depend on each other's writes (each posts its own comments, creates its own
film), and the database is flushed again when the session ends. These tests carry no django_db
marker, so pytest-django runs them after every database test; `site` lifts the database blocker
for them (the live server thread needs it too). Without the marker pytest-django would not create
the test database for them when they run alone: tests/conftest.py's `django_db_setup` does.
"""

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.browser import harness

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Runs in every page before its own scripts. Init scripts are not subject to the page's CSP,
# and the exposed binding hands each violation straight to Python, so none is lost when the
# page navigates away.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline code"}` +
    ` in ${event.sourceFile || document.URL}:${event.lineNumber}`
  );
});
"""

# Lazy images below the fold would never be requested by a page that is not scrolled; load
# them all, so the request log covers everything the page can ask for.
LOAD_EVERY_IMAGE = """
async () => {
  for (const img of document.images) { img.loading = "eager"; }
  const pending = [...document.images].filter((img) => !img.complete);
  await Promise.all(pending.map((img) => img.decode().catch(() => null)));
}
"""


def account(username):
    """(username, password) of a demo account from seed_demo."""
    from demo.content import DEMO_ACCOUNTS

    entry = next(a for a in DEMO_ACCOUNTS if a.username == username)
    return entry.username, entry.password


def empty_database():
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    # Never flush a real database: only pytest-django's test database (test_… or in memory).
    assert "test" in name or "memory" in name, f"refusing to flush {name}: not a test database"
    # flush sends post_migrate, which puts the default groups back (core.roles).
    call_command("flush", interactive=False, verbosity=0)


@dataclass
class Site:
    url: str
    pages: list  # (label, path) of every public page type, from tests.quality.pages

    def path(self, label):
        return dict(self.pages)[label]


@pytest.fixture(scope="session")
def seeded_site(django_db_setup, django_db_blocker):
    """A live server over the demo content (seed_demo), started once per session."""
    from pytest_django.live_server_helper import LiveServer

    from reviews.models import Review
    from tests.quality.pages import public_page_types

    with django_db_blocker.unblock():
        # Transactional tests that ran before may have left the database flushed, or not.
        empty_database()
        call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
        assert Review.objects.published().exists(), "seed_demo published no review"
        # An IP address, not "localhost": Chromium would try ::1 first, where another
        # process may be listening on the same port number.
        server = LiveServer("127.0.0.1")
        server._live_server_modified_settings.enable()
        pages = public_page_types()
    yield Site(url=server.url, pages=pages)
    with django_db_blocker.unblock():
        server._live_server_modified_settings.disable()
        server.stop()
        empty_database()


@pytest.fixture
def site(seeded_site, django_db_blocker):
    """The seeded live server, with database access for the test and the server thread."""
    with django_db_blocker.unblock():
        yield seeded_site


@pytest.fixture(scope="session")
def browser():
    harness.require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = harness.launch(playwright)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What the pages of one browser context did: requests, console errors, CSP violations."""

    origin: str
    requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)  # (text, url)
    page_errors: list = field(default_factory=list)
    csp_violations: list = field(default_factory=list)
    # Pages answered with a 4xx (the 404 page, the comment form with errors): Chromium logs
    # "Failed to load resource" for the document itself, which is the server's answer, not a
    # fault of the page. A stylesheet, script or image that fails is still reported.
    error_documents: set = field(default_factory=set)

    @classmethod
    def attach(cls, context, origin):
        watch = cls(origin=origin)
        context.on("request", lambda request: watch.requests.append(request.url))
        context.on("console", watch._on_console)
        context.on("response", watch._on_response)
        context.on("weberror", lambda error: watch.page_errors.append(str(error.error)))
        context.expose_binding(
            "__reportCspViolation", lambda source, text: watch.csp_violations.append(text)
        )
        context.add_init_script(CSP_LISTENER)
        return watch

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def _on_response(self, response):
        if response.status >= 400 and response.request.is_navigation_request():
            self.error_documents.add(response.url)

    def clear(self):
        for records in (self.requests, self.console_errors, self.page_errors):
            records.clear()
        self.csp_violations.clear()
        self.error_documents.clear()

    def off_site(self):
        """Requests that left the site's own origin (data: and blob: URLs are local)."""
        return [url for url in self.requests if not same_origin(url, self.origin)]

    def problems(self):
        """Console errors, script errors and CSP violations, in a readable list."""
        found = [f"CSP: {text}" for text in self.csp_violations]
        found += [f"script error: {text}" for text in self.page_errors]
        for text, url in self.console_errors:
            if text.startswith("Failed to load resource") and url in self.error_documents:
                continue
            found.append(f"console error: {text} ({url})")
        return found


def same_origin(url, origin):
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin


@pytest.fixture
def open_page(browser, site):
    """open_page(width=1280, javascript=True, scheme="light") -> (page, watch) in a fresh
    context (no cookies, as a new visitor); closed at the end of the test."""
    contexts = []

    def open_page(*, width=1280, javascript=True, scheme="light"):
        context = browser.new_context(
            viewport=harness.WIDTHS[width], java_script_enabled=javascript, color_scheme=scheme
        )
        contexts.append(context)
        watch = Watch.attach(context, site.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page, watch

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, site, username, *, next_path="/admin/"):
    """Signs in through the admin login page (the only login the site has).

    The seeded database lives for the whole session: failed sign-ins an earlier test left are
    cleared first (as `manage.py axes_reset` does), so django-axes' pause never carries over.
    """
    from axes.utils import reset

    reset()
    username, password = account(username)
    page.goto(f"{site.url}/admin/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/login/" not in page.url, f"{username} could not sign in"


@pytest.fixture(scope="session")
def screenshot(pytestconfig):
    """screenshot(page, name): docs/screenshots/<name>-<width>.png, only with --screenshots."""
    enabled = pytestconfig.getoption("--screenshots", default=False)

    def screenshot(page, name):
        if not enabled:
            return
        width = page.viewport_size["width"]
        # Lazy images below the fold would be blank in a full-page picture.
        page.evaluate(LOAD_EVERY_IMAGE)
        page.evaluate("window.scrollTo(0, 0)")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=str(SCREENSHOTS / f"{slug}-{width}.png"), full_page=True)

    return screenshot


# Everything the structural checks need from a page, read in one round trip.
STRUCTURE = """
() => {
  const shown = (el) => !el.closest("[hidden], template");
  const describe = (el) => el.outerHTML.slice(0, 140);
  const fields = [...document.querySelectorAll("input, select, textarea")].filter(
    (el) => !["hidden", "submit", "button", "reset", "image"].includes(el.type) && shown(el)
  );
  const described = new Set();
  for (const el of document.querySelectorAll("[aria-describedby]")) {
    for (const id of el.getAttribute("aria-describedby").split(/\\s+/)) { described.add(id); }
  }
  return {
    headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(shown).map(
      (h) => [Number(h.tagName[1]), h.textContent.trim().replace(/\\s+/g, " ").slice(0, 60)]
    ),
    landmarks: {
      banner: document.querySelectorAll("body > header, [role=banner]").length,
      navigation: document.querySelectorAll("nav, [role=navigation]").length,
      main: document.querySelectorAll("main, [role=main]").length,
      contentinfo: document.querySelectorAll("body > footer, [role=contentinfo]").length,
    },
    imagesWithoutAlt: [...document.images].filter((img) => !img.hasAttribute("alt")).map(describe),
    unlabelledFields: fields.filter(
      (el) => !el.labels.length && !el.getAttribute("aria-label")
        && !el.getAttribute("aria-labelledby")
    ).map(describe),
    invalidFields: fields.filter((el) => el.getAttribute("aria-invalid") === "true").length,
    invalidFieldsWithoutDescription: fields.filter(
      (el) => el.getAttribute("aria-invalid") === "true"
        && !(el.getAttribute("aria-describedby") || "").split(/\\s+/)
          .some((id) => id && (document.getElementById(id)?.textContent || "").trim())
    ).map(describe),
    // Error messages next to a field that no field points at with aria-describedby.
    orphanErrors: [...document.querySelectorAll(".invalid-feedback, .errorlist")].filter(
      (el) => shown(el) && el.textContent.trim() && !(el.id && described.has(el.id))
        && !el.closest("form > .alert, [role=alert]")
    ).map(describe),
    // Posters a reader can see (the aria-hidden duplicates beside a linked title are skipped).
    posterAlts: [...document.querySelectorAll("img.poster")].filter(
      (img) => !img.closest("[aria-hidden=true]")
    ).map((img) => img.alt),
    externalResources: [...document.querySelectorAll(
      "[src], [srcset], link[rel~=stylesheet], link[rel~=icon], link[rel~=preload], " +
      "link[rel~=modulepreload], link[rel~=manifest]"
    )].filter((el) => {
      const urls = [el.src, el.href].filter(Boolean);
      for (const candidate of (el.getAttribute("srcset") || "").split(",")) {
        const url = candidate.trim().split(/\\s+/)[0];
        if (url) { urls.push(new URL(url, document.baseURI).href); }
      }
      return urls.some((url) => !url.startsWith("data:")
        && new URL(url).origin !== location.origin);
    }).map(describe),
    sidewaysScroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}
"""

# The passes of the page-type sweep: every page type at desktop and phone width, and once more
# in the dark colour scheme (contrast is checked per scheme).
SWEEP_PASSES = [(1280, "light"), (390, "light"), (1280, "dark")]
# Pictures of the page types no journey passes through (the journeys take the others).
SWEEP_SCREENSHOTS = {"film index", "genre", "author", "not found"}
# The dark colour scheme, shown in the README for the main page types.
SWEEP_DARK_SCREENSHOTS = {"home", "review", "film"}


@dataclass
class Visit:
    label: str
    width: int
    scheme: str
    url: str
    status: int
    requests: list
    off_site: list
    problems: list
    axe: list  # axe-core violations (id, impact, nodes)
    structure: dict

    @property
    def name(self):
        return f"{self.label} @{self.width}px {self.scheme}"


def record_visit(page, watch, *, label, width, scheme, status):
    """Loads every image, runs axe-core and the structural probe, and files what was seen."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(LOAD_EVERY_IMAGE)
    structure = page.evaluate(STRUCTURE)
    violations = Axe().run(page).response["violations"]
    visit = Visit(
        label=label,
        width=width,
        scheme=scheme,
        url=page.url,
        status=status,
        requests=list(watch.requests),
        off_site=watch.off_site(),
        problems=watch.problems(),
        axe=violations,
        structure=structure,
    )
    watch.clear()
    return visit


@pytest.fixture(scope="session")
def page_type_visits(seeded_site, browser, django_db_blocker, screenshot):
    """Every page type visited once per sweep pass, with what each visit recorded.

    Shared by test_accessibility, test_csp_console and test_third_party so each page is loaded
    (and axe-core run) once, not once per check.
    """
    site = seeded_site
    visits = []
    with django_db_blocker.unblock():
        for width, scheme in SWEEP_PASSES:
            context = browser.new_context(viewport=harness.WIDTHS[width], color_scheme=scheme)
            watch = Watch.attach(context, site.url)
            page = context.new_page()
            page.set_default_timeout(15_000)

            def visit(label, *, page=page, watch=watch, width=width, scheme=scheme, **kwargs):
                visits.append(
                    record_visit(page, watch, label=label, width=width, scheme=scheme, **kwargs)
                )
                if scheme == "light" and label in SWEEP_SCREENSHOTS:
                    screenshot(page, label)
                if scheme == "dark" and label in SWEEP_DARK_SCREENSHOTS:
                    screenshot(page, f"{label} dark")

            for label, path in site.pages:
                response = page.goto(site.url + path)
                visit(label, status=response.status)

            # The comment form sent back with errors. The browser's own checks are switched off,
            # as some browsers have none: the site's answer is what is under test.
            page.goto(site.url + site.path("review"))
            page.evaluate("document.getElementById('commentform').noValidate = true")
            page.fill("textarea[name=comment]", "Kept text: the ending earns its silence.")
            page.fill("input[name=email]", "not-an-email")
            with page.expect_navigation() as navigation:
                page.click("#commentform [type=submit]")
            visit("comment form with errors", status=navigation.value.status)

            # The moderation queue, as a moderator.
            sign_in(page, site, "moderator", next_path="/moderation/")
            watch.clear()
            for label, path in [
                ("moderation queue", "/moderation/"),
                ("moderation queue, spam tab", "/moderation/?status=spam"),
            ]:
                response = page.goto(site.url + path)
                visit(label, status=response.status)
            context.close()
    return visits
