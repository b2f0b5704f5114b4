from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: admin helpers, image renditions, formatting, settings checks."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.core import checks

        from .checks import check_environment

        checks.register(check_environment)
