"""No page type breaks the Content Security Policy or logs an error in the browser console.

The policy itself is pinned in test_security_headers; here a real browser enforces it, so an
inline script or style, an eval or a stray third-party URL in any template shows up."""

import pytest

from tests.browser.harness import require_chromium

require_chromium()

pytestmark = pytest.mark.browser


def test_no_page_type_breaks_the_csp_or_logs_a_console_error(page_type_visits):
    found = [f"{visit.name}: {problem}" for visit in page_type_visits for problem in visit.problems]
    assert not found, "\n".join(found)


def test_the_browser_enforces_the_policy_and_the_watch_reports_a_violation(open_page, site):
    # Without this, a watch that hears nothing would pass every page, broken or not.
    page, watch = open_page()
    page.goto(site.url + site.path("review"))
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.append(script);
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">styled</p>');
        }"""
    )
    for _ in range(40):  # the violation events reach Python asynchronously
        if len(watch.csp_violations) >= 2:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.injected") is None  # the inline script never ran
    problems = "\n".join(watch.problems())
    assert "CSP: script-src-elem refused inline" in problems
    assert "CSP: style-src-attr refused inline" in problems
