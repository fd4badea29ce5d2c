"""Synthetic but realistic sites for benchmarks, made inside PostgreSQL.

Sites cluster around real settlements (OSM, registry/data/kz-places-osm.geojson), weighted by
population, spread by a Gaussian whose width grows with the settlement; every category,
significance, period and sensitivity class occurs. Regions and districts are derived as for
hand-made sites (spatial join: the covering area first by code, a district of the site's
region, else its nearest within the snap distance), public areas as
registry.projection.public_areas_sql derives them; every site gets a draft reference and each
published one a national registry number, in order, from the registry's counters
(registry/services/numbers.py). Generated rows carry no history: they are benchmark data, not
edits. The map's cell counts are recounted and the published sites' words join text search's
list in the same transaction.

Speed comes from doing each step once per batch, set-based, in temporary tables, and writing
each site once: one INSERT with every column final (an UPDATE afterwards would write every
row, and all its index entries, twice). Spatial joins run area-first: one GiST probe per
subdivided area outline into an index of the batch's points, not one probe per point. Public
areas depend on the public cell alone, so they are computed once per cell and kept for the
run. A run that at least doubles the table drops its secondary indexes and foreign keys and
builds them again at the end (as the PostgreSQL manual advises for bulk loads): building an
index from sorted rows costs far less than maintaining it row by row, and a foreign key added
back checks every row in one join. Unique constraints go too (a duplicate fails the run when
the constraint is made again, so still nothing is written).

Where the time goes (issue 17, 2026-12-06, 1M sites; `generate_sites -v 2` prints every step
and each index as it is built). The search document (`search_document`) is no longer a
generated column that PostgreSQL folds for every row (`mura_fold`: lower(), 13 replace()s and
a multibyte translate(), about 15 µs a row, 70 % of the INSERT): since migration 0024 triggers
keep it for every other write path, and the INSERT here gives it, made from the typology's and
the settlement's names folded once each at setup (mura_fold works character by character, so
"<typology>: <settlement> <number>" folds to the folded parts around the number; the test holds
every generated document equal to mura_fold of its names). The INSERT of 200,000 rows went from
about 4.2 s to 1.5 s of the backend's CPU. The backend's CPU per 200,000 sites is now about
3.5 s (main 6.3 s): INSERT 1.5 s (window numbering, the sort, the other generated columns,
writing), the site rows and their regions ("sites", 0.5 s), the area joins ("areas" 0.35 s,
"cell_areas" 0.3 s), the draw and its index (0.45 s): 52,700-60,300 rows/s measured with
nothing else running (1M sites, 66 s in all with the rebuild), 18,000-48,000 on the shared
2-core machine at load 4-10. The
rest of a run is the index rebuild: of it the document's trigram GiST index (siglen 512)
takes about 45 %, the two geography GiST indexes about 20 % (maintenance_work_mem changes
nothing); then the map's counts and the statistics. Search words come from the
(typology, settlement) pairs of the published sites made, not from reading every document
again (SEARCH_WORDS_SQL), and the map's counts are rebuilt with their unique key dropped
(registry/services/aggregates.py).
"""

import json
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from registry.models import AdminArea, RegistrySequence
from registry.projection import GRID_DEGREES, public_cell_sql
from registry.services.aggregates import map_counts_rebuild
from registry.services.numbers import DIGITS, DRAFT, LAST_NUMBER, NATIONAL
from registry.services.regions import DATA

PLACES_FILE = DATA / "kz-places-osm.geojson"
SPREAD_DEGREES = {"city": 0.12, "town": 0.05, "village": 0.02}
NUMBERING = {"national": NATIONAL, "draft": DRAFT, "digits": DIGITS}
TABLE = "registry_heritagesite"
# Runs of fewer rows than this keep the indexes whatever the table's size: rebuilding
# would not pay for itself, and a small run should not lock the table for long.
REBUILD_MIN_ROWS = 100_000
GENERALISED = tuple(cls for cls, size in GRID_DEGREES.items() if size)  # S1, S2

