"""Posters, stills and avatars for the demo content, drawn with Pillow.

Nothing is downloaded: every picture is generated from the film's slug (its palette) and a
motif named in the content, so each film gets a distinct, repeatable poster.
"""

import colorsys
import functools
import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

POSTER_SIZE = (600, 900)  # 2:3, as the spec asks of posters
STILL_SIZE = (1200, 675)  # 16:9
AVATAR_SIZE = (256, 256)
SCALE = 2  # shapes are drawn at twice the size and scaled down: cheap anti-aliasing

# Same inputs, same picture: a process that seeds several times (the tests) draws each once.
_cached = functools.lru_cache(maxsize=64)


def _rng(key):
    """A random generator seeded from a string, so a rerun draws the same picture."""
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def _hls(h, lightness, saturation):
    r, g, b = colorsys.hls_to_rgb(h % 1.0, lightness, saturation)
    return (round(r * 255), round(g * 255), round(b * 255))


def palette(key, hue=None):
    """Five colours derived from `key`: deep, dark, mid, light and a complementary accent.

    `hue` (0-1) pins the base hue, so a set of posters can be kept apart on the colour wheel.
    """
    digest = hashlib.sha256(key.encode()).digest()
    hue = digest[0] / 255 if hue is None else hue
    sat = 0.45 + digest[1] / 255 * 0.4
    return {
        "deep": _hls(hue, 0.10, sat),
        "dark": _hls(hue + 0.03, 0.24, sat),
        "mid": _hls(hue + 0.06, 0.45, sat),
        "light": _hls(hue + 0.08, 0.78, sat * 0.8),
        "accent": _hls(hue + 0.5 + (digest[2] / 255 - 0.5) * 0.15, 0.62, 0.85),
    }


def _gradient(size, top, bottom):
    """A vertical gradient, made by stretching a 1-pixel column (fast, no per-pixel loop)."""
    column = Image.new("RGB", (1, 256))
    for y in range(256):
        t = y / 255
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size, Image.Resampling.BICUBIC)


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _font(size):
    # The font bundled with Pillow (>= 10.1): no font files to ship or download.
    return ImageFont.load_default(size=size)


def _jpeg(image, quality=86):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


# --- poster motifs: each draws on a canvas SCALE times the poster size ---------------------


def _motif_rings(draw, w, h, pal, rng):
    cx, cy = w * 0.5, h * 0.38
    for i in range(14, 0, -1):
        r = i * w * 0.055
        colour = _mix(pal["light"], pal["dark"], i / 14)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour, width=int(w * 0.008))
    r = w * 0.05
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=pal["accent"])


def _motif_waves(draw, w, h, pal, rng):
    # A lighthouse beam over layered sea.
    lx = w * 0.68
    draw.polygon(
        [(lx, h * 0.30), (0, h * 0.12), (0, h * 0.36)], fill=_mix(pal["light"], pal["mid"], 0.4)
    )
    draw.rectangle((lx - w * 0.03, h * 0.30, lx + w * 0.03, h * 0.60), fill=pal["light"])
    draw.rectangle((lx - w * 0.045, h * 0.27, lx + w * 0.045, h * 0.31), fill=pal["accent"])
    for band in range(6):
        base = h * (0.56 + band * 0.07)
        colour = _mix(pal["mid"], pal["deep"], band / 5)
        points = [(0, h)]
        for x in range(0, w + 20, 20):
            points.append((x, base + math.sin(x / w * math.pi * 4 + band) * h * 0.015))
        points.append((w, h))
        draw.polygon(points, fill=colour)


def _motif_moons(draw, w, h, pal, rng):
    size = w / 5
    for row in range(4):
        for col in range(4):
            x = size * 0.5 + col * size * 1.15
            y = h * 0.10 + row * size * 1.15
            draw.ellipse((x, y, x + size, y + size), fill=pal["light"])
            shift = (row * 4 + col) / 15 * size * 2 - size
            draw.ellipse((x + shift, y, x + shift + size, y + size), fill=pal["dark"])
    x = size * 0.5 + 2 * size * 1.15
    y = h * 0.10 + size * 1.15
    draw.ellipse((x, y, x + size, y + size), fill=pal["accent"])


def _motif_contours(draw, w, h, pal, rng):
    # Contour lines of an imaginary hill, like a survey map.
    cx, cy = w * (0.4 + rng.random() * 0.2), h * 0.40
    for i in range(18, 0, -1):
        rx, ry = i * w * 0.045, i * h * 0.022
        wobble = rng.random() * w * 0.02
        colour = _mix(pal["light"], pal["mid"], i / 18)
        draw.ellipse(
            (cx - rx - wobble, cy - ry, cx + rx, cy + ry + wobble),
            outline=colour,
            width=int(w * 0.004),
        )
    for i in range(1, 6):
        x = w * i / 6
        draw.line((x, 0, x, h * 0.7), fill=_mix(pal["mid"], pal["dark"], 0.5), width=2)
    r = w * 0.02
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=pal["accent"])


