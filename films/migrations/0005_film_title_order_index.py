# The A–Z index and the sitemap page through films in (title, year, id) order; the sitemap
# takes the newest change of a film from an index.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0004_search"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="film", name="films_film_title_db35d3_idx"),
        migrations.AddIndex(
            model_name="film",
            index=models.Index(fields=["title", "year", "id"], name="film_title_idx"),
        ),
        migrations.AddIndex(
            model_name="film",
            index=models.Index(fields=["-updated_at"], name="film_updated_idx"),
        ),
    ]
