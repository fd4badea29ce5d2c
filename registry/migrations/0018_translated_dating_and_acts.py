"""Issue 14: the dating note, and a designation's issuing authority and criteria, in kk, ru
and en (django-modeltranslation, as names and descriptions are); the check constraints an
officer can break carry a translated message and a code that puts it beside its field.

Existing values are copied into the column of the language they are written in, told by
their script: Kazakh letters (ә ғ қ ң ө ұ ү һ і) → kk, other Cyrillic → ru, Latin → en;
text with no letters ("1389–1405") → kk, the default language and the first every language
falls back to. The demo and UNESCO values are English, so they land in `_en`, and a kk or ru
page shows them through the fallback until someone writes a translation. The history rows are
copied the same way, so a diff does not report the copy as a change. The old single column
stays (django-modeltranslation keeps it) and still holds the old value.

The public view gains the three dating note columns.
"""

from django.conf import settings
from django.db import migrations, models

from registry.projection import PUBLIC_PARENT_SQL

VIEW = """
CREATE VIEW registry_public_site AS
SELECT
    s.id, s.registry_number,
    s.name, s.name_kk, s.name_ru, s.name_en,
    s.description, s.description_kk, s.description_ru, s.description_en,
    s.alt_names, s.category, s.typology_id, s.significance, s.date_from, s.date_to, s.period,
    s.dating_note, {dating_notes}s.condition, s.condition_assessed_on, s.location_approximate,
    s.sensitivity, s.status, s.published_at, s.unesco_id, s.wikidata_id, s.version,
    s.created_at, s.updated_at,
    {parent} AS parent_id,
    s.public_region_id AS region_id, s.public_district_id AS district_id,
    s.public_region_ids AS region_ids, s.public_district_ids AS district_ids,
    s.public_location, s.public_boundary,
    s.search_document
FROM registry_heritagesite s
WHERE s.status = 'published'
"""
OLD_VIEW = VIEW.format(dating_notes="", parent=PUBLIC_PARENT_SQL)
NEW_VIEW = VIEW.format(
    dating_notes="s.dating_note_kk, s.dating_note_ru, s.dating_note_en,\n    ",
    parent=PUBLIC_PARENT_SQL,
)

# The language a text is written in, by its script (the docstring); `v` is the text.
LANGUAGE_OF = """CASE WHEN {v} ~ '[әғқңөұүһіӘҒҚҢӨҰҮҺІ]' THEN 'kk'
    WHEN {v} ~ '[А-Яа-яЁё]' THEN 'ru' WHEN {v} ~ '[A-Za-z]' THEN 'en' ELSE 'kk' END"""
COPIED = {
    "registry_heritagesite": ["dating_note"],
    "registry_historicalheritagesite": ["dating_note"],
    "registry_designation": ["authority", "criteria"],
    "registry_historicaldesignation": ["authority", "criteria"],
}


def copy_sql(table: str, column: str) -> str:
    """Each non-empty value of `column` into `column_<its language>`, the others left empty."""
    language = LANGUAGE_OF.format(v=column)
    sets = ", ".join(
        f"{column}_{lang} = CASE WHEN {language} = '{lang}' THEN {column} ELSE '' END"
        for lang in ("kk", "ru", "en")
    )
    return f"UPDATE {table} SET {sets} WHERE {column} <> ''"


def copy_back_sql(table: str, column: str) -> str:
    """Reversal: the single column keeps the first translation there is, kk, ru, then en."""
    first = f"coalesce(nullif({column}_kk, ''), nullif({column}_ru, ''), {column}_en, '')"
    return f"UPDATE {table} SET {column} = {first}"


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0017_search_document'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='designation',
            name='authority_en',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='issuing authority'),
        ),
        migrations.AddField(
            model_name='designation',
            name='authority_kk',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='issuing authority'),
        ),
        migrations.AddField(
            model_name='designation',
            name='authority_ru',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='issuing authority'),
        ),
        migrations.AddField(
            model_name='designation',
            name='criteria_en',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='criteria'),
        ),
        migrations.AddField(
            model_name='designation',
            name='criteria_kk',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='criteria'),
        ),
        migrations.AddField(
            model_name='designation',
            name='criteria_ru',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='criteria'),
        ),
        migrations.AddField(
            model_name='heritagesite',
            name='dating_note_en',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='dating note'),
        ),
        migrations.AddField(
            model_name='heritagesite',
            name='dating_note_kk',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='dating note'),
        ),
        migrations.AddField(
            model_name='heritagesite',
            name='dating_note_ru',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='dating note'),
        ),
        migrations.AddField(
            model_name='historicaldesignation',
            name='authority_en',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='issuing authority'),
        ),
        migrations.AddField(
            model_name='historicaldesignation',
            name='authority_kk',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='issuing authority'),
        ),
        migrations.AddField(
            model_name='historicaldesignation',
            name='authority_ru',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='issuing authority'),
        ),
        migrations.AddField(
            model_name='historicaldesignation',
            name='criteria_en',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='criteria'),
        ),
        migrations.AddField(
            model_name='historicaldesignation',
            name='criteria_kk',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='criteria'),
        ),
        migrations.AddField(
            model_name='historicaldesignation',
            name='criteria_ru',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='criteria'),
        ),
        migrations.AddField(
            model_name='historicalheritagesite',
            name='dating_note_en',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='dating note'),
        ),
        migrations.AddField(
            model_name='historicalheritagesite',
            name='dating_note_kk',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='dating note'),
        ),
        migrations.AddField(
            model_name='historicalheritagesite',
            name='dating_note_ru',
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name='dating note'),
        ),
        migrations.AlterConstraint(
            model_name='designation',
            name='designation_validity_in_order',
            constraint=models.CheckConstraint(condition=models.Q(('valid_from__isnull', True), ('valid_to__isnull', True), ('valid_from__lte', models.F('valid_to')), _connector='OR'), name='designation_validity_in_order', violation_error_code='validity_order', violation_error_message='“Valid from” must not be later than “Valid to”.'),
        ),
        migrations.AlterConstraint(
            model_name='heritagesite',
            name='site_dating_in_order',
            constraint=models.CheckConstraint(condition=models.Q(('date_from__isnull', True), ('date_to__isnull', True), ('date_from__lte', models.F('date_to')), _connector='OR'), name='site_dating_in_order', violation_error_code='dating_order', violation_error_message='“From year” must not be later than “To year”.'),
        ),
        migrations.RunSQL(
            [copy_sql(table, column) for table, columns in COPIED.items() for column in columns],
            [
                copy_back_sql(table, column)
                for table, columns in COPIED.items()
                for column in columns
            ],
        ),
        migrations.RunSQL(["DROP VIEW registry_public_site", NEW_VIEW], ["DROP VIEW registry_public_site", OLD_VIEW]),
    ]
