"""One reader, one rating per film: who wrote each comment, and which rating counts.

Existing comments are their address's person (no browser proof survives for them); of each
person's ratings of a film, the latest approved one counts (comments/ratings.py).
"""

from django.db import migrations, models

from comments.ratings import email_key, winners

BATCH = 2000  # ids per UPDATE of counted flags


def backfill_ratings(apps, schema_editor):
    """Gives every comment its writer's key and marks the counted ratings.

    Reads historical models only, so it keeps working whatever later migrations add.
    """
    Comment = apps.get_model("comments", "Comment")
    using = schema_editor.connection.alias if schema_editor is not None else "default"
    comments = Comment.objects.using(using)
    # One UPDATE per address (through comment_email_idx), not one per comment.
    emails = (
        comments.filter(rater_key="", is_erased=False)
        .order_by()
        .values_list("email", flat=True)
        .distinct()
    )
    for email in list(emails):
        comments.filter(email=email, rater_key="", is_erased=False).update(
            rater_key=email_key(email)
        )
    rated = (
        comments.filter(status="approved", parent__isnull=True, rating__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("pk", "review__film_id", "rater_key", "email")
    )
    should = winners(rated.iterator(chunk_size=BATCH))
    comments.filter(counted=True).update(counted=False)
    ids = sorted(should)
    for start in range(0, len(ids), BATCH):
        comments.filter(pk__in=ids[start : start + BATCH]).update(counted=True)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0013_recent_posts_by_site"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="counted",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="This reader's rating of the film that counts in its audience score.",
                verbose_name="counted",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="rater_key",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="rater key"
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("counted", True)),
                fields=["review", "created_at"],
                name="comment_counted_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["rater_key"], name="comment_rater_idx"),
        ),
        migrations.RunPython(backfill_ratings, migrations.RunPython.noop, elidable=True),
    ]
