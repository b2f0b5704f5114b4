"""Posting a comment (POST only), permalinks, and a CSRF failure page that keeps the text."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext, gettext_noop
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.http import require_POST

from reviews.models import Review

from .. import moderation, services, threads
from ..forms import CommentForm
from ..identity import Viewer
from ..models import Comment

# Marked here, translated when shown (gettext): the constants stay the English text.
CLOSED_MESSAGE = gettext_noop("Comments are closed.")
EXPIRED_MESSAGE = gettext_noop(
    "Your session expired before you posted. Your comment is below: please post it again."
)


def _public_review(slug):
    return get_object_or_404(Review.objects.published().select_related("author"), slug=slug)


def _form_page(request, *, review, form, status, message=""):
    """The form again, with everything the reader typed, the errors and a message."""
    closed = not review.comments_are_open
    typed_comment = form.data.get("comment", "")
    if not closed:
        form.prepare_redisplay(csrf_token=get_token(request))
        threads.keep_order_in_form(form, threads.read_order(request.GET.get(threads.ORDER_PARAM)))
    context = {
        "review": review,
        "form": form,
        "reply_to": None if closed else form.reply_to,
        "closed": closed,
        "message": gettext(CLOSED_MESSAGE) if closed else message,
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
    viewer = Viewer.from_request(request)
    try:
        comment = services.comment_post(review=review, data=form.cleaned_data, viewer=viewer)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _form_page(request, review=review, form=form, status=400)
    # The page that shows it to its writer (held comments included), in the order they read.
    response = redirect(
        threads.comment_url(
            comment,
            order=threads.read_order(request.GET.get(threads.ORDER_PARAM)),
            include_ids=viewer.own_ids,
        )
    )
    viewer.save(request, response)
    return response


def permalink(request, pk):
    """/comments/<id>/ -> the comment in place on the page of its review that shows it."""
    comment = get_object_or_404(Comment.objects.select_related("review"), pk=pk)
    visible = comment.is_public and comment.review.is_public
    if not visible and not moderation.is_moderator(request.user):
        raise Http404("No such comment.")
    viewer = Viewer.from_request(request)
    return redirect(threads.comment_url(comment, include_ids=viewer.own_ids))


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
                    request, review=review, form=form, status=403, message=gettext(EXPIRED_MESSAGE)
                )
    return default_csrf_failure(request, reason=reason)
