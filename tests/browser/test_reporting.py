"""A reader reports a comment in headless Chromium, with JavaScript off: each comment's Report
button submits the page's one report form (the HTML form attribute), which carries the CSRF
token once for the page."""

import pytest

from comments.models import CommentReport
from tests.browser.conftest import require_chromium
from tests.factories import CommentFactory, ReviewFactory

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THANKS = "Thank you. A moderator will look at this comment."


def test_reporting_without_javascript_reports_the_comment_whose_button_was_pressed(
    live_server, browser
):
    review = ReviewFactory()
    CommentFactory(review=review, name="Grace", body="Fine.")
    rude = CommentFactory(review=review, name="Troll", body="Something rude.")
    CommentFactory(review=review, name="Linus", body="Also fine.")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + review.get_absolute_url())
        with page.expect_navigation():
            page.click(f"#div-comment-{rude.pk} .comment-report-button")
        assert page.url.endswith(f"#comment-{rude.pk}")
        assert THANKS in page.inner_text("#comments")
        assert [report.comment_id for report in CommentReport.objects.all()] == [rude.pk]
    finally:
        context.close()
