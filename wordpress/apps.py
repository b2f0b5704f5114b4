from django.apps import AppConfig


class WordpressConfig(AppConfig):
    """Moving in from WordPress and out again: WXR import and export, old permalinks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "wordpress"
    verbose_name = "WordPress"
