"""System checks for settings read from the environment (run by `manage.py check`).

reviewsite/settings.py never raises on a bad value: it uses the default and records the
variable in ENV_PROBLEMS, so that a typo is refused here with a message naming the variable
and what it accepts, instead of a traceback at import or a silently guessed value.

The W002–W004 warnings are deployment checks (`manage.py check --deploy`, run by every deploy in
README "Production"): settings that work on one machine and fail an operator later.
"""

from pathlib import Path

from django.conf import settings
from django.core import checks


def _shown(value):
    return ("on" if value else "off") if isinstance(value, bool) else repr(value)


def check_environment(app_configs=None, **kwargs):
    """reviewsite.E001 boolean, E002 number, E003 choice: one Error per refused variable."""
    return [
        checks.Error(
            f"{variable}={value!r} is not valid: use {accepted}.",
            hint=(
                f"Fix it in the environment or in .env. A server that skips these checks "
                f"(gunicorn) uses {_shown(used)} meanwhile."
            ),
            id=check_id,
        )
        for check_id, variable, value, accepted, used in getattr(settings, "ENV_PROBLEMS", [])
    ]


IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def check_task_backend(app_configs=None, **kwargs):
    """reviewsite.W001: production sending mail over SMTP inside the readers' requests."""
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend != IMMEDIATE_BACKEND or settings.EMAIL_BACKEND != SMTP_BACKEND:
        return []
    return [
        checks.Warning(
            "Mail is sent over SMTP inside the request that causes it (TASKS_BACKEND is the "
            "immediate backend): a slow mail server holds every commenter's request for up to "
            "EMAIL_TIMEOUT seconds per mail, and a failed mail is never retried.",
            hint=(
                "Unset TASKS_BACKEND (or set it to django_tasks_db.DatabaseBackend) and run "
                "`manage.py db_worker` beside the web server; see README, Production."
            ),
            id="reviewsite.W001",
        )
    ]


def check_proxy_addresses(app_configs=None, **kwargs):
    """reviewsite.W002: behind a proxy, but its X-Forwarded-For is ignored."""
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if settings.DEBUG or not behind_proxy or settings.TRUSTED_PROXY_COUNT:
        return []
    return [
        checks.Warning(
            "SECURE_PROXY_SSL_HEADER is on, so the site is behind a proxy, but "
            "TRUSTED_PROXY_COUNT is 0: every reader then has the proxy's address, and all of "
            "them share one comment rate limit (COMMENTS_RATE_LIMIT per COMMENTS_RATE_WINDOW), "
            "one search limit and one sign-in lock-out.",
            hint=(
                "Set TRUSTED_PROXY_COUNT to the number of proxies that add to X-Forwarded-For "
                "(1 for one nginx in front of gunicorn); see README, Production."
            ),
            id="reviewsite.W002",
        )
    ]


def check_media_outside_checkout(app_configs=None, **kwargs):
    """reviewsite.W003: uploads kept inside the code checkout, lost with it."""
    if settings.DEBUG or getattr(settings, "MEDIA_STORAGE", "local") != "local":
        return []
    media_root = Path(settings.MEDIA_ROOT).resolve()
    checkout = Path(settings.BASE_DIR).resolve()
    if not media_root.is_relative_to(checkout):
        return []
    return [
        checks.Warning(
            f"MEDIA_ROOT ({media_root}) is inside the code checkout ({checkout}): uploaded "
            "posters and images are lost when the checkout is replaced by a fresh clone, and "
            "backing up or sharing media means copying the code too.",
            hint=(
                "Set MEDIA_ROOT to a folder outside the checkout (e.g. /srv/reviewsite-media), "
                "or keep media in object storage (MEDIA_STORAGE=s3); see README, Production."
            ),
            id="reviewsite.W003",
        )
    ]


def check_admins(app_configs=None, **kwargs):
    """reviewsite.W004: server errors would be reported to nobody."""
    if settings.DEBUG or getattr(settings, "ADMINS", None):
        return []
    return [
        checks.Warning(
            "ADMINS is empty: nobody is mailed when a page fails with a server error (500).",
            hint=(
                "Set ADMINS to the addresses that should hear of errors (and SENTRY_DSN if you "
                "use Sentry); see README, Production."
            ),
            id="reviewsite.W004",
        )
    ]
