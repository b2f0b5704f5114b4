import django.db.models.functions.text
from django.db import migrations, models


def render_stored_bodies(apps, schema_editor):
    """Fills body_html for every existing comment, in batches (the current renderer)."""
    from comments.rendering import render_body

    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "body").order_by("pk").iterator(chunk_size=500):
        comment.body_html = render_body(comment.body)
        batch.append(comment)
        if len(batch) >= 500:
            Comment.objects.bulk_update(batch, ["body_html"])
            batch = []
    if batch:
        Comment.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0010_text_validators"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_html",
            field=models.TextField(blank=True, editable=False, verbose_name="body as HTML"),
        ),
        migrations.RunPython(render_stored_bodies, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                models.F("review"),
                models.F("status"),
                django.db.models.functions.text.Substr("path", 1, 10),
                name="comment_thread_root_idx",
            ),
        ),
    ]
