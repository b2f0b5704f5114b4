# Authors keep changing only their own reviews; editors can be given this permission.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0004_move_wordpress_models'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='review',
            options={'ordering': ['-published_at', '-id'], 'permissions': [('change_any_review', "Can change and preview every author's reviews")]},
        ),
    ]
