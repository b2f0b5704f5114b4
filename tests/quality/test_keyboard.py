"""Keyboard use: a skip link first, every link, button and field reachable with Tab, a visible
focus indicator on each, and a reply written and posted without touching the mouse."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.harness import require_chromium
from tests.quality.conftest import sign_in
from tests.quality.journeys import AWAITING

require_chromium()

pytestmark = pytest.mark.browser

# Numbers every element a keyboard user should be able to reach (data-tab-stop), so the walk
# below can tell which of them Tab actually visited.
MARK_TAB_STOPS = """
() => {
  const reachable = (el) =>
    el.tabIndex >= 0 && !el.disabled && el.type !== "hidden" && el.checkVisibility()
    && !el.closest("[inert], [aria-hidden=true]");
  const stops = [...document.querySelectorAll(
    "a[href], button, input, select, textarea, summary, [tabindex]"
  )].filter(reachable);
  const groups = new Map();  // a radio group is one tab stop
  stops.forEach((el, index) => {
    const key = el.type === "radio" ? `radio:${el.form?.id}:${el.name}` : `el:${index}`;
    el.dataset.tabStop = key;
    groups.set(key, el.outerHTML.slice(0, 120));
  });
  return Object.fromEntries(groups);
}
"""

FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  return {
    stop: el.dataset.tabStop || null,
    html: el.outerHTML.slice(0, 120),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}
"""


def tab_through(page):
    """Presses Tab from the top of the page until focus comes round again; returns what should
    have been reached and each element that was focused, in order."""
    expected = page.evaluate(MARK_TAB_STOPS)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    visited = []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (visited and focused["stop"] == visited[0]["stop"]):
            break
        visited.append(focused)
    return expected, visited


KEYBOARD_PAGES = ["home", "review", "film", "person", "search results", "not found"]


def test_every_link_button_and_field_is_reached_by_tab_and_shows_focus(open_page, site):
    page, watch = open_page()
    problems = []
    for label in KEYBOARD_PAGES:
        page.goto(site.url + site.path(label))
        expected, visited = tab_through(page)
        reached = {stop["stop"] for stop in visited}
        problems += [f"{label}: never reached by Tab: {html}" for key, html in expected.items()
                     if key not in reached]  # fmt: skip
        problems += [
            f"{label}: no visible focus on {stop['html']}"
            for stop in visited
            if not (stop["outline"] or stop["shadow"])
        ]
        problems += [f"{label}: focus on a hidden element {stop['html']}"
                     for stop in visited if stop["stop"] is None]  # fmt: skip
    assert not problems, "\n".join(problems)
    assert watch.problems() == []


def test_the_moderation_queue_works_from_the_keyboard(open_page, site):
    page, _ = open_page()
    sign_in(page, site, "moderator", next_path="/moderation/")
    expected, visited = tab_through(page)
    reached = {stop["stop"] for stop in visited}
    missed = [html for key, html in expected.items() if key not in reached]
    unseen = [stop["html"] for stop in visited if not (stop["outline"] or stop["shadow"])]
    assert not missed, missed
    assert not unseen, unseen


@pytest.mark.parametrize("width", [1280, 390])
def test_the_skip_link_comes_first_and_takes_focus_to_the_main_content(open_page, site, width):
    page, _ = open_page(width=width)
    page.goto(site.url + site.path("review"))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 10, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'content'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")  # the next stop is inside the main content, past the masthead
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_a_keyboard_only_reader_replies_to_a_comment(open_page, site):
    page, watch = open_page()
    page.goto(site.url + site.path("review"))
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.comment-reply-link')"):
            break
    else:
        pytest.fail("Tab never reached a Reply link")
    parent_id = page.evaluate("document.activeElement.dataset.commentId")
    page.keyboard.press("Enter")
    expect(page.locator(f"#comment-{parent_id} #respond")).to_be_visible()
    expect(page.locator(":focus")).to_have_attribute("name", "comment")  # ready to type

    text = "Typed without a mouse: the sound design is the film's second script."
    page.keyboard.type(text)
    for value in ("Kay Board", "kay@example.org"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value === 'Post Comment'"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    reply_id = re.search(r"#comment-(\d+)$", page.url).group(1)
    reply = page.locator(f"#comment-{parent_id} #comment-{reply_id}")
    expect(reply).to_contain_text(text)
    expect(reply).to_contain_text(AWAITING)
    assert watch.problems() == []
