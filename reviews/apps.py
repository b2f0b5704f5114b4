from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"

    def ready(self):
        # Adds reviews to the film pages (films sits below reviews and cannot import it).
        from . import film_pages  # noqa: F401
