"""Images every app shares: upload checks for each image field, and rendition URLs that never
turn a page into a 500."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)


def validate_image_upload(file):
    """Refuses anything that is not a real image of an allowed format, size and pixel count."""
    if file is None:
        return
    size = getattr(file, "size", None)
    if size is not None and size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("This image is %(size)s; the largest accepted is %(limit)s."),
            code="file_too_large",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.IMAGE_UPLOAD_MAX_BYTES),
            },
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        # Pillow raises DecompressionBombError beyond twice this; we check the exact limit below.
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a valid image. Upload a JPEG, PNG, WebP or GIF picture."),
            code="invalid_image",
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in settings.IMAGE_UPLOAD_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a JPEG, PNG, WebP or GIF picture."),
            code="invalid_format",
            params={"format": image_format},
        )
    if width * height > settings.IMAGE_UPLOAD_MAX_PIXELS:
        raise ValidationError(
            _(
                "This image is %(width)s×%(height)s pixels; "
                "the most accepted is %(limit)s megapixels."
            ),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "limit": f"{settings.IMAGE_UPLOAD_MAX_PIXELS / 1_000_000:g}",
            },
        )


def rendition_url(instance, source_field, rendition):
    """URL of an imagekit rendition, or "" when there is no upload or its file is unusable.

    imagekit keeps its "already generated" state in the cache and the file system, so asking
    for the URL never queries the database.
    """
    if not getattr(instance, source_field):
        return ""
    try:
        return getattr(instance, rendition).url
    except Exception:  # missing or corrupt upload: show the placeholder, never a 500
        logger.warning(
            "Could not render %s of %s %s",
            rendition,
            type(instance).__name__,
            instance.pk,
            exc_info=True,
        )
        return ""
