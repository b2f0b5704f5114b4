"""Writing a WordPress export (WXR 1.2) of the published site, which import_wxr reads back.

What it holds: published reviews (as posts), their authors, their tags (``<category
domain="post_tag">``, and the channel's ``wp:tag`` list), their approved comments threaded with
``wp:comment_parent``, their old addresses (one ``_reviewsite_old_path`` postmeta per
LegacyRedirect, so a second move keeps every old WordPress link working), and their images as
WordPress attachment items (``wp:attachment_url``, ``_wp_attached_file`` relative to the media
root, ``_wp_attachment_image_alt``, the caption as excerpt), which ``import_wxr --uploads
<MEDIA_ROOT>`` brings back.

It is written one review at a time (``iter_wxr`` yields text), reading reviews in chunks, so a
large site does not have to fit in memory.
"""

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Max, Prefetch
from django.utils import timezone

from comments.models import Comment
from core.progress import silent
from core.text import xml_safe
from reviews.models import Author, Review, Tag

from .models import LegacyRedirect
from .redirects import (
    EXPORTED_FROM_META,
    OLD_COMMENTS_PER_PAGE_META,
    OLD_PATH_META,
    OLD_SITE_META,
)
from .stream import NS

ZERO_DATE = "0000-00-00 00:00:00"  # WordPress's "no date"
CHUNK_SIZE = 100  # reviews read per query (with their comments, tags, images, old addresses)
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!-- A WordPress eXtended RSS file (WXR 1.2) written by reviewsite's export_wxr. -->\n"
    '<rss version="2.0"'
    + "".join(f'\n\txmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
    + ">\n<channel>\n"
)
FOOTER = "</channel>\n</rss>\n"


def _sub(parent, tag, text="", **attrib):
    # ElementTree writes any character it is given: a row holding a control character (saved
    # before the validators, or by a script) would make a file that no XML parser reads back.
    element = ET.SubElement(parent, tag, {name: xml_safe(value) for name, value in attrib.items()})
    element.text = "" if text is None else xml_safe(text)
    return element


def _meta(item, key, value):
    meta = ET.SubElement(item, "wp:postmeta")
    _sub(meta, "wp:meta_key", key)
    _sub(meta, "wp:meta_value", value)


def _wxr_date(value):
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ZERO_DATE


