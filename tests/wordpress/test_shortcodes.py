"""WordPress post bodies on import: [caption], [gallery], [embed] and video links become the
site's own markup, other shortcodes stay as text and are reported; comments keep the HTML
WordPress allowed them."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from comments.models import Comment
from reviews.models import Review
from wordpress.shortcodes import Attachment, Image, convert_post_body

CAPTION = (
    '[caption id="attachment_41" align="aligncenter" width="640"]'
    '<a href="https://oldblog.example.com/wp-content/uploads/2020/01/still.jpg">'
    '<img class="size-large wp-image-41" src="https://oldblog.example.com/wp-content/uploads/'
    '2020/01/still.jpg" alt="Two figures on a pier" width="640" height="360" /></a>'
    " The pier at dusk, <em>before</em> the storm[/caption]"
)


def test_a_caption_becomes_the_sites_figure_when_the_image_is_imported():
    seen = []

    def image_for(image):
        seen.append(image)
        return 2

    body, notes = convert_post_body(f"Before.\n\n{CAPTION}\n\nAfter.", image_for=image_for)
    assert re.search(r"^\[image 2\]$", body, re.M)  # reviews.markdown's figure line
    assert "[caption" not in body and "<img" not in body
    assert seen == [
        Image(
            src="https://oldblog.example.com/wp-content/uploads/2020/01/still.jpg",
            alt="Two figures on a pier",
            caption="The pier at dusk, before the storm",
            attachment_id="41",
        )
    ]
    assert notes == []


def test_a_caption_whose_image_is_not_imported_keeps_a_link_and_the_caption():
    body, notes = convert_post_body(CAPTION)
    assert "[caption" not in body
    assert (
        '<a href="https://oldblog.example.com/wp-content/uploads/2020/01/still.jpg">'
        "Two figures on a pier</a>" in body
    )
    assert "The pier at dusk, <em>before</em> the storm" in body
    assert len(notes) == 1 and "still.jpg kept as a link" in notes[0]


def test_the_old_caption_attribute_form_is_read():
    body, _ = convert_post_body(
        '[caption id="" align="alignleft" width="200" caption="An old caption"]'
        '<img src="https://oldblog.example.com/a.png" alt="" />[/caption]'
    )
    assert '<a href="https://oldblog.example.com/a.png">a.png</a>' in body
    assert "An old caption" in body


def test_a_gallery_becomes_figures_or_links_and_missing_attachments_are_reported():
    attachments = {
        "7": Attachment(url="https://oldblog.example.com/u/7.jpg", alt="Poster", caption="1958"),
        "8": Attachment(url="https://oldblog.example.com/u/8.jpg"),
    }
    body, notes = convert_post_body(
        '[gallery ids="7,8" columns="2"]', attachments=attachments, image_for=lambda i: None
    )
    assert "[gallery" not in body
    assert body.count("<p><a href=") == 2

    orders = iter([3, 4])
    body, notes = convert_post_body(
        '[gallery ids="7, 8,99"]', attachments=attachments, image_for=lambda i: next(orders)
    )
    assert re.findall(r"^\[image (\d)\]$", body, re.M) == ["3", "4"]
    assert any("99 not in the export" in note for note in notes)

    body, notes = convert_post_body('[gallery ids="7,8"]', attachments=attachments)
    assert '<li><a href="https://oldblog.example.com/u/7.jpg">Poster</a> — 1958</li>' in body
    assert '<li><a href="https://oldblog.example.com/u/8.jpg">8.jpg</a></li>' in body


def test_a_gallery_without_ids_shows_the_posts_own_attachments():
    attachments = {
        "12": Attachment(url="https://oldblog.example.com/u/12.jpg", parent_id="5"),
        "11": Attachment(url="https://oldblog.example.com/u/11.jpg", parent_id="5"),
        "13": Attachment(url="https://oldblog.example.com/u/13.jpg", parent_id="6"),
    }
    body, _ = convert_post_body("[gallery]", attachments=attachments, post_id="5")
    assert re.findall(r"u/(\d+)\.jpg", body) == ["11", "12"]


def test_a_gallery_nothing_can_be_found_for_is_hidden_from_readers_and_reported():
    body, notes = convert_post_body('Text.\n\n[gallery ids="1,2"]')
    assert body.startswith("Text.")
    assert '<!-- [gallery ids="1,2"] -->' in body  # kept for an editor, not shown
    assert notes and "1, 2 not in the export" in notes[0]
    again, _ = convert_post_body(body)
    assert again == body  # a second import leaves the kept shortcode alone


@pytest.mark.parametrize(
    ("typed", "url", "label"),
    [
        (
            "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "Watch on YouTube: youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            '[embed width="640"]https://vimeo.com/76979871[/embed]',
            "https://vimeo.com/76979871",
            "Watch on Vimeo: vimeo.com/76979871",
        ),
        (
            "[embed]https://filmsociety.example.org/season/[/embed]",
            "https://filmsociety.example.org/season/",
            "filmsociety.example.org/season",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ", "Watch on YouTube"),
        ("<p>https://vimeo.com/76979871</p>", "https://vimeo.com/76979871", "Watch on Vimeo"),
    ],
)
def test_embeds_and_video_links_alone_on_a_line_become_a_link_card(typed, url, label):
    body, notes = convert_post_body(f"Watch this:\n\n{typed}\n\nGood, no?")
    assert re.search(rf'^<p><a href="{re.escape(url)}">{re.escape(label)}', body, re.M)
    assert "[embed" not in body and "<iframe" not in body
    assert notes == []


def test_a_video_link_inside_a_sentence_is_left_as_written():
    text = "I watched https://www.youtube.com/watch?v=abc twice."
    assert convert_post_body(text) == (text, [])


def test_other_shortcodes_stay_as_text_and_are_reported():
    text = (
        'Write to me: [contact-form-7 id="12" title="Contact"]\n\n'
        '[audio src="https://oldblog.example.com/theme.mp3"][/audio]\n\n'
        "A [link](https://example.org/) and [[caption]] stay as they are.\n\n"
        "[spoiler]\nThe twist.\n[/spoiler]\n\n[pullquote]Site syntax.[/pullquote]"
    )
    body, notes = convert_post_body(text)
    assert '[contact-form-7 id="12" title="Contact"]' in body
    assert '[audio src="https://oldblog.example.com/theme.mp3"][/audio]' in body
    assert "[link](https://example.org/)" in body
    assert "[caption] stay" in body  # WordPress's [[escaped]] form, shown as WordPress would
    assert "[spoiler]\nThe twist.\n[/spoiler]" in body
    assert len(notes) == 2, notes
    assert "contact-form-7" in notes[0] and "[audio" in notes[1]


# --- Through the importer -----------------------------------------------------------------

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Pier Films</title>
  <link>https://pier.example.net</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://pier.example.net</wp:base_site_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>juno</wp:author_login>
    <wp:author_display_name>Juno Reyes</wp:author_display_name></wp:author>
  <item>
    <title>The Pier at Dusk (1961)</title>
    <link>https://pier.example.net/the-pier-at-dusk/</link>
    <dc:creator>juno</dc:creator>
    <content:encoded><![CDATA[<p>A film about waiting.</p>

CAPTION_HERE

https://www.youtube.com/watch?v=pier1961

<p>Tickets: [ticket-widget id="4"]</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>77</wp:post_id>
    <wp:post_date>2021-03-04 10:00:00</wp:post_date>
    <wp:post_date_gmt>2021-03-04 10:00:00</wp:post_date_gmt>
    <wp:comment_status>open</wp:comment_status>
    <wp:post_name>the-pier-at-dusk</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    <wp:comment>
      <wp:comment_id>5</wp:comment_id>
      <wp:comment_author>Ivo</wp:comment_author>
      <wp:comment_author_email>ivo@example.net</wp:comment_author_email>
      <wp:comment_date_gmt>2021-03-05 08:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[<blockquote>A film about waiting.</blockquote>
I <em>loved</em> the ending, see <a href="https://ivo.example.net/pier" onclick="x()">my notes</a>.
<a href="javascript:alert(1)">trap</a> <script>alert(2)</script>]]></wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved>
      <wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
  </item>
</channel>
</rss>
"""


