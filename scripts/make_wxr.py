"""Writes a WordPress export (WXR 1.2) of a made-up film blog of about SIZE_MB megabytes, to
show that `manage.py import_wxr` reads large files in constant memory.

    python scripts/make_wxr.py 200 /tmp/blog-200.xml
    python scripts/make_wxr.py 5 /tmp/blog.xml --uploads /tmp/uploads   # with image files

The text is generated from word lists (no real review's words): posts with a film category,
categories and tags, a "Rating: N/10" in some, a [caption] image and a featured image in some,
attachments, and threaded comments (replies up to four deep, some pending or spam, pingbacks).
With --uploads, each attachment's file (a small PNG) is written under that folder, as a copy of
wp-content/uploads would hold it; one in fifty is left out, to show missing files reported.
The file is written as it is generated; the same arguments give the same file.
"""

import argparse
import random
import struct
import sys
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

SITE = "https://bigblog.example.org"


def _words(text):
    return tuple(text.split())


ADJECTIVES = _words(
    "quiet luminous restless patient brittle generous tangled unhurried stubborn tender "
    "wry sprawling spare feverish gentle muted vivid careful reckless lucid"
)
NOUNS = _words(
    "harbour lantern archive orchard signal corridor meadow ferry letter winter mirror "
    "station garden lighthouse carnival staircase river telegram attic comet"
)
WORDS = _words(
    "the camera frame score editing pacing performance dialogue light colour sound "
    "silence story scene ending opening cast director screenplay shot rhythm mood "
    "character memory city night morning room window crowd voice"
)
CATEGORIES = ["Reviews", "Festivals", "Retrospectives", "Uncategorized", "Drama", "Comedy"]
TAGS = [f"{a}-{n}" for a in ADJECTIVES[:10] for n in NOUNS[:6]]
COMMENTERS = ["Ada", "Bram", "Cleo", "Dev", "Esme", "Faro", "Gus", "Hana", "Ivo", "Juno"]


