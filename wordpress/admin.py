from django.contrib import admin

from .models import ImportSource, LegacyRedirect


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(admin.ModelAdmin):
    """Old WordPress addresses (from import_wxr) that redirect to a review or an author page;
    editable by staff. Suffixes (/feed/, /comment-page-2/, /amp/…) need no row of their own."""

    list_display = ["old_path", "review", "author", "source"]
    list_filter = ["source"]
    list_select_related = ["review", "author", "source"]
    search_fields = ["old_path", "review__headline", "author__display_name"]
    autocomplete_fields = ["review", "author"]


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    """The WordPress sites imported here: their comments per page place old comment pages."""

    list_display = ["url", "comments_per_page", "permalink_structure", "imported_at"]
    list_editable = ["comments_per_page"]
    search_fields = ["url"]
    readonly_fields = ["imported_at"]
