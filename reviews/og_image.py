"""The link-preview picture of a review (Open Graph, 1200×630): the film's poster on the left,
then the site's name, the film, the headline and the score, drawn with Pillow.

Stored in the media storage (a local folder or the bucket) as `og/<review pk>-<hash>.jpg`, where
the hash covers everything drawn: an edited headline, a new score or poster gives a new name and
so a new URL (cached for a year like a rendition), and writing it deletes the review's older
pictures. It is drawn on first request (`reviews.views.og_image`), never while a page renders:
the page only computes the hash, from fields it has already loaded.
"""

import functools
import hashlib
import io
import logging
import posixpath

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from core.formatting import format_score
from core.storage import is_local
from core.storage_config import OG_IMAGE_DIR

logger = logging.getLogger(__name__)

# Bump when the drawing changes for the same review: every picture gets a new name.
DRAWING_VERSION = 1
WIDTH, HEIGHT = 1200, 630
# JPEG: a poster is a photograph; PNG took 5-10 times longer to encode, at twice the bytes.
MIME_TYPE = "image/jpeg"
POSTER_SIZE = (420, 630)  # 2:3, the full height
MARGIN = 64
TEXT_LEFT = POSTER_SIZE[0] + MARGIN
TEXT_WIDTH = WIDTH - TEXT_LEFT - MARGIN
HEADLINE_LINES = 3
# Largest first; the first size at which the headline fits in HEADLINE_LINES lines is used,
# else the smallest, cut with an ellipsis.
HEADLINE_SIZES = (64, 56, 48)
# "Exists" is remembered for a day for a bucket (a HEAD request each time otherwise); a local
# disk is asked every time (a stat), as core.storage does for renditions.
EXISTS_SECONDS = 24 * 60 * 60

# The site's palette (static/css/site.css): ink, paper, muted paper, gold badge, cinema red.
INK = (31, 26, 22)
PAPER = (250, 247, 242)
PAPER_MUTED = (216, 207, 194)
PANEL = (59, 51, 44)
GOLD = (241, 196, 95)
ACCENT = (140, 47, 31)

# Fonts, first found wins. Debian's DejaVu and Liberation are common but not everywhere: without
# any, Pillow's own scalable font (Pillow >= 10.1) draws the text, so a picture is always made.
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation")
FONTS = {
    "serif-bold": ("DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf"),
    "sans-bold": ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
    "sans": ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
}


@functools.cache
def font(kind, size):
    """The TrueType font of `kind` at `size` px, or Pillow's built-in one."""
    for name in FONTS[kind]:
        for folder in FONT_DIRS:
            try:
                return ImageFont.truetype(posixpath.join(folder, name), size)
            except OSError:
                continue
    return ImageFont.load_default(size)


# --- What is drawn, and its name ----------------------------------------------------------


def score_text(review):
    """ "8 / 10", or "" for a review without a score."""
    score = format_score(review.rating)
    return gettext("%(score)s / 10") % {"score": score} if score else ""


def drawn_fields(review):
    """Everything the picture shows: its hash names the file."""
    film = review.film
    return (
        DRAWING_VERSION,
        settings.SITE_NAME,
        review.headline,
        score_text(review),
        str(review.verdict_text),
        film.title,
        film.year,
        film.poster.name or "",
    )


def fingerprint(review):
    """A short hash of what the picture of `review` shows (hex, in its URL and file name)."""
    return hashlib.sha256(repr(drawn_fields(review)).encode()).hexdigest()[:16]


def file_name(review):
    return f"{OG_IMAGE_DIR}/{review.pk}-{fingerprint(review)}.jpg"


def alt_text(review):
    """What the picture says, for og:image:alt."""
    values = {
        "film": review.film.title,
        "year": review.film.year,
        "headline": review.headline,
        "score": score_text(review),
    }
    if values["score"]:
        return gettext("%(film)s (%(year)s): “%(headline)s”, scored %(score)s") % values
    return gettext("%(film)s (%(year)s): “%(headline)s”") % values


# --- Storing --------------------------------------------------------------------------------


def _exists_key(name):
    return f"reviews:og:exists:{name}"


def _exists(storage, name):
    if is_local(storage):
        return storage.exists(name)
    if cache.get(_exists_key(name)):
        return True
    found = storage.exists(name)
    if found:
        cache.set(_exists_key(name), True, EXISTS_SECONDS)
    return found


def stored_name(review, *, storage=None):
    """The name of the review's picture in the media storage: drawn and stored first when
    missing, and then the review's older pictures deleted."""
    storage = storage or default_storage
    name = file_name(review)
    if _exists(storage, name):
        return name
    saved = storage.save(name, ContentFile(draw(review)))
    if saved != name:
        # Another request stored the same picture meanwhile (the disk never overwrites, so this
        # copy got a suffix): keep theirs, drop this duplicate.
        storage.delete(saved)
    _delete_older(storage, review, keep=name)
    if not is_local(storage):
        cache.set(_exists_key(name), True, EXISTS_SECONDS)
    return name


def _delete_older(storage, review, *, keep):
    # Lists the whole folder (a storage lists folders, not name prefixes): one directory read
    # on disk, a LIST request per thousand pictures in a bucket, once per new picture.
    prefix = f"{review.pk}-"
    try:
        _, files = storage.listdir(OG_IMAGE_DIR)
    except FileNotFoundError:
        return
    for file in files:
        name = f"{OG_IMAGE_DIR}/{file}"
        if file.startswith(prefix) and name != keep:
            storage.delete(name)
            cache.delete(_exists_key(name))


# --- Drawing --------------------------------------------------------------------------------


