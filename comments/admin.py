from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from core.admin import SiteFieldsAdminMixin

from .models import (
    BlocklistEntry,
    Comment,
    CommenterFeed,
    CommentReport,
    ModerationLog,
    Subscription,
    VerifiedEmail,
)
from .moderation import STATUS_ACTION, apply_action, edit_comment, is_moderator
from .privacy_admin import erase_commenter_data, export_commenter_data


class ModerationLogInline(admin.TabularInline):
    """The comment's audit trail, newest first; nobody edits history."""

    model = ModerationLog
    fields = ["created_at", "action", "moderator", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("moderation history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# What each action says: (how many changed, "count" being the number; nothing changed).
ACTION_MESSAGES = {
    ModerationLog.Action.APPROVE: (
        ngettext_lazy("%(count)d comment approved.", "%(count)d comments approved.", "count"),
        _("No comment changed: the selected ones were already approved."),
    ),
    ModerationLog.Action.SPAM: (
        ngettext_lazy(
            "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", "count"
        ),
        _("No comment changed: the selected ones were already marked as spam."),
    ),
    ModerationLog.Action.REMOVE: (
        ngettext_lazy("%(count)d comment removed.", "%(count)d comments removed.", "count"),
        _("No comment changed: the selected ones were already removed."),
    ),
    ModerationLog.Action.UNAPPROVE: (
        ngettext_lazy("%(count)d comment unapproved.", "%(count)d comments unapproved.", "count"),
        _("No comment changed: the selected ones were already unapproved."),
    ),
}


def _moderate(modeladmin, request, queryset, action):
    """Moves the selected comments through comments.moderation and says how many changed."""
    changed = apply_action(comments=queryset, action=action, moderator=request.user)
    done, unchanged = ACTION_MESSAGES[action]
    if changed:
        modeladmin.message_user(request, done % {"count": changed}, messages.SUCCESS)
    else:
        modeladmin.message_user(request, unchanged, messages.INFO)


@admin.action(permissions=["moderate"], description=_("Approve selected comments"))
def approve_comments(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, ModerationLog.Action.APPROVE)


@admin.action(permissions=["moderate"], description=_("Mark selected comments as spam"))
def mark_spam(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, ModerationLog.Action.SPAM)


@admin.action(permissions=["moderate"], description=_("Remove selected comments"))
def remove_comments(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, ModerationLog.Action.REMOVE)


@admin.action(
    permissions=["moderate"], description=_("Unapprove selected comments (back to the queue)")
)
def unapprove_comments(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, ModerationLog.Action.UNAPPROVE)


@admin.register(Comment)
class CommentAdmin(SiteFieldsAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_body", "review", "status", "created_at", "depth"]
    list_filter = ["status", ("review", admin.RelatedOnlyFieldListFilter), "created_at"]
    list_select_related = ["review"]
    search_fields = ["name", "email", "body", "ip_address"]
    date_hierarchy = "created_at"
    # A list, so later work (privacy export/erase) can add its actions here.
    actions = [
        approve_comments,
        mark_spam,
        remove_comments,
        unapprove_comments,
        export_commenter_data,
        erase_commenter_data,
    ]
    fieldsets = [
        (None, {"fields": ["review", "parent", "status", "held_reason"]}),
        (
            _("Comment"),
            {"fields": ["name", "email", "url", "show_recent_post", "body", "rating"]},
        ),
        (
            _("Where it came from"),
            {"fields": ["user", "ip_address", "user_agent", "created_at", "edited_at"]},
        ),
        (
            _("Moderation"),
            {"fields": ["moderated_by", "moderated_at", "is_erased", "path", "depth"]},
        ),
    ]
    # Moving a comment between reviews or parents breaks the thread (the database refuses it);
    # a rating is the reader's own. Status changes go through the moderation service.
    readonly_fields = [
        "review",
        "parent",
        "held_reason",
        "rating",
        "user",
        "ip_address",
        "user_agent",
        "created_at",
        "edited_at",
        "moderated_by",
        "moderated_at",
        "is_erased",
        "path",
        "depth",
    ]
    inlines = [ModerationLogInline]

    @admin.display(description=_("comment"))
    def short_body(self, obj):
        return Truncator(obj.body).chars(80)

    def has_add_permission(self, request):
        # Comments come from readers on the site (authors reply there too, marked as author).
        return False

    def has_moderate_permission(self, request):
        """The moderation actions and status changes: the same permission as /moderation/."""
        return is_moderator(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_moderate_permission(request):
            fields.append("status")  # status changes are moderation
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Moderation never hard-deletes what a reader wrote: use Remove instead.
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        new_status, new_body = obj.status, obj.body
        # Status and text change through the moderation services, which keep the audit trail.
        obj.status = form.initial.get("status", obj.status)
        obj.body = form.initial.get("body", obj.body)
        details = [
            name
            for name in ("name", "email", "url", "show_recent_post")
            if name in form.changed_data
        ]
        if details:
            ModerationLog.objects.create(
                comment=obj,
                moderator=request.user,
                action=ModerationLog.Action.EDIT,
                from_status=obj.status,
                to_status=obj.status,
                note="; ".join(f"{name} was “{form.initial.get(name, '')}”" for name in details),
            )
        # Only the fields edited here: saving the whole row would write back the status this
        # form was loaded with over another moderator's decision made meanwhile.
        if details:
            obj.save(update_fields=details)
        edit_comment(comment=obj, body=new_body, moderator=request.user)
        if new_status != obj.status:
            apply_action(comments=[obj], action=STATUS_ACTION[new_status], moderator=request.user)


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "comment", "moderator", "from_status", "to_status"]
    list_filter = ["action", "moderator", "created_at"]
    list_select_related = ["comment", "moderator"]
    search_fields = ["comment__name", "comment__body", "note"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BlocklistEntryForm(forms.ModelForm):
    class Meta:
        model = BlocklistEntry
        fields = ["kind", "value", "note"]

    def clean_value(self):
        # Matched case-insensitively, so store one spelling: the duplicate check then works.
        return self.cleaned_data["value"].strip().lower()


@admin.register(BlocklistEntry)
class BlocklistEntryAdmin(admin.ModelAdmin):
    form = BlocklistEntryForm
    list_display = ["kind", "value", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]


@admin.action(permissions=["change"], description=_("Unsubscribe selected"))
def unsubscribe(modeladmin, request, queryset):
    count = queryset.filter(unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    modeladmin.message_user(
        request,
        ngettext("%(count)d subscription ended.", "%(count)d subscriptions ended.", count)
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Read-mostly: readers subscribe and confirm on the site; staff can only end one."""

    list_display = ["email", "comment", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("unsubscribed_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["comment"]
    search_fields = ["email"]
    fields = ["comment", "email", "created_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = ["comment", "email", "created_at", "confirmed_at", "unsubscribed_at"]
    actions = [unsubscribe]

    def has_add_permission(self, request):
        return False


@admin.register(VerifiedEmail)
class VerifiedEmailAdmin(admin.ModelAdmin):
    """Read-mostly: addresses get here by their owner clicking a confirmation link."""

    list_display = ["email", "verified_at"]
    search_fields = ["email"]
    fields = ["email", "verified_at"]
    readonly_fields = ["email", "verified_at"]

    def has_add_permission(self, request):
        return False


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    """Readers' reports, read-only: what was reported, when and why (the queue shows counts)."""

    list_display = ["created_at", "comment", "reason", "ip_address"]
    list_select_related = ["comment", "comment__review"]
    search_fields = ["comment__name", "comment__body", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommenterFeed)
class CommenterFeedAdmin(admin.ModelAdmin):
    """What the "recently posted" task last read from each commenter's site (read-only)."""

    list_display = ["site_url", "latest_title", "fetched_at", "failures", "next_fetch_at"]
    search_fields = ["site_url", "latest_title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
