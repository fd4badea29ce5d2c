"""Public attribution from the public cell, no S1/S2 boundary, guarded "part of" links
(issue 12, DESIGN §4).

- Region and district of S1/S2 sites come from their public cell (`public_region`, and every
  region and district the cell touches in `public_region_ids` / `public_district_ids`), so
  the view, its filters and the map's cell counts no longer follow the exact point.
- `public_boundary` of S1/S2 sites is NULL (was: the block of whole cells covering it).
- The view shows a parent only where the link narrows neither site below its cell.
"""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

from registry.projection import (
    PUBLIC_AREAS_FILL_SQL,
    PUBLIC_PARENT_SQL,
    public_areas_sql,
    public_boundary_expression,
)

OLD_VIEW = """
CREATE VIEW registry_public_site AS
SELECT id, registry_number,
    name, name_kk, name_ru, name_en,
    description, description_kk, description_ru, description_en,
    alt_names, category, typology_id, significance, date_from, date_to, period, dating_note,
    condition, condition_assessed_on, location_approximate, sensitivity, status, published_at,
    unesco_id, wikidata_id, version, created_at, updated_at, parent_id, region_id,
    public_district_id AS district_id, public_location, public_boundary
FROM registry_heritagesite
WHERE status = 'published'
"""

NEW_VIEW = f"""
CREATE VIEW registry_public_site AS
SELECT s.id, s.registry_number,
    s.name, s.name_kk, s.name_ru, s.name_en,
    s.description, s.description_kk, s.description_ru, s.description_en,
    s.alt_names, s.category, s.typology_id, s.significance, s.date_from, s.date_to, s.period,
    s.dating_note, s.condition, s.condition_assessed_on, s.location_approximate,
    s.sensitivity, s.status, s.published_at, s.unesco_id, s.wikidata_id, s.version,
    s.created_at, s.updated_at,
    {PUBLIC_PARENT_SQL} AS parent_id,
    s.public_region_id AS region_id, s.public_district_id AS district_id,
    s.public_region_ids AS region_ids, s.public_district_ids AS district_ids,
    s.public_location, s.public_boundary
FROM registry_heritagesite s
WHERE s.status = 'published'
"""


SUBDIVIDED = """
CREATE TEMP TABLE mig_region AS
    SELECT id, code, ST_Subdivide(geom, 64) AS geom FROM registry_adminarea WHERE level = 1;
CREATE INDEX ON mig_region USING gist (geom);
CREATE TEMP TABLE mig_district AS
    SELECT id, code, ST_Subdivide(geom, 64) AS geom FROM registry_adminarea WHERE level = 2;
CREATE INDEX ON mig_district USING gist (geom);
ANALYZE mig_region, mig_district;
"""


def public_areas_fill(apps, schema_editor):
    """Every site's public areas, against subdivided outlines (about 40 % faster than the
    whole ones: 11 s for 20,000 sites here)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(array_agg(id), '{}') FROM registry_heritagesite")
        params = {"ids": cursor.fetchone()[0]}
        # Checked at once: a deferred foreign-key check left pending would stop the index that
        # Django creates for `public_region` at the end of this migration.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(SUBDIVIDED)
        cursor.execute(public_areas_sql(regions="mig_region", districts="mig_district"), params)
        cursor.execute(PUBLIC_AREAS_FILL_SQL, params)
        cursor.execute("DROP TABLE mig_region, mig_district")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def counts_rebuild(apps, schema_editor):
    """The map's counts, now keyed by the public regions (the SQL reads the view)."""
    from registry.services.aggregates import map_counts_rebuild

    map_counts_rebuild()


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_load_regions")]

    operations = [
        migrations.RunSQL("DROP VIEW registry_public_site", OLD_VIEW),
        # A generated column's expression cannot be altered: drop and add it again.
        migrations.RemoveIndex(model_name="heritagesite", name="site_public_boundary_gist"),
        migrations.RemoveField(model_name="heritagesite", name="public_boundary"),
        migrations.AddField(
            model_name="heritagesite",
            name="public_boundary",
            field=models.GeneratedField(
                db_persist=True,
                expression=public_boundary_expression(),
                output_field=django.contrib.gis.db.models.fields.MultiPolygonField(
                    null=True, srid=4326
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="heritagesite",
            index=django.contrib.postgres.indexes.GistIndex(
                fields=["public_boundary"], name="site_public_boundary_gist"
            ),
        ),
        migrations.AddField(
            model_name="heritagesite",
            name="public_region",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.adminarea",
            ),
        ),
        migrations.AddField(
            model_name="heritagesite",
            name="public_region_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list, editable=False
            ),
        ),
        migrations.AddField(
            model_name="heritagesite",
            name="public_district_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list, editable=False
            ),
        ),
        migrations.AddIndex(
            model_name="heritagesite",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["public_region_ids"], name="site_public_regions_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="heritagesite",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["public_district_ids"], name="site_public_districts_gin"
            ),
        ),
        migrations.RunPython(public_areas_fill, migrations.RunPython.noop),
        migrations.RunSQL(NEW_VIEW, "DROP VIEW registry_public_site"),
        # The map's counts: keyed by every public region instead of the exact point's one.
        migrations.RunSQL("TRUNCATE registry_sitecellkey, registry_sitecellcount", ""),
        migrations.RemoveConstraint(model_name="sitecellcount", name="cellcount_unique_key"),
        migrations.RemoveField(model_name="sitecellkey", name="region_id"),
        migrations.RemoveField(model_name="sitecellcount", name="region_id"),
        migrations.AddField(
            model_name="sitecellkey",
            name="region_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sitecellcount",
            name="region_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="sitecellcount",
            constraint=models.UniqueConstraint(
                fields=("level", "cx", "cy", "category", "significance", "region_ids"),
                name="cellcount_unique_key",
            ),
        ),
        migrations.RunPython(counts_rebuild, migrations.RunPython.noop),
    ]
