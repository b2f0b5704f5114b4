from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordpressConfig(AppConfig):
    """Moving in from WordPress and out again: WXR import and export, old permalinks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "wordpress"
    verbose_name = _("WordPress")
