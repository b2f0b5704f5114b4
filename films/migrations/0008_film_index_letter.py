# The A–Z files a film under its title without a leading "The", "A" or "An" ("The Quiet
# Frequency" under Q): a stored sort key and letter, set by Film.save() from now on and filled
# here for existing films, each with an index matching the index page's filter and order.
#
# On SQLite the columns are added with ALTER TABLE ADD COLUMN: Django would rebuild films_film
# for a NOT NULL column, and the rebuild fails on the reviews app's full-text triggers, whose
# bodies read films_film (reviews/fts.py).
from django.db import migrations, models

from films import titles

BATCH = 500
COLUMNS = {
    "index_letter": lambda: models.CharField(
        default="#", editable=False, max_length=1, verbose_name="index letter"
    ),
    "sort_title": lambda: models.CharField(
        default="", editable=False, max_length=200, verbose_name="sort title"
    ),
}
SQLITE_COLUMNS = {
    "index_letter": "varchar(1) DEFAULT '#' NOT NULL",
    "sort_title": "varchar(200) DEFAULT '' NOT NULL",
}


def _field(name):
    field = COLUMNS[name]()
    field.set_attributes_from_name(name)
    return field


def add_columns(apps, schema_editor):
    Film = apps.get_model("films", "Film")
    for name in COLUMNS:
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                f'ALTER TABLE "films_film" ADD COLUMN "{name}" {SQLITE_COLUMNS[name]}'
            )
        else:
            schema_editor.add_field(Film, _field(name))


def remove_columns(apps, schema_editor):
    Film = apps.get_model("films", "Film")
    for name in COLUMNS:
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f'ALTER TABLE "films_film" DROP COLUMN "{name}"')
        else:
            schema_editor.remove_field(Film, _field(name))


def fill(apps, schema_editor):
    Film = apps.get_model("films", "Film")
    films = Film.objects.using(schema_editor.connection.alias)
    batch = []
    for film in films.only("id", "title").order_by("id").iterator(chunk_size=BATCH):
        film.sort_title = titles.sort_title(film.title)
        film.index_letter = titles.index_letter(film.title)
        batch.append(film)
        if len(batch) == BATCH:
            films.bulk_update(batch, ["sort_title", "index_letter"])
            batch = []
    films.bulk_update(batch, ["sort_title", "index_letter"])


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0007_stored_search_vectors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="film", name=name, field=make())
                for name, make in COLUMNS.items()
            ],
            database_operations=[migrations.RunPython(add_columns, remove_columns)],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="film",
            index=models.Index(fields=["sort_title", "year", "id"], name="film_sort_idx"),
        ),
        migrations.AddIndex(
            model_name="film",
            index=models.Index(
                fields=["index_letter", "sort_title", "year", "id"], name="film_letter_idx"
            ),
        ),
    ]
