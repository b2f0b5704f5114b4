# The approved-comment count stored on each review (kept by comments/counts.py), filled from the
# comments already there; and indexes in the order every list of reviews is read in.
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from reviews import fts


def count_approved_comments(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    Comment = apps.get_model("comments", "Comment")
    approved = (
        Comment.objects.filter(review=OuterRef("pk"), status="approved")
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    db = schema_editor.connection.alias
    Review.objects.using(db).update(
        comment_count=Coalesce(Subquery(approved, output_field=models.IntegerField()), 0)
    )


def drop_sqlite_search_index(apps, schema_editor):
    # SQLite adds the column by rebuilding the table, which a trigger naming it would break.
    fts.drop_sqlite_index(schema_editor.connection)


def restore_sqlite_search_index(apps, schema_editor):
    fts.ensure_sqlite_index(schema_editor.connection)  # recreated and refilled


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0004_search"),
        ("reviews", "0008_search"),
        # The fill reads the comment table.
        ("comments", "0010_text_validators"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_search_index, restore_sqlite_search_index),
        migrations.RemoveIndex(model_name="review", name="review_public_idx"),
        migrations.RemoveIndex(model_name="review", name="review_author_idx"),
        migrations.RemoveIndex(model_name="review", name="review_film_idx"),
        migrations.AddField(
            model_name="review",
            name="comment_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="comment count"
            ),
        ),
        migrations.RunPython(restore_sqlite_search_index, drop_sqlite_search_index),
        migrations.RunPython(count_approved_comments, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("status__in", ["published", "scheduled"])),
                fields=["-published_at", "-id"],
                name="review_public_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["published", "scheduled"]), ("updated_at__isnull", False)
                ),
                fields=["-updated_at"],
                name="review_updated_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["author", "-published_at", "-id"], name="review_author_idx"),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["film", "-published_at", "-id"], name="review_film_idx"),
        ),
    ]
