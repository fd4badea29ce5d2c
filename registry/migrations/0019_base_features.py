"""The offline base map's countries, seas, lakes and rivers (Natural Earth), loaded with the
schema like the places: every map draws them."""


import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
from django.db import migrations, models


def load(apps, schema_editor):
    from registry.services.places import base_features_load

    base_features_load(model=apps.get_model("registry", "BaseFeature"))


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0017_search_document'),
    ]

    operations = [
        migrations.CreateModel(
            name='BaseFeature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('home', 'Kazakhstan'), ('country', 'Country'), ('sea', 'Sea'), ('lake', 'Lake'), ('river', 'River'), ('water_name', 'Name of a water body')], max_length=16, verbose_name='kind')),
                ('name_kk', models.CharField(blank=True, max_length=100, verbose_name='name (Kazakh)')),
                ('name_ru', models.CharField(blank=True, max_length=100, verbose_name='name (Russian)')),
                ('name_en', models.CharField(blank=True, max_length=100, verbose_name='name (English)')),
                ('min_zoom', models.PositiveSmallIntegerField(default=0, verbose_name='lowest zoom drawn')),
                ('geom', django.contrib.gis.db.models.fields.GeometryField(blank=True, null=True, srid=4326, verbose_name='shape')),
                ('label', django.contrib.gis.db.models.fields.PointField(blank=True, null=True, srid=4326, verbose_name='where the name is written')),
            ],
            options={
                'verbose_name': 'base map feature',
                'verbose_name_plural': 'base map features',
                'indexes': [django.contrib.postgres.indexes.GistIndex(fields=['geom'], name='base_feature_geom_gist')],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
