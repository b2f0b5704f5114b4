# ImportedItem and LegacyRedirect now belong to the wordpress app (its 0001 takes over their
# tables); only the migration state changes here, no table is touched.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_importeditem_legacyredirect"),
        ("wordpress", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ImportedItem"),
                migrations.DeleteModel(name="LegacyRedirect"),
            ],
            database_operations=[],
        ),
    ]
