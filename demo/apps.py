from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Original demo content for `make run`: films with drawn posters, reviews, threads."""

    name = "demo"
    verbose_name = _("Demo content")
