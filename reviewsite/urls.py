import logging
import uuid

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from core.media import serve_media
from core.pagecache import public_page
from core.xmlwriters import xml_safe_view
from reviews.sitemaps import section as sitemap_section
from reviews.sitemaps import sitemaps
from reviews.views import robots_txt

log = logging.getLogger(__name__)


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_answers():
    # A key of its own: probes from several load balancers must not read each other's value.
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


@never_cache
def healthz(request):
    """For load balancers and uptime checks (plain HTTP too: SECURE_REDIRECT_EXEMPT).

    200 {"status": "ok", "database": "ok", "cache": "ok"} when the database and the cache (Redis
    when REDIS_URL is set) both answer; 503 with "error" for each one that does not (the reason
    goes to the log, not to whoever asks).
    """
    report = {}
    for name, probe in (("database", _database_answers), ("cache", _cache_answers)):
        try:
            probe()
        except Exception:
            log.exception("Health check: the %s does not answer", name)
            report[name] = "error"
        else:
            report[name] = "ok"
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503
    )


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
