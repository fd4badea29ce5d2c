"""Indexes for the API's search: trigram GIN indexes on the kk/ru/en names and descriptions
(typo-tolerant text search through the public view), and geography GiST indexes so distances
in metres (ST_DWithin, nearest-first `<->`) are answered from an index, not a scan."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TEXT_COLUMNS = [f"{n}_{lang}" for n in ("name", "description") for lang in ("kk", "ru", "en")]

CREATE = [
    f"CREATE INDEX site_{column}_trgm ON registry_heritagesite USING gin ({column} gin_trgm_ops)"
    for column in TEXT_COLUMNS
] + [
    "CREATE INDEX site_public_location_geog ON registry_heritagesite "
    "USING gist ((public_location::geography)) WHERE status = 'published'",
    "CREATE INDEX site_location_geog ON registry_heritagesite USING gist ((location::geography))",
]
DROP = [f"DROP INDEX site_{column}_trgm" for column in TEXT_COLUMNS] + [
    "DROP INDEX site_public_location_geog",
    "DROP INDEX site_location_geog",
]


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_public_map_cell_counts")]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(CREATE, DROP),
    ]
