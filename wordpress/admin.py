from django.contrib import admin

from .models import LegacyRedirect


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(admin.ModelAdmin):
    """Old WordPress addresses (from import_wxr) that redirect to a review; editable by staff."""

    list_display = ["old_path", "review"]
    search_fields = ["old_path", "review__headline"]
    autocomplete_fields = ["review"]