def _local_date(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ZERO_DATE


def _text(element):
    """One channel child as text. Tags are written prefixed ("wp:post_id") and the prefixes are
    declared once on <rss>, so each piece is written on its own without declarations."""
    ET.indent(element, space="\t", level=1)
    return "\t" + ET.tostring(element, encoding="unicode") + "\n"


def _channel_header(site):
    channel = ET.Element("header")
    _sub(channel, "title", settings.SITE_NAME)
    _sub(channel, "link", site)
    _sub(channel, "description", "")
    _sub(channel, "language", settings.LANGUAGE_CODE)
    _sub(channel, "wp:wxr_version", "1.2")
    _sub(channel, "wp:base_site_url", site)
    _sub(channel, "wp:base_blog_url", site)
    return "".join(_text(child) for child in channel)


def _author(author):
    element = ET.Element("wp:author")
    _sub(element, "wp:author_id", author.user_id)
    _sub(element, "wp:author_login", author.user.get_username())
    _sub(element, "wp:author_email", author.user.email)
    _sub(element, "wp:author_display_name", author.display_name)
    _sub(element, "wp:author_first_name", author.user.first_name)
    _sub(element, "wp:author_last_name", author.user.last_name)
    return element


def _tag(tag):
    element = ET.Element("wp:tag")
    _sub(element, "wp:term_id", tag.pk)
    _sub(element, "wp:tag_slug", tag.slug)
    _sub(element, "wp:tag_name", tag.name)
    return element


def _comment(item, comment, approved_ids):
    element = ET.SubElement(item, "wp:comment")
    # A reply whose parent is not public hangs from its nearest approved ancestor.
    ancestors = [int(step) for step in comment.path.split("/")[:-1] if step.isdigit()]
    parent = next((pk for pk in reversed(ancestors) if pk in approved_ids), 0)
    _sub(element, "wp:comment_id", comment.pk)
    _sub(element, "wp:comment_author", comment.name)
    _sub(element, "wp:comment_author_email", comment.email)
    _sub(element, "wp:comment_author_url", comment.url)
    _sub(element, "wp:comment_author_IP", comment.ip_address or "")
    _sub(element, "wp:comment_date", _local_date(comment.created_at))
    _sub(element, "wp:comment_date_gmt", _wxr_date(comment.created_at))
    _sub(element, "wp:comment_content", comment.body)
    _sub(element, "wp:comment_approved", 1)
    _sub(element, "wp:comment_type", "comment")
    _sub(element, "wp:comment_parent", parent)
    _sub(element, "wp:comment_user_id", comment.user_id or 0)


def _post(review, site):
    item = ET.Element("item")
    _sub(item, "title", review.headline)
    _sub(item, "link", f"{site}{review.get_absolute_url()}")
    _sub(
        item, "pubDate", review.published_at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    )
    _sub(item, "dc:creator", review.author.user.get_username())
    _sub(item, "guid", f"{site}/?p={review.pk}", isPermaLink="false")
    _sub(item, "description", "")
    _sub(item, "content:encoded", review.body)
    _sub(item, "excerpt:encoded", review.standfirst)
    _sub(item, "wp:post_id", review.pk)
    _sub(item, "wp:post_date", _local_date(review.published_at))
    _sub(item, "wp:post_date_gmt", _wxr_date(review.published_at))
    _sub(item, "wp:comment_status", "open" if review.comments_open else "closed")
    _sub(item, "wp:ping_status", "closed")
    _sub(item, "wp:post_name", review.slug)
    _sub(item, "wp:status", "publish")
    _sub(item, "wp:post_parent", 0)
    _sub(item, "wp:menu_order", 0)
    _sub(item, "wp:post_type", "post")
    _sub(item, "wp:post_password", "")
    _sub(item, "wp:is_sticky", 0)
    _sub(item, "category", review.film.title, domain="film", nicename=review.film.slug)
    for tag in review.tags.all():
        _sub(item, "category", tag.name, domain="post_tag", nicename=tag.slug)
    for key, value in (
        ("rating", review.rating),
        ("year", review.film.year),
        ("verdict", review.verdict),
    ):
        if value not in ("", None):  # no score: no rating field, as WordPress would have
            _meta(item, key, value)
    # Its old addresses, so that import_wxr of this file keeps them (wordpress.redirects).
    _meta(item, EXPORTED_FROM_META, site)
    redirects = list(review.legacy_redirects.all())
    origin = next((redirect.source for redirect in redirects if redirect.source), None)
    if origin is not None:
        _meta(item, OLD_SITE_META, origin.url)
        _meta(item, OLD_COMMENTS_PER_PAGE_META, origin.comments_per_page)
    for redirect in redirects:
        _meta(item, OLD_PATH_META, redirect.old_path)  # one per old address, as WordPress would
    approved_ids = {comment.pk for comment in review.approved_comments}
    for comment in review.approved_comments:
        _comment(item, comment, approved_ids)
    return item


def _attachment(image, review, post_id, site):
    """A review image as WordPress writes a media library item attached to its post."""
    url = urljoin(f"{site}/", image.image.url)  # local storage gives a path, S3 a whole URL
    item = ET.Element("item")
    _sub(item, "title", image.caption or image.alt_text)
    _sub(item, "link", f"{site}{review.get_absolute_url()}")
    _sub(item, "dc:creator", review.author.user.get_username())
    _sub(item, "guid", url, isPermaLink="false")
    _sub(item, "description", "")
    _sub(item, "content:encoded", "")
    _sub(item, "excerpt:encoded", image.caption)
    _sub(item, "wp:post_id", post_id)
    _sub(item, "wp:post_date", _local_date(review.published_at))
    _sub(item, "wp:post_date_gmt", _wxr_date(review.published_at))
    _sub(item, "wp:comment_status", "closed")
    _sub(item, "wp:ping_status", "closed")
    _sub(item, "wp:post_name", f"{review.slug}-image-{image.order}")
    _sub(item, "wp:status", "inherit")
    _sub(item, "wp:post_parent", review.pk)
    _sub(item, "wp:menu_order", image.order)
    _sub(item, "wp:post_type", "attachment")
    _sub(item, "wp:post_password", "")
    _sub(item, "wp:is_sticky", 0)
    _sub(item, "wp:attachment_url", url)
    _meta(item, "_wp_attached_file", image.image.name)  # relative to MEDIA_ROOT
    _meta(item, "_wp_attachment_image_alt", image.alt_text)
    return item


def _reviews():
    comments = Prefetch(
        "comments",
        queryset=Comment.objects.approved().order_by("path"),
        to_attr="approved_comments",
    )
    old_addresses = Prefetch(
        "legacy_redirects", queryset=LegacyRedirect.objects.select_related("source").order_by("pk")
    )
    return (
        Review.objects.published()
        .select_related("film", "author__user")
        .prefetch_related("tags", "images", old_addresses, comments)
        .order_by("pk")
    )


def iter_wxr(*, progress=silent) -> Iterator[str]:
    """The WXR 1.2 document of the published site, a piece of text at a time.

    `progress` wraps the loop over reviews to show how far it got (core.progress.progress)."""
    site = settings.SITE_URL
    published = Review.objects.published()
    yield HEADER
    yield _channel_header(site)
    authors = Author.objects.filter(pk__in=published.values("author")).select_related("user")
    for author in authors.order_by("pk"):
        yield _text(_author(author))
    for tag in Tag.objects.filter(reviews__in=published).distinct().order_by("pk"):
        yield _text(_tag(tag))
    # WordPress numbers posts and attachments from one sequence: images take ids after the
    # last review's, so no attachment shares an id with a post.
    image_base = Review.objects.aggregate(last=Max("pk"))["last"] or 0
    reviews = _reviews().iterator(chunk_size=CHUNK_SIZE)
    for review in progress(
        reviews, desc="Exporting reviews", unit="review", total=published.count()
    ):
        yield _text(_post(review, site))
        for image in review.images.all():
            yield _text(_attachment(image, review, image_base + image.pk, site))
    yield FOOTER


def write_wxr(stream, *, progress=silent) -> None:
    """Writes the WXR document to a binary file, as UTF-8."""
    for text in iter_wxr(progress=progress):
        stream.write(text.encode("utf-8"))


def export_wxr(*, progress=silent) -> bytes:
    """The whole WXR document as bytes (small sites, tests); the command streams `iter_wxr`."""
    return "".join(iter_wxr(progress=progress)).encode("utf-8")
