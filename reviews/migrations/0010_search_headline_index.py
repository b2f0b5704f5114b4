# A GIN index of the headline's text on PostgreSQL, so search finds every review whose headline
# matches a common word without reading them all (reviews/search.py uses this exact expression).
from django.db import migrations

INDEX = "reviews_review_headline_search_gin"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON reviews_review "
            "USING gin (to_tsvector('english'::regconfig, coalesce(headline, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_comment_count_and_list_indexes"),
    ]

    operations = [
        migrations.RunPython(add_index, drop_index, elidable=False),
    ]
