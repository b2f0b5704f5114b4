# Indexes that serve search on PostgreSQL (reviews/search.py), so no search reads every film or
# person: the full text of a film's title and synopsis, of its title alone, and trigrams of
# people's names (Django's icontains compares UPPER(name)). Expression indexes: the queries use
# these exact expressions. Nothing on other databases.
from django.db import migrations

INDEXES = {
    "films_film_text_search_gin": "films_film USING gin ("
    "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(synopsis, '')))",
    "films_film_title_search_gin": "films_film USING gin ("
    "to_tsvector('english'::regconfig, coalesce(title, '')))",
    "films_person_name_upper_trgm": "films_person USING gin (upper(name::text) gin_trgm_ops)",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0005_film_title_order_index"),  # pg_trgm comes from 0004
    ]

    operations = [
        migrations.RunPython(add_indexes, drop_indexes, elidable=False),
    ]
