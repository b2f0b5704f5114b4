"""The privacy requests as actions on the comment admin (registered in comments/admin.py)."""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import privacy
from .models import Comment

ALREADY_ERASED = _("The selected comments are already erased.")


def _emails(queryset):
    """The distinct addresses (compared case-insensitively) behind the selected comments."""
    seen = {}
    for email in queryset.filter(is_erased=False).values_list("email", flat=True):
        seen.setdefault(email.strip().casefold(), email.strip())
    return sorted(seen.values(), key=str.casefold)


@admin.action(permissions=["view"], description=_("Export data for these commenters' emails"))
def export_commenter_data(modeladmin, request, queryset):
    emails = _emails(queryset)
    if not emails:
        modeladmin.message_user(request, ALREADY_ERASED, messages.INFO)
        return None
    exports = [privacy.export_email(email) for email in emails]
    data = exports[0] if len(exports) == 1 else exports
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"comment-data-{timezone.now():%Y%m%d-%H%M%S}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.action(permissions=["change"], description=_("Erase data for these commenters' emails"))
def erase_commenter_data(modeladmin, request, queryset):
    emails = _emails(queryset)
    if not emails:
        modeladmin.message_user(request, ALREADY_ERASED, messages.INFO)
        return None
    if request.POST.get("confirm") == "yes":
        erased = 0
        # All the selected addresses or none: a failure on one must not leave the others erased
        # while the admin reports an error (and the operator believes nothing happened).
        with transaction.atomic():
            for email in emails:
                erased += privacy.erase_email(email, moderator=request.user)["comments"]
        modeladmin.message_user(
            request,
            gettext(
                "Erased %(comments)d comment(s) from %(emails)d email address(es); their "
                "subscriptions and verified addresses are deleted."
            )
            % {"comments": erased, "emails": len(emails)},
            messages.SUCCESS,
        )
        return None
    # Like "delete selected": an irreversible action asks first.
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Erase these commenters' data?"),
        "opts": modeladmin.model._meta,
        "emails": [
            (email, Comment.objects.filter(email__iexact=email).count()) for email in emails
        ],
        "queryset": queryset,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action_name": "erase_commenter_data",
    }
    return TemplateResponse(request, "comments/moderation/erase_confirm.html", context)
