"""The moderation queue at /moderation/ (Moderators and superusers only).

Every change is a POST with CSRF through comments.moderation; a GET never changes anything.
The pages work with plain forms (post, redirect back, message); static/js/moderation.js sends
the same forms with fetch and `Accept: application/json` to act in place.
"""

from http import HTTPStatus

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView

from core.http import int_param, safe_next
from core.validators import validate_no_control_characters
from core.views import PageParamMixin

from ..models import Comment, ModerationLog
from ..moderation import apply_action, edit_comment, is_moderator, undo_last

TABS = [
    (Comment.Status.PENDING, _("Pending")),
    (Comment.Status.APPROVED, _("Approved")),
    (Comment.Status.SPAM, _("Spam")),
    (Comment.Status.REMOVED, _("Removed")),
]
# What each action did, for messages: (how many changed, "count" being the number; nothing did).
DONE = {
    ModerationLog.Action.APPROVE: (
        ngettext_lazy("%(count)d comment approved.", "%(count)d comments approved.", "count"),
        _("Nothing changed: already approved."),
    ),
    ModerationLog.Action.UNAPPROVE: (
        ngettext_lazy(
            "%(count)d comment sent back to pending.",
            "%(count)d comments sent back to pending.",
            "count",
        ),
        _("Nothing changed: already sent back to pending."),
    ),
    ModerationLog.Action.SPAM: (
        ngettext_lazy(
            "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", "count"
        ),
        _("Nothing changed: already marked as spam."),
    ),
    ModerationLog.Action.REMOVE: (
        ngettext_lazy("%(count)d comment removed.", "%(count)d comments removed.", "count"),
        _("Nothing changed: already removed."),
    ),
}
BULK_ACTIONS = [
    (ModerationLog.Action.APPROVE, _("Approve")),
    (ModerationLog.Action.SPAM, _("Mark as spam")),
    (ModerationLog.Action.REMOVE, _("Remove")),
    (ModerationLog.Action.UNAPPROVE, _("Unapprove (back to pending)")),
]
SHORTCUTS = [
    ("j", _("Next comment")),
    ("k", _("Previous comment")),
    ("a", _("Approve")),
    ("s", pgettext_lazy("keyboard shortcut: mark as spam", "Spam")),
    ("r", _("Remove")),
    ("u", _("Undo the last action")),
]
UNDO_SESSION_KEY = "moderation_undo"
MAX_IDS = 500  # a bulk action covers at most a few pages


def status_counts() -> dict:
    """Comments per state, in one query."""
    return Comment.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status, _label in TABS}
    )


def wants_json(request) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


