"""The journeys of the site's people, driven in a real browser; shared by test_journeys (with
JavaScript) and test_no_javascript (without). Each step asserts what the person would see."""

import re
from io import BytesIO

from playwright.sync_api import expect

AWAITING = "Your comment is awaiting moderation."
UPLOADED = re.compile(r"^/media/")  # an upload's rendition, not the static placeholder


def assert_accessible(page):
    """No serious or critical axe-core violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    blocking = [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:160]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(blocking)


def follow(page, link):
    """Clicks a link and waits for the page it leads to."""
    with page.expect_navigation():
        link.click()


def heading(page):
    return page.locator("main h1")


def read_the_site(page, site, screenshot):
    """A reader goes home → a review → its film → the director → search → back to a review."""
    page.goto(site.url + "/")
    expect(page.locator(".review-card").first).to_be_visible()
    screenshot(page, "home")

    card = page.locator(".review-card-title a").first
    headline = card.text_content().strip()
    follow(page, card)
    expect(heading(page)).to_have_text(headline)
    expect(page.locator("#comments")).to_be_visible()
    screenshot(page, "review")

    film_link = page.locator("main .kicker a").first
    film_title = film_link.text_content().strip()
    follow(page, film_link)
    expect(heading(page)).to_contain_text(film_title)
    expect(page.locator("main img.poster").first).to_be_visible()
    screenshot(page, "film")

    director = page.locator("main dt", has_text="Directed by").locator("+ dd a").first
    name = director.text_content().strip()
    follow(page, director)
    expect(heading(page)).to_contain_text(name)
    expect(page.locator("main").get_by_role("link", name=film_title).first).to_be_visible()
    screenshot(page, "person")

    search = page.get_by_role("searchbox", name="Search reviews and films")
    search.fill(film_title)
    with page.expect_navigation():
        search.press("Enter")
    assert "/search/?q=" in page.url
    results = page.locator("main a[href^='/reviews/']")
    expect(results.first).to_be_visible()
    screenshot(page, "search")

    follow(page, results.first)
    assert re.search(r"/reviews/[\w-]+/$", page.url), page.url
    expect(heading(page)).to_be_visible()
    expect(page.locator("#comments")).to_be_visible()


def fill_comment(page, *, text, name, email):
    form = page.locator("#commentform")
    form.locator("textarea[name=comment]").fill(text)
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)


def post(page):
    """Posts the comment form; returns the id of the comment it lands on (#comment-<id>)."""
    with page.expect_navigation():
        page.locator("#commentform").get_by_role("button", name="Post Comment").click()
    match = re.search(r"#comment-(\d+)$", page.url)
    assert match, f"posting did not land on the comment: {page.url}"
    return int(match.group(1))


def post_a_comment(page, site, *, text, name="Ada Reader", email="ada@example.net"):
    """A reader posts a top-level comment on the demo review; returns its id."""
    page.goto(site.url + site.path("review"))
    fill_comment(page, text=text, name=name, email=email)
    return post(page)


def comment_and_reply(page, site, screenshot, *, tag, javascript):
    """A reader makes a mistake, fixes it, comments, replies; sees both held for moderation.
    Returns (comment id, reply id)."""
    review_url = site.url + site.path("review")
    page.goto(review_url)
    text = f"The last scene in the empty flat is the best thing in the film ({tag})."

    # The name is forgotten: the form comes back with the error beside the field, text kept.
    fill_comment(page, text=text, name="", email="ada@example.net")
    with page.expect_navigation():
        page.locator("#commentform").get_by_role("button", name="Post Comment").click()
    name_field = page.locator("#commentform input[name=name]")
    expect(name_field).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + name_field.get_attribute("aria-describedby").split()[0])
    expect(error).to_be_visible()
    expect(page.locator("#commentform textarea[name=comment]")).to_have_value(text)
    expect(page.locator("#commentform input[name=email]")).to_have_value("ada@example.net")
    screenshot(page, "comment-form-errors")

    name_field.fill("Ada Reader")
    comment_id = post(page)
    comment = page.locator(f"#comment-{comment_id}")
    expect(comment).to_contain_text(text)
    expect(comment.locator(".comment-awaiting-moderation")).to_have_text(AWAITING)
    if javascript:  # axe-core is itself a script: it cannot run where scripts are off
        assert_accessible(page)
    screenshot(page, "comment-awaiting-moderation")

    # A reply to someone else's approved comment.
    reply_link = page.locator(
        "li.comment:not(.comment-pending) > article .comment-reply-link"
    ).first
    parent_id = int(reply_link.get_attribute("data-comment-id"))
    parent_name = reply_link.get_attribute("data-reply-to")
    if javascript:
        reply_link.click()  # the form moves under the comment, no page load
        expect(page.locator(f"#comment-{parent_id} #respond")).to_be_visible()
    else:
        follow(page, reply_link)  # ?replytocom=<id>: the server renders the form for it
        assert f"replytocom={parent_id}" in page.url
    expect(page.locator("#reply-title")).to_have_text(f"Reply to {parent_name}")
    expect(page.locator("#commentform input[name=parent]")).to_have_value(str(parent_id))
    expect(page.locator("#cancel-comment-reply-link")).to_be_visible()
    screenshot(page, "reply-form")
    reply_text = f"Agreed, and the score carries it ({tag})."
    fill_comment(page, text=reply_text, name="Ada Reader", email="ada@example.net")
    reply_id = post(page)
    reply = page.locator(f"#comment-{parent_id} ol.children > #comment-{reply_id}")
    expect(reply).to_contain_text(reply_text)
    expect(reply.locator(".comment-awaiting-moderation")).to_have_text(AWAITING)
    return comment_id, reply_id


