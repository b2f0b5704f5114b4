"""Moderation is decided by permissions: can_moderate (the queue, the admin's moderation
actions, held comments' permalinks, mail about held comments) and skip_moderation (a signed-in
user's comments are approved at once). The groups that existed before get them here, so
nobody loses what the group names used to give them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Moderators": ["can_moderate", "skip_moderation"],
    "Authors": ["skip_moderation"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="comments", codename__in=GRANTS[group.name]
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="comments", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_commenterfeed"),
        ("reviews", "0002_groups"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="comment",
            options={
                "ordering": ["path"],
                "permissions": [
                    ("can_moderate", "Can moderate comments"),
                    ("skip_moderation", "Can comment without moderation"),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
