from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.views.static import serve

from reviews.sitemaps import sitemaps
from reviews.views import robots_txt


def healthz(request):
    """200 "ok" when the app and its database answer (for load balancers and uptime checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def _admin_header():
    return gettext("%(site_name)s administration") % {"site_name": settings.SITE_NAME}


# Lazy: translated on each admin page, in the language of its request.
admin.site.site_header = lazy(_admin_header, str)()
admin.site.site_title = settings.SITE_NAME
admin.site.site_url = "/"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages with no <link rel="icon"> (the admin, raw feeds).
    path("favicon.ico", lambda request: redirect(static("img/favicon.svg"))),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("moderation/", include("comments.moderation_urls")),
    path("email/", include("comments.subscription_urls")),
    path("", include("comments.urls")),
    path("", include("films.urls")),
    path("", include("reviews.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
