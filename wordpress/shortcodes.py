"""WordPress post bodies as review bodies: shortcodes and video links turned into the site's own
markup, the rest kept for the import report.

A review body is Markdown that passes block HTML through, sanitised by reviews.markdown (no
<img>, <figure> or <iframe> survive it). So:

- ``[caption …]<img …> Caption[/caption]`` becomes the site's captioned figure, ``[image N]``,
  when ``image_for`` imports the image as the review's ReviewImage number N. Otherwise (no
  uploads folder, missing file) the image is kept as a link to its old address with the caption
  under it, a paragraph the sanitiser allows, and reported.
- ``[gallery ids="1,2"]`` becomes one figure per attachment the same way; without ``image_for``
  a list of links to the attachments' files. Attachments the export does not carry are reported
  and the shortcode is kept in an HTML comment (readers do not see it; an editor does).
- ``[embed]URL[/embed]`` and a YouTube or Vimeo address alone on its line become a paragraph
  with a link: no third-party player, so no third-party requests or cookies on the page.
- A block editor image (``<figure class="wp-block-image"><img …><figcaption>…</figcaption>
  </figure>``) and a bare ``<img>`` (perhaps in a link) go through ``image_for`` the same way,
  with the figcaption as caption; otherwise they are kept as links (the sanitiser would drop an
  ``<img>`` silently).
- ``[[name]]`` (WordPress's escaped shortcode) becomes the text ``[name]``; the site's own
  conventions (``[image N]``, ``[pullquote]``, ``[spoiler]``) are left alone, so a body exported
  by this site imports unchanged; any other shortcode is kept as text and reported.

Nothing here reads files or the network: ``image_for`` (given by the caller that has the
uploads folder and the review) decides whether an image becomes a ReviewImage.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape, unescape
from urllib.parse import urlsplit

from django.utils.html import strip_tags


@dataclass(frozen=True)
class Attachment:
    """A WordPress attachment item of the export: its file's address and its texts."""

    url: str
    alt: str = ""
    caption: str = ""
    parent_id: str = ""  # the post it was uploaded to (a [gallery] without ids shows those)


@dataclass(frozen=True)
class Image:
    """An image a shortcode shows, as handed to ``image_for``."""

    src: str
    alt: str = ""
    caption: str = ""  # plain text
    attachment_id: str = ""


# Returns the `order` of the ReviewImage it made for the image, or None to keep it as a link.
ImageImporter = Callable[[Image], int | None]

SITE_CONVENTIONS = {"image", "pullquote", "spoiler"}  # reviews.markdown's own bracket syntax
HTML_COMMENT_RE = re.compile(r"(<!--.*?-->)", re.S)
SHORTCODE_RE = re.compile(
    r"\[\[(?P<escaped>/?[A-Za-z][\w-]*(?:\s[^\[\]]*)?)\]\]"
    r"|\[(?P<block>caption|wp_caption|embed)\b(?P<block_attrs>[^\]]*)\]"
    r"(?P<inner>.*?)\[/(?P=block)\]"
    # A Markdown link or reference ([text](url), [text][id], [id]: url) is not a shortcode.
    r"|\[(?P<name>/?[A-Za-z][\w-]*)(?P<attrs>(?:\s[^\[\]]*?)?)\s*/?\](?!\(|\[(?!/)|:)",
    re.S | re.I,
)
ATTR_RE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'\]>]+))""")
IMG_RE = re.compile(r"(?:<a\b[^>]*>\s*)?(<img\b[^>]*>)(?:\s*</a>)?", re.I)
# The block editor's image block: a <figure> holding one image and perhaps its caption.
FIGURE_RE = re.compile(
    r"<figure\b[^>]*>\s*(?:<a\b[^>]*>\s*)?(?P<img><img\b[^>]*>)(?:\s*</a>)?\s*"
    r"(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>\s*)?</figure>",
    re.I | re.S,
)
WP_IMAGE_CLASS_RE = re.compile(r"\bwp-image-(\d+)\b")
# An image alone in its paragraph: the whole paragraph becomes the figure.
P_IMG_RE = re.compile(
    r"<p\b[^>]*>\s*(?:<a\b[^>]*>\s*)?(<img\b[^>]*>)(?:\s*</a>)?\s*</p>", re.I | re.S
)
P_OPEN_RE = re.compile(r"<p\b", re.I)
VIDEO_HOSTS = {
    "youtube.com": "YouTube",
    "m.youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "player.vimeo.com": "Vimeo",
}
# A video address alone on its line (WordPress embeds those), perhaps in its own <p>.
BARE_URL_LINE_RE = re.compile(
    r"^[ \t]*(?:<p>)?[ \t]*(?P<url>https?://[^\s<>\"']+)[ \t]*(?:</p>)?[ \t]*$", re.M | re.I
)


