import logging

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from .forms import FilmAdminForm, ValidatedImageField
from .models import Credit, Film, Genre, Person

logger = logging.getLogger(__name__)

ADMIN_CSS = {"all": ["css/admin.css"]}


def image_preview(source, rendition, *, alt, size=None):
    """An <img> of an upload's rendition, or a short note when there is nothing to show.

    `source` is the ImageField's file, `rendition` a zero-argument callable returning the
    imagekit cache file. Rendering is guarded: a missing or broken file on disk must never
    turn an admin page into a 500.
    """
    if not source:
        return "No image yet."
    if not getattr(source, "_committed", True):
        # A fresh upload on a form shown again with errors: nothing stored to preview yet.
        return "Preview shown after saving."
    try:
        file = rendition()
        url = file.url
        width, height = size or (file.width, file.height)
    except Exception:
        logger.warning("Cannot render a preview of %s", source.name, exc_info=True)
        return "Preview unavailable: the file is missing or is not a readable image."
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="admin-preview">',
        url,
        alt,
        width,
        height,
    )


class SiteFieldsAdminMixin:
    """Form fields the way the whole admin wants them.

    Image fields report the site's upload message (reviewsite.images) on the field; a website
    typed without a scheme is taken as https (Django 6's default, opted into now).
    """

    formfield_overrides = {
        models.ImageField: {"form_class": ValidatedImageField},
        models.URLField: {"assume_scheme": "https"},
    }


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


class PersonCreditInline(admin.TabularInline):
    model = Credit
    fk_name = "person"
    fields = ["film", "role", "character", "billing_order"]
    autocomplete_fields = ["film"]
    extra = 0
    verbose_name = "film credit"
    verbose_name_plural = "filmography"


@admin.register(Person)
class PersonAdmin(SiteFieldsAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}
    fields = ["name", "slug", "bio", "photo", "photo_preview"]
    readonly_fields = ["photo_preview"]
    inlines = [PersonCreditInline]

    class Media:
        css = ADMIN_CSS

    @admin.display(description="Current photo")
    def photo_preview(self, obj):
        return image_preview(
            obj.photo, lambda: obj.photo_thumb, alt=f"Photo of {obj.name}", size=(80, 80)
        )


class CreditInline(admin.TabularInline):
    model = Credit
    fk_name = "film"
    fields = ["person", "role", "character", "billing_order"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(Film)
class FilmAdmin(SiteFieldsAdminMixin, admin.ModelAdmin):
    form = FilmAdminForm
    list_display = ["title", "year", "certification", "runtime_minutes", "updated_at"]
    list_filter = ["year", "genres", "certification"]
    search_fields = ["title", "synopsis"]
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ["genres"]
    readonly_fields = ["poster_preview"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "release_date"]}),
        ("Details", {"fields": ["certification", "runtime_minutes", "genres", "synopsis"]}),
        ("Poster", {"fields": ["poster", "poster_preview"]}),
    ]
    inlines = [CreditInline]

    class Media:
        css = ADMIN_CSS

    @admin.display(description="Current poster")
    def poster_preview(self, obj):
        # The 200×300 list rendition, shown at half size: the same file readers' lists load.
        return image_preview(
            obj.poster, lambda: obj.poster_thumb, alt=f"Poster of {obj.title}", size=(100, 150)
        )
