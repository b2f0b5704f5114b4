"""Commenters' identicons as image files: /avatars/<key>.svg (comments/avatars.py)."""

from django.http import HttpResponse
from django.views.decorators.http import condition, require_safe

from ..avatars import identicon_svg

# The picture depends on the key alone: a browser (or a shared cache) keeps it for a year.
# Bump the version if the drawing ever changes, so clients holding the old picture revalidate.
DRAWING_VERSION = "1"
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _etag(request, key):
    return f"identicon-{DRAWING_VERSION}-{key}"


@require_safe
@condition(etag_func=_etag)
def avatar(request, key):
    response = HttpResponse(identicon_svg(key), content_type="image/svg+xml")
    response["Cache-Control"] = CACHE_CONTROL
    return response