def assert_hidden_from_others(page, site, comment_ids):
    """A visitor with no cookies (a fresh context) sees none of these held comments."""
    page.goto(site.url + site.path("review"))
    expect(page.locator("#comments")).to_be_visible()
    for comment_id in comment_ids:
        expect(page.locator(f"#comment-{comment_id}")).to_have_count(0)
    assert AWAITING not in page.content()


def png(color, size=(400, 600)):
    """A small PNG made with Pillow, as an upload: a dusk-like gradient from `color`."""
    from PIL import Image, ImageOps

    gradient = Image.linear_gradient("L").resize(size)
    image = ImageOps.colorize(gradient, black="#f3d9a4", white=color)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def choose_in_autocomplete(page, field_id, text):
    """Picks `text` in one of the admin's select2 autocomplete boxes, as a person would."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def write_and_publish_a_review(page, site, screenshot, *, tag, director):
    """An author adds a film with a poster and its director, writes a review with a captioned
    image, saves a draft, previews it, publishes it. Returns (headline, review path)."""
    film_title = f"The Night Orchard {tag}"
    page.goto(site.url + "/admin/films/film/add/")
    page.fill("#id_title", film_title)
    page.fill("#id_year", "2024")
    page.set_input_files(
        "#id_poster", {"name": "orchard.png", "mimeType": "image/png", "buffer": png("#35524a")}
    )
    choose_in_autocomplete(page, "id_credits-0-person", director)
    page.select_option("#id_credits-0-role", "director")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(film_title)

    headline = f"{film_title} — a harvest of quiet dread"
    page.goto(site.url + "/admin/reviews/review/add/")
    choose_in_autocomplete(page, "id_film", film_title)
    page.locator("#id_headline").press_sequentially(headline)  # typed: the slug follows
    expect(page.locator("#id_slug")).not_to_have_value("")  # filled in from the headline
    page.fill("#id_standfirst", "An orchard, a drought and a family that will not leave.")
    page.fill(
        "#id_body",
        "The orchard is the film's real subject.\n\n"
        "[pullquote]Every tree is a held breath.[/pullquote]\n\n"
        "[image 1]\n\n"
        "The last reel earns its silence.",
    )
    page.select_option("#id_rating", "8.0")
    page.select_option("#id_status", "draft")
    page.set_input_files(
        "#id_images-0-image",
        {"name": "still.png", "mimeType": "image/png", "buffer": png("#8a5a2b", (800, 450))},
    )
    page.fill("#id_images-0-alt_text", "A farmhouse under a sky the colour of rust")
    page.fill("#id_images-0-caption", "The farmhouse at dusk, the film's only refuge.")
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    change_url = page.url
    screenshot(page, "admin-review")

    # The draft, previewed on the site itself (staff only).
    follow(page, page.get_by_role("link", name="View on site"))
    review_path = re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]
    expect(heading(page)).to_have_text(headline)
    figure = page.locator("main figure", has=page.locator("figcaption"))
    expect(figure.locator("figcaption")).to_have_text(
        "The farmhouse at dusk, the film's only refuge."
    )
    expect(figure.locator("img")).to_have_attribute(
        "alt", "A farmhouse under a sky the colour of rust"
    )
    expect(page.locator("main")).to_contain_text("Every tree is a held breath.")
    assert_accessible(page)
    screenshot(page, "review-draft-preview")
    assert headline not in fetch(page, site, "/feeds/reviews/")  # a draft stays private

    # Published.
    page.goto(change_url)
    page.select_option("#id_status", "published")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    return headline, review_path


def fetch(page, site, path):
    """The body of a URL fetched with the page's cookies (feeds and sitemaps are XML)."""
    response = page.request.get(site.url + path)
    assert response.ok, (path, response.status)
    return response.text()
