"""Moderators may read readers' reports (and their reasons) in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="view_commentreport")
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="comments", codename="view_commentreport"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_spoilers_and_reports"),
        ("reviews", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
