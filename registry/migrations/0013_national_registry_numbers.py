"""National registry numbers given at first publication, draft references before that
(DESIGN §4): published sites are renumbered in the order they were published, every other site
loses its number; the old per-region number stays, staff only, as `former_number`."""

import django.db.models.functions.comparison
from django.db import migrations, models


def renumber(apps, schema_editor):
    from registry.services.numbers import registry_numbers_renumber

    registry_numbers_renumber(
        sites=apps.get_model("registry", "HeritageSite"),
        sequences=apps.get_model("registry", "RegistrySequence"),
        history=apps.get_model("registry", "HistoricalHeritageSite"),
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_public_areas")]

    operations = [
        migrations.AddField(
            model_name="heritagesite",
            name="draft_reference",
            field=models.CharField(editable=False, max_length=16, null=True, verbose_name="draft reference"),
        ),
        migrations.AddField(
            model_name="heritagesite",
            name="former_number",
            field=models.CharField(blank=True, editable=False, max_length=32, null=True, unique=True, verbose_name="former number"),
        ),
        migrations.AddField(
            model_name="historicalheritagesite",
            name="draft_reference",
            field=models.CharField(editable=False, max_length=16, null=True, verbose_name="draft reference"),
        ),
        migrations.AddField(
            model_name="historicalheritagesite",
            name="former_number",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=32, null=True, verbose_name="former number"),
        ),
        migrations.AlterField(
            model_name="adminarea",
            name="registry_prefix",
            field=models.CharField(blank=True, help_text="regions only: KZ-ALM (no longer part of registry numbers)", max_length=8, verbose_name="registry number prefix"),
        ),
        migrations.AlterField(
            model_name="heritagesite",
            name="registry_number",
            field=models.CharField(blank=True, editable=False, max_length=32, null=True, unique=True, verbose_name="registry number"),
        ),
        migrations.AlterField(
            model_name="historicalheritagesite",
            name="registry_number",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=32, null=True, verbose_name="registry number"),
        ),
        migrations.RunPython(renumber, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="heritagesite",
            name="draft_reference",
            field=models.CharField(editable=False, max_length=16, unique=True, verbose_name="draft reference"),
        ),
        migrations.AlterField(
            model_name="historicalheritagesite",
            name="draft_reference",
            field=models.CharField(db_index=True, editable=False, max_length=16, verbose_name="draft reference"),
        ),
        migrations.AddField(
            model_name="heritagesite",
            name="reference",
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.comparison.Coalesce("registry_number", "draft_reference"), output_field=models.CharField(max_length=32), db_index=True),
        ),
    ]
