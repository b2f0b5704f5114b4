"""With JavaScript switched off the site still reads, and readers still comment and reply: the
reply link leads to a page with the form for that comment (?replytocom=<id>)."""

import pytest

from tests.browser.harness import require_chromium
from tests.quality import journeys

require_chromium()

pytestmark = pytest.mark.browser

WIDTHS = pytest.mark.parametrize("width", [1280, 390])


def no_screenshots(page, name):
    """The pictures come from the JavaScript journeys; these would only repeat them."""


@WIDTHS
def test_a_reader_without_javascript_reads_from_home_to_search_and_back(open_page, site, width):
    page, watch = open_page(width=width, javascript=False)
    journeys.read_the_site(page, site, no_screenshots)
    assert watch.problems() == []
    assert watch.off_site() == []


@WIDTHS
def test_a_reader_without_javascript_comments_and_replies(open_page, site, width):
    page, watch = open_page(width=width, javascript=False)
    comment_id, reply_id = journeys.comment_and_reply(
        page, site, no_screenshots, tag=f"no js {width}", javascript=False
    )
    assert watch.problems() == []
    assert watch.off_site() == []

    visitor, _ = open_page(width=width, javascript=False)
    journeys.assert_hidden_from_others(visitor, site, [comment_id, reply_id])