def _poster(film):
    """The poster filling POSTER_SIZE, or None when the film has none or it cannot be read."""
    if not film.poster:
        return None
    try:
        with film.poster.storage.open(film.poster.name) as file, Image.open(file) as image:
            # JPEG decodes straight at a fraction of its size when that is still large enough:
            # a 2000×3000 upload costs a quarter of the time.
            image.draft("RGB", POSTER_SIZE)
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "P", "PA"):
                image = image.convert("RGBA")
                backdrop = Image.new("RGBA", image.size, PANEL + (255,))
                image = Image.alpha_composite(backdrop, image)
            return ImageOps.fit(image.convert("RGB"), POSTER_SIZE, Image.Resampling.LANCZOS)
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        # A missing or broken upload: the neutral panel, never a failed picture.
        logger.warning("Could not read the poster of film %s", film.pk, exc_info=True)
        return None


def _split_long(word, face, width):
    """`word` cut into pieces that each fit `width` (a URL or a long compound in a headline)."""
    pieces, piece = [], ""
    for char in word:
        if piece and face.getlength(piece + char) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return [*pieces, piece] if piece else pieces


def wrap(text, face, width):
    """`text` in lines no wider than `width` (greedy, on spaces)."""
    words = []
    for word in text.split():
        words.extend(_split_long(word, face, width) if face.getlength(word) > width else [word])
    lines, line = [], ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if line and face.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def ellipsize(line, face, width):
    """`line` shortened to end with "…" within `width`."""
    line = line.rstrip()
    while line and face.getlength(line + "…") > width:
        line = line[:-1].rstrip()
    return line + "…"


def headline_lines(headline, width=TEXT_WIDTH):
    """(font, lines): the headline at the largest size that fits HEADLINE_LINES lines, else the
    smallest with its last line cut short by an ellipsis."""
    for size in HEADLINE_SIZES:
        face = font("serif-bold", size)
        lines = wrap(headline, face, width)
        if len(lines) <= HEADLINE_LINES:
            return face, lines
    lines = lines[:HEADLINE_LINES]
    lines[-1] = ellipsize(lines[-1], face, width)
    return face, lines


def _neutral_panel(draw, film):
    """Where a poster would be: a dark panel with the film's title, for a film without one."""
    draw.rectangle((0, 0, POSTER_SIZE[0] - 1, HEIGHT - 1), fill=PANEL)
    face = font("serif-bold", 40)
    lines = wrap(film.title, face, POSTER_SIZE[0] - 2 * MARGIN)[:4]
    line_height = round(face.size * 1.25)
    top = (HEIGHT - line_height * len(lines)) // 2
    for index, line in enumerate(lines):
        draw.text(
            (POSTER_SIZE[0] // 2, top + index * line_height),
            line,
            font=face,
            fill=PAPER_MUTED,
            anchor="ma",
        )


def draw(review):
    """The picture of `review` as JPEG bytes."""
    film = review.film
    image = Image.new("RGB", (WIDTH, HEIGHT), INK)
    canvas = ImageDraw.Draw(image)
    poster = _poster(film)
    if poster is not None:
        image.paste(poster, (0, 0))
    else:
        _neutral_panel(canvas, film)
    # A thin cinema-red rule between the poster and the text.
    canvas.rectangle((POSTER_SIZE[0], 0, POSTER_SIZE[0] + 7, HEIGHT), fill=ACCENT)

    y = MARGIN - 8
    site = font("sans-bold", 26)
    canvas.text((TEXT_LEFT, y), settings.SITE_NAME.upper(), font=site, fill=GOLD)
    y += 26 + 36

    kicker = font("sans", 30)
    film_line = f"{film.title} ({film.year})"
    if kicker.getlength(film_line) > TEXT_WIDTH:
        film_line = ellipsize(film_line, kicker, TEXT_WIDTH)
    canvas.text((TEXT_LEFT, y), film_line, font=kicker, fill=PAPER_MUTED)
    y += 30 + 28

    face, lines = headline_lines(review.headline)
    line_height = round(face.size * 1.18)
    for line in lines:
        canvas.text((TEXT_LEFT, y), line, font=face, fill=PAPER)
        y += line_height

    score = score_text(review)
    verdict = str(review.verdict_text)
    bottom = HEIGHT - MARGIN
    if score:
        badge_font = font("sans-bold", 44)
        left, top, right, lower = canvas.textbbox((0, 0), score, font=badge_font, anchor="ls")
        pad_x, pad_y = 24, 16
        box = (
            TEXT_LEFT,
            bottom - (lower - top) - 2 * pad_y,
            TEXT_LEFT + (right - left) + 2 * pad_x,
            bottom,
        )
        canvas.rounded_rectangle(box, radius=10, fill=GOLD)
        canvas.text(
            (TEXT_LEFT + pad_x - left, bottom - pad_y - lower),
            score,
            font=badge_font,
            fill=INK,
            anchor="ls",
        )
        if verdict:
            verdict_font = font("sans-bold", 36)
            canvas.text(
                (box[2] + 24, (box[1] + box[3]) // 2),
                verdict,
                font=verdict_font,
                fill=PAPER,
                anchor="lm",
            )
    elif verdict:
        # A verdict word without a score, as an author may give.
        canvas.text(
            (TEXT_LEFT, bottom), verdict, font=font("sans-bold", 36), fill=PAPER, anchor="ls"
        )

    buffer = io.BytesIO()
    # Quality 90 keeps the text edges clean.
    image.save(buffer, format="JPEG", quality=90, optimize=True)
    return buffer.getvalue()
