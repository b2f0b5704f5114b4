from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.utils.translation import gettext

from core.health import healthz, readyz
from core.media import serve_media
from core.pagecache import public_page
from core.xmlwriters import xml_safe_view
from reviews.sitemaps import section as sitemap_section
from reviews.sitemaps import sitemaps
from reviews.views import robots_txt

# The 500 page, told whether anyone hears of the error (ADMINS, SENTRY_DSN).
handler500 = "core.logging.server_error"


def _admin_header():
    return gettext("%(site_name)s administration") % {"site_name": settings.SITE_NAME}


# Lazy: translated on each admin page, in the language of its request.
admin.site.site_header = lazy(_admin_header, str)()
admin.site.site_title = settings.SITE_NAME
admin.site.site_url = "/"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Answered for any Host by core.middleware.HealthCheckMiddleware; here for reverse().
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Browsers ask for /favicon.ico on pages with no <link rel="icon"> (the admin, raw feeds).
    path("favicon.ico", lambda request: redirect(static("img/favicon.svg"))),
    # An index of paged sections (reviews.sitemaps): no response lists the whole site.
    path(
        "sitemap.xml",
        public_page(xml_safe_view(sitemap_views.index), params=["p"]),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(xml_safe_view(sitemap_section), params=["p"]),
        name="sitemap_section",
    ),
    path("robots.txt", public_page(robots_txt), name="robots_txt"),
    path("moderation/", include("comments.moderation_urls")),
    path("email/", include("comments.subscription_urls")),
    path("", include("comments.urls")),
    path("", include("films.urls")),
    path("", include("reviews.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media),
    ]
