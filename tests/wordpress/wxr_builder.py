"""Small WordPress exports written in the tests: a channel, posts and attachments, as text.

Every title and sentence here is made up for the tests."""

import io
from pathlib import Path

from PIL import Image

SITE = "https://reels.example.org"
UPLOADS = f"{SITE}/wp-content/uploads"

HEAD = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Reels and Notes</title>
  <link>{SITE}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>nell</wp:author_login>
    <wp:author_email>nell@reels.example.org</wp:author_email>
    <wp:author_display_name>Nell Orme</wp:author_display_name></wp:author>
"""


def cdata(text):
    return f"<![CDATA[{text}]]>"


def meta(key, value):
    return (
        f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
    )


def post(post_id, title, body, *, slug=None, categories=(), extra=""):
    """A published post; `categories`: (domain, nicename, name) triples."""
    terms = "".join(
        f'<category domain="{domain}" nicename="{nicename}">{cdata(name)}</category>'
        for domain, nicename, name in categories
    )
    slug = slug or title.lower().replace(" ", "-")
    return f"""
  <item>
    <title>{cdata(title)}</title>
    <link>{SITE}/{slug}/</link>
    <dc:creator>nell</dc:creator>
    <content:encoded>{cdata(body)}</content:encoded>
    <excerpt:encoded></excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date>2020-04-02 10:00:00</wp:post_date>
    <wp:post_date_gmt>2020-04-02 09:00:00</wp:post_date_gmt>
    <wp:comment_status>open</wp:comment_status>
    <wp:post_name>{slug}</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    {terms}{extra}
  </item>"""


def attachment(att_id, path, *, parent=0, alt="", caption="", title="", menu_order=0):
    return f"""
  <item>
    <title>{cdata(title or Path(path).stem)}</title>
    <excerpt:encoded>{cdata(caption)}</excerpt:encoded>
    <wp:post_id>{att_id}</wp:post_id>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:menu_order>{menu_order}</wp:menu_order>
    <wp:status>inherit</wp:status>
    <wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>{UPLOADS}/{path}</wp:attachment_url>
    {meta("_wp_attached_file", path)}{meta("_wp_attachment_image_alt", alt) if alt else ""}
  </item>"""


def wxr(*items, channel=""):
    return HEAD + channel + "".join(items) + "\n</channel>\n</rss>\n"


def write(tmp_path, *items, channel="", name="export.xml"):
    path = tmp_path / name
    path.write_text(wxr(*items, channel=channel), encoding="utf-8")
    return path


def png(width=64, height=36, colour=(30, 90, 150)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def add_file(uploads, path, data=None):
    file = uploads / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(png() if data is None else data)
    return file
