"""Reading a WXR file one ``<item>`` at a time, so an export of hundreds of MB is read in
constant memory.

``read_wxr(file)`` yields the channel first (site address, authors, categories and tags: WordPress
writes those before the first item), then one object per item: a WXRPost, a WXRAttachment, or
SKIPPED (pages, menu items, revisions…). Each item's element is cleared and dropped from the tree
once read; only that item (with its comments) is held at a time.

WXR files are untrusted input: they are parsed with defusedxml, which refuses any DTD, entity
declaration or external reference (no entity expansion, no XXE) wherever it hides, and only
UTF-8 is accepted (the bytes are decoded here, chunk by chunk, and the parser is fed text, so an
encoding declared in the file changes nothing). The file is read in CHUNK_SIZE pieces, never whole.
"""

import codecs
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from core.http import int_param

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}
# WordPress 3.0 and 3.1 exports use earlier namespace versions; they mean the same.
WP_NAMESPACES = [f"http://wordpress.org/export/1.{n}/" for n in (2, 1, 0)]
EXCERPT_NAMESPACES = [f"http://wordpress.org/export/1.{n}/excerpt/" for n in (2, 1, 0)]
CHUNK_SIZE = 64 * 1024  # bytes read at a time
SKIPPED = "skipped"  # what read_wxr yields for an item that is neither a post nor an attachment


class WXRError(ValueError):
    """The file cannot be imported; the message says why, for the operator."""


@dataclass
class WXRAuthor:
    id: str
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class WXRTerm:
    """A category or tag: from the channel (wp:category, wp:tag) or a post's <category>."""

    domain: str  # "category" or "post_tag"
    nicename: str  # WordPress's slug, as its /category/<nicename>/ addresses use it
    name: str


@dataclass
class WXRComment:
    id: str
    parent_id: str
    author: str
    email: str
    url: str
    ip: str
    date_gmt: str
    content: str
    approved: str
    type: str
    user_id: str


@dataclass
class WXRPost:
    id: str
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    post_name: str
    status: str
    post_date: str
    post_date_gmt: str
    comment_status: str
    film_name: str = ""
    film_slug: str = ""
    meta: dict = field(default_factory=dict)  # the first value of each postmeta key
    postmeta: list = field(default_factory=list)  # every (key, value), repeated keys included
    terms: list = field(default_factory=list)  # WXRTerm of its categories and tags
    comments: list = field(default_factory=list)


@dataclass(frozen=True)
class WXRAttachment:
    """A media library item: its file (relative to wp-content/uploads) and its texts."""

    id: str
    url: str
    file: str = ""  # postmeta _wp_attached_file
    title: str = ""
    alt: str = ""
    caption: str = ""
    parent_id: str = ""
    menu_order: int = 0  # this site's export: the image's number, as in "[image N]"


@dataclass
class WXRChannel:
    site: str
    authors: list
    terms: list


def _text(element, path, default=""):
    found = None
    for prefix, uris in (("wp:", WP_NAMESPACES), ("excerpt:", EXCERPT_NAMESPACES)):
        if path.startswith(prefix):
            tag = path.removeprefix(prefix)
            for uri in uris:
                found = element.find(f"{{{uri}}}{tag}")
                if found is not None:
                    break
            break
    else:
        found = element.find(path, NS)
    if found is None or found.text is None:
        return default
    return found.text.strip() if path not in ("content:encoded",) else found.text


def _findall(element, tag):
    """wp:<tag> children, in whichever WXR namespace version the file uses."""
    for uri in WP_NAMESPACES:
        found = element.findall(f"{{{uri}}}{tag}")
        if found:
            return found
    return []


def _local(tag):
    """("wp", "author") for "{http://wordpress.org/export/1.2/}author"; ("", "item") for "item"."""
    if tag.startswith("{"):
        uri, _, name = tag[1:].partition("}")
        return ("wp" if uri in WP_NAMESPACES else uri), name
    return "", tag


class _Utf8Text:
    """A binary file read as UTF-8 text, CHUNK_SIZE bytes at a time (WXRError if it is not)."""

    def __init__(self, raw):
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()

    def read(self, size=-1):
        while True:
            data = self.raw.read(CHUNK_SIZE)
            try:
                text = self.decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                raise WXRError(
                    "The file is not UTF-8 text, so it is not a WordPress export."
                ) from exc
            if text or not data:  # a chunk may end inside a character: read on
                return text


def _author(element):
    return WXRAuthor(
        id=_text(element, "wp:author_id"),
        login=_text(element, "wp:author_login"),
        email=_text(element, "wp:author_email"),
        display_name=_text(element, "wp:author_display_name"),
        first_name=_text(element, "wp:author_first_name"),
        last_name=_text(element, "wp:author_last_name"),
    )


def _channel_term(element, name):
    if name == "category":
        return WXRTerm(
            "category", _text(element, "wp:category_nicename"), _text(element, "wp:cat_name")
        )
    if name == "tag":
        return WXRTerm("post_tag", _text(element, "wp:tag_slug"), _text(element, "wp:tag_name"))
    # wp:term (WordPress 4.2+) carries any taxonomy; only categories and tags are ours.
    return WXRTerm(
        _text(element, "wp:term_taxonomy"),
        _text(element, "wp:term_slug"),
        _text(element, "wp:term_name"),
    )


