"""Uploads and their renditions served by Django itself (SERVE_MEDIA, a single server)."""

from django.conf import settings
from django.views.static import serve

# A year, the longest RFC 9111 suggests; `immutable` spares even the reload's revalidation.
IMMUTABLE = "public, max-age=31536000, immutable"


def serve_media(request, path):
    """A file under MEDIA_ROOT. Renditions (imagekit's cache files) are cached by browsers and
    shared caches for a year without revalidation: their names carry a hash of the source file's
    name and the spec, and a new upload always gets a new name (the storage never overwrites),
    so changed content always comes under a new URL. Originals keep their names and get no such
    promise."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    rendition_dir = settings.IMAGEKIT_CACHEFILE_DIR.strip("/") + "/"
    if response.status_code == 200 and path.startswith(rendition_dir):
        response["Cache-Control"] = IMMUTABLE
    return response
