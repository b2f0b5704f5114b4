# Trigram matching of film titles on PostgreSQL, so a misspelt title still finds the film.
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def add_title_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS films_film_title_trgm "
            "ON films_film USING gin (title gin_trgm_ops)"
        )


def drop_title_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS films_film_title_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0003_text_validators"),
    ]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(add_title_index, drop_title_index, elidable=False),
    ]
