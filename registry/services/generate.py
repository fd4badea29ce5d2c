"""Synthetic but realistic sites for benchmarks, made inside PostgreSQL.

Sites cluster around real settlements (OSM, registry/data/kz-places-osm.geojson), weighted by
population, spread by a Gaussian whose width grows with the settlement; every category,
significance, period and sensitivity class occurs. Regions and districts are derived as for
hand-made sites (spatial join), in bulk; every site gets a draft reference and each published one
a national registry number, in order, from the registry's counters (registry/services/numbers.py).
Generated rows carry no history: they are benchmark data, not edits.
"""

import json
import time
from collections.abc import Callable

from django.db import connection, transaction

from registry.models import AdminArea, RegistrySequence
from registry.projection import PUBLIC_AREAS_FILL_SQL, public_areas_sql
from registry.services.aggregates import map_counts_rebuild
from registry.services.numbers import DIGITS, DRAFT, LAST_NUMBER, NATIONAL
from registry.services.regions import DATA

PLACES_FILE = DATA / "kz-places-osm.geojson"
SPREAD_DEGREES = {"city": 0.12, "town": 0.05, "village": 0.02}
NUMBERING = {"national": NATIONAL, "draft": DRAFT, "digits": DIGITS}

# (period, earliest year, latest year): dating is drawn inside the period.
PERIODS = [
    ("stone_age", -40000, -3000), ("bronze_age", -2500, -800), ("early_iron_age", -800, 500),
    ("turkic", 550, 950), ("karakhanid", 940, 1220), ("golden_horde", 1220, 1500),
    ("kazakh_khanate", 1465, 1847), ("imperial", 1731, 1917), ("soviet", 1917, 1991),
    ("independence", 1991, 2025),
]  # fmt: skip

SETUP_SQL = """
CREATE TEMP TABLE gen_region ON COMMIT DROP AS
    SELECT id, code, ST_Subdivide(geom, 64) AS geom
    FROM registry_adminarea WHERE level = 1;
CREATE INDEX ON gen_region USING gist (geom);
CREATE TEMP TABLE gen_district ON COMMIT DROP AS
    SELECT id, code, ST_Subdivide(geom, 64) AS geom FROM registry_adminarea WHERE level = 2;
CREATE INDEX ON gen_district USING gist (geom);
CREATE TEMP TABLE gen_typology ON COMMIT DROP AS
    SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, name_kk, name_ru, name_en
    FROM registry_typology;
"""