@method_decorator(never_cache, name="dispatch")
class ModeratorRequiredMixin:
    """Signed-out visitors go to the login page; signed-in non-moderators get a 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.method == "POST" and wants_json(request):
                return JsonResponse({"error": gettext("Please sign in again.")}, status=403)
            return redirect_to_login(request.get_full_path())
        if not is_moderator(request.user):
            raise PermissionDenied(gettext("Only moderators may use the moderation queue."))
        return super().dispatch(request, *args, **kwargs)


def _back(request):
    """Where to return after a decision: the page the moderator came from, if it is ours.

    Views redirect there with HttpResponseRedirect: redirect() would try to reverse() a
    `next` that is neither a path nor a URL, and answer 500 after the change was saved.
    """
    target = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, target, fallback=reverse("moderation:queue"))


def _posted_ids(request):
    ids = (int_param(value, minimum=1) for value in request.POST.getlist("comment")[:MAX_IDS])
    return [pk for pk in ids if pk is not None]


def _state(comments):
    return [
        {"id": c.pk, "status": c.status, "status_label": c.get_status_display()} for c in comments
    ]


class QueueView(ModeratorRequiredMixin, PageParamMixin, ListView):
    template_name = "comments/moderation/queue.html"
    context_object_name = "comments"
    paginate_by = 50

    def get_status(self):
        status = self.request.GET.get("status", Comment.Status.PENDING)
        return status if status in Comment.Status.values else Comment.Status.PENDING

    def get_queryset(self):
        status = self.get_status()
        # The queue is first come, first served; the other tabs show the latest first.
        order = ("created_at", "pk") if status == Comment.Status.PENDING else ("-created_at", "-pk")
        return (
            Comment.objects.filter(status=status)
            .select_related("review", "parent", "moderated_by")
            .annotate(report_count=Count("reports"))  # readers' reports, without a query per row
            .order_by(*order)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = status_counts()
        status = self.get_status()
        context.update(
            status=status,
            status_label=dict(TABS)[status],
            tabs=[(value, label, counts[value]) for value, label in TABS],
            counts=counts,
            bulk_actions=BULK_ACTIONS,
            shortcuts=SHORTCUTS,
            can_undo=bool(self.request.session.get(UNDO_SESSION_KEY)),
            meta={"title": gettext("Moderation queue"), "noindex": True},
        )
        return context


class ActionView(ModeratorRequiredMixin, View):
    """Approve / unapprove / spam / remove one comment (row buttons) or many (bulk form)."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            action = ModerationLog.Action(request.POST.get("action", ""))
        except ValueError:
            action = None
        if action not in DONE:
            return self._refuse(gettext("Choose an action: approve, spam, remove or unapprove."))
        ids = _posted_ids(request)
        comments = list(Comment.objects.filter(pk__in=ids))
        if not comments:
            return self._refuse(gettext("Select at least one comment first."))
        changed = apply_action(comments=comments, action=action, moderator=request.user)
        done, unchanged = DONE[action]
        if changed:
            request.session[UNDO_SESSION_KEY] = [c.pk for c in comments]
            message = done % {"count": changed}
        else:
            message = str(unchanged)
        if wants_json(self.request):
            return JsonResponse(
                {
                    "changed": changed,
                    "message": message,
                    "comments": _state(comments),
                    "counts": status_counts(),
                }
            )
        (messages.success if changed else messages.info)(request, message)
        return HttpResponseRedirect(_back(request))

    def _refuse(self, message):
        if wants_json(self.request):
            return JsonResponse({"error": message}, status=HTTPStatus.BAD_REQUEST)
        messages.error(self.request, message)
        return HttpResponseRedirect(_back(self.request))


class UndoView(ModeratorRequiredMixin, View):
    """Puts comments back where this moderator's last decision found them."""

    http_method_names = ["post"]

    def post(self, request):
        ids = _posted_ids(request) or request.session.get(UNDO_SESSION_KEY, [])
        comments = list(Comment.objects.filter(pk__in=ids))
        restored = undo_last(comments=comments, moderator=request.user) if comments else 0
        request.session.pop(UNDO_SESSION_KEY, None)
        if restored:
            message = ngettext(
                "Undone: %(count)d comment restored.",
                "Undone: %(count)d comments restored.",
                restored,
            ) % {"count": restored}
        else:
            message = gettext("Nothing to undo (or someone else has changed it since).")
        if wants_json(request):
            return JsonResponse(
                {
                    "changed": restored,
                    "message": message,
                    "comments": _state(comments),
                    "counts": status_counts(),
                }
            )
        (messages.success if restored else messages.info)(request, message)
        return HttpResponseRedirect(_back(request))


class EditCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=settings.COMMENTS_MAX_LENGTH,
        strip=True,
        validators=[validate_no_control_characters],
        help_text=_("The previous text is kept in the comment's moderation history."),
    )


class EditView(ModeratorRequiredMixin, FormView):
    template_name = "comments/moderation/edit.html"
    form_class = EditCommentForm

    def dispatch(self, request, *args, **kwargs):
        self.comment = get_object_or_404(
            Comment.objects.select_related("review", "parent"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"body": self.comment.body}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            comment=self.comment,
            next=_back(self.request),
            history=self.comment.moderation_log.select_related("moderator")[:20],
            meta={"title": gettext("Edit comment"), "noindex": True},
        )
        return context

    def form_valid(self, form):
        if self.comment.is_erased:
            messages.error(self.request, gettext("This comment was erased on a privacy request."))
        elif edit_comment(
            comment=self.comment, body=form.cleaned_data["body"], moderator=self.request.user
        ):
            messages.success(
                self.request, gettext("Comment by %(name)s edited.") % {"name": self.comment.name}
            )
        else:
            messages.info(self.request, gettext("The text is unchanged."))
        return HttpResponseRedirect(_back(self.request))
