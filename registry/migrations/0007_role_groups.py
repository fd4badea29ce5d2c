"""The five roles of DESIGN §3 as groups; what each may do is in registry/roles.py."""

from django.db import migrations

GROUPS = ["public", "researcher", "officer", "reviewer", "administrator"]


def add(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_region_assignments"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(add, remove)]
