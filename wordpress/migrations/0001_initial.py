# The two models moved here from the reviews app: their tables (created by
# reviews/0003_importeditem_legacyredirect) stay where they are, only the state moves.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reviews", "0003_importeditem_legacyredirect"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportedItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("author", "Author"), ("post", "Post"), ("comment", "Comment")], max_length=10)),
                        ("source", models.CharField(max_length=200)),
                        ("source_id", models.CharField(max_length=40)),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("imported_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "reviews_importeditem",
                        "ordering": ["source", "kind", "source_id"],
                        "constraints": [
                            models.UniqueConstraint(fields=("source", "kind", "source_id"), name="imported_item_unique"),
                            models.CheckConstraint(condition=models.Q(("kind__in", ["author", "post", "comment"])), name="imported_item_kind"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LegacyRedirect",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("old_path", models.CharField(max_length=500, unique=True)),
                        ("review", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="legacy_redirects", to="reviews.review")),
                    ],
                    options={
                        "db_table": "reviews_legacyredirect",
                        "ordering": ["old_path"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
