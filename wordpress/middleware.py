"""Old WordPress addresses answer with a 301 to where their content lives now."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.urls import is_valid_path

from . import redirects


class LegacyRedirectMiddleware:
    """301s old WordPress addresses (wordpress.redirects); drafts and unknown paths stay 404.

    It only looks at responses that are already 404, so ordinary pages cost no query; the one
    exception is the front page with one of WordPress's query parameters ("/?p=<id>"), since the
    home page answers "/" with a 200. GET and HEAD only: a form posted to an old address is not
    silently turned into a GET elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        legacy = request.method in ("GET", "HEAD")
        if legacy and request.path_info == "/" and redirects.has_legacy_query(request.GET):
            target = redirects.resolve_query(request.GET)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if legacy and response.status_code == 404:
            target = self._target(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response

    @staticmethod
    def _target(request):
        path = request.path_info
        if path in ("/index.php", "/index.php/") and request.GET:
            return redirects.resolve_query(request.GET)  # "/index.php?p=12"
        if settings.APPEND_SLASH and not path.endswith("/") and is_valid_path(f"{path}/"):
            return None  # "/films": CommonMiddleware adds the slash; no old post takes it over
        return redirects.resolve(path)