@pytest.mark.django_db
def test_an_imported_post_and_its_comment_show_their_markup(client, tmp_path):
    export = tmp_path / "pier.xml"
    export.write_text(WXR.replace("CAPTION_HERE", CAPTION), encoding="utf-8")
    out = StringIO()
    call_command("import_wxr", str(export), stdout=out, stderr=StringIO())
    report = out.getvalue()
    assert '[ticket-widget id="4"] kept as text' in report
    assert "still.jpg kept as a link" in report

    review = Review.objects.get()
    html = client.get(review.get_absolute_url()).content.decode()
    assert "[caption" not in html and "[/caption]" not in html
    assert "The pier at dusk, <em>before</em> the storm" in html
    assert 'href="https://oldblog.example.com/wp-content/uploads/2020/01/still.jpg"' in html
    assert 'href="https://www.youtube.com/watch?v=pier1961"' in html
    assert "<iframe" not in html
    assert '[ticket-widget id="4"]' in html

    comment = Comment.objects.get()
    body = re.search(
        rf'<article id="div-comment-{comment.pk}".*?<div class="comment-content">(.*?)</div>',
        html,
        re.S,
    ).group(1)
    assert "<blockquote>" in body and "I <em>loved</em> the ending" in body
    assert '<a href="https://ivo.example.net/pier" rel="nofollow ugc">my notes</a>' in body
    assert "javascript:" not in body and "onclick" not in body and "trap" in body
    assert "&lt;script&gt;" in body