def _attrs(text):
    return {
        name.lower(): unescape(next((v for v in values if v), ""))
        for name, *values in ATTR_RE.findall(text or "")
    }


def _web_url(value):
    """The address when it is an absolute http(s) one, else None."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _video_provider(url):
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return VIDEO_HOSTS.get(host)


def _shown_address(url):
    parts = urlsplit(url)
    shown = (parts.netloc.removeprefix("www.") + parts.path).rstrip("/")
    return shown + (f"?{parts.query}" if parts.query else "")


def link_card(url):
    """A paragraph linking to what WordPress would have embedded."""
    provider = _video_provider(url)
    label = _shown_address(url)
    if provider:
        label = f"Watch on {provider}: {label}"
    return f'\n\n<p><a href="{escape(url)}">{escape(label)}</a></p>\n\n'


class _Converter:
    def __init__(self, attachments, image_for, post_id, quiet_images=False):
        self.attachments = attachments or {}
        self.image_for = image_for
        self.quiet_images = quiet_images
        self.post_id = str(post_id or "")
        self.report = []

    def attachment(self, key):
        found = self.attachments.get(str(key).strip())
        if isinstance(found, str):
            return Attachment(url=found)
        return found

    # --- one shortcode ----------------------------------------------------------------------

    def shortcode(self, match):
        if match.group("escaped") is not None:
            return f"[{match.group('escaped')}]"  # [[caption]] is how WordPress writes [caption]
        block = (match.group("block") or "").lower()
        if block in ("caption", "wp_caption"):
            return self.caption(match.group(0), _attrs(match.group("block_attrs")), match["inner"])
        if block == "embed":
            return self.embed(match.group(0), match.group("inner"))
        name = match.group("name").lower()
        if name == "gallery":
            return self.gallery(match.group(0), _attrs(match.group("attrs")))
        if not name.startswith("/") and name not in SITE_CONVENTIONS:  # one note per shortcode
            self.report.append(f"shortcode {match.group(0)[:80]} kept as text")
        return match.group(0)

    def caption(self, original, attrs, inner):
        img = IMG_RE.search(inner)
        if img is None:
            self.report.append(f"{original[:80]} has no image: its text is kept")
            return inner
        img_attrs = _attrs(img.group(1))
        caption_html = (inner[: img.start()] + inner[img.end() :]).strip() or attrs.get(
            "caption", ""
        )
        # WordPress names the attachment in the caption's id="attachment_5" and the image's
        # class="wp-image-5".
        attachment_id = re.search(r"(\d+)$", attrs.get("id", "")) or WP_IMAGE_CLASS_RE.search(
            img_attrs.get("class", "")
        )
        image = Image(
            src=img_attrs.get("src", ""),
            alt=img_attrs.get("alt", ""),
            caption=unescape(strip_tags(caption_html)).strip(),
            attachment_id=attachment_id.group(1) if attachment_id else "",
        )
        return self.figure(image, caption_html)

    def figure(self, image, caption_html=None):
        """The site's figure for an image, or a link with its caption when not imported."""
        order = self.image_for(image) if self.image_for else None
        if order is not None:
            return f"\n\n[image {order}]\n\n"
        caption_html = escape(image.caption) if caption_html is None else caption_html
        url = _web_url(image.src)
        if url is None:
            self.report.append(
                f"image {image.src[:80]!r}: not a web address, only its caption kept"
            )
            return f"\n\n<p><em>{caption_html}</em></p>\n\n" if caption_html else ""
        if not self.quiet_images:  # else image_for has said why
            self.report.append(f"image {url} kept as a link (not imported as a review image)")
        label = escape(image.alt or urlsplit(url).path.rsplit("/", 1)[-1] or url)
        caption = f"<br>\n<em>{caption_html}</em>" if caption_html else ""
        return f'\n\n<p><a href="{escape(url)}">{label}</a>{caption}</p>\n\n'

    def gallery(self, original, attrs):
        ids = [key.strip() for key in (attrs.get("ids") or attrs.get("include") or "").split(",")]
        ids = [key for key in ids if key]
        if not ids and self.post_id:  # WordPress shows the images uploaded to the post
            ids = sorted(
                (key for key, att in self.attachments.items() if self._parent(att) == self.post_id),
                key=lambda key: (len(key), key),
            )
        found = [(key, self.attachment(key)) for key in ids]
        missing = [key for key, att in found if att is None]
        images = [
            Image(src=att.url, alt=att.alt, caption=att.caption, attachment_id=key)
            for key, att in found
            if att is not None
        ]
        if missing:
            self.report.append(
                f"{original[:80]}: attachment(s) {', '.join(missing) or '(none)'} not in the export"
            )
        if not images:
            if not missing:
                self.report.append(f"{original[:80]}: no attachments found")
            # Kept where an editor sees it; readers do not, and it is never converted again.
            return f"<!-- {original.replace('--', '- -')} -->"
        if self.image_for:
            return "".join(self.figure(image) for image in images)
        items = []
        for image in images:
            url = _web_url(image.src)
            if url is None:
                continue
            caption = f" — {escape(image.caption)}" if image.caption else ""
            label = escape(image.alt or urlsplit(url).path.rsplit("/", 1)[-1] or url)
            items.append(f'<li><a href="{escape(url)}">{label}</a>{caption}</li>')
        self.report.append(f"{original[:80]}: {len(items)} image(s) kept as links")
        return f"\n\n<ul>\n{chr(10).join(items)}\n</ul>\n\n" if items else ""

    @staticmethod
    def _parent(att):
        return getattr(att, "parent_id", "")

    def html_image(self, match):
        """A block editor <figure> or a bare <img>, through image_for like a [caption]."""
        img_attrs = _attrs(match.group("img") if "img" in match.re.groupindex else match.group(1))
        caption_html = (match.groupdict().get("caption") or "").strip()
        attachment_id = WP_IMAGE_CLASS_RE.search(img_attrs.get("class", ""))
        image = Image(
            src=img_attrs.get("src", ""),
            alt=img_attrs.get("alt", ""),
            caption=unescape(strip_tags(caption_html)).strip(),
            attachment_id=attachment_id.group(1) if attachment_id else "",
        )
        block = self.figure(image, caption_html)
        if match.re is IMG_RE and self._inside_paragraph(match):
            # Markdown leaves an HTML paragraph's content alone: the figure must stand outside.
            return f"</p>{block}<p>"
        return block

    @staticmethod
    def _inside_paragraph(match):
        before = match.string[: match.start()]
        opened = [m.start() for m in P_OPEN_RE.finditer(before)]
        return bool(opened) and opened[-1] > before.lower().rfind("</p>")

    def embed(self, original, inner):
        url = _web_url(unescape(strip_tags(inner)))
        if url is None:
            self.report.append(f"{original[:80]}: not a web address, kept as text")
            return original
        return link_card(url)

    # --- the whole body ---------------------------------------------------------------------

    def bare_video_line(self, match):
        url = _web_url(unescape(match.group("url")))
        if url is None or not _video_provider(url):
            return match.group(0)
        return link_card(url).strip("\n")

    def convert(self, content):
        parts = HTML_COMMENT_RE.split(content or "")
        for index in range(0, len(parts), 2):  # odd indexes are HTML comments: left alone
            text = SHORTCODE_RE.sub(self.shortcode, parts[index])
            text = FIGURE_RE.sub(self.html_image, text)
            text = P_IMG_RE.sub(self.html_image, text)
            text = IMG_RE.sub(self.html_image, text)
            parts[index] = BARE_URL_LINE_RE.sub(self.bare_video_line, text)
        body = re.sub(r"\n{3,}", "\n\n", "".join(parts))
        return body, self.report


def convert_post_body(
    content: str,
    *,
    attachments: Mapping[str, Attachment | str] | None = None,
    image_for: ImageImporter | None = None,
    post_id: str = "",
    quiet_images: bool = False,
) -> tuple[str, list[str]]:
    """A WordPress post's HTML as a review body, and what the import report should list.

    `attachments` maps WordPress attachment ids to their files (for [gallery] and captions);
    `image_for` imports one image as a ReviewImage and returns its order, or None;
    `quiet_images`: image_for reports the images it does not import, so no note here.
    """
    return _Converter(attachments, image_for, post_id, quiet_images).convert(content)
