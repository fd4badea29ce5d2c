"""The site's search document kept by triggers instead of a stored generated column (issue 17:
`generate_sites` at COPY speed).

PostgreSQL computed the generated column for every row written, and it cannot be given: a bulk
load of a million sites spent most of its INSERT folding names (`mura_fold`), though generated
names come from a few thousand (typology, settlement) pairs. Now the column is a plain one
(DROP EXPRESSION keeps its values, the GiST trigram index and the public view: no rewrite) and
two triggers keep it for every write path: on INSERT when the row brings no document, on
UPDATE when a name or the document changed (a raw UPDATE that sets it is folded again). The
trigger text is kept here, not imported: a migration must not change with later code.
"""

from django.db import migrations

import registry.text_search

FUNCTION = """
CREATE FUNCTION mura_site_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := mura_fold(coalesce(NEW.name_kk, '') || ' ' || coalesce(NEW.name_ru, '')
                                     || ' ' || coalesce(NEW.name_en, ''));
    RETURN NEW;
END
$$"""
TRIGGERS = [
    "CREATE TRIGGER site_document_insert BEFORE INSERT ON registry_heritagesite FOR EACH ROW"
    " WHEN (NEW.search_document IS NULL) EXECUTE FUNCTION mura_site_document()",
    "CREATE TRIGGER site_document_update BEFORE UPDATE ON registry_heritagesite FOR EACH ROW"
    " WHEN (NEW.name_kk IS DISTINCT FROM OLD.name_kk OR NEW.name_ru IS DISTINCT FROM OLD.name_ru"
    " OR NEW.name_en IS DISTINCT FROM OLD.name_en"
    " OR NEW.search_document IS DISTINCT FROM OLD.search_document)"
    " EXECUTE FUNCTION mura_site_document()",
]
GENERATED = (
    "ALTER TABLE registry_heritagesite ADD COLUMN search_document text GENERATED ALWAYS AS"
    " (mura_fold(COALESCE(name_kk, '') || ' ' || COALESCE(name_ru, '') || ' '"
    " || COALESCE(name_en, ''))) STORED"
)
INDEX = (
    "CREATE INDEX site_search_document_gist ON registry_heritagesite "
    "USING gist (search_document gist_trgm_ops(siglen=512))"
)


def generated_again(apps, schema_editor):
    """Back to the generated column: PostgreSQL 15 cannot give a column an expression, so the
    view that shows it goes, the column is made again (the table rewritten), then the view."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_viewdef('registry_public_site'::regclass)")
        (view,) = cursor.fetchone()
        cursor.execute(
            "DROP TRIGGER site_document_insert ON registry_heritagesite;"
            " DROP TRIGGER site_document_update ON registry_heritagesite;"
            " DROP FUNCTION mura_site_document(); DROP VIEW registry_public_site;"
            " ALTER TABLE registry_heritagesite DROP COLUMN search_document"
        )
        cursor.execute(GENERATED)
        cursor.execute(INDEX)
        cursor.execute(f"CREATE VIEW registry_public_site AS {view}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0023_public_hidden_regions")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(migrations.RunPython.noop, generated_again),
                migrations.RunSQL(
                    "ALTER TABLE registry_heritagesite ALTER COLUMN search_document"
                    " DROP EXPRESSION",
                    migrations.RunSQL.noop,
                ),
                migrations.RunSQL(FUNCTION, migrations.RunSQL.noop),
                migrations.RunSQL(TRIGGERS, migrations.RunSQL.noop),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="heritagesite",
                    name="search_document",
                    field=registry.text_search.DocumentField(blank=True, editable=False, null=True),
                ),
            ],
        ),
    ]
