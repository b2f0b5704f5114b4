"""The links we mail to readers. No login: a signed token in the URL is the permission.

A GET only shows a page with a button; the change happens on POST, so a mail scanner that
prefetches links cannot confirm or unsubscribe anyone. Unsubscribing also accepts the RFC 8058
one-click POST a mail client sends (no CSRF token there: the signed token authorises it).
"""

from http import HTTPStatus

from django import forms
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import limits, tasks, tokens
from ..identity import Viewer
from ..models import Comment, VerifiedEmail
from ..spam import client_ip

PAGE = "comments/subscription/page.html"
# Verification mails: per network and per address an hour, and per address a day.
VERIFY_REQUESTS_PER_HOUR = 5
VERIFY_MAILS_PER_ADDRESS_PER_DAY = 10


def _page(request, *, title, message, button=None, status=HTTPStatus.OK, review=None):
    return render(
        request,
        PAGE,
        {"title": title, "message": message, "button": button, "review": review},
        status=status,
    )


def _bad_link(request, exc):
    expired = str(exc) == "expired"
    return _page(
        request,
        title=gettext("This link has expired") if expired else gettext("This link does not work"),
        message=(
            gettext(
                "The link is too old. Post a comment with “Notify me” ticked again to get a new "
                "one."
            )
            if expired
            else gettext(
                "It may have been cut short or changed on the way. Please copy the whole link "
                "from the email into your browser's address bar."
            )
        ),
        status=HTTPStatus.BAD_REQUEST,
    )


def mark_verified(email) -> None:
    """The owner of `email` proved it by opening a link we sent there."""
    if not VerifiedEmail.objects.filter(email__iexact=email).exists():
        VerifiedEmail.objects.get_or_create(email=email.strip().casefold())


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        subscription = tokens.subscription_from_confirm_token(token)
    except tokens.InvalidToken as exc:
        return _bad_link(request, exc)
    review = subscription.comment.review
    if subscription.unsubscribed_at:
        return _page(
            request,
            title=gettext("You unsubscribed"),
            message=gettext(
                "You unsubscribed from replies to this comment, so this link no longer "
                "applies. Tick “Notify me” on a new comment to subscribe again."
            ),
            review=review,
        )
    if subscription.confirmed_at:
        return _page(
            request,
            title=gettext("Already confirmed"),
            message=gettext("You will get an email when someone replies to your comment."),
            review=review,
        )
    if request.method != "POST":
        return _page(
            request,
            title=gettext("Confirm email notifications"),
            message=gettext("Email me when someone replies to my comment on “%(headline)s”.")
            % {"headline": review.headline},
            button=gettext("Yes, email me replies"),
            review=review,
        )
    with transaction.atomic():
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
        mark_verified(subscription.email)
    response = _page(
        request,
        title=gettext("Subscription confirmed"),
        message=gettext(
            "Thank you. You will get an email when someone replies to your comment; each "
            "one has a link to stop them."
        ),
        review=review,
    )
    # Opening the mailed link proved the address, in this browser only (see Viewer.verified).
    viewer = Viewer.from_request(request)
    viewer.verified(subscription.email)
    viewer.save(request, response)
    return response


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscription = tokens.subscription_from_unsubscribe_token(token)
    except tokens.InvalidToken as exc:
        return _bad_link(request, exc)
    review = subscription.comment.review
    if subscription.unsubscribed_at:
        return _page(
            request,
            title=gettext("Already unsubscribed"),
            message=gettext(
                "You are already unsubscribed: you will not get replies to this comment."
            ),
            review=review,
        )
    if request.method != "POST":
        return _page(
            request,
            title=gettext("Unsubscribe"),
            message=gettext("Stop emailing me replies to my comment on “%(headline)s”.")
            % {"headline": review.headline},
            button=gettext("Unsubscribe"),
            review=review,
        )
    subscription.unsubscribed_at = timezone.now()
    subscription.save(update_fields=["unsubscribed_at"])
    return _page(
        request,
        title=gettext("You are unsubscribed"),
        message=gettext("You will not get any more emails about replies to this comment."),
        review=review,
    )


class VerifyEmailForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


def _verification_limited(request, email) -> bool:
    """Counts a request for a verification mail; True when its network or its address asked
    too often. The address is counted as a keyed hash: the cache never holds it."""
    network = limits.keyed_hash(limits.network(client_ip(request)), purpose="verify-network")
    address = limits.keyed_hash(email.strip().casefold(), purpose="verify-address")
    hour, day = 3600, 24 * 3600
    return (
        limits.over_limit(f"verify:net:{network}", limit=VERIFY_REQUESTS_PER_HOUR, window=hour)
        or limits.over_limit(f"verify:to:{address}", limit=VERIFY_REQUESTS_PER_HOUR, window=hour)
        or limits.over_limit(
            f"verify:to-day:{address}", limit=VERIFY_MAILS_PER_ADDRESS_PER_DAY, window=day
        )
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_email_request(request):
    """A returning commenter on a new browser asks for a link to prove their address."""
    form = VerifyEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # Only addresses with an approved comment get a mail, so this form cannot be used to
        # send mail to strangers, and the mail carries nothing typed here but its recipient.
        # An address verified before gets one too: trust lives in the browser that opened the
        # link, so a regular on a new browser needs a new link. The answer is the same either
        # way, so it reveals nothing.
        if (
            not _verification_limited(request, email)
            and Comment.objects.approved().filter(email__iexact=email).exists()
        ):
            transaction.on_commit(lambda: tasks.send_verification_mail.enqueue(email))
        return _page(
            request,
            title=gettext("Check your email"),
            message=gettext(
                "If this address has an approved comment here, we have sent it a link. Open it "
                "in the browser you comment from: your next comments there will appear at once."
            ),
        )
    return render(request, "comments/subscription/verify_request.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_email(request, token):
    try:
        email = tokens.email_from_verify_token(token)
    except tokens.InvalidToken as exc:
        return _bad_link(request, exc)
    viewer = Viewer.from_request(request)
    if viewer.has_verified(email) and VerifiedEmail.objects.filter(email__iexact=email).exists():
        return _page(
            request,
            title=gettext("Already confirmed"),
            message=gettext(
                "This address is confirmed in this browser: your comments appear without waiting."
            ),
        )
    if request.method != "POST":
        return _page(
            request,
            title=gettext("Confirm your email address"),
            message=gettext(
                "Confirm this address so your comments from this browser appear without waiting "
                "for a moderator."
            ),
            button=gettext("Confirm my address"),
        )
    mark_verified(email)
    # The proof is a signed cookie in this browser: typing the address elsewhere proves nothing.
    viewer.verified(email)
    response = _page(
        request,
        title=gettext("Address confirmed"),
        message=gettext("Thank you. Your next comments from this browser will appear at once."),
    )
    viewer.save(request, response)
    return response
