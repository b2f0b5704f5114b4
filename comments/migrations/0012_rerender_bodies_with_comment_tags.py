"""Renders every stored comment body again: WordPress's comment tags (<em>, <a>, <blockquote>…)
are now shown as markup instead of as escaped text (comments.rendering.ALLOWED_TAGS)."""

from django.db import migrations

BATCH = 500


def rerender_stored_bodies(apps, schema_editor):
    from comments.rendering import render_body
    from core.pagecache import content_changed

    Comment = apps.get_model("comments", "Comment")
    comments = Comment.objects.using(schema_editor.connection.alias)
    changed = 0
    batch = []
    for comment in comments.only("pk", "body", "body_html").order_by("pk").iterator(BATCH):
        html = render_body(comment.body)
        if html != comment.body_html:  # most bodies hold no markup: leave their rows alone
            comment.body_html = html
            batch.append(comment)
        if len(batch) >= BATCH:
            changed += comments.bulk_update(batch, ["body_html"])
            batch = []
    if batch:
        changed += comments.bulk_update(batch, ["body_html"])
    if changed:
        content_changed(using=schema_editor.connection.alias)  # bulk_update sends no signal


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0011_comment_body_html_and_thread_root_index"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rerender_stored_bodies, migrations.RunPython.noop, elidable=True),
    ]
