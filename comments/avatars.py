"""Identicon avatars drawn locally from a keyed hash of the commenter's email.

No Gravatar: a plain md5/sha256 of an address can be reversed by anyone with a list of addresses.
The hash here is an HMAC keyed with SECRET_KEY (salted), and only 15 bits of it and a colour end
up in the page, so nothing in the avatar can be traced back to the address.
"""

import colorsys

from django.utils.crypto import salted_hmac
from django.utils.html import format_html

_SALT = "comments.avatars.identicon"
GRID = 5  # cells per side; columns mirror around the middle one


def _digest(email) -> bytes:
    normalised = (email or "").strip().lower()
    return salted_hmac(_SALT, normalised, algorithm="sha256").digest()


def _hex(hue, lightness, saturation) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def identicon_cells(email) -> list[tuple[int, int]]:
    """The (x, y) cells filled for this address: a left-right symmetric 5x5 pattern."""
    bits = int.from_bytes(_digest(email)[2:4], "big")
    half = (GRID + 1) // 2
    cells = []
    for y in range(GRID):
        for x in range(half):
            if bits >> (y * half + x) & 1:
                cells.append((x, y))
                if x != GRID - 1 - x:
                    cells.append((GRID - 1 - x, y))
    return cells or [(GRID // 2, GRID // 2)]  # never a blank square


def identicon_svg(email, *, size=44):
    """An inline <svg> identicon (decorative: the name is printed beside it)."""
    digest = _digest(email)
    hue = int.from_bytes(digest[0:2], "big") % 360 / 360
    foreground = _hex(hue, 0.42, 0.55)
    background = _hex(hue, 0.92, 0.45)
    path = "".join(f"M{x} {y}h1v1h-1z" for x, y in sorted(identicon_cells(email)))
    # Presentation attributes (fill=…) rather than style="…": the CSP forbids inline styles.
    return format_html(
        '<svg class="comment-avatar" width="{size}" height="{size}" viewBox="-0.5 -0.5 6 6" '
        'aria-hidden="true" focusable="false" shape-rendering="crispEdges">'
        '<rect x="-0.5" y="-0.5" width="6" height="6" fill="{bg}"/>'
        '<path fill="{fg}" d="{path}"/></svg>',
        size=size,
        bg=background,
        fg=foreground,
        path=path,
    )
