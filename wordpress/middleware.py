"""Old WordPress permalinks answer with a 301 to the review they became."""

from django.http import HttpResponsePermanentRedirect

from core.http import int_param
from reviews.models import Review

from .models import LegacyRedirect
from .wxr import normalise_path


def _target(old_path):
    """The URL of the published review an old path belongs to, or None (one query)."""
    slug = (
        LegacyRedirect.objects.filter(
            old_path=old_path, review__in=Review.objects.published().values("pk")
        )
        .values_list("review__slug", flat=True)
        .first()
    )
    return Review(slug=slug).get_absolute_url() if slug else None


class LegacyRedirectMiddleware:
    """301s old addresses of imported reviews; drafts and unknown paths stay 404.

    It only looks at responses that are already 404, so ordinary pages cost no query; the one
    exception is WordPress's "/?p=<id>", since the home page answers "/" with a 200.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path == "/" and "p" in request.GET:
            post_id = int_param(request.GET["p"])
            target = _target(f"/?p={post_id}") if post_id is not None else None
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = _target(normalise_path(request.path))
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