# Statements run one by one (";\n" separates them); the last returns the new ids.
BATCH_SQL = """
CREATE TEMP TABLE gen_batch ON COMMIT DROP AS
WITH draws AS (
    SELECT g, random() AS r, random() AS u1, random() AS u2, random() AS u3, random() AS u4,
           random() AS u5, random() AS u6, random() AS u7, random() AS u8
    FROM generate_series(1, %(n)s) AS g
)
SELECT d.*, p.name_kk AS place_kk, p.name_ru AS place_ru, p.name_en AS place_en,
       ST_SetSRID(ST_MakePoint(
           p.lon + p.spread * sqrt(-2 * ln(1 - d.u1)) * cos(2 * pi() * d.u2),
           p.lat + p.spread * sqrt(-2 * ln(1 - d.u1)) * sin(2 * pi() * d.u2)), 4326) AS location,
       CASE WHEN u5 < 0.55 THEN 'S0' WHEN u5 < 0.75 THEN 'S1' WHEN u5 < 0.95 THEN 'S2'
            ELSE 'S3' END AS sensitivity,
       ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS place_pt,
       NULL::bigint AS region_id, NULL::bigint AS district_id,
       NULL::geometry AS public_location, NULL::bigint AS public_district_id
FROM draws d
CROSS JOIN LATERAL (
    SELECT * FROM gen_place WHERE cum >= d.r * %(total)s::float8 ORDER BY cum LIMIT 1
) p;

-- A Gaussian can spill over the border: such a site goes back to its settlement.
UPDATE gen_batch b SET region_id = r.id
    FROM gen_region r WHERE ST_Covers(r.geom, b.location);
UPDATE gen_batch SET location = place_pt WHERE region_id IS NULL;
UPDATE gen_batch b SET region_id = r.id
    FROM gen_region r WHERE b.region_id IS NULL AND ST_Covers(r.geom, b.location);
DELETE FROM gen_batch WHERE region_id IS NULL;
ANALYZE gen_batch;
UPDATE gen_batch b SET district_id = d.id FROM gen_district d WHERE ST_Covers(d.geom, b.location);
-- The public point by the site table's own generated-column expression (read from the
-- catalog, so there is one definition), and the district it falls in.
UPDATE gen_batch SET public_location = %(public_location_sql)s;
UPDATE gen_batch b SET public_district_id = d.id FROM gen_district d
    WHERE ST_Covers(d.geom, b.public_location);

-- Draft references for all, national numbers for the published (u7 < 0.9, as below).
CREATE TEMP TABLE gen_counter (prefix text, last_value bigint) ON COMMIT DROP;
WITH wanted AS (
    SELECT %(draft)s::text AS prefix, count(*) AS n FROM gen_batch
    UNION ALL SELECT %(national)s::text, count(*) FILTER (WHERE u7 < 0.9) FROM gen_batch
),
bumped AS (
    INSERT INTO registry_registrysequence AS s (prefix, last_value)
    SELECT prefix, n FROM wanted
    ON CONFLICT (prefix) DO UPDATE SET last_value = s.last_value + EXCLUDED.last_value
    RETURNING prefix, last_value
)
INSERT INTO gen_counter SELECT * FROM bumped;

INSERT INTO registry_heritagesite (
    registry_number, draft_reference, name, name_kk, name_ru, name_en, description, description_kk,
    description_ru, description_en, alt_names, category, typology_id, significance, date_from,
    date_to, period, dating_note, condition, location_approximate, sensitivity, status,
    published_at, wikidata_id, version, created_at, updated_at, location, threats, region_id,
    district_id, public_district_id, public_region_ids, public_district_ids)
SELECT
    number, draft_reference, site_kk, site_kk, site_ru, site_en, '', '', '', '', '{}',
    (ARRAY['archaeology','architecture','monumental_art','ensemble','sacred','history'])
        [1 + floor(u3 * 6)::int],
    typology_id,
    CASE WHEN u4 < 0.001 THEN 'international' WHEN u4 < 0.15 THEN 'republican'
         WHEN u4 < 0.90 THEN 'local' WHEN u4 < 0.98 THEN 'candidate' ELSE 'delisted' END,
    per.y_from, per.y_to, per.period, 'synthetic',
    (ARRAY['good','satisfactory','poor','critical','lost'])[1 + floor(u6 * 5)::int],
    u8 > 0.8,
    sensitivity,
    CASE WHEN u7 < 0.9 THEN 'published' WHEN u7 < 0.95 THEN 'in_review' ELSE 'draft' END,
    CASE WHEN u7 < 0.9 THEN now() END, '', 1, now(), now(), location, '', region_id,
    district_id, public_district_id, '{}', '{}'
FROM (
    SELECT b.*, t.id AS typology_id,
           CASE WHEN b.u7 < 0.9 THEN %(national)s || '-' || lpad(b.num::text, %(digits)s, '0')
                END AS number,
           %(draft)s || '-' || lpad(b.draft_num::text, %(digits)s, '0') AS draft_reference,
           t.name_kk || ': ' || b.place_kk || ' ' || b.g AS site_kk,
           t.name_ru || ': ' || b.place_ru || ' ' || b.g AS site_ru,
           t.name_en || ': ' || b.place_en || ' ' || b.g AS site_en
    FROM (
        SELECT b.*, n.last_value - count(*) OVER p + row_number() OVER p AS num,
               d.last_value - count(*) OVER a + row_number() OVER a AS draft_num
        FROM gen_batch b
        JOIN gen_counter n ON n.prefix = %(national)s
        JOIN gen_counter d ON d.prefix = %(draft)s
        WINDOW p AS (PARTITION BY b.u7 < 0.9 ORDER BY g ROWS BETWEEN UNBOUNDED PRECEDING
                     AND UNBOUNDED FOLLOWING),
               a AS (ORDER BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ) b
    JOIN gen_typology t ON t.i = floor(b.u8 * (SELECT count(*) FROM gen_typology))
) s
CROSS JOIN LATERAL (
    SELECT p.period, p.y_from + floor(u2 * (p.y_to - p.y_from))::int AS y_from,
           least(p.y_to, p.y_from + floor(u2 * (p.y_to - p.y_from))::int
                 + floor(u3 * 200)::int) AS y_to
    FROM gen_period p WHERE p.i = floor(u4 * %(periods)s)::int
) per
RETURNING id;
"""


