from django.conf import settings


def site(request):
    """Site name and base URL for every template (titles, canonical links, Open Graph)."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
