"""Uploads and their renditions served by Django itself (SERVE_MEDIA, local media storage)."""

from django.conf import settings
from django.views.static import serve

from core.storage_config import IMMUTABLE, is_rendition


def serve_media(request, path):
    """A file under MEDIA_ROOT. Renditions (imagekit's cache files) are cached by browsers and
    shared caches for a year without revalidation: their names carry a hash of the source file's
    name and the spec, and a new upload always gets a new name (the storage never overwrites),
    so changed content always comes under a new URL. Originals keep their names and get no such
    promise. (In a bucket, core.storage.MediaS3Storage stores the same headers with each object.)
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200 and is_rendition(path):
        response["Cache-Control"] = IMMUTABLE
    return response
