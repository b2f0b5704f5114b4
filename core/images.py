"""Images every app shares: upload checks for each image field, rendition URLs that never turn a
page into a 500, and responsive renditions (several widths, AVIF/WebP/JPEG) shown through
one <picture> builder."""

import logging
import re
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit
from PIL import Image, UnidentifiedImageError, features

from core.storage_config import storage_identity

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

    imagekit keeps its "already generated" state in the cache and the media storage, so asking
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


# --- Responsive renditions --------------------------------------------------------------------

# Newest format first: a browser takes the first <source> it can decode, the <img> is the JPEG
# every browser reads. AVIF only where this Pillow can encode it.
RENDITION_FORMATS = ("avif", "webp", "jpeg") if features.check("avif") else ("webp", "jpeg")
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
# Qualities chosen by eye on the demo posters: each format about as sharp as the JPEG, AVIF
# about 40 % and WebP about 55 % of its bytes.
ENCODER_OPTIONS = {
    # speed 8: a tenth of the default encoding time for a few per cent more bytes (renditions
    # are made when first asked for, inside a reader's request).
    "avif": {"quality": 55, "speed": 8},
    "webp": {"quality": 80, "method": 4},
    "jpeg": {"quality": 82, "optimize": True, "progressive": True},
}


class Renditions:
    """An image field's renditions in several widths and formats, declared on a model like a field:

        poster_renditions = Renditions("poster", widths=(160, 320, 480, 640), aspect=(2, 3))

    Each width in each format becomes an imagekit ImageSpecField (`poster_320_webp`), generated
    when first asked for and stored in the media storage under CACHE/images/, named after the
    source file's name and the spec, so a new upload (a new file name: the storage never
    overwrites) gets new URLs.
    With `aspect` every rendition is cropped to it (exactly width × width·h/w); without, it keeps
    the source's proportions and is never enlarged.
    """

    def __init__(self, source, widths, *, aspect=None):
        self.source = source
        self.widths = tuple(sorted(widths))
        self.aspect = aspect

    def contribute_to_class(self, cls, name):
        self.name = name
        for width in self.widths:
            if self.aspect:
                processor = ResizeToFill(width, self.height_for(width))
            else:
                # Tall images are limited by width only: the height cap never binds first.
                processor = ResizeToFit(width, width * 10, upscale=False)
            for image_format in RENDITION_FORMATS:
                cls.add_to_class(
                    self.spec_name(width, image_format),
                    ImageSpecField(
                        source=self.source,
                        processors=[processor],
                        format=image_format.upper(),
                        options=ENCODER_OPTIONS[image_format],
                    ),
                )
        setattr(cls, name, self)

    def generate_all(self, instance):
        """Makes every rendition of `instance` now (each a no-op when already stored), so the
        first page that shows the image does not wait for them."""
        if not getattr(instance, self.source):
            return
        for width in self.widths:
            for image_format in RENDITION_FORMATS:
                getattr(instance, self.spec_name(width, image_format)).generate()

    def spec_name(self, width, image_format):
        return f"{self.source}_{width}_{image_format}"

    def height_for(self, width):
        aspect_width, aspect_height = self.aspect
        return round(width * aspect_height / aspect_width)

    def sizes_of(self, instance, widths):
        """(rendition width, width, height) of each distinct rendition among `widths`."""
        if self.aspect:
            return [(width, width, self.height_for(width)) for width in widths]
        # Never enlarged: past the source's own width the renditions are all the source's size.
        field_file = getattr(instance, self.source)
        source_width, source_height = field_file.width, field_file.height
        found = []
        for width in widths:
            actual = min(width, source_width)
            if found and found[-1][1] == actual:
                continue
            found.append((width, actual, round(source_height * actual / source_width)))
        return found


# The media condition before a length in a sizes entry: "(min-width: 992px) 220px".
MEDIA_CONDITION_RE = re.compile(r"^\s*\(.*?\)\s+(?=[\d.]|calc\()")


def _lengths(sizes):
    """The lengths of a sizes attribute, without their media conditions."""
    return [MEDIA_CONDITION_RE.sub("", entry).strip() for entry in sizes.split(",")]


