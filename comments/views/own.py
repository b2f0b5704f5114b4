"""A reader's own comment (edit or delete, for COMMENTS_EDIT_WINDOW_MINUTES after posting, from
the same browser), and reports of other readers' comments."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.http import int_param

from .. import services, threads
from ..forms import OwnCommentEditForm
from ..identity import Viewer
from ..models import Comment

EDITED_MESSAGE = _("Your comment was updated.")
EDITED_HELD_MESSAGE = _("Your comment was updated and is now awaiting moderation.")
DELETED_MESSAGE = _("Your comment was deleted.")


def _own_comment(request, pk):
    """The comment, if this browser may still change it; else a friendly 403 page (as a
    response); unknown (or never public) comments are a 404."""
    comment = get_object_or_404(Comment.objects.select_related("review", "review__author"), pk=pk)
    own_ids = Viewer.from_request(request).own_ids
    if not comment.review.is_public or not (comment.is_public or comment.pk in own_ids):
        raise Http404("No such comment.")
    if not services.may_change_own(comment, own_ids=own_ids):
        context = {
            "comment": comment,
            "review": comment.review,
            "window": settings.COMMENTS_EDIT_WINDOW_MINUTES,
        }
        return comment, render(request, "comments/own_forbidden.html", context, status=403)
    return comment, None


def _back_to(request, comment):
    if comment.status in services.EDITABLE_STATUSES:
        return threads.comment_url(comment, include_ids=Viewer.from_request(request).own_ids)
    return f"{comment.review.get_absolute_url()}#comments"


def edit_own(request, pk):
    """GET: the writer's comment in a form; POST: saves it under the same rules as posting."""
    comment, refusal = _own_comment(request, pk)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        form = OwnCommentEditForm(request.POST)
        if form.is_valid():
            services.edit_own_comment(
                comment=comment,
                body=form.cleaned_data["comment"],
                has_spoilers=form.cleaned_data["spoilers"],
                viewer=Viewer.from_request(request),
            )
            held = comment.status == Comment.Status.PENDING
            messages.success(request, EDITED_HELD_MESSAGE if held else EDITED_MESSAGE)
            return redirect(_back_to(request, comment))
        status = 400
    else:
        form = OwnCommentEditForm(
            initial={"comment": comment.body, "spoilers": comment.has_spoilers}
        )
        status = 200
    context = {
        "comment": comment,
        "review": comment.review,
        "form": form,
        "deadline": services.edit_deadline(comment),
    }
    return render(request, "comments/edit_own.html", context, status=status)


def delete_own(request, pk):
    """GET: asks to confirm; POST: removes the comment (reversibly, logged)."""
    comment, refusal = _own_comment(request, pk)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        services.delete_own_comment(comment=comment)
        messages.success(request, DELETED_MESSAGE)
        return redirect(f"{comment.review.get_absolute_url()}#comments")
    context = {
        "comment": comment,
        "review": comment.review,
        "deadline": services.edit_deadline(comment),
    }
    return render(request, "comments/delete_own.html", context)


# --- Reports

REPORTED_MESSAGE = _("Thank you. A moderator will look at this comment.")
ALREADY_REPORTED_MESSAGE = _("You already reported this comment.")
TOO_MANY_REPORTS_MESSAGE = _(
    "Many reports came from your network in a short time, so this one was not recorded. "
    "Please try again later."
)


@require_POST
def report_posted(request):
    """The review page's one report form: the Report button pressed sends the comment's id."""
    pk = int_param(request.POST.get("comment"))
    if pk is None:
        raise Http404("No such comment.")
    return report(request, pk)


@require_POST
def report(request, pk):
    """A reader flags a published comment; enough reports send it back to the queue."""
    comment = get_object_or_404(Comment.objects.select_related("review"), pk=pk)
    if not comment.review.is_public or comment.status not in services.EDITABLE_STATUSES:
        raise Http404("No such comment.")
    viewer = Viewer.from_request(request)
    if services.report_rate_limited(viewer):
        # Every attempt counts, recorded or not: a script cycling through comments slows too.
        messages.error(request, TOO_MANY_REPORTS_MESSAGE)
    elif viewer.has_reported(comment.pk):
        messages.info(request, ALREADY_REPORTED_MESSAGE)
    elif comment.is_public:
        # Not recorded when another browser on this network reported it: thanked all the same,
        # it is with the moderators (and telling would reveal what a housemate reported).
        services.report_comment(
            comment=comment, viewer=viewer, reason=request.POST.get("reason", "")
        )
        messages.success(request, REPORTED_MESSAGE)
    else:
        # Already held (after other reports, say): it is with the moderators anyway.
        messages.success(request, REPORTED_MESSAGE)
    comment.refresh_from_db(fields=["status"])
    if comment.is_public:
        response = redirect(threads.comment_url(comment, include_ids=viewer.own_ids))
    else:
        response = redirect(f"{comment.review.get_absolute_url()}#comments")
    viewer.save(request, response)
    return response
