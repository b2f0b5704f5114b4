# A stored, weighted text vector for review search on PostgreSQL, kept up to date by triggers
# (the film's title lives in another table, so a generated column cannot hold it), with a GIN
# index. The column is not on the model: only reviews/search.py reads it, with raw SQL.
# On SQLite, an FTS5 table kept in sync by triggers instead (reviews/fts.py).
from django.db import migrations

from reviews import fts

POSTGRESQL_FORWARDS = """
ALTER TABLE reviews_review ADD COLUMN IF NOT EXISTS search_vector tsvector;

CREATE OR REPLACE FUNCTION reviews_review_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(
            (SELECT title FROM films_film WHERE id = NEW.film_id), '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS reviews_review_search_vector ON reviews_review;
CREATE TRIGGER reviews_review_search_vector
    BEFORE INSERT OR UPDATE OF film_id, headline, standfirst, body ON reviews_review
    FOR EACH ROW EXECUTE FUNCTION reviews_review_search_vector();

-- A film's new title reaches its reviews' vectors (setting film_id fires the trigger above).
CREATE OR REPLACE FUNCTION reviews_film_title_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reviews_review SET film_id = film_id WHERE film_id = NEW.id;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS reviews_film_title_search_vector ON films_film;
CREATE TRIGGER reviews_film_title_search_vector
    AFTER UPDATE OF title ON films_film
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION reviews_film_title_search_vector();

UPDATE reviews_review SET film_id = film_id;

CREATE INDEX IF NOT EXISTS reviews_review_search_vector_gin
    ON reviews_review USING gin (search_vector);
"""

POSTGRESQL_BACKWARDS = """
DROP TRIGGER IF EXISTS reviews_film_title_search_vector ON films_film;
DROP FUNCTION IF EXISTS reviews_film_title_search_vector();
DROP TRIGGER IF EXISTS reviews_review_search_vector ON reviews_review;
DROP FUNCTION IF EXISTS reviews_review_search_vector();
DROP INDEX IF EXISTS reviews_review_search_vector_gin;
ALTER TABLE reviews_review DROP COLUMN IF EXISTS search_vector;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARDS)
    fts.ensure_sqlite_index(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARDS)
    fts.drop_sqlite_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_text_validators"),
        ("films", "0004_search"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
