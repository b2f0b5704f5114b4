"""Identicon avatars drawn locally from a keyed hash of the commenter's email.

No Gravatar: a plain md5/sha256 of an address can be reversed by anyone with a list of addresses.
The hash here is an HMAC keyed with SECRET_KEY (salted). A page carries only a short key taken
from it (avatar_key: 32 bits, of which the picture uses a colour and 15 bits), in the URL of an
image file (/avatars/<key>.svg) that the browser caches for a year: nothing in it can be traced
back to the address, and the picture is drawn from the key alone.
"""

import colorsys
import hashlib
import hmac

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes

_SALT = "comments.avatars.identicon"
GRID = 5  # cells per side; columns mirror around the middle one
KEY_LENGTH = 8  # hex digits of the HMAC in the avatar's URL
KEY_PATTERN = f"[0-9a-f]{{{KEY_LENGTH}}}"


def avatar_key(email) -> str:
    """The avatar's key for this address: the same however the address is typed."""
    normalised = (email or "").strip().lower()
    digest = salted_hmac(_SALT, normalised, algorithm="sha256").digest()
    return digest[: KEY_LENGTH // 2].hex()


def avatar_url_around() -> tuple[str, str]:
    """What goes before and after the key in an avatar's URL (reversed once per page)."""
    url = reverse("comments:avatar", kwargs={"key": "0" * KEY_LENGTH})
    before, _, after = url.rpartition("0" * KEY_LENGTH)
    return before, after


def avatar_url(email) -> str:
    before, after = avatar_url_around()
    return f"{before}{avatar_key(email)}{after}"


def _hex(hue, lightness, saturation) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def identicon_cells(key) -> list[tuple[int, int]]:
    """The (x, y) cells filled for this key: a left-right symmetric 5x5 pattern."""
    bits = int(key[4:8], 16)
    half = (GRID + 1) // 2
    cells = []
    for y in range(GRID):
        for x in range(half):
            if bits >> (y * half + x) & 1:
                cells.append((x, y))
                if x != GRID - 1 - x:
                    cells.append((GRID - 1 - x, y))
    return cells or [(GRID // 2, GRID // 2)]  # never a blank square


def identicon_svg(key, *, size=44) -> str:
    """The identicon of an avatar key as a standalone SVG image file."""
    hue = int(key[0:4], 16) % 360 / 360
    foreground = _hex(hue, 0.42, 0.55)
    background = _hex(hue, 0.92, 0.45)
    path = "".join(f"M{x} {y}h1v1h-1z" for x, y in sorted(identicon_cells(key)))
    # Presentation attributes (fill=…) rather than style="…": the CSP forbids inline styles.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        'viewBox="-0.5 -0.5 6 6" shape-rendering="crispEdges">'
        f'<rect x="-0.5" y="-0.5" width="6" height="6" fill="{background}"/>'
        f'<path fill="{foreground}" d="{path}"/></svg>'
    )


class AvatarKeys:
    """avatar_key() for the many comments of one page: the HMAC key derived once, and each
    address hashed once however many times its writer commented."""

    def __init__(self):
        self.keys = {}
        # What salted_hmac(_SALT, ..., algorithm="sha256") does per call, done once.
        secret = force_bytes(settings.SECRET_KEY)
        self.hmac_key = hashlib.sha256(force_bytes(_SALT) + secret).digest()

    def __call__(self, email) -> str:
        normalised = (email or "").strip().lower()
        key = self.keys.get(normalised)
        if key is None:
            digest = hmac.new(self.hmac_key, force_bytes(normalised), hashlib.sha256).digest()
            key = self.keys[normalised] = digest[: KEY_LENGTH // 2].hex()
        return key