def _load_places(cursor) -> float:
    """A temp table of settlements with cumulative sampling weights; returns the total weight."""
    with PLACES_FILE.open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    rows, total = [], 0.0
    for feature in features:
        p = feature["properties"]
        if not p["adm1_pcode"]:
            continue  # border villages the source could not place in a region
        population = int(p["population"] or 300)
        lon, lat = feature["geometry"]["coordinates"]
        names = (p["name_kk"] or p["name"], p["name_ru"] or p["name"], p["name_en"] or p["name"])
        total += population**0.7  # cumulative weight: sampling is one index lookup
        rows.append((*names, lon, lat, SPREAD_DEGREES[p["place"]], total))
    cursor.execute(
        "CREATE TEMP TABLE gen_place (name_kk text, name_ru text, name_en text, lon float8,"
        " lat float8, spread float8, cum float8) ON COMMIT DROP"
    )
    with cursor.copy("COPY gen_place FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    # (No UPDATE before the index: an index built over HOT-updated rows is not usable by
    # the transaction that built it, and sampling would fall back to a scan per site.)
    cursor.execute("CREATE INDEX gen_place_cum ON gen_place (cum); ANALYZE gen_place")
    return total


def _load_periods(cursor) -> None:
    cursor.execute(
        "CREATE TEMP TABLE gen_period (i int, period text, y_from int, y_to int) ON COMMIT DROP"
    )
    with cursor.copy("COPY gen_period FROM STDIN") as copy:
        for i, row in enumerate(PERIODS):
            copy.write_row((i, *row))


def _public_location_sql(cursor) -> str:
    """The SQL that computes `public_location`, as PostgreSQL stores it for the column."""
    cursor.execute(
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a"
        " ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
        " WHERE d.adrelid = 'registry_heritagesite'::regclass AND a.attname = 'public_location'"
    )
    return cursor.fetchone()[0]


def sites_generate(
    *, count: int, seed: float = 0.42, batch_size: int = 100_000,
    progress: Callable[[int, float], None] | None = None,
) -> int:  # fmt: skip
    """Insert `count` synthetic sites in one transaction (all or none); returns rows made.

    `seed` (-1..1) makes a run repeatable for a given database state.
    """
    if not AdminArea.objects.exists():
        raise ValueError("Load the regions first: manage.py load_regions")
    given = RegistrySequence.objects.filter(prefix=DRAFT).values_list("last_value", flat=True)
    if (given.first() or 0) + count > LAST_NUMBER:  # each site takes a draft reference
        raise ValueError(f"{count:,} more sites would pass the {LAST_NUMBER:,} draft references")
    started, made = time.monotonic(), 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        total = _load_places(cursor)
        _load_periods(cursor)
        cursor.execute(SETUP_SQL)
        public_location_sql = _public_location_sql(cursor)
        while made < count:
            n = min(batch_size, count - made)
            params = {"n": n, "total": total, "periods": len(PERIODS), **NUMBERING}
            sql = BATCH_SQL.replace("%(public_location_sql)s", public_location_sql)
            for statement in sql.split(";\n"):
                if statement.strip():
                    cursor.execute(statement, params)
            ids = [row[0] for row in cursor.fetchall()]
            # Public regions and districts as for every site (one definition), from the
            # subdivided outlines: fast to test against a small cell.
            cursor.execute(public_areas_sql(regions="gen_region", districts="gen_district"),
                           {"ids": ids})  # fmt: skip
            cursor.execute(PUBLIC_AREAS_FILL_SQL, {"ids": ids})
            cursor.execute("DROP TABLE gen_batch, gen_counter")
            made += len(ids)
            if progress:
                progress(made, time.monotonic() - started)
        # Dropped here too, not only at commit: inside an outer transaction (a test) the
        # temp tables would otherwise outlive this call.
        cursor.execute("DROP TABLE gen_place, gen_period, gen_region, gen_district, gen_typology")
        cursor.execute("ANALYZE registry_heritagesite")
        map_counts_rebuild()  # the public map's cell counts, in the same transaction
    return made
