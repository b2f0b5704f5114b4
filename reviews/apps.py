from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # Adds reviews to the film pages (films sits below reviews and cannot import it).
        from . import film_pages  # noqa: F401
