"""The two staff roles a fresh site starts with, as groups of model permissions.

Code never asks which group a user is in: it asks for a permission (`comments.can_moderate`,
`comments.skip_moderation`, `reviews.change_any_review`, the admin's model permissions), and a
group only bundles permissions. The migrations created these groups on existing sites
(reviews/0002, comments/0004 and 0006); this module puts back a missing group on `migrate`
and after a test database is flushed. A group that exists is left exactly as an administrator
set it: removing a permission from it sticks.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

AUTHORS = "Authors"
MODERATORS = "Moderators"

# group -> (app label, permission codename) pairs
DEFAULT_GROUPS = {
    AUTHORS: [
        *[("reviews", f"{action}_review") for action in ("add", "change", "view")],
        *[("reviews", f"{action}_reviewimage") for action in ("add", "change", "delete", "view")],
        ("reviews", "view_author"),
        ("reviews", "change_author"),
        *[("films", f"{action}_film") for action in ("add", "change", "view")],
        *[("films", f"{action}_credit") for action in ("add", "change", "delete", "view")],
        *[("films", f"{action}_person") for action in ("add", "change", "view")],
        *[("films", f"{action}_genre") for action in ("add", "change", "view")],
        ("comments", "skip_moderation"),
    ],
    MODERATORS: [
        ("comments", "can_moderate"),
        ("comments", "skip_moderation"),
        ("comments", "change_comment"),
        ("comments", "view_comment"),
        *[
            ("comments", f"{action}_blocklistentry")
            for action in ("add", "change", "delete", "view")
        ],
        ("comments", "view_moderationlog"),
        ("comments", "view_subscription"),
        ("comments", "change_subscription"),
        ("comments", "view_commentreport"),
        ("reviews", "view_review"),
    ],
}


def ensure_default_groups(*, apps=None, using=DEFAULT_DB_ALIAS, **kwargs) -> list[str]:
    """Creates each missing default group with its permissions; returns the names created."""
    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    missing = [
        name for name in DEFAULT_GROUPS if not Group.objects.using(using).filter(name=name).exists()
    ]
    if not missing:
        return []
    labels = {label for name in missing for label, _ in DEFAULT_GROUPS[name]}
    for label in labels:  # permissions of apps whose post_migrate has not run yet
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using, apps=apps)
    for name in missing:
        group = Group.objects.using(using).create(name=name)
        for label, codename in DEFAULT_GROUPS[name]:
            group.permissions.add(
                Permission.objects.using(using).get(
                    content_type__app_label=label, codename=codename
                )
            )
    return missing


def ensure_default_groups_after_migrate(sender, *, using, apps=global_apps, **kwargs):
    # post_migrate is sent once per app: act once, after comments (the last app whose
    # permissions the groups hold) has had its own permissions created.
    if sender.label == "comments":
        ensure_default_groups(apps=apps, using=using)
