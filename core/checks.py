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