def _largest_px(sizes):
    """The largest length in a sizes attribute, in CSS pixels; None when any is relative (vw,
    calc...), so the largest cannot be known."""
    lengths = _lengths(sizes)
    if not all(re.fullmatch(r"\d+(?:\.\d+)?px", length) for length in lengths):
        return None
    return max(float(length.removesuffix("px")) for length in lengths)


def _widths_for(widths, sizes):
    """The widths worth offering for `sizes`: up to the first that covers twice its largest
    length (a 2x screen); every width when it uses relative lengths."""
    largest = _largest_px(sizes)
    if largest is None:
        return widths
    chosen = []
    for width in widths:
        chosen.append(width)
        if width >= 2 * largest:
            break
    return tuple(chosen)


# Rendition URLs already made sure of, by storage, source file and sizes: asking imagekit costs
# a cache lookup and a hash per rendition (a dozen a poster), and the answer only changes with
# the source's name. Bounded, per process, and kept RENDERED_SECONDS at most (or imagekit's own
# state timeout, when shorter), so that a rendition deleted from the storage is looked for
# again and regenerated (core/storage.py) without restarting the server.
_rendered = {}
RENDERED_MAX = 10_000
RENDERED_SECONDS = 300


def _rendered_seconds():
    timeout = settings.IMAGEKIT_CACHE_TIMEOUT
    return RENDERED_SECONDS if timeout is None else min(RENDERED_SECONDS, timeout)


def _renditions_for(instance, spec, sizes):
    """(srcset per format, fallback JPEG URL, its width, its height); generates what is missing."""
    sizes_found = spec.sizes_of(instance, _widths_for(spec.widths, sizes))
    srcsets = {
        image_format: ", ".join(
            f"{getattr(instance, spec.spec_name(width, image_format)).url} {actual}w"
            for width, actual, _height in sizes_found
        )
        for image_format in RENDITION_FORMATS
    }
    # The fallback src (browsers without srcset): the first rendition as wide as shown.
    shown = _largest_px(sizes) or 0
    name, width, height = next((item for item in sizes_found if item[1] >= shown), sizes_found[-1])
    return srcsets, getattr(instance, spec.spec_name(name, "jpeg")).url, width, height


def picture(instance, renditions, *, alt, sizes, eager=False, css_class=""):
    """A <picture> of `instance`'s Renditions named `renditions`: a <source> per modern format
    and a JPEG <img> with srcset, width, height (no layout shift) and the loading hints, or ""
    when there is no upload or its file is unusable (the caller shows its placeholder).

    `sizes` is the <img> sizes attribute: how wide the image is shown at each viewport width.
    `eager` is for the one image above the fold (fetched first, at high priority); every other
    image loads lazily and decodes off the main thread.
    """
    spec = getattr(type(instance), renditions)
    source = getattr(instance, spec.source)
    if not source:
        return ""
    # The storage is in the key: tests swap MEDIA_ROOT or the bucket per test.
    key = (
        type(instance)._meta.label,
        renditions,
        storage_identity(source.storage),
        source.name,
        sizes,
    )
    now = time.monotonic()
    expires, found = _rendered.get(key, (0, None))
    if found is None or expires <= now:
        try:
            found = _renditions_for(instance, spec, sizes)
        except Exception:  # missing or corrupt upload: show the placeholder, never a 500
            logger.warning(
                "Could not render %s of %s %s",
                renditions,
                type(instance).__name__,
                instance.pk,
                exc_info=True,
            )
            return ""
        if len(_rendered) >= RENDERED_MAX:
            _rendered.clear()
        _rendered[key] = (now + _rendered_seconds(), found)
    srcsets, fallback_url, width, height = found
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        (
            (MIME_TYPES[image_format], srcsets[image_format], sizes)
            for image_format in RENDITION_FORMATS
            if image_format != "jpeg"
        ),
    )
    loading = (
        mark_safe(' fetchpriority="high"')
        if eager
        else mark_safe(' loading="lazy" decoding="async"')
    )
    return format_html(
        '<picture>{}<img{} src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}>'
        "</picture>",
        sources,
        format_html(' class="{}"', css_class) if css_class else "",
        fallback_url,
        srcsets["jpeg"],
        sizes,
        width,
        height,
        alt,
        loading,
    )
