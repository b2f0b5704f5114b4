"""The site's people, end to end in Chromium at desktop (1280 px) and phone (390 px) width: a
reader reads, a reader comments and replies, a moderator approves, an author publishes.

Every journey also fails on a console error, a CSP violation or a request to another origin on
any page it passes through. With --screenshots (make screenshots) the journeys write
docs/screenshots/<page>-<width>.png.
"""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from films.models import Credit, Person
from tests.browser.harness import require_chromium
from tests.quality import journeys
from tests.quality.conftest import sign_in

require_chromium()

pytestmark = pytest.mark.browser

WIDTHS = pytest.mark.parametrize("width", [1280, 390])


def assert_clean(watch):
    assert watch.problems() == []
    assert watch.off_site() == []


@WIDTHS
def test_a_reader_goes_from_home_to_a_review_its_film_its_director_and_search(
    open_page, site, screenshot, width
):
    page, watch = open_page(width=width)
    journeys.read_the_site(page, site, screenshot)
    assert_clean(watch)


@WIDTHS
def test_a_reader_comments_and_replies_and_sees_both_held_for_moderation(
    open_page, site, screenshot, width
):
    page, watch = open_page(width=width)
    comment_id, reply_id = journeys.comment_and_reply(
        page, site, screenshot, tag=f"js {width}", javascript=True
    )
    assert Comment.objects.get(pk=reply_id).parent_id is not None
    assert_clean(watch)

    visitor, _ = open_page(width=width)
    journeys.assert_hidden_from_others(visitor, site, [comment_id, reply_id])


@WIDTHS
def test_a_moderator_approves_a_held_comment_and_a_fresh_visitor_reads_it(
    open_page, site, screenshot, width
):
    reader, _ = open_page(width=width)
    text = f"I went back for the lighthouse scene a second time ({width} px)."
    comment_id = journeys.post_a_comment(reader, site, text=text, name="Noor")

    page, watch = open_page(width=width)
    page.goto(site.url + "/moderation/")
    assert "/admin/login/" in page.url  # signed out: the login page, then back to the queue
    sign_in(page, site, "moderator", next_path="/moderation/")
    assert page.url == site.url + "/moderation/"
    row = page.locator(f"#mod-comment-{comment_id}")
    expect(row).to_contain_text(text)
    expect(row).to_contain_text("ada@example.net")  # moderators, and only they, see it
    screenshot(page, "moderation-queue")
    row.get_by_role("button", name="Approve").click()
    expect(row.locator("[data-role=status]")).to_have_text("Approved")
    assert Comment.objects.get(pk=comment_id).status == Comment.Status.APPROVED
    assert_clean(watch)

    visitor, _ = open_page(width=width)
    visitor.goto(site.url + site.path("review"))
    comment = visitor.locator(f"#comment-{comment_id}")
    expect(comment).to_contain_text(text)
    expect(comment.locator(".comment-awaiting-moderation")).to_have_count(0)


@WIDTHS
def test_an_author_writes_previews_and_publishes_a_review_with_a_poster_and_an_image(
    open_page, site, screenshot, width
):
    director = Person.objects.filter(credits__role=Credit.Role.DIRECTOR).first().name
    page, watch = open_page(width=width)
    sign_in(page, site, "author")
    headline, review_path = journeys.write_and_publish_a_review(
        page, site, screenshot, tag=f"({width})", director=director
    )
    assert_clean(watch)

    reader, reader_watch = open_page(width=width)
    reader.goto(site.url + "/")
    card = reader.locator(".review-card", has_text=headline)
    expect(card).to_be_visible()
    expect(card.locator("img.poster")).to_have_attribute("src", journeys.UPLOADED)
    journeys.follow(reader, card.get_by_role("link", name=headline))
    expect(journeys.heading(reader)).to_have_text(headline)
    expect(reader.locator("main figure figcaption")).to_be_visible()
    assert review_path in journeys.fetch(reader, site, "/feeds/reviews/")
    assert headline in journeys.fetch(reader, site, "/feeds/reviews/")
    assert "/sitemap-reviews.xml" in journeys.fetch(reader, site, "/sitemap.xml")
    assert review_path in journeys.fetch(reader, site, "/sitemap-reviews.xml")
    assert_clean(reader_watch)