def _motif_bubbles(draw, w, h, pal, rng):
    for _ in range(70):
        r = w * (0.01 + rng.random() * 0.06)
        x, y = rng.random() * w, rng.random() * h * 0.75
        colour = _mix(pal["light"], pal["mid"], rng.random() * 0.7)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=int(w * 0.005))
    # A fish, because the film is set in an aquarium.
    fx, fy = w * 0.55, h * 0.42
    draw.ellipse((fx - w * 0.16, fy - h * 0.05, fx + w * 0.16, fy + h * 0.05), fill=pal["accent"])
    draw.polygon(
        [(fx + w * 0.14, fy), (fx + w * 0.28, fy - h * 0.06), (fx + w * 0.28, fy + h * 0.06)],
        fill=pal["accent"],
    )
    draw.ellipse((fx - w * 0.11, fy - h * 0.015, fx - w * 0.08, fy + h * 0.005), fill=pal["deep"])


def _motif_peaks(draw, w, h, pal, rng):
    r = w * 0.2
    draw.ellipse((w * 0.55 - r, h * 0.22 - r, w * 0.55 + r, h * 0.22 + r), fill=pal["accent"])
    for layer in range(3):
        base = h * (0.55 + layer * 0.08)
        colour = _mix(pal["mid"], pal["deep"], layer / 2)
        points = [(0, h)]
        x = -w * 0.1
        while x < w * 1.1:
            points.append((x, base - rng.random() * h * 0.16))
            x += w * (0.12 + rng.random() * 0.1)
        points.append((w, h))
        draw.polygon(points, fill=colour)


def _motif_bloom(draw, w, h, pal, rng):
    cx, cy = w * 0.5, h * 0.38
    for i in range(36):
        angle = i / 36 * math.tau
        length = w * (0.25 + rng.random() * 0.2)
        end = (cx + math.cos(angle) * length, cy + math.sin(angle) * length)
        draw.line((cx, cy, *end), fill=_mix(pal["light"], pal["accent"], rng.random()), width=6)
        r = w * 0.012
        draw.ellipse((end[0] - r, end[1] - r, end[0] + r, end[1] + r), fill=pal["light"])
    r = w * 0.08
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=pal["deep"], outline=pal["accent"], width=8)


def _motif_road(draw, w, h, pal, rng):
    vanish = (w * 0.5, h * 0.42)
    draw.polygon([vanish, (-w * 0.3, h), (w * 1.3, h)], fill=pal["deep"])
    for i in range(8):
        t0, t1 = (i / 8) ** 2, ((i + 0.5) / 8) ** 2
        y0 = vanish[1] + (h - vanish[1]) * t0
        y1 = vanish[1] + (h - vanish[1]) * t1
        half0, half1 = w * 0.012 * (1 + t0 * 6), w * 0.012 * (1 + t1 * 6)
        draw.polygon(
            [
                (vanish[0] - half0, y0),
                (vanish[0] + half0, y0),
                (vanish[0] + half1, y1),
                (vanish[0] - half1, y1),
            ],
            fill=pal["light"],
        )
    for side in (-1, 1):
        x = w * 0.5 + side * w * 0.07
        r = w * 0.03
        draw.ellipse((x - r, h * 0.44 - r, x + r, h * 0.44 + r), fill=pal["accent"])


def _motif_wing(draw, w, h, pal, rng):
    cx, cy = w * 0.5, h * 0.38
    for side in (-1, 1):
        for i, (dx, dy, colour) in enumerate(
            [(0.42, -0.22, "light"), (0.34, 0.16, "accent"), (0.2, -0.05, "mid")]
        ):
            draw.polygon(
                [
                    (cx, cy),
                    (cx + side * w * dx, cy + h * dy),
                    (cx + side * w * dx * 0.55, cy + h * 0.02 * i),
                ],
                fill=pal[colour],
            )
    draw.line((cx, cy - h * 0.08, cx, cy + h * 0.1), fill=pal["deep"], width=10)


def _motif_field(draw, w, h, pal, rng):
    r = w * 0.14
    draw.ellipse((w * 0.3 - r, h * 0.45 - r, w * 0.3 + r, h * 0.45 + r), fill=pal["accent"])
    top = h * 0.46
    for i in range(16):
        y0 = top + (h - top) * (i / 16) ** 1.6
        y1 = top + (h - top) * ((i + 1) / 16) ** 1.6
        colour = (
            _mix(pal["light"], pal["mid"], 0.3) if i % 2 else _mix(pal["mid"], pal["dark"], i / 16)
        )
        draw.rectangle((0, y0, w, y1), fill=colour)