# (period, earliest year, latest year): dating is drawn inside the period.
PERIODS = [
    ("stone_age", -40000, -3000), ("bronze_age", -2500, -800), ("early_iron_age", -800, 500),
    ("turkic", 550, 950), ("karakhanid", 940, 1220), ("golden_horde", 1220, 1500),
    ("kazakh_khanate", 1465, 1847), ("imperial", 1731, 1917), ("soviet", 1917, 1991),
    ("independence", 1991, 2025),
]  # fmt: skip

# Regions (level 1) and districts (level 2) cut into pieces of at most 64 vertices: a piece's
# box is tight, so a point or cell is tested against few, small polygons.
SETUP_SQL = """
CREATE TEMP TABLE gen_area ON COMMIT DROP AS
    SELECT id, level, code, parent_id, ST_Subdivide(geom, 64) AS geom
    FROM registry_adminarea;
CREATE INDEX ON gen_area USING gist (geom);
ANALYZE gen_area;
CREATE TEMP TABLE gen_typology ON COMMIT DROP AS
    SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, name_kk, name_ru, name_en,
           mura_fold(name_kk) AS fold_kk, mura_fold(name_ru) AS fold_ru,
           mura_fold(name_en) AS fold_en
    FROM registry_typology;
ANALYZE gen_typology;
-- A settlement's own region and district: where a site that spilled over the border goes.
CREATE TEMP TABLE gen_place ON COMMIT DROP AS
    SELECT p.*, mura_fold(p.name_kk) AS fold_kk, mura_fold(p.name_ru) AS fold_ru,
           mura_fold(p.name_en) AS fold_en, r.id AS region_id, (
        SELECT d.id FROM gen_area d
        WHERE d.level = 2 AND d.parent_id = r.id AND ST_Covers(d.geom, p.pt)
        ORDER BY d.code LIMIT 1
    ) AS district_id
    FROM (SELECT *, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt FROM gen_place_raw) p
    LEFT JOIN LATERAL (
        SELECT r.id FROM gen_area r WHERE r.level = 1 AND ST_Covers(r.geom, p.pt)
        ORDER BY r.code LIMIT 1
    ) r ON true;
ANALYZE gen_place;
-- Public areas of each S1/S2 cell met so far (they depend on the cell alone).
CREATE TEMP TABLE gen_pair (typology int, place int, PRIMARY KEY (typology, place))
    ON COMMIT DROP;
CREATE TEMP TABLE gen_cell (
    sensitivity text, x float8, y float8, region_id bigint, district_id bigint,
    region_ids bigint[], district_ids bigint[], PRIMARY KEY (sensitivity, x, y)
) ON COMMIT DROP;
"""

