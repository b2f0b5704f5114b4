"""Admin pieces every app's ModelAdmin uses: the site's stylesheet, image previews, field types."""

import logging

from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext

from .forms import ValidatedImageField

logger = logging.getLogger(__name__)

ADMIN_CSS = {"all": ["css/admin.css"]}


def image_preview(source, rendition, *, alt, size=None):
    """An <img> of an upload's rendition, or a short note when there is nothing to show.

    `source` is the ImageField's file, `rendition` a zero-argument callable returning the
    imagekit cache file. Rendering is guarded: a missing or broken file on disk must never
    turn an admin page into a 500.
    """
    if not source:
        return gettext("No image yet.")
    if not getattr(source, "_committed", True):
        # A fresh upload on a form shown again with errors: nothing stored to preview yet.
        return gettext("Preview shown after saving.")
    try:
        file = rendition()
        url = file.url
        width, height = size or (file.width, file.height)
    except Exception:
        logger.warning("Cannot render a preview of %s", source.name, exc_info=True)
        return gettext("Preview unavailable: the file is missing or is not a readable image.")
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="admin-preview">',
        url,
        alt,
        width,
        height,
    )


class SiteFieldsAdminMixin:
    """Form fields the way the whole admin wants them.

    Image fields report the site's upload message (core.images) on the field; a website
    typed without a scheme is taken as https (Django 6's default, opted into now).
    """

    formfield_overrides = {
        models.ImageField: {"form_class": ValidatedImageField},
        models.URLField: {"assume_scheme": "https"},
    }
