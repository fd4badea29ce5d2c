"""Kazakhstan's regions and districts are part of a working registry (registry numbers and
regions are derived from them), so a new database gets them with its schema."""

from django.db import migrations


def load(apps, schema_editor):
    from registry.services.regions import regions_load

    regions_load(model=apps.get_model("registry", "AdminArea"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_search_indexes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