# Each batch: statements run one by one, named for the timings.
BATCH_SQL = {
    "draw": """
CREATE TEMP TABLE gen_draw ON COMMIT DROP AS
WITH draws AS (
    SELECT g, random() AS r, random() AS u1, random() AS u2, random() AS u3, random() AS u4,
           random() AS u5, random() AS u6, random() AS u7, random() AS u8
    FROM generate_series(1, %(n)s) AS g
)
SELECT d.*, p.i AS place, ST_SetSRID(ST_MakePoint(
           p.lon + p.spread * sqrt(-2 * ln(1 - d.u1)) * cos(2 * pi() * d.u2),
           p.lat + p.spread * sqrt(-2 * ln(1 - d.u1)) * sin(2 * pi() * d.u2)), 4326) AS location
FROM draws d
JOIN gen_place p ON p.i = width_bucket(d.r, %(bounds)s::float8[]) - 1
ORDER BY p.i  -- neighbours together: each area's probe reads few pages
""",
    "draw_index": "CREATE INDEX ON gen_draw USING gist (location)",
    # Every (point, area) pair where the area covers the point, area by area.
    "areas": """
CREATE TEMP TABLE gen_hit ON COMMIT DROP AS
SELECT h.g, a.level, a.id, a.code, a.parent_id
FROM gen_area a
CROSS JOIN LATERAL (
    SELECT b.g FROM gen_draw b WHERE ST_Covers(a.geom, b.location) OFFSET 0
) h
""",
    # The covering region first by code (as for a hand-made site) and a district of it; a
    # Gaussian can spill over the border: such a site goes back to its settlement (none if
    # the settlement itself lies outside every region outline).
    "sites": """
CREATE TEMP TABLE gen_site ON COMMIT DROP AS
SELECT s.*, %(public_location_sql)s AS public_location
FROM (
    SELECT b.g, b.place, b.u2, b.u3, b.u4, b.u6, b.u7, b.u8,
           floor(b.u4 * %(periods)s)::int AS period,
           p.name_kk AS place_kk, p.name_ru AS place_ru, p.name_en AS place_en,
           p.fold_kk AS place_fold_kk, p.fold_ru AS place_fold_ru, p.fold_en AS place_fold_en,
           CASE WHEN b.u5 < 0.55 THEN 'S0' WHEN b.u5 < 0.75 THEN 'S1' WHEN b.u5 < 0.95 THEN 'S2'
                ELSE 'S3' END AS sensitivity,
           coalesce(r.region_id, p.region_id) AS region_id,
           CASE WHEN r.region_id IS NULL THEN p.district_id ELSE d.id END AS district_id,
           CASE WHEN r.region_id IS NULL THEN p.pt ELSE b.location END AS location
    FROM gen_draw b
    JOIN gen_place p ON p.i = b.place
    -- First by code, each with one sort (an ORDER BY inside an aggregate sorts every group).
    LEFT JOIN (
        SELECT DISTINCT ON (g) g, id AS region_id FROM gen_hit WHERE level = 1 ORDER BY g, code
    ) r ON r.g = b.g
    LEFT JOIN (
        SELECT DISTINCT ON (g, parent_id) g, parent_id, id FROM gen_hit WHERE level = 2
        ORDER BY g, parent_id, code
    ) d ON d.g = b.g AND d.parent_id = r.region_id
    WHERE coalesce(r.region_id, p.region_id) IS NOT NULL
) s
""",
    # A point in its region but in none of its districts (the outlines are generalised) takes
    # the nearest within MURA_REGION_SNAP_M, as registry.services.areas does by hand.
    "district_snap": """
UPDATE gen_site s SET district_id = (
    SELECT d.id FROM registry_adminarea d
    WHERE d.parent_id = s.region_id AND ST_DistanceSphere(d.geom, s.location) <= %(snap)s
    ORDER BY ST_DistanceSphere(d.geom, s.location) LIMIT 1)
WHERE s.district_id IS NULL
""",
    # Cells not seen yet in this run, with the square that is public (projection.public_cell_sql).
    "new_cells": f"""
CREATE TEMP TABLE gen_new_cell ON COMMIT DROP AS
SELECT c.*, {public_cell_sql("c.pt", "c.sensitivity")} AS cell
FROM (
    SELECT DISTINCT ON (sensitivity, ST_X(public_location), ST_Y(public_location))
           sensitivity, ST_X(public_location) AS x, ST_Y(public_location) AS y,
           public_location AS pt
    FROM gen_site s
    WHERE sensitivity = ANY(%(generalised)s) AND NOT EXISTS (
        SELECT 1 FROM gen_cell k WHERE k.sensitivity = s.sensitivity
        AND k.x = ST_X(s.public_location) AND k.y = ST_Y(s.public_location))
) c
""",
    "new_cell_index": "CREATE INDEX ON gen_new_cell USING gist (cell)",
    # registry.projection.public_areas_sql, set-based: for each cell, every region and
    # district its square touches; the region and district covering its point, first by code,
    # else the nearest region. (tests/registry/test_generate.py holds the two equal.)
    "cell_areas": """
INSERT INTO gen_cell
SELECT c.sensitivity, c.x, c.y, coalesce(a.region_id,
           (SELECT r.id FROM gen_area r WHERE r.level = 1 ORDER BY r.geom <-> c.pt, r.code
            LIMIT 1)),
       a.district_id, coalesce(a.region_ids, '{}'), coalesce(a.district_ids, '{}')
FROM gen_new_cell c
LEFT JOIN (
    SELECT h.x, h.y, h.sensitivity,
        (array_agg(h.id ORDER BY h.code) FILTER (WHERE h.level = 1 AND h.covers))[1]
            AS region_id,
        (array_agg(h.id ORDER BY h.code) FILTER (WHERE h.level = 2 AND h.covers))[1]
            AS district_id,
        array_agg(DISTINCT h.id ORDER BY h.id) FILTER (WHERE h.level = 1) AS region_ids,
        array_agg(DISTINCT h.id ORDER BY h.id) FILTER (WHERE h.level = 2) AS district_ids
    FROM gen_area a
    CROSS JOIN LATERAL (
        SELECT c.x, c.y, c.sensitivity, a.level, a.id, a.code, ST_Covers(a.geom, c.pt) AS covers
        FROM gen_new_cell c WHERE ST_Intersects(a.geom, c.cell) OFFSET 0
    ) h
    GROUP BY h.x, h.y, h.sensitivity
) a USING (x, y, sensitivity)
""",
    "cell_stats": "ANALYZE gen_cell",
    # Draft references for all, national numbers for the published (u7 < 0.9, as below).
    "counters": """
CREATE TEMP TABLE gen_counter ON COMMIT DROP AS
SELECT %(draft)s::text AS prefix, count(*) AS n, 0::bigint AS last_value FROM gen_site
UNION ALL SELECT %(national)s::text, count(*) FILTER (WHERE u7 < 0.9), 0 FROM gen_site
""",
    "reserve": """
WITH bumped AS (
    INSERT INTO registry_registrysequence AS s (prefix, last_value)
    SELECT prefix, n FROM gen_counter
    ON CONFLICT (prefix) DO UPDATE SET last_value = s.last_value + EXCLUDED.last_value
    RETURNING prefix, last_value
)
UPDATE gen_counter c SET last_value = b.last_value FROM bumped b WHERE b.prefix = c.prefix
""",
    # Every column final, rows in draw order: ids, draft references and registry numbers
    # rise together.
    # The search document is given, not left to the trigger that keeps it (migration 0024):
    # a site's name is "<typology>: <settlement> <number>" in each language, and mura_fold
    # folds character by character (lower, single characters replaced or translated) keeping
    # digits, spaces and colons, so a document is made of the typology's and the settlement's
    # names folded once each at setup (tests/registry/test_generate.py holds every document
    # equal to mura_fold of the names), not of a fold per site.
    "insert": """
INSERT INTO registry_heritagesite (
    registry_number, draft_reference, name, name_kk, name_ru, name_en, description, description_kk,
    description_ru, description_en, alt_names, category, typology_id, significance, date_from,
    date_to, period, dating_note, dating_note_en, condition, location_approximate, sensitivity,
    status, published_at, wikidata_id, version, created_at, updated_at, location, threats,
    region_id, district_id, public_region_id, public_district_id, public_region_ids,
    public_district_ids, search_document)
SELECT
    CASE WHEN u7 < 0.9 THEN %(national)s || '-' || lpad(((
        SELECT last_value - n FROM gen_counter WHERE prefix = %(national)s
    ) + count(*) FILTER (WHERE u7 < 0.9) OVER w)::text, %(digits)s, '0') END,
    %(draft)s || '-' || lpad(((SELECT last_value - n FROM gen_counter WHERE prefix = %(draft)s)
                             + row_number() OVER w)::text, %(digits)s, '0'),
    site_kk, site_kk, site_ru, site_en, '', '', '', '', '{}',
    (ARRAY['archaeology','architecture','monumental_art','ensemble','sacred','history'])
        [1 + floor(u3 * 6)::int],
    typology_id,
    CASE WHEN u4 < 0.001 THEN 'international' WHEN u4 < 0.15 THEN 'republican'
         WHEN u4 < 0.90 THEN 'local' WHEN u4 < 0.98 THEN 'candidate' ELSE 'delisted' END,
    y_from + floor(u2 * (y_to - y_from))::int,
    least(y_to, y_from + floor(u2 * (y_to - y_from))::int + floor(u3 * 200)::int),
    period_name, 'synthetic', 'synthetic',
    (ARRAY['good','satisfactory','poor','critical','lost'])[1 + floor(u6 * 5)::int],
    u8 > 0.8,
    sensitivity,
    CASE WHEN u7 < 0.9 THEN 'published' WHEN u7 < 0.95 THEN 'in_review' ELSE 'draft' END,
    CASE WHEN u7 < 0.9 THEN now() END, '', 1, now(), now(), location, '', region_id,
    district_id,
    CASE WHEN generalised THEN cell_region_id ELSE region_id END,
    CASE sensitivity WHEN 'S0' THEN district_id WHEN 'S3' THEN NULL ELSE cell_district_id END,
    CASE WHEN NOT generalised THEN ARRAY[region_id]
         WHEN cardinality(cell_region_ids) = 0 THEN ARRAY[cell_region_id]  -- PUBLIC_AREAS_FILL_SQL
         ELSE cell_region_ids END,
    CASE sensitivity WHEN 'S0' THEN ARRAY_REMOVE(ARRAY[district_id], NULL)
         WHEN 'S3' THEN '{}' ELSE cell_district_ids END,
    coalesce(fold_kk || ' ' || g, '') || ' ' || coalesce(fold_ru || ' ' || g, '') || ' '
        || coalesce(fold_en || ' ' || g, '')  -- search_document, see above
FROM (
    SELECT b.*, t.id AS typology_id, b.sensitivity = ANY(%(generalised)s) AS generalised,
           t.name_kk || ': ' || b.place_kk || ' ' || b.g AS site_kk,
           t.name_ru || ': ' || b.place_ru || ' ' || b.g AS site_ru,
           t.name_en || ': ' || b.place_en || ' ' || b.g AS site_en,
           per.period AS period_name, per.y_from, per.y_to, c.region_id AS cell_region_id,
           c.district_id AS cell_district_id, c.region_ids AS cell_region_ids,
           c.district_ids AS cell_district_ids,
           t.fold_kk || ': ' || b.place_fold_kk AS fold_kk,
           t.fold_ru || ': ' || b.place_fold_ru AS fold_ru,
           t.fold_en || ': ' || b.place_fold_en AS fold_en
    FROM gen_site b
    JOIN gen_typology t ON t.i = floor(b.u8 * (SELECT count(*) FROM gen_typology))
    JOIN gen_period per ON per.i = b.period
    LEFT JOIN gen_cell c ON c.sensitivity = b.sensitivity
        AND c.x = ST_X(b.public_location) AND c.y = ST_Y(b.public_location)
) s
WINDOW w AS (ORDER BY g)
ORDER BY g
""",
    # The (typology, settlement) pairs of the published sites made: their words are the
    # search words this run adds (see SEARCH_WORDS_SQL).
    "word_pairs": """
INSERT INTO gen_pair
SELECT DISTINCT floor(u8 * (SELECT count(*) FROM gen_typology))::int, place FROM gen_site
WHERE u7 < 0.9
ON CONFLICT DO NOTHING
""",
    "drop": "DROP TABLE gen_draw, gen_hit, gen_site, gen_new_cell, gen_counter",
}


