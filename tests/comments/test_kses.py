"""Comment HTML WordPress allows readers ($allowedtags in kses.php) shows as markup; anything
else a reader types is still shown as text, and nothing they type can run."""

import re
from html import unescape
from http import HTTPStatus

import pytest
from django.test import override_settings

from comments.models import Comment
from comments.rendering import ALLOWED_TAGS
from tests.comments.commenting import post_comment
from tests.comments.moderation_support import public_page
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def shown_body(review, comment):
    match = re.search(
        rf'<article id="div-comment-{comment.pk}".*?<div class="comment-content">(.*?)</div>',
        public_page(review),
        re.S,
    )
    assert match, f"comment {comment.pk} is not on the page"
    return match.group(1)


def shown(review, body):
    return shown_body(review, CommentFactory(review=review, body=body))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('<a href="https://example.org/x">a site</a>', '<a href="https://example.org/x"'),
        ('<abbr title="Director of photography">DP</abbr>', '<abbr title="Director of'),
        ('<acronym title="As far as I know">AFAIK</acronym>', '<abbr title="As far as I'),
        ("<b>bold</b>", "<b>bold</b>"),
        ('<blockquote cite="https://example.org/q">Quoted.</blockquote>', '<blockquote cite="https://example.org/q"><p>Quoted.</p></blockquote>'),
        ("<cite>Vertigo</cite>", "<cite>Vertigo</cite>"),
        ("<code>24 fps</code>", "<code>24 fps</code>"),
        ('<del datetime="2024-07-03">wrong</del>', '<del datetime="2024-07-03">wrong</del>'),
        ("<em>really</em>", "<em>really</em>"),
        ("<i>Le Mépris</i>", "<i>Le Mépris</i>"),
        ('<q cite="https://example.org/q">a line</q>', '<q cite="https://example.org/q">a'),
        ("<s>old news</s>", "<s>old news</s>"),
        ("<strike>old news</strike>", "<s>old news</s>"),
        ("<strong>loud</strong>", "<strong>loud</strong>"),
        ("<EM>Upper</EM>", "<em>Upper</em>"),
    ],
)  # fmt: skip
def test_each_allowed_tag_is_shown_as_markup(review, typed, expected):
    body = re.sub(r">\s+<", "><", shown(review, f"Before {typed} after."))
    assert expected in body
    assert "&lt;" not in body


def test_every_tag_on_the_allow_list_is_tested_and_named_under_the_form(client, review):
    form = re.search(
        r'<p class="form-allowed-tags[^"]*"[^>]*>(.*?)</p>',
        client.get(review.get_absolute_url()).content.decode(),
        re.S,
    )
    assert form, "the form does not say which tags a reader may use"
    assert "<script" not in form.group(1)
    listed = unescape(form.group(1))
    for tag, attributes in ALLOWED_TAGS.items():
        assert f"<{tag}" + "".join(f' {a}=""' for a in attributes) + ">" in listed, tag


def test_attributes_outside_the_list_are_dropped(review):
    body = shown(
        review,
        '<a href="https://example.org/" onclick="steal()" style="color:red" class="x" '
        'title="A title">link</a> <em onmouseover="steal()">hover</em> '
        '<blockquote style="position:fixed" cite="https://example.org/">q</blockquote>',
    )
    assert "steal" not in body and "style" not in body and 'class="x"' not in body
    assert '<a href="https://example.org/" title="A title" rel="nofollow ugc">link</a>' in body
    assert "<em>hover</em>" in body
    assert '<blockquote cite="https://example.org/">' in body


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "jav&#x61;script:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "mailto:ada@example.net",
        "/relative/path",
        "//example.org/no-scheme",
    ],
)
def test_only_web_links_are_kept(review, href):
    body = shown(review, f'<a href="{href}">click me</a> and <q cite="{href}">quote</q>')
    assert "click me" in body  # the words stay, without a link
    assert "<a " not in body and "href" not in body and "cite=" not in body
    assert "<q>quote</q>" in body


def test_script_and_other_tags_are_shown_as_text(review):
    body = shown(
        review,
        '<script>alert("x")</script> <img src=x onerror=alert(1)> <iframe src="https://x.org">'
        ' <u>under</u> <a href="https://example.org/" <b>broken</b>',
    )
    assert "<script" not in body and "<img" not in body and "<iframe" not in body
    assert "<u>" not in body
    assert "&lt;script&gt;" in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;u&gt;under&lt;/u&gt;" in body
    assert "<b>broken</b>" in body  # the malformed <a …> is text, the tag after it still works


def test_bare_urls_are_still_linked_but_not_twice_inside_a_link(review):
    body = shown(
        review,
        "Plain https://example.org/plain and www.example.com.\n"
        '<a href="https://example.org/typed">https://example.org/typed</a> '
        "<em>inside https://example.org/em</em>",
    )
    assert '<a href="https://example.org/plain" rel="nofollow ugc">' in body
    assert '<a href="http://www.example.com" rel="nofollow ugc">www.example.com</a>' in body
    assert body.count("https://example.org/typed") == 2  # the href and the text, one link
    assert (
        '<a href="https://example.org/typed" rel="nofollow ugc">https://example.org/typed</a>'
        in body
    )
    assert '<em>inside <a href="https://example.org/em" rel="nofollow ugc">' in body


def test_every_link_is_nofollow_ugc(review):
    body = shown(
        review,
        '<a href="https://example.org/1" rel="author">one</a> https://example.org/2 '
        '<a href="http://example.org/3" rel="">three</a>',
    )
    links = re.findall(r"<a [^>]*>", body)
    assert len(links) == 3
    assert all('rel="nofollow ugc"' in link for link in links), links
    assert 'rel="author"' not in body


def test_paragraphs_and_quotes_keep_their_shape(review):
    body = shown(
        review,
        "<blockquote>You said\nthis.\n\nAnd this.</blockquote>\nI disagree.\n\n<strong>Strongly",
    )
    assert re.sub(r"\s+", "", body) == (
        "<blockquote><p>Yousaid<br>this.</p><p>Andthis.</p></blockquote>"
        "<p>Idisagree.</p><p><strong>Strongly</strong></p>"  # unclosed tags are closed
    )


def test_misnested_and_stray_tags_cannot_break_the_page(client, review):
    comment = CommentFactory(review=review, body="</div></li></ol><em>a <strong>b</em> c</a>")
    after = CommentFactory(review=review, body="Next comment.")
    html = public_page(review)
    body = shown_body(review, comment)
    assert "</div>" not in body and "</li>" not in body
    assert body.count("<em>") == body.count("</em>")
    assert body.count("<strong>") == body.count("</strong>")
    assert f'id="comment-{after.pk}"' in html  # the next comment is still in the list


@override_settings(COMMENTS_MODERATION="none")
def test_a_reader_posting_through_the_form_sees_their_emphasis(client, review):
    response = post_comment(
        client, review, comment="I <em>loved</em> it. <script>alert(1)</script>"
    )
    assert response.status_code == HTTPStatus.FOUND
    comment = Comment.objects.get(review=review)
    assert comment.body == "I <em>loved</em> it. <script>alert(1)</script>"  # stored as typed
    body = shown_body(review, comment)
    assert "I <em>loved</em> it." in body and "&lt;script&gt;" in body
