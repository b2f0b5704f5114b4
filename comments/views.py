"""Posting a comment (POST only), permalinks, and a CSRF failure page that keeps the text."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.http import require_POST

from reviews.models import Review

from . import moderation, services, threads
from .forms import CommentForm, OwnCommentEditForm
from .models import Comment

CLOSED_MESSAGE = "Comments are closed."
EXPIRED_MESSAGE = (
    "Your session expired before you posted. Your comment is below: please post it again."
)


def _public_review(slug):
    return get_object_or_404(Review.objects.published().select_related("author"), slug=slug)


def _form_page(request, *, review, form, status, message=""):
    """The form again, with everything the reader typed, the errors and a message."""
    closed = not review.comments_are_open
    typed_comment = form.data.get("comment", "")
    if not closed:
        form.prepare_redisplay()
        threads.keep_order_in_form(form, threads.read_order(request.GET.get(threads.ORDER_PARAM)))
    context = {
        "review": review,
        "form": form,
        "reply_to": None if closed else form.reply_to,
        "closed": closed,
        "message": CLOSED_MESSAGE if closed else message,
        "typed_comment": typed_comment,
    }
    return render(request, "comments/form_page.html", context, status=status)


@require_POST
def post_comment(request, slug):
    review = _public_review(slug)
    form = CommentForm(request.POST, review=review, user=request.user)
    if not review.comments_are_open:
        return _form_page(request, review=review, form=form, status=400)
    if not form.is_valid():
        return _form_page(request, review=review, form=form, status=400)
    try:
        comment = services.comment_post(review=review, form=form, request=request)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _form_page(request, review=review, form=form, status=400)
    services.remember_own_comment(request, comment)
    # The page that shows it to its writer (held comments included), in the order they read.
    response = redirect(
        threads.comment_url(
            comment,
            order=threads.read_order(request.GET.get(threads.ORDER_PARAM)),
            include_ids=services.own_comment_ids(request),
        )
    )
    moderation.remember_commenter(response=response, comment=comment, request=request)
    services.update_remembered_author(request=request, response=response, form=form)
    return response


def permalink(request, pk):
    """/comments/<id>/ -> the comment in place on the page of its review that shows it."""
    comment = get_object_or_404(Comment.objects.select_related("review"), pk=pk)
    visible = comment.is_public and comment.review.is_public
    if not visible and not moderation.is_moderator(request.user):
        raise Http404("No such comment.")
    return redirect(threads.comment_url(comment, include_ids=services.own_comment_ids(request)))


# --- A reader's own comment, for COMMENTS_EDIT_WINDOW_MINUTES after posting

EDITED_MESSAGE = "Your comment was updated."
EDITED_HELD_MESSAGE = "Your comment was updated and is now awaiting moderation."
DELETED_MESSAGE = "Your comment was deleted."


def _own_comment(request, pk):
    """The comment, if this browser may still change it; else a friendly 403 page (as a
    response); unknown (or never public) comments are a 404."""
    comment = get_object_or_404(Comment.objects.select_related("review", "review__author"), pk=pk)
    own_ids = services.own_comment_ids(request)
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
        return threads.comment_url(comment, include_ids=services.own_comment_ids(request))
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
                request=request,
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

REPORTED_MESSAGE = "Thank you. A moderator will look at this comment."
ALREADY_REPORTED_MESSAGE = "You already reported this comment."


@require_POST
def report(request, pk):
    """A reader flags a published comment; enough reports send it back to the queue."""
    comment = get_object_or_404(Comment.objects.select_related("review"), pk=pk)
    if not comment.review.is_public or comment.status not in services.EDITABLE_STATUSES:
        raise Http404("No such comment.")
    if services.already_reported(request, comment):
        messages.info(request, ALREADY_REPORTED_MESSAGE)
    elif comment.is_public:
        services.report_comment(
            comment=comment, request=request, reason=request.POST.get("reason", "")
        )
        messages.success(request, REPORTED_MESSAGE)
    else:
        # Already held (after other reports, say): it is with the moderators anyway.
        messages.success(request, REPORTED_MESSAGE)
    comment.refresh_from_db(fields=["status"])
    if comment.is_public:
        return redirect(threads.comment_url(comment, include_ids=services.own_comment_ids(request)))
    return redirect(f"{comment.review.get_absolute_url()}#comments")


def csrf_failure(request, reason=""):
    """A comment posted with an expired token comes back with its text, not a bare 403."""
    if request.method == "POST":
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and match.view_name == "comments:post":
            review = (
                Review.objects.published()
                .select_related("author")
                .filter(slug=match.kwargs.get("slug", ""))
                .first()
            )
            if review is not None:
                form = CommentForm(request.POST, review=review, user=request.user)
                form.is_valid()
                return _form_page(
                    request, review=review, form=form, status=403, message=EXPIRED_MESSAGE
                )
    return default_csrf_failure(request, reason=reason)