MOTIFS = {
    "rings": _motif_rings,
    "waves": _motif_waves,
    "moons": _motif_moons,
    "contours": _motif_contours,
    "bubbles": _motif_bubbles,
    "peaks": _motif_peaks,
    "bloom": _motif_bloom,
    "road": _motif_road,
    "wing": _motif_wing,
    "field": _motif_field,
}


def _wrap(draw, text, font, max_width):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if not line or draw.textlength(candidate, font=font) <= max_width:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _fit_title(draw, title, max_width, max_lines=3):
    """The largest font size at which the title fits the poster width in a few lines."""
    for size in range(88, 30, -4):
        font = _font(size)
        lines = _wrap(draw, title.upper(), font, max_width)
        if len(lines) <= max_lines and all(
            draw.textlength(line, font=font) <= max_width for line in lines
        ):
            return font, lines
    font = _font(30)
    return font, _wrap(draw, title.upper(), font, max_width)


@_cached
def draw_poster(*, slug, title, year, director, cast=(), motif="rings", tagline="", hue=None):
    """A 600x900 JPEG poster (bytes): motif art in the slug's palette, title, credits."""
    pal = palette(slug, hue)
    rng = _rng(slug)
    w, h = POSTER_SIZE[0] * SCALE, POSTER_SIZE[1] * SCALE
    canvas = _gradient((w, h), pal["dark"], pal["deep"])
    MOTIFS.get(motif, _motif_rings)(ImageDraw.Draw(canvas), w, h, pal, rng)
    poster = canvas.resize(POSTER_SIZE, Image.Resampling.LANCZOS)

    # Darken the lower third so the title reads on any motif.
    shade = Image.new("L", POSTER_SIZE, 0)
    ImageDraw.Draw(shade).rectangle((0, 560, 600, 900), fill=170)
    ImageDraw.Draw(shade).rectangle((0, 0, 600, 90), fill=160)  # and the tagline strip
    shade = shade.filter(ImageFilter.GaussianBlur(60))
    poster = Image.composite(Image.new("RGB", POSTER_SIZE, pal["deep"]), poster, shade)

    draw = ImageDraw.Draw(poster)
    margin = 40
    width = POSTER_SIZE[0] - 2 * margin
    if tagline:
        small = _font(20)
        for i, line in enumerate(_wrap(draw, tagline, small, width)[:2]):
            draw.text((margin, 34 + i * 26), line, font=small, fill=pal["light"])

    font, lines = _fit_title(draw, title, width)
    line_height = int(font.size * 1.05)
    credits_font = _font(18)
    billing_font = _font(13)
    billing = "  ·  ".join(name.upper() for name in cast)
    billing_lines = _wrap(draw, billing, billing_font, width)[:2] if billing else []
    y = POSTER_SIZE[1] - 60 - len(billing_lines) * 18 - 40 - len(lines) * line_height
    for line in lines:
        draw.text((margin, y), line, font=font, fill="white", stroke_width=1, stroke_fill="white")
        y += line_height
    y += 14
    draw.line((margin, y, margin + 60, y), fill=pal["accent"], width=3)
    y += 14
    draw.text(
        (margin, y),
        f"A FILM BY {director.upper()}  ·  {year}",
        font=credits_font,
        fill=pal["light"],
    )
    y = POSTER_SIZE[1] - 30 - len(billing_lines) * 18
    for line in billing_lines:
        draw.text((margin, y), line, font=billing_font, fill=_mix(pal["light"], pal["mid"], 0.4))
        y += 18
    return _jpeg(poster)


# --- stills: a wide "frame from the film" for review images -----------------------------------


