"""Admin pieces every app's ModelAdmin uses: the site's stylesheet, image previews, field types;
and the background task results' admin, with an action to requeue failed mail."""

import logging

from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext

# Imported (so registered) before its registration is replaced below, whatever the import order.
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .forms import ValidatedImageField
from .tasks import requeue_failed

logger = logging.getLogger(__name__)

ADMIN_CSS = {"all": ["css/admin.css"]}


def image_preview(source, rendition, *, alt, size=None):
    """An <img> of an upload's rendition, or a short note when there is nothing to show.

    `source` is the ImageField's file, `rendition` a zero-argument callable returning the
    imagekit cache file. Rendering is guarded: a missing or broken file on disk must never
    turn an admin page into a 500.
    """
    if not source:
        return gettext("No image yet.")
    if not getattr(source, "_committed", True):
        # A fresh upload on a form shown again with errors: nothing stored to preview yet.
        return gettext("Preview shown after saving.")
    try:
        file = rendition()
        url = file.url
        width, height = size or (file.width, file.height)
    except Exception:
        logger.warning("Cannot render a preview of %s", source.name, exc_info=True)
        return gettext("Preview unavailable: the file is missing or is not a readable image.")
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="admin-preview">',
        url,
        alt,
        width,
        height,
    )


class SiteFieldsAdminMixin:
    """Form fields the way the whole admin wants them.

    Image fields report the site's upload message (core.images) on the field; a website
    typed without a scheme is taken as https (Django 6's default, opted into now).
    """

    formfield_overrides = {
        models.ImageField: {"form_class": ValidatedImageField},
        models.URLField: {"assume_scheme": "https"},
    }


# Background task results: django_tasks_db's read-only admin, plus a way to requeue failed mail.
class TaskResultAdmin(DBTaskResultAdmin):
    actions = ["requeue_failed_tasks"]

    def has_requeue_permission(self, request):
        # The admin never edits task rows; "change" is the permission an operator is given.
        return request.user.has_perm("django_tasks_database.change_dbtaskresult")

    @admin.action(
        description=gettext_lazy("Requeue the selected failed tasks (not those already retried)"),
        permissions=["requeue"],
    )
    def requeue_failed_tasks(self, request, queryset):
        requeued, missing = requeue_failed(queryset)
        self.message_user(
            request,
            ngettext(
                "Requeued %(count)d failed task: a worker will run it again.",
                "Requeued %(count)d failed tasks: a worker will run them again.",
                len(requeued),
            )
            % {"count": len(requeued)},
            messages.SUCCESS if requeued else messages.WARNING,
        )
        for row in missing:
            self.message_user(
                request,
                gettext("Not requeued: %(task)s no longer exists.") % {"task": row.task_path},
                messages.ERROR,
            )


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
