from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: admin helpers, image renditions, formatting, settings checks."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_migrate

        from .checks import (
            check_admins,
            check_environment,
            check_media_outside_checkout,
            check_proxy_addresses,
            check_task_backend,
        )
        from .roles import ensure_default_groups_after_migrate

        checks.register(check_environment)
        checks.register(check_task_backend)
        # Production-only concerns: `manage.py check --deploy`, as every deploy runs it.
        for deploy_check in (check_proxy_addresses, check_media_outside_checkout, check_admins):
            checks.register(deploy_check, deploy=True)
        post_migrate.connect(ensure_default_groups_after_migrate, dispatch_uid="core.roles")

        from . import pagecache

        pagecache.connect_signals()