def _prop(draw, kind, w, h, ground, colour):
    if kind == "dish":
        x = w * 0.7
        draw.rectangle((x - w * 0.006, ground - h * 0.25, x + w * 0.006, ground), fill=colour)
        # The lower half of an ellipse: a bowl turned to the sky.
        top = ground - h * 0.34
        draw.chord((x - w * 0.09, top - h * 0.1, x + w * 0.09, top + h * 0.1), 0, 180, fill=colour)
        draw.line((x, top, x, top - h * 0.12), fill=colour, width=6)
    elif kind == "lighthouse":
        x = w * 0.25
        draw.polygon(
            [
                (x - w * 0.025, ground),
                (x + w * 0.025, ground),
                (x + w * 0.015, ground - h * 0.4),
                (x - w * 0.015, ground - h * 0.4),
            ],
            fill=colour,
        )
        draw.rectangle(
            (x - w * 0.02, ground - h * 0.46, x + w * 0.02, ground - h * 0.4), fill=colour
        )
    elif kind == "bus":
        x, y = w * 0.35, ground - h * 0.2
        draw.rounded_rectangle((x, y, x + w * 0.36, ground - h * 0.03), radius=20, fill=colour)
        for i in range(6):
            wx = x + w * 0.02 + i * w * 0.055
            draw.rectangle((wx, y + h * 0.03, wx + w * 0.04, y + h * 0.09), fill=(250, 220, 140))
        for wx in (x + w * 0.07, x + w * 0.29):
            r = h * 0.035
            draw.ellipse(
                (wx - r, ground - h * 0.03 - r, wx + r, ground - h * 0.03 + r), fill=(20, 20, 20)
            )
    elif kind == "house":
        x = w * 0.62
        draw.rectangle((x, ground - h * 0.14, x + w * 0.12, ground), fill=colour)
        draw.polygon(
            [
                (x - w * 0.015, ground - h * 0.14),
                (x + w * 0.06, ground - h * 0.24),
                (x + w * 0.135, ground - h * 0.14),
            ],
            fill=colour,
        )
        draw.rectangle(
            (x + w * 0.02, ground - h * 0.1, x + w * 0.045, ground - h * 0.06), fill=(250, 215, 130)
        )
    elif kind == "tree":
        x = w * 0.78
        draw.rectangle((x - w * 0.006, ground - h * 0.18, x + w * 0.006, ground), fill=colour)
        r = w * 0.06
        draw.ellipse(
            (x - r, ground - h * 0.18 - r * 1.3, x + r, ground - h * 0.18 + r * 0.5), fill=colour
        )


@_cached
def draw_still(*, key, prop="", night=False):
    """A 1200x675 JPEG landscape "still" (bytes) in the palette of `key`."""
    pal = palette(key)
    rng = _rng(key)
    w, h = STILL_SIZE[0] * SCALE, STILL_SIZE[1] * SCALE
    sky_top = pal["deep"] if night else pal["mid"]
    sky_bottom = pal["mid"] if night else _mix(pal["light"], pal["accent"], 0.3)
    canvas = _gradient((w, h), sky_top, sky_bottom)
    draw = ImageDraw.Draw(canvas)
    if night:
        for _ in range(160):
            x, y, r = rng.random() * w, rng.random() * h * 0.55, rng.random() * 3 + 1
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 250, 235))
    cx, cy = w * (0.2 + rng.random() * 0.6), h * (0.2 + rng.random() * 0.2)
    body = pal["light"] if night else _mix(pal["accent"], (255, 240, 200), 0.4)
    # A soft halo: blurred at 1/8 size, then scaled up (blurring full size is slow).
    halo = Image.new("L", (w // 8, h // 8), 0)
    r = w * 0.02
    ImageDraw.Draw(halo).ellipse((cx / 8 - r, cy / 8 - r, cx / 8 + r, cy / 8 + r), fill=200)
    halo = halo.filter(ImageFilter.GaussianBlur(w / 8 * 0.03)).resize((w, h))
    canvas.paste(Image.new("RGB", (w, h), body), (0, 0), halo)
    r = w * 0.045
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=body)
    ground = h * 0.72
    for layer in range(3):
        base = h * (0.55 + layer * 0.09)
        colour = _mix(pal["dark"], pal["deep"], layer / 2)
        points = [(0, h)]
        for x in range(0, w + 80, 80):
            points.append((x, base + math.sin(x / w * 5 + layer * 2 + rng.random()) * h * 0.04))
        points.append((w, h))
        draw.polygon(points, fill=colour)
    if prop:
        _prop(draw, prop, w, h, ground, pal["deep"])
    still = canvas.resize(STILL_SIZE, Image.Resampling.LANCZOS)
    # Letterbox bars: reads as a frame from a film rather than a wallpaper.
    bars = ImageDraw.Draw(still)
    bars.rectangle((0, 0, STILL_SIZE[0], 40), fill=(8, 8, 8))
    bars.rectangle((0, STILL_SIZE[1] - 40, STILL_SIZE[0], STILL_SIZE[1]), fill=(8, 8, 8))
    return _jpeg(still, quality=84)


@_cached
def draw_avatar(*, key, name):
    """A 256x256 JPEG avatar (bytes): initials on a colour from `key`."""
    pal = palette(key)
    image = _gradient(AVATAR_SIZE, pal["mid"], pal["dark"])
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = _font(110)
    box = draw.textbbox((0, 0), initials, font=font)
    x = (AVATAR_SIZE[0] - (box[2] - box[0])) / 2 - box[0]
    y = (AVATAR_SIZE[1] - (box[3] - box[1])) / 2 - box[1]
    draw.text(
        (x, y), initials, font=font, fill=pal["light"], stroke_width=3, stroke_fill=pal["light"]
    )
    return _jpeg(image, quality=88)
