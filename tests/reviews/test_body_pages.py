"""The review body as readers see it: Markdown, sanitised, with pull quotes and figures."""

import pytest

from tests import factories
from tests.reviews.reading_data import add_image

pytestmark = pytest.mark.django_db


def body_html(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    start = html.index('<div class="review-body">')
    return html[start : html.index('<section class="author-box"', start)]


def test_markdown_paragraphs_emphasis_links_and_lists_are_rendered(client):
    review = factories.ReviewFactory(
        body="First *paragraph* with a [link](https://example.org/).\n\n- one\n- two"
    )
    html = body_html(client, review)
    assert "<p>First <em>paragraph</em> with a " in html
    assert '<a href="https://example.org/" rel="noopener">link</a>' in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html


def test_hostile_markup_in_a_body_is_neutralised(client):
    review = factories.ReviewFactory(
        body=(
            "<script>alert('x')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n'
            '<a href="javascript:alert(1)">click</a> '
            '<p style="color:red" onclick="alert(1)">styled</p>\n\n'
            "<iframe src='https://evil.example/'></iframe>"
        )
    )
    html = body_html(client, review)
    for bad in ("<script", "onerror", "javascript:", "onclick", "style=", "<iframe", "<img"):
        assert bad not in html
    assert "styled" in html


def test_an_authors_top_level_heading_does_not_compete_with_the_headline(client):
    review = factories.ReviewFactory(body="# The verdict\n\nIt works.")
    page = client.get(review.get_absolute_url()).content.decode()
    assert page.count("<h1") == 1
    assert "<h2>The verdict</h2>" in body_html(client, review)


def test_pullquote_line_becomes_a_pull_quote_and_stays_sanitised(client):
    review = factories.ReviewFactory(
        body=(
            "Before.\n\n"
            "[pullquote]A *voice* can be <script>alert(1)</script>enough.[/pullquote]\n\n"
            "After."
        )
    )
    html = body_html(client, review)
    assert (
        '<blockquote class="pullquote"><p>A <em>voice</em> can be enough.</p></blockquote>' in html
    )
    assert "[pullquote]" not in html


def test_image_line_places_the_numbered_image_as_a_captioned_figure(client):
    review = factories.ReviewFactory(body="Intro.\n\n[image 2]\n\nMiddle.\n\n[image 1]")
    first = add_image(review, order=1, caption="First still.", alt="A beach")
    second = add_image(review, order=2, caption="<b>Second</b> still.", alt='Two "people"')

    html = body_html(client, review)

    assert html.index(second.image_480_jpeg.url) < html.index(first.image_480_jpeg.url)
    # A still narrower than every rendition is offered once, at its own size, never enlarged.
    assert (
        f'<img src="{second.image_480_jpeg.url}" srcset="{second.image_480_jpeg.url} 320w"' in html
    )
    assert f'<source type="image/webp" srcset="{second.image_480_webp.url} 320w"' in html
    assert 'width="320" height="180" alt="Two &quot;people&quot;" loading="lazy"' in html
    assert "<figcaption>&lt;b&gt;Second&lt;/b&gt; still.</figcaption>" in html
    assert '<figure class="review-figure">' in html
    assert "[image" not in html


def test_an_image_line_with_no_such_image_or_a_missing_file_is_left_out(client):
    review = factories.ReviewFactory(body="Intro.\n\n[image 7]\n\n[image 1]\n\nEnd.")
    image = add_image(review, order=1)
    image.image.storage.delete(image.image.name)

    response = client.get(review.get_absolute_url())

    assert response.status_code == 200
    html = body_html(client, review)
    assert "<figure" not in html
    assert "[image" not in html
    assert "<p>End.</p>" in html
