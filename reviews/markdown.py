"""Review bodies: Markdown to sanitised HTML, with the pull-quote, image and spoiler conventions.

Authors write Markdown. Three conventions of their own have a meaning:

- ``[pullquote]A sentence.[/pullquote]`` becomes a large pull quote;
- ``[image N]`` places the review's image whose ``order`` is N as a ``<figure>``;
- a line ``[spoiler]``, any Markdown (paragraphs, quotes, images...), then a line ``[/spoiler]``
  hides that passage in a ``<details class="spoiler">`` the reader opens ("Spoiler: show").

The Markdown output is sanitised with nh3 *before* the pull quotes, figures and spoiler wrappers
(which the site builds itself, escaping every value) are put back, so no author-typed HTML
survives unchecked.
"""

import logging
import math
import re
import secrets
from html import unescape

import markdown
import nh3
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.images import picture

logger = logging.getLogger(__name__)

WORDS_PER_MINUTE = 220

PULLQUOTE_RE = re.compile(r"^[ \t]*\[pullquote\](?P<text>.+?)\[/pullquote\][ \t]*$", re.M | re.I)
# The passage between the two marker lines stays Markdown; only the markers are replaced.
SPOILER_RE = re.compile(
    r"^[ \t]*\[spoiler\][ \t]*\n(?P<text>.*?)^[ \t]*\[/spoiler\][ \t]*$", re.M | re.S | re.I
)
# The opening is built per rendering (spoiler_open()), in the reader's language.
SPOILER_CLOSE = "</details>"
IMAGE_RE = re.compile(r"^[ \t]*\[image[ \t]+(?P<order>\d{1,4})\][ \t]*$", re.M | re.I)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def spoiler_open():
    """The start of a spoiler passage: a <details> whose summary the reader clicks."""
    return format_html('<details class="spoiler"><summary>{}</summary>', gettext("Spoiler: show"))


def _inline_markdown(text):
    """Inline Markdown (emphasis, links) for a one-line pull quote, sanitised, without <p>."""
    html = markdown.markdown(text, extensions=["smarty"])
    html = nh3.clean(html, tags={"em", "strong", "a", "i", "b"}, attributes={"a": {"href"}})
    return html.removeprefix("<p>").removesuffix("</p>")


# How wide a figure is shown (site.css): the text column, a little wider from 1200 px, the
# screen less the container's padding on phones.
FIGURE_SIZES = "(min-width: 1200px) 736px, (min-width: 768px) 696px, calc(100vw - 1.5rem)"


def _figure(image):
    """The <figure> for one ReviewImage, or "" when its file cannot be read."""
    html = picture(image, "image_renditions", alt=image.alt_text, sizes=FIGURE_SIZES)
    if not html:  # a missing or broken upload must not take the whole review page down
        return ""
    caption = format_html("<figcaption>{}</figcaption>", image.caption) if image.caption else ""
    return format_html('<figure class="review-figure">{}{}</figure>', html, caption)


def render_body(body, images=()):
    """The review body as safe HTML. `images` are the review's ReviewImage rows (prefetched)."""
    by_order = {image.order: image for image in images}
    # Each convention line is swapped for a random token paragraph Markdown leaves alone,
    # and swapped back for the site's own HTML once the author's HTML has been sanitised.
    nonce = secrets.token_hex(8)
    blocks = {}

    def stash(html):
        token = f"rvblock{nonce}x{len(blocks)}"
        blocks[token] = html
        return f"\n\n{token}\n\n"

    def pullquote(match):
        inner = _inline_markdown(match.group("text").strip())
        return stash(f'<blockquote class="pullquote"><p>{inner}</p></blockquote>')

    def image(match):
        found = by_order.get(int(match.group("order")))
        return stash(_figure(found) if found is not None else "")

    def spoiler(match):
        # Open and close are separate blocks so the passage between is ordinary Markdown,
        # sanitised like the rest; nested spoilers pair up one level per pass.
        return stash(spoiler_open()) + match.group("text") + stash(SPOILER_CLOSE)

    text = (body or "").replace("\r\n", "\n")
    while True:
        text, found = SPOILER_RE.subn(spoiler, text)
        if not found:
            break
    text = PULLQUOTE_RE.sub(pullquote, text)
    text = IMAGE_RE.sub(image, text)
    html = markdown.markdown(text, extensions=["extra", "sane_lists", "smarty"])
    # The page's headline is the only <h1>: authors' top-level headings become <h2>.
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )
    for token, block in blocks.items():
        html = html.replace(f"<p>{token}</p>", block).replace(token, "")
    # Sanitised above; the blocks were built with escaping.
    return mark_safe(html)


def plain_summary(body):
    """The body as plain words for a meta description: no image markers, no pull quotes
    (repeats), no spoiler passages (a search snippet must not give the ending away)."""
    text = SPOILER_RE.sub("", body or "")
    text = IMAGE_RE.sub("", PULLQUOTE_RE.sub("", text))
    # A description is ~160 characters: the opening is enough to render.
    return unescape(strip_tags(markdown.markdown(text[:1200])))


def reading_minutes(body):
    """Minutes a reader needs at about 220 words a minute, at least one."""
    words = len(re.findall(r"\w+", body or ""))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
