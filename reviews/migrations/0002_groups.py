"""Creates the Authors and Moderators groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Authors": [
        ("reviews", "review", ["add", "change", "view"]),
        ("reviews", "reviewimage", ["add", "change", "delete", "view"]),
        ("reviews", "author", ["view", "change"]),
        ("films", "film", ["add", "change", "view"]),
        ("films", "credit", ["add", "change", "delete", "view"]),
        ("films", "person", ["add", "change", "view"]),
        ("films", "genre", ["add", "change", "view"]),
    ],
    "Moderators": [
        ("comments", "comment", ["change", "view"]),
        ("comments", "blocklistentry", ["add", "change", "delete", "view"]),
        ("comments", "moderationlog", ["view"]),
        ("comments", "subscription", ["view", "change"]),
        ("reviews", "review", ["view"]),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, actions in grants:
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )
                )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("films", "0001_initial"),
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
