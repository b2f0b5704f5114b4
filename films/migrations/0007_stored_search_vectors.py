# On PostgreSQL, a film's search vectors become stored generated columns with GIN indexes, in
# place of 0006's expression indexes: when a word matches many films the planner reads the whole
# table, and recomputing to_tsvector() for every film then cost over 100 ms on 5,000 films; a
# stored vector costs a comparison. Not model fields: only reviews/search.py reads them, in SQL.
# Nothing on other databases.
from django.db import migrations

TEXT = "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(synopsis, ''))"
TITLE = "to_tsvector('english'::regconfig, coalesce(title, ''))"

FORWARD = [
    "DROP INDEX IF EXISTS films_film_text_search_gin",
    "DROP INDEX IF EXISTS films_film_title_search_gin",
    f"ALTER TABLE films_film ADD COLUMN search_text tsvector GENERATED ALWAYS AS ({TEXT}) STORED",
    f"ALTER TABLE films_film ADD COLUMN search_title tsvector GENERATED ALWAYS AS ({TITLE}) STORED",
    "CREATE INDEX films_film_search_text_gin ON films_film USING gin (search_text)",
    "CREATE INDEX films_film_search_title_gin ON films_film USING gin (search_title)",
]
BACKWARD = [
    "ALTER TABLE films_film DROP COLUMN IF EXISTS search_text",
    "ALTER TABLE films_film DROP COLUMN IF EXISTS search_title",
    f"CREATE INDEX IF NOT EXISTS films_film_text_search_gin ON films_film USING gin ({TEXT})",
    f"CREATE INDEX IF NOT EXISTS films_film_title_search_gin ON films_film USING gin ({TITLE})",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("films", "0006_search_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
