from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from . import triggers


def ensure_sqlite_triggers(sender, using, **kwargs):
    """Puts back the reply-on-the-same-review trigger if a SQLite table rebuild dropped it.

    SQLite alters a table by copying it, which silently drops its triggers; any future
    migration touching comments_comment would lose the rule without this safety net.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "comments_comment" not in tables:
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        if set(triggers.SQLITE_TRIGGER_NAMES) <= present:
            return
        for statement in triggers.SQLITE_DROP + triggers.SQLITE:
            cursor.execute(statement)


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        post_migrate.connect(ensure_sqlite_triggers, sender=self)
        # Keeps each review's stored approved-comment count in step with its comments.
        from . import counts

        counts.connect_signals()
        # Adds the comment section and audience scores to review and film pages.
        # The comment form's signed timestamp is bound to the visitor's CSRF token: pages from
        # the page cache get a fresh one per response.
        from core import pagecache

        from . import pages  # noqa: F401
        from .spam import TIMESTAMP_PLACEHOLDER, issue_timestamp

        pagecache.register_substitution(TIMESTAMP_PLACEHOLDER, issue_timestamp)
