"""The public door as a database view: published sites, and no exact geometry column at all."""

from django.db import migrations

COLUMNS = """
    id, registry_number,
    name, name_kk, name_ru, name_en,
    description, description_kk, description_ru, description_en,
    alt_names, category, typology_id, significance, date_from, date_to, period, dating_note,
    condition, condition_assessed_on, location_approximate, sensitivity, status, published_at,
    unesco_id, wikidata_id, version, created_at, updated_at, parent_id, region_id,
    public_district_id AS district_id, public_location, public_boundary
"""

CREATE = f"""
CREATE VIEW registry_public_site AS
SELECT {COLUMNS}
FROM registry_heritagesite
WHERE status = 'published'
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE, "DROP VIEW registry_public_site"),
    ]