def _postmeta(item):
    return [
        (_text(m, "wp:meta_key"), _text(m, "wp:meta_value")) for m in _findall(item, "postmeta")
    ]


def _attachment(item, post_id, postmeta):
    meta = dict(reversed(postmeta))  # the first value of a repeated key wins
    return WXRAttachment(
        id=post_id,
        url=_text(item, "wp:attachment_url") or _text(item, "guid"),
        file=meta.get("_wp_attached_file", ""),
        title=_text(item, "title"),
        alt=meta.get("_wp_attachment_image_alt", ""),
        caption=_text(item, "excerpt:encoded"),
        parent_id=_text(item, "wp:post_parent", "0"),
        # A gallery's order: up to four ASCII digits, else 0.
        menu_order=int_param(_text(item, "wp:menu_order"), default=0, maximum=9999),
    )


def _post(item, post_id, postmeta):
    post = WXRPost(
        id=post_id,
        title=_text(item, "title"),
        link=_text(item, "link"),
        creator=_text(item, "dc:creator"),
        content=_text(item, "content:encoded"),
        excerpt=_text(item, "excerpt:encoded"),
        post_name=_text(item, "wp:post_name"),
        status=_text(item, "wp:status"),
        post_date=_text(item, "wp:post_date"),
        post_date_gmt=_text(item, "wp:post_date_gmt"),
        comment_status=_text(item, "wp:comment_status", "open"),
        postmeta=postmeta,
    )
    for category in item.findall("category"):
        domain, name = category.get("domain", ""), (category.text or "").strip()
        if domain == "film":
            if name and not post.film_name:
                post.film_name, post.film_slug = name, category.get("nicename", "")
        elif domain in ("category", "post_tag") and name:
            post.terms.append(WXRTerm(domain, category.get("nicename", ""), name))
    for key, value in postmeta:
        post.meta.setdefault(key, value)
    post.comments = [
        WXRComment(
            id=_text(c, "wp:comment_id"),
            parent_id=_text(c, "wp:comment_parent", "0"),
            author=_text(c, "wp:comment_author"),
            email=_text(c, "wp:comment_author_email"),
            url=_text(c, "wp:comment_author_url"),
            ip=_text(c, "wp:comment_author_IP"),
            date_gmt=_text(c, "wp:comment_date_gmt"),
            content=_text(c, "wp:comment_content"),
            approved=_text(c, "wp:comment_approved", "0"),
            type=_text(c, "wp:comment_type"),
            user_id=_text(c, "wp:comment_user_id", "0"),
        )
        for c in _findall(item, "comment")
        if _text(c, "wp:comment_id")
    ]
    return post


def read_item(item):
    """A WXRPost, a WXRAttachment, or SKIPPED for one <item> element."""
    post_type, post_id = _text(item, "wp:post_type"), _text(item, "wp:post_id")
    if not post_id or post_type not in ("post", "attachment"):
        return SKIPPED  # pages, menu items, revisions…
    postmeta = _postmeta(item)
    if post_type == "attachment":
        return _attachment(item, post_id, postmeta)
    return _post(item, post_id, postmeta)


NOT_WXR = (
    "The file is XML but not a WordPress export (WXR): no <rss><channel> with <wp:wxr_version>."
)


def read_wxr(file):
    """Yields the WXRChannel, then a WXRPost, WXRAttachment or SKIPPED per item, reading the
    binary `file` a chunk at a time; raises WXRError with a message for the operator."""
    # The parser itself refuses DTDs, entities and external references: no pattern to dodge.
    events = DefusedET.iterparse(
        _Utf8Text(file), events=("start", "end"), forbid_dtd=True, forbid_entities=True
    )
    depth, channel, header, sent = 0, None, {}, False
    authors, terms = [], []

    def channel_found():
        if channel is None or not header.get("wxr_version"):
            raise WXRError(NOT_WXR)
        site = header.get("base_site_url") or header.get("base_blog_url") or header.get("link", "")
        return WXRChannel(site=site[:200], authors=authors, terms=terms)

    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise WXRError(NOT_WXR)
                if depth == 2 and element.tag == "channel" and channel is None:
                    channel = element
                continue
            depth -= 1
            if depth == 1 and element is channel and not sent:
                sent = True
                yield channel_found()  # a channel without items
            if depth != 2 or channel is None:
                continue
            # A child of <channel>, read whole: read it, then drop it from the tree.
            namespace, name = _local(element.tag)
            if name == "item" and not namespace:
                if not sent:
                    sent = True
                    yield channel_found()
                yield read_item(element)
            elif not sent:
                if namespace == "wp" and name == "author":
                    author = _author(element)
                    if author.login:
                        authors.append(author)
                elif namespace == "wp" and name in ("category", "tag", "term"):
                    terms.append(_channel_term(element, name))
                elif namespace in ("", "wp"):
                    header.setdefault(name, (element.text or "").strip())
            element.clear()
            channel.remove(element)
    except DefusedXmlException as exc:
        raise WXRError(
            "The file declares a DTD or entities (<!DOCTYPE or <!ENTITY), which WordPress "
            "exports never do; refused for safety."
        ) from exc
    except ET.ParseError as exc:
        raise WXRError(f"The file is not well-formed XML ({exc}).") from exc
    if not sent:
        raise WXRError(NOT_WXR)