# The words the run's published sites bring to text search (registry/services/search_words.py
# WORDS_SQL, which reads every public document), from the (typology, settlement) pairs alone:
# a generated name is "<typology>: <settlement> <number>" in each language, mura_fold folds
# character by character (lower, single characters replaced or translated) and leaves the
# separators, so a document's words are its typology's, its settlement's and the number, which
# WORDS_SQL leaves out (no letter). tests/registry/test_generate.py holds the two equal.
SEARCH_WORDS_SQL = """
INSERT INTO registry_searchword (word)
SELECT DISTINCT w
FROM gen_pair k
JOIN gen_typology t ON t.i = k.typology
JOIN gen_place p ON p.i = k.place,
regexp_split_to_table(mura_fold(coalesce(t.name_kk || ': ' || p.name_kk, '') || ' '
    || coalesce(t.name_ru || ': ' || p.name_ru, '') || ' '
    || coalesce(t.name_en || ': ' || p.name_en, '')), '[^[:alnum:]]+') w
WHERE w ~ '[[:alpha:]]' AND length(w) > 1
ORDER BY 1
ON CONFLICT (word) DO NOTHING
"""


def _load_places(cursor) -> list[float]:
    """A temp table of settlements; returns where each one's share of the sampling weight
    starts (a site's settlement is one binary search in that list, `width_bucket`)."""
    with PLACES_FILE.open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    rows, bounds, total = [], [], 0.0
    for feature in features:
        p = feature["properties"]
        if not p["adm1_pcode"]:
            continue  # border villages the source could not place in a region
        population = int(p["population"] or 300)
        lon, lat = feature["geometry"]["coordinates"]
        names = (p["name_kk"] or p["name"], p["name_ru"] or p["name"], p["name_en"] or p["name"])
        bounds.append(total)
        total += population**0.7
        rows.append((len(rows), *names, lon, lat, SPREAD_DEGREES[p["place"]]))
    cursor.execute(
        "CREATE TEMP TABLE gen_place_raw (i int, name_kk text, name_ru text, name_en text,"
        " lon float8, lat float8, spread float8) ON COMMIT DROP"
    )
    with cursor.copy("COPY gen_place_raw FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return [bound / total for bound in bounds]


def _load_periods(cursor) -> None:
    cursor.execute(
        "CREATE TEMP TABLE gen_period (i int, period text, y_from int, y_to int) ON COMMIT DROP"
    )
    with cursor.copy("COPY gen_period FROM STDIN") as copy:
        for i, row in enumerate(PERIODS):
            copy.write_row((i, *row))
    cursor.execute("ANALYZE gen_period")


def _public_location_sql(cursor) -> str:
    """The SQL that computes `public_location`, as PostgreSQL stores it for the column."""
    cursor.execute(
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a"
        " ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
        " WHERE d.adrelid = %s::regclass AND a.attname = 'public_location'",
        [TABLE],
    )
    return cursor.fetchone()[0]


def _secondary_indexes_drop(cursor) -> list[str]:
    """Drop the site table's indexes other than its primary key (whose keys arrive in order,
    and which other tables' foreign keys need), its unique constraints and its foreign keys;
    return the statements that make them again, exactly as they were (from the catalog).

    A unique constraint made again checks every row at once: a duplicate (none can arise, the
    numbers come from the registry's counters) fails the run and nothing is written, as it
    would have failed at its row."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
        [TABLE],
    )
    uniques = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [TABLE],
    )
    keys = cursor.fetchall()
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid), i.indexrelid::regclass::text FROM pg_index i"
        " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 2",
        [TABLE],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    if keys:  # rows written earlier in the transaction are checked now, not lost with the key
        cursor.execute(f"SET CONSTRAINTS {', '.join(quote(name) for name, _ in keys)} IMMEDIATE")
    for name, _definition in keys + uniques:
        cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {quote(name)}")
    for _definition, name in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for definition, _name in indexes] + [
        f"ALTER TABLE {TABLE} ADD CONSTRAINT {quote(name)} {definition}"
        for name, definition in uniques + keys
    ]


def _rebuild_wanted(cursor, count: int, rebuild_indexes: bool | None) -> bool:
    if rebuild_indexes is not None:
        return rebuild_indexes
    cursor.execute(f"SELECT count(*) FROM {TABLE}")
    return count >= max(REBUILD_MIN_ROWS, cursor.fetchone()[0])


def _setup(cursor, seed: float) -> dict:
    """Temp tables for the run; returns the batch statements' parameters."""
    # Compiling each batch statement costs more than it saves; a batch's sorts and hashes
    # fit in memory; index builds sort in memory, with a parallel worker for B-trees.
    cursor.execute(
        "SET LOCAL jit = off; SET LOCAL work_mem = '256MB';"
        " SET LOCAL maintenance_work_mem = '512MB'"
    )
    cursor.execute("SELECT setseed(%s)", [seed])
    bounds = _load_places(cursor)
    _load_periods(cursor)
    cursor.execute(SETUP_SQL)
    return {
        "bounds": bounds, "periods": len(PERIODS), "generalised": list(GENERALISED), **NUMBERING,
        "public_location_sql": _public_location_sql(cursor), "snap": settings.MURA_REGION_SNAP_M,
    }  # fmt: skip


def _batch(cursor, params: dict, timings: dict[str, float]) -> int:
    """Make one batch of sites; returns how many (a few fewer than asked, see "sites")."""
    made = 0
    for name, sql in BATCH_SQL.items():
        started = time.monotonic()
        cursor.execute(sql.replace("%(public_location_sql)s", params["public_location_sql"]),
                       params)  # fmt: skip
        if name == "insert":
            made = cursor.rowcount
        timings[name] = timings.get(name, 0.0) + time.monotonic() - started
    return made


def sites_generate(
    *, count: int, seed: float = 0.42, batch_size: int = 200_000,
    rebuild_indexes: bool | None = None,
    progress: Callable[[int, float, dict[str, float]], None] | None = None,
    notice: Callable[[str], None] | None = None,
    timings: dict[str, float] | None = None,
) -> int:  # fmt: skip
    """Insert `count` synthetic sites in one transaction (all or none); returns rows made.

    `seed` (-1..1) makes a run repeatable for a given database state. `rebuild_indexes`: drop
    the secondary indexes and foreign keys for the load and build them again at the end; by
    default when the run adds at least as many rows as the table holds (and 100,000 or
    more). `progress(made, seconds, batch)` after each batch (`batch`: its seconds per step),
    `notice(text)` at each stage;
    `timings` collects the seconds spent in each step.
    """
    if not AdminArea.objects.exists():
        raise ValueError("Load the regions first: manage.py load_regions")
    given = RegistrySequence.objects.filter(prefix=DRAFT).values_list("last_value", flat=True)
    if (given.first() or 0) + count > LAST_NUMBER:  # each site takes a draft reference
        raise ValueError(f"{count:,} more sites would pass the {LAST_NUMBER:,} draft references")
    notice, timings = notice or (lambda text: None), {} if timings is None else timings
    started, made = time.monotonic(), 0
    with transaction.atomic(), connection.cursor() as cursor:
        params = _setup(cursor, seed)
        rebuild = []
        if _rebuild_wanted(cursor, count, rebuild_indexes):
            rebuild = _secondary_indexes_drop(cursor)
            keys = sum("FOREIGN KEY" in statement for statement in rebuild)
            notice(_("Dropped %(indexes)s indexes (unique constraints included) and %(keys)s "
                     "foreign keys of the site table for the load: they are built again at "
                     "the end, and the table stays locked until then. Rows/s below do not "
                     "include that.")
                   % {"indexes": len(rebuild) - keys, "keys": keys})  # fmt: skip
        timings["setup"] = time.monotonic() - started
        while made < count:
            params["n"] = min(batch_size, count - made)
            batch = {}
            made += _batch(cursor, params, batch)
            for step, seconds in batch.items():
                timings[step] = timings.get(step, 0.0) + seconds
            if progress:
                progress(made, time.monotonic() - started, batch)
        step_started = time.monotonic()
        cursor.execute(SEARCH_WORDS_SQL)
        timings["search_words"] = time.monotonic() - step_started
        # Dropped here too, not only at commit: inside an outer transaction (a test) the
        # temp tables would otherwise outlive this call.
        cursor.execute("DROP TABLE gen_place_raw, gen_place, gen_period, gen_area, gen_typology,"
                       " gen_cell, gen_pair")  # fmt: skip
        _finish(cursor, rebuild, notice, timings)
    return made


def _index_name(statement: str) -> str:
    """The index or constraint a rebuild statement makes (for the progress lines)."""
    words = statement.split()
    return words[words.index("CONSTRAINT" if "CONSTRAINT" in words else "INDEX") + 1]


def _finish(cursor, rebuild: list[str], notice: Callable[[str], None], timings: dict) -> None:
    """Indexes and foreign keys back (each checks every row), statistics, the map's counts,
    each step timed and told as it ends."""
    if rebuild:
        started = time.monotonic()
        for statement in rebuild:
            step_started = time.monotonic()
            cursor.execute(statement)
            seconds = time.monotonic() - step_started
            notice(
                _("%(name)s built in %(s).1f s.") % {"name": _index_name(statement), "s": seconds}
            )
        timings["rebuild"] = time.monotonic() - started
        notice(_("Indexes and foreign keys built again in %(s).1f s.")
               % {"s": timings["rebuild"]})  # fmt: skip
    started = time.monotonic()
    cursor.execute(f"ANALYZE {TABLE}")
    timings["analyze"] = time.monotonic() - started
    notice(_("Statistics in %(s).1f s.") % {"s": timings["analyze"]})
    started = time.monotonic()
    map_counts_rebuild()  # the public map's cell counts, in the same transaction
    timings["map_counts"] = time.monotonic() - started
    notice(_("Map counts in %(s).1f s.") % {"s": timings["map_counts"]})
