"""Review bodies hide spoiler passages: `[spoiler]` ... `[/spoiler]` on their own lines."""

import re

import pytest

from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

SPOILER_RE = re.compile(
    r'<details class="spoiler"><summary>Spoiler: show</summary>(.*?)</details>', re.S
)


def body_html(client, body):
    review = ReviewFactory(body=body)
    html = client.get(review.get_absolute_url()).content.decode()
    start = html.index('class="review-body"')
    # The body ends where the share links begin (they hold a <details> menu of their own).
    return html[start : html.index('<section class="share"', start)]


def test_a_spoiler_block_hides_its_paragraphs_until_opened(client):
    html = body_html(
        client,
        "Before.\n\n[spoiler]\nShe **leaves** him.\n\nAll of them do.\n[/spoiler]\n\nAfter.",
    )
    hidden = SPOILER_RE.search(html)
    assert hidden is not None
    assert "<p>She <strong>leaves</strong> him.</p>" in hidden.group(1)
    assert "<p>All of them do.</p>" in hidden.group(1)
    assert "<p>Before.</p>" in html and "<p>After.</p>" in html
    assert "Before." not in hidden.group(1) and "After." not in hidden.group(1)
    assert "[spoiler]" not in html and "[/spoiler]" not in html


def test_html_inside_a_spoiler_is_sanitised(client):
    html = body_html(
        client,
        '[spoiler]\n<script>alert(1)</script>\n\n<a href="javascript:x()" onclick="y()">z</a>\n'
        "[/spoiler]",
    )
    hidden = SPOILER_RE.search(html).group(1)
    assert "<script" not in hidden
    assert "javascript:" not in hidden
    assert "onclick" not in hidden


def test_authors_cannot_forge_details_elements_themselves(client):
    html = body_html(client, "<details open><summary>Hi</summary>Text</details>")
    assert "<details" not in html.split("</article>")[0]


def test_a_pullquote_inside_a_spoiler_is_hidden_too(client):
    html = body_html(client, "[spoiler]\n[pullquote]The twist.[/pullquote]\n[/spoiler]")
    assert 'class="pullquote"' in SPOILER_RE.search(html).group(1)


def test_an_unclosed_spoiler_marker_stays_plain_text(client):
    html = body_html(client, "[spoiler]\nNo end marker.")
    assert "<details" not in html.split("</article>")[0]
    assert "No end marker." in html
