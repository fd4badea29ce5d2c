"""Text search through one indexed document per site (issue 17, docs/search.md).

- `mura_fold(text)`: `registry.transliteration.fold` in SQL, as `registry.text_search.fold_function_sql()`
  wrote it when this migration was made (kept here as text: a migration must not change with
  later code; tests/registry/test_text_search.py fails when FOLD and this function part).
- `search_document`: the folded kk, ru and en names, a stored generated column (PostgreSQL
  computes it on every write; rewriting the table takes minutes at a million sites).
- A GiST trigram index on it, signatures of 512 bytes (the default 12 saturate on names in
  three languages and prune badly), serving the match (`%>`) and the order (`<->>`).
- The public view shows the column (derived from public names only), so the public door's
  searches use the same index.
- The names' GIN trigram indexes (migration 0010) served the search that this replaces; no
  reader uses them now. The descriptions' stay: descriptions are still searched through them.
- `SearchWord`: the words of published sites' documents, trigram-indexed, and
  `mura_search_key(key)`, which reads each word of a query that no name holds as the nearest
  word one does, so a typo's scan starts from names that hold the word whole.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations, models

import registry.text_search
from registry.projection import PUBLIC_PARENT_SQL

FOLD_FUNCTION = """CREATE FUNCTION mura_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT translate(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower($1), 'ё', 'io'), 'ж', 'zh'), 'х', 'kh'), 'ц', 'ts'), 'ч', 'ch'), 'ш', 'sh'), 'щ', 'shch'), 'ю', 'iu'), 'я', 'ia'), 'ç', 'ch'), 'j', 'zh'), 'ş', 'sh'), 'x', 'kh'), 'аәбвгғдезийікқлмнңоөпрстуұүфһыэäéğıñöqūüwyъь''’ʼʻ`', 'aabvggdeziiikklmnnooprstuuufhieaeginokuuui') $$"""

VIEW_COLUMNS = f"""
    s.id, s.registry_number,
    s.name, s.name_kk, s.name_ru, s.name_en,
    s.description, s.description_kk, s.description_ru, s.description_en,
    s.alt_names, s.category, s.typology_id, s.significance, s.date_from, s.date_to, s.period,
    s.dating_note, s.condition, s.condition_assessed_on, s.location_approximate,
    s.sensitivity, s.status, s.published_at, s.unesco_id, s.wikidata_id, s.version,
    s.created_at, s.updated_at,
    {PUBLIC_PARENT_SQL} AS parent_id,
    s.public_region_id AS region_id, s.public_district_id AS district_id,
    s.public_region_ids AS region_ids, s.public_district_ids AS district_ids,
    s.public_location, s.public_boundary"""
VIEW = """
CREATE VIEW registry_public_site AS
SELECT {columns}
FROM registry_heritagesite s
WHERE s.status = 'published'
"""
OLD_VIEW = VIEW.format(columns=VIEW_COLUMNS)
NEW_VIEW = VIEW.format(columns=VIEW_COLUMNS + ",\n    s.search_document")

NAME_COLUMNS = ["name_kk", "name_ru", "name_en"]
DROP_NAME_INDEXES = [f"DROP INDEX site_{column}_trgm" for column in NAME_COLUMNS]
CREATE_NAME_INDEXES = [
    f"CREATE INDEX site_{column}_trgm ON registry_heritagesite USING gin ({column} gin_trgm_ops)"
    for column in NAME_COLUMNS
]
SEARCH_KEY_FUNCTION = r"""
CREATE FUNCTION mura_search_key(key text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE STRICT
AS $$
SELECT coalesce(string_agg(coalesce(
    (SELECT v.word FROM registry_searchword v WHERE v.word = k.w),
    (SELECT v.word FROM registry_searchword v
     WHERE k.w ~ '[[:alpha:]]' AND v.word %> k.w
     ORDER BY similarity(k.w, v.word) DESC, levenshtein(k.w, v.word), v.word LIMIT 1),
    k.w), ' ' ORDER BY k.i), '')
FROM regexp_split_to_table(key, '[^[:alnum:]]+') WITH ORDINALITY AS k(w, i)
WHERE k.w <> ''
$$
"""
WORDS_INDEX = (
    "CREATE INDEX search_word_trgm ON registry_searchword USING gin (word gin_trgm_ops)"
)


def words_fill(apps, schema_editor):
    from registry.services.search_words import search_words_rebuild

    search_words_rebuild()


CREATE_INDEX = (
    "CREATE INDEX site_search_document_gist ON registry_heritagesite "
    "USING gist (search_document gist_trgm_ops(siglen=512))"
)


class Migration(migrations.Migration):
    dependencies = [("registry", "0016_import_mappings")]

    operations = [
        migrations.RunSQL(FOLD_FUNCTION, "DROP FUNCTION mura_fold(text)"),
        migrations.RunSQL("DROP VIEW registry_public_site", OLD_VIEW),
        migrations.AddField(
            model_name="heritagesite",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=registry.text_search.SearchDocument(),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunSQL(NEW_VIEW, "DROP VIEW registry_public_site"),
        migrations.RunSQL(CREATE_INDEX, "DROP INDEX site_search_document_gist"),
        migrations.RunSQL(DROP_NAME_INDEXES, CREATE_NAME_INDEXES),
        CreateExtension("fuzzystrmatch"),  # levenshtein(): among equally similar words
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.TextField(primary_key=True, serialize=False))],
        ),
        migrations.RunSQL(WORDS_INDEX, "DROP INDEX search_word_trgm"),
        migrations.RunSQL(SEARCH_KEY_FUNCTION, "DROP FUNCTION mura_search_key(text)"),
        migrations.RunPython(words_fill, migrations.RunPython.noop),
    ]
