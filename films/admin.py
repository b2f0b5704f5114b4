from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ADMIN_CSS, SiteFieldsAdminMixin, image_preview

from .forms import FilmAdminForm
from .models import Credit, Film, Genre, Person


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
    verbose_name = _("film credit")
    verbose_name_plural = _("filmography")


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

    @admin.display(description=_("Current photo"))
    def photo_preview(self, obj):
        return image_preview(
            obj.photo,
            lambda: obj.photo_thumb,
            alt=gettext("Photo of %(name)s") % {"name": obj.name},
            size=(80, 80),
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
        (_("Details"), {"fields": ["certification", "runtime_minutes", "genres", "synopsis"]}),
        (_("Poster"), {"fields": ["poster", "poster_preview"]}),
    ]
    inlines = [CreditInline]

    class Media:
        css = ADMIN_CSS

    @admin.display(description=_("Current poster"))
    def poster_preview(self, obj):
        # The 200×300 list rendition, shown at half size: the same file readers' lists load.
        return image_preview(
            obj.poster,
            lambda: obj.poster_thumb,
            alt=gettext("Poster of %(title)s") % {"title": obj.title},
            size=(100, 150),
        )
