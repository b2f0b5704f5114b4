"""System checks for settings read from the environment (run by `manage.py check`).

reviewsite/settings.py never raises on a bad value: it uses the default and records the
variable in ENV_PROBLEMS, so that a typo is refused here with a message naming the variable
and what it accepts, instead of a traceback at import or a silently guessed value.
"""

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
