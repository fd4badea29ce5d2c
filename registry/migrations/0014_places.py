"""Named places (OpenStreetMap, ODbL) for screening sensitive sites' public texts, loaded with
the schema like the regions: a register without them could not screen a submission."""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models


def load(apps, schema_editor):
    from registry.services.places import places_load

    places_load(
        model=apps.get_model("registry", "Place"),
        area_model=apps.get_model("registry", "AdminArea"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0013_national_registry_numbers'),
    ]

    operations = [
        migrations.CreateModel(
            name='Place',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('osm_type', models.CharField(help_text='nodes, ways or relations', max_length=10)),
                ('osm_id', models.BigIntegerField()),
                ('kind', models.CharField(choices=[('city', 'City'), ('town', 'Town'), ('village', 'Village'), ('hamlet', 'Hamlet')], max_length=16, verbose_name='kind')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('name_kk', models.CharField(blank=True, max_length=200, verbose_name='name (Kazakh)')),
                ('name_ru', models.CharField(blank=True, max_length=200, verbose_name='name (Russian)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                ('population', models.PositiveIntegerField(blank=True, null=True, verbose_name='population')),
                ('point', django.contrib.gis.db.models.fields.PointField(srid=4326, verbose_name='location')),
                ('region', models.ForeignKey(blank=True, limit_choices_to={'level': 1}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.adminarea', verbose_name='region')),
            ],
            options={
                'verbose_name': 'place',
                'verbose_name_plural': 'places',
                'ordering': ['name', 'pk'],
                'indexes': [django.contrib.postgres.indexes.GistIndex(fields=['point'], name='place_point_gist')],
                'constraints': [models.UniqueConstraint(fields=('osm_type', 'osm_id'), name='place_once_per_osm_object')],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
