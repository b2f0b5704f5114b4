"""Two app servers, one site: whichever gunicorn answers, a reader and a moderator see the same.

Server A and server B (tests/multiserver/conftest.py) share PostgreSQL, Redis and the media
store, as behind a load balancer. Each test sends one browser to both in turn.
"""

import re
import time
import uuid

import pytest

from comments.spam import MESSAGE_RATE

from .harness import RATE_LIMIT, RATE_WINDOW, csrf_token, poster_urls

AWAITING = "Your comment is awaiting moderation."


def unique_text(what) -> str:
    return f"{what}: two servers, one site ({uuid.uuid4().hex[:10]})."


def unique_email() -> str:
    return f"reader-{uuid.uuid4().hex[:10]}@example.net"


def test_a_sign_in_on_one_server_is_a_sign_in_on_the_other(site):
    staff = site.browser()
    assert staff.get(site.b + "/admin/").status == 302  # to the sign-in page

    site.sign_in(staff, site.a)

    on_b = staff.get(site.b + "/admin/")
    assert on_b.status == 200, site.explain(on_b)
    assert "Site administration" in on_b.text
    # Signing out on B ends the session on A too: it lives in the shared database.
    logout = staff.post(site.b + "/admin/logout/", {"csrfmiddlewaretoken": csrf_token(on_b.text)})
    assert logout.status == 200, site.explain(logout)
    assert staff.get(site.a + "/admin/").status == 302


def wait_clear_of_a_window_edge(margin=15):
    """The limit counts posts in fixed windows: start well inside one, so all land in it."""
    into = time.time() % RATE_WINDOW
    if into > RATE_WINDOW - margin:
        time.sleep(RATE_WINDOW - into + 0.5)


@pytest.mark.parametrize("order", ["ABAB", "BABA"])
def test_the_comment_rate_limit_counts_posts_on_both_servers(site, order):
    reader = site.browser()
    servers = {"A": site.a, "B": site.b}
    wait_clear_of_a_window_edge()

    answers = [
        site.post_comment(reader, servers[letter], unique_text(f"Post {n}"), email=unique_email())
        for n, letter in enumerate(order[: RATE_LIMIT + 1])
    ]

    accepted, refused = answers[:RATE_LIMIT], answers[RATE_LIMIT]
    assert [answer.status for answer in accepted] == [302] * RATE_LIMIT, [
        site.explain(answer) for answer in accepted if answer.status != 302
    ]
    assert refused.status == 400, site.explain(refused)
    assert MESSAGE_RATE in refused.text


def test_a_held_comment_shows_to_its_writer_on_either_server_and_to_nobody_else(site):
    writer, stranger = site.browser(), site.browser()
    text = unique_text("Held for moderation")

    posted = site.post_comment(writer, site.a, text, email=unique_email())

    assert posted.status == 302, site.explain(posted)
    for server in (site.b, site.a):
        page = writer.get(server + posted.location)
        assert page.status == 200, site.explain(page)
        assert text in page.text
        assert AWAITING in page.text
    for server in (site.a, site.b):
        page = stranger.get(server + site.review_path)
        assert page.status == 200, site.explain(page)
        assert text not in page.text


def test_poster_renditions_made_on_one_server_load_from_the_other(site):
    reader, staff = site.browser(), site.browser()
    # A reader's first view makes the poster's renditions, unless an earlier view on A did.
    on_a = reader.get(site.a + site.review_path)
    # A signed-in page is never from the page cache: B renders it, and finds the renditions
    # made (the shared cache says so) and where A put them.
    site.sign_in(staff, site.b)
    on_b = staff.get(site.b + site.review_path)
    assert on_b.status == 200, site.explain(on_b)
    assert not on_b.header("X-Cache")

    urls = poster_urls(on_a.text, site.a)
    assert urls, "the review page shows its film's poster"
    assert poster_urls(on_b.text, site.b) == urls
    for url in urls:
        image = reader.get(url)
        assert image.status == 200, site.explain(image)
        assert image.header("Content-Type").startswith("image/"), image.header("Content-Type")
        assert site.media.has(url), f"{url} is not in the shared bucket"


def test_a_comment_approved_on_one_server_shows_at_once_on_both(site):
    writer, stranger, moderator = site.browser(), site.browser(), site.browser()
    text = unique_text("Approved on server B")
    posted = site.post_comment(writer, site.a, text, email=unique_email())
    assert posted.status == 302, site.explain(posted)
    comment_id = int(re.search(r"#comment-(\d+)$", posted.header("Location")).group(1))

    # The anonymous page is rendered once after the post, by A, then served from the page
    # cache the two share.
    before = [
        stranger.get(server + site.review_path) for server in (site.a, site.a, site.b, site.b)
    ]
    assert [page.header("X-Cache") for page in before] == ["MISS", "HIT", "HIT", "HIT"], [
        site.explain(page) for page in before
    ]
    assert not any(text in page.text for page in before)
    assert stranger.cookie_names() <= {"csrftoken"}  # still a stranger, cacheable

    site.sign_in(moderator, site.b)
    queue = moderator.get(site.b + "/moderation/")
    assert queue.status == 200, site.explain(queue)
    approved = moderator.post(
        site.b + "/moderation/act/",
        {"action": "approve", "comment": comment_id, "csrfmiddlewaretoken": csrf_token(queue.text)},
    )
    assert approved.status == 302, site.explain(approved)

    for server in (site.a, site.b):
        page = stranger.get(server + site.review_path)
        assert page.status == 200, site.explain(page)
        assert text in page.text, f"{server} still served the page from before the approval"