def sentence(rng, words=12):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng, sentences=6):
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(sentences))


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def tiny_png(seed):
    """A valid 4×4 PNG in a colour of its own."""
    r, g, b = (seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256
    raw = b"".join(b"\x00" + bytes([r, g, b]) * 4 for _ in range(4))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def channel_head():
    terms = []
    for n, name in enumerate(CATEGORIES, 1):
        nicename = name.lower()
        terms.append(
            f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{nicename}"
            f"</wp:category_nicename><wp:category_parent></wp:category_parent>"
            f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>"
        )
    for n, slug in enumerate(TAGS, 100):
        terms.append(
            f"<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(slug.replace('-', ' '))}</wp:tag_name></wp:tag>"
        )
    authors = "".join(
        f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{cdata(login)}"
        f"</wp:author_login><wp:author_email>{cdata(login + '@bigblog.example.org')}"
        f"</wp:author_email><wp:author_display_name>{cdata(name)}</wp:author_display_name>"
        f"<wp:author_first_name>{cdata(name.split()[0])}</wp:author_first_name>"
        f"<wp:author_last_name>{cdata(name.split()[1])}</wp:author_last_name></wp:author>\n"
        for n, (login, name) in enumerate([("wren", "Wren Holloway"), ("oskar", "Oskar Vell")], 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>The Big Generated Film Blog</title>
	<link>{SITE}</link>
	<description>Generated to test large imports</description>
	<language>en-GB</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{SITE}</wp:base_site_url>
	<wp:base_blog_url>{SITE}</wp:base_blog_url>
{authors}{chr(10).join(terms)}
"""


def attachment(att_id, parent_id, path, rng):
    alt = f"A {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} in a still"
    return f"""	<item>
		<title>{cdata(Path(path).stem)}</title>
		<link>{SITE}/?attachment_id={att_id}</link>
		<dc:creator>{cdata("wren")}</dc:creator>
		<guid isPermaLink="false">{SITE}/wp-content/uploads/{path}</guid>
		<content:encoded>{cdata("")}</content:encoded>
		<excerpt:encoded>{cdata(sentence(rng, 7))}</excerpt:encoded>
		<wp:post_id>{att_id}</wp:post_id>
		<wp:post_date>{cdata("2015-01-01 10:00:00")}</wp:post_date>
		<wp:post_date_gmt>{cdata("2015-01-01 10:00:00")}</wp:post_date_gmt>
		<wp:post_name>{cdata(Path(path).stem)}</wp:post_name>
		<wp:status>{cdata("inherit")}</wp:status>
		<wp:post_parent>{parent_id}</wp:post_parent>
		<wp:post_type>{cdata("attachment")}</wp:post_type>
		<wp:attachment_url>{cdata(f"{SITE}/wp-content/uploads/{path}")}</wp:attachment_url>
		<wp:postmeta><wp:meta_key>{cdata("_wp_attached_file")}</wp:meta_key><wp:meta_value>{cdata(path)}</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>{cdata("_wp_attachment_image_alt")}</wp:meta_key><wp:meta_value>{cdata(alt)}</wp:meta_value></wp:postmeta>
	</item>
"""


def comments(post_id, first_id, rng):
    """Threaded comments: each reply's parent is an earlier comment of the post."""
    out, ids = [], []
    depth = {}
    for n in range(rng.randint(2, 12)):
        comment_id = first_id + n
        parent = 0
        if ids and rng.random() < 0.5:
            parent = rng.choice(ids)
            if depth[parent] >= 4:
                parent = 0
        depth[comment_id] = depth.get(parent, -1) + 1 if parent else 0
        ids.append(comment_id)
        name = rng.choice(COMMENTERS)
        kind = "pingback" if rng.random() < 0.02 else "comment"
        approved = rng.choices(["1", "0", "spam"], weights=[90, 7, 3])[0]
        date = f"2016-02-{1 + n % 27:02d} 12:{n % 60:02d}:00"
        email = name.lower() + "@readers.example.net"
        out.append(f"""		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author>{cdata(name)}</wp:comment_author>
			<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>
			<wp:comment_author_url>https://{name.lower()}.example.net/</wp:comment_author_url>
			<wp:comment_author_IP>{cdata(f"192.0.2.{n % 250 + 1}")}</wp:comment_author_IP>
			<wp:comment_date>{cdata(date)}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(date)}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(paragraph(rng, rng.randint(1, 4)))}</wp:comment_content>
			<wp:comment_approved>{cdata(approved)}</wp:comment_approved>
			<wp:comment_type>{cdata(kind)}</wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
""")
    return "".join(out), first_id + len(ids)


def post(post_id, att_id, comment_id, rng):
    """(the post, then its attachment: WordPress lists items by id, uploads come after)."""
    film = f"The {rng.choice(ADJECTIVES).title()} {rng.choice(NOUNS).title()}"
    year = rng.randint(1950, 2023)
    title = f"{film} ({year})"
    items, body = [], []
    path = ""
    if rng.random() < 0.4:  # an image with a caption, uploaded to this post
        path = f"{2010 + post_id % 10}/{1 + post_id % 12:02d}/still-{att_id}.png"
        items.append(attachment(att_id, post_id, path, rng))
        caption = sentence(rng, 6)
        body.append(
            f'[caption id="attachment_{att_id}" align="aligncenter" width="640"]'
            f'<img class="size-large wp-image-{att_id}" src="{SITE}/wp-content/uploads/'
            f'{path.replace(".png", "-640x360.png")}" alt="{escape(caption[:-1])}" '
            f'width="640" height="360" /> {caption}[/caption]'
        )
        att_id += 1
    for _ in range(rng.randint(6, 12)):
        body.append(f"<p>{paragraph(rng, rng.randint(4, 9))}</p>")
    if rng.random() < 0.6:
        body.append(f"<p>Rating: {rng.randint(2, 10)}/10</p>")
    thread, comment_id = comments(post_id, comment_id, rng)
    category = rng.choice(CATEGORIES)
    tags = rng.sample(TAGS, rng.randint(0, 4))
    terms = [
        f'<category domain="category" nicename="{category.lower()}">{cdata(category)}</category>'
    ]
    terms += [
        f'<category domain="post_tag" nicename="{tag}">{cdata(tag.replace("-", " "))}</category>'
        for tag in tags
    ]
    terms.append(f'<category domain="film" nicename="film-{post_id}">{cdata(title)}</category>')
    meta = ""
    if path:
        meta = (
            f"<wp:postmeta><wp:meta_key>{cdata('_thumbnail_id')}</wp:meta_key>"
            f"<wp:meta_value>{cdata(str(att_id - 1))}</wp:meta_value></wp:postmeta>"
        )
    slug = f"{film.lower().replace(' ', '-')}-{post_id}"
    date = f"{2015 + post_id % 8}-{1 + post_id % 12:02d}-05 10:00:00"
    status = rng.choices(["publish", "draft", "future"], weights=[94, 4, 2])[0]
    items.insert(
        0,
        f"""	<item>
		<title>{cdata(title)}</title>
		<link>{SITE}/{2015 + post_id % 8}/{1 + post_id % 12:02d}/{slug}/</link>
		<pubDate>Mon, 05 Jan 2015 10:00:00 +0000</pubDate>
		<dc:creator>{cdata(rng.choice(["wren", "oskar"]))}</dc:creator>
		<guid isPermaLink="false">{SITE}/?p={post_id}</guid>
		<description></description>
		<content:encoded>{cdata(chr(10).join(body))}</content:encoded>
		<excerpt:encoded>{cdata(sentence(rng, 14))}</excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date>{cdata(date)}</wp:post_date>
		<wp:post_date_gmt>{cdata(date)}</wp:post_date_gmt>
		<wp:comment_status>{cdata("open")}</wp:comment_status>
		<wp:ping_status>{cdata("open")}</wp:ping_status>
		<wp:post_name>{cdata(slug)}</wp:post_name>
		<wp:status>{cdata(status)}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{cdata("post")}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		{chr(10).join(terms)}
		{meta}
{thread}	</item>
""",
    )
    return items, path, att_id, comment_id


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size_mb", type=float, help="Approximate size of the file, in MB.")
    parser.add_argument("out", help="The .xml file to write.")
    parser.add_argument("--uploads", help="Also write the attachments' image files here.")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    target = int(args.size_mb * 1_000_000)
    uploads = Path(args.uploads) if args.uploads else None
    written, post_id, att_id, comment_id, posts = 0, 1, 1_000_000, 1, 0
    with open(args.out, "w", encoding="utf-8") as out:
        written += out.write(channel_head())
        while written < target:
            items, path, att_id, comment_id = post(post_id, att_id, comment_id, rng)
            for item in items:
                written += out.write(item)
            if uploads and path and post_id % 50 != 7:  # one in fifty left out: "missing"
                file = uploads / path
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_bytes(tiny_png(post_id))
            post_id += 1
            posts += 1
        out.write("</channel>\n</rss>\n")
    print(f"{args.out}: {posts} posts, {comment_id - 1} comments, {written / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
