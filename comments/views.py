from django.views.csrf import csrf_failure as default_csrf_failure


def csrf_failure(request, reason=""):
    """Placeholder until the commenting issue: Django's own 403 page."""
    return default_csrf_failure(request, reason=reason)
