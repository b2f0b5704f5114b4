# A review may have no score (issue 13): the rating becomes nullable, and its CHECK constraint
# lets NULL through explicitly while still refusing anything but a half point from 0 to 10.
from decimal import Decimal

import django.core.validators
from django.db import migrations, models

import core.validators
from reviews import fts

RATING_CHOICES = [
    ((Decimal(n) / 2).quantize(Decimal("0.1")), f"{Decimal(n) / 2:g}") for n in range(21)
]
RATING_VALUES = [value for value, _label in RATING_CHOICES]


def drop_sqlite_search_index(apps, schema_editor):
    # SQLite alters the column by rebuilding the table, which a trigger naming it would break.
    fts.drop_sqlite_index(schema_editor.connection)


def restore_sqlite_search_index(apps, schema_editor):
    fts.ensure_sqlite_index(schema_editor.connection)  # recreated and refilled


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_search_headline_index"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_search_index, restore_sqlite_search_index),
        migrations.RemoveConstraint(model_name="review", name="review_rating_half_points"),
        migrations.AlterField(
            model_name="review",
            name="rating",
            field=models.DecimalField(
                blank=True,
                choices=RATING_CHOICES,
                decimal_places=1,
                help_text="Out of 10, or no score.",
                max_digits=3,
                null=True,
                verbose_name="rating",
            ),
        ),
        migrations.AlterField(
            model_name="review",
            name="verdict",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to use the word for the rating (none without a score).",
                max_length=30,
                validators=[
                    django.core.validators.ProhibitNullCharactersValidator(),
                    core.validators.ProhibitControlCharactersValidator(),
                ],
                verbose_name="verdict",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("rating__isnull", True), ("rating__in", RATING_VALUES), _connector="OR"
                ),
                name="review_rating_half_points",
            ),
        ),
        migrations.RunPython(restore_sqlite_search_index, drop_sqlite_search_index),
    ]
