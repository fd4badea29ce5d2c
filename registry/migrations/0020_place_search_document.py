"""Place search (issue 14): every name of a place folded like the sites' (mura_fold, 0017), a
stored generated column with a GiST trigram index, so the map's suggestions find places too."""

import django.contrib.postgres.indexes
import registry.text_search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0019_base_features'),
    ]

    operations = [
        migrations.AddField(
            model_name='place',
            name='search_document',
            field=models.GeneratedField(db_persist=True, expression=registry.text_search.PlaceDocument(), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='place',
            index=django.contrib.postgres.indexes.GistIndex(django.contrib.postgres.indexes.OpClass('search_document', name='gist_trgm_ops'), name='place_search_document_gist'),
        ),
    ]
