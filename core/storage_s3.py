"""Media in an S3-compatible bucket (MEDIA_STORAGE=s3, chosen in core/storage_config.py)."""

from storages.backends.s3 import S3Storage
from storages.utils import clean_name, get_available_overwrite_name

from core.storage_config import IMMUTABLE, ORIGINAL_CACHE_CONTROL, is_rendition


class MediaS3Storage(S3Storage):
    """django-storages' S3 storage with the site's caching headers per object: renditions are
    immutable for a year, originals are cached for a day."""

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        parameters.setdefault(
            "CacheControl", IMMUTABLE if is_rendition(name) else ORIGINAL_CACHE_CONTROL
        )
        return parameters

    def get_available_name(self, name, max_length=None):
        # A rendition's content is fixed by its name: two servers generating it at once both
        # write the same bytes, so the second overwrites rather than leave a "-abc123" copy.
        if is_rendition(name):
            return get_available_overwrite_name(clean_name(name), max_length)
        return super().get_available_name(name, max_length)
