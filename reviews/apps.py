from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # Adds reviews to the film pages (films sits below reviews and cannot import it).
        from core import pagecache

        from . import film_pages  # noqa: F401
        from .schedule import next_change

        pagecache.register_expiry(next_change)

        # SQLite drops triggers when a migration rebuilds a table: put the search index's back.
        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(sender, using="default", **kwargs):
    from django.db import connections

    from . import fts

    connection = connections[using]
    if "reviews_review" in connection.introspection.table_names():
        fts.ensure_sqlite_index(connection)
