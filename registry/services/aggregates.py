"""Keeping the public map's pre-aggregated cell counts (registry/models/aggregates.py) true.

`map_counts_refresh` runs inside the transaction of every write that can change what the
public map shows (publish, withdraw, edit), so counts and sites commit or roll back together.
It moves one count per level for each site: old key out, new key in. `map_counts_rebuild`
recounts everything (after a bulk load, or to repair). Both bump the map's version, which
every tile's ETag and cache key carry.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from registry.models.aggregates import BASE_LEVEL, LEVELS, TileCellX, TileCellY

KEY_COLUMNS = "cx, cy, category, significance, region_ids"
UNIQUE_KEY = "cellcount_unique_key"  # registry/models/aggregates.py SiteCellCount
_PARAMS = {"expressions": "public_location", "level": BASE_LEVEL}
# The site's finest cell, from its public point only: the view has no other geometry.
NEW_KEYS_SQL = f"""
    SELECT id, {TileCellX.template % _PARAMS} AS cx, {TileCellY.template % _PARAMS} AS cy,
           category, significance, region_ids
    FROM registry_public_site
    WHERE public_location IS NOT NULL
"""

# Signed deltas at every level, applied in key order (so concurrent refreshes lock the
# shared coarse cells in the same order and cannot deadlock).
APPLY_DELTAS_SQL = f"""
WITH old AS (
    SELECT {KEY_COLUMNS}, -1 AS d FROM registry_sitecellkey WHERE site_id = ANY(%(ids)s)
), new AS (
    SELECT {KEY_COLUMNS}, 1 AS d FROM ({NEW_KEYS_SQL}) k WHERE id = ANY(%(ids)s)
), delta AS (
    SELECT l AS level, cx >> ({BASE_LEVEL} - l) AS cx, cy >> ({BASE_LEVEL} - l) AS cy,
           category, significance, region_ids, sum(d)::int AS n
    FROM (SELECT * FROM old UNION ALL SELECT * FROM new) k
    CROSS JOIN generate_series({LEVELS.start}, {LEVELS.stop - 1}) AS l
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(d) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
)
INSERT INTO registry_sitecellcount (level, {KEY_COLUMNS}, n)
SELECT * FROM delta
ON CONFLICT (level, {KEY_COLUMNS})
DO UPDATE SET n = registry_sitecellcount.n + EXCLUDED.n
RETURNING id, n
"""

BUMP_VERSION_SQL = """
INSERT INTO registry_publicmapversion (id, version, changed_at) VALUES (1, 1, now())
ON CONFLICT (id) DO UPDATE
SET version = registry_publicmapversion.version + 1, changed_at = now()
"""


def map_counts_refresh(*, site_ids: Iterable[int]) -> None:
    """Recount the given sites on the public map (published or not, existing or not).

    The map's version moves only if one of them was or is on the map (a key: published with
    a public point; tiles show nothing else). Saving a draft, the officers' daily work, so
    leaves every tile's ETag and cache entry valid.
    """
    ids = list(site_ids)
    with connection.cursor() as cursor:
        cursor.execute(APPLY_DELTAS_SQL, {"ids": ids})
        empty = [pk for pk, n in cursor.fetchall() if n <= 0]
        if empty:
            cursor.execute("DELETE FROM registry_sitecellcount WHERE id = ANY(%s)", [empty])
        cursor.execute("DELETE FROM registry_sitecellkey WHERE site_id = ANY(%s)", [ids])
        was_on_map = cursor.rowcount > 0
        cursor.execute(
            f"INSERT INTO registry_sitecellkey (site_id, {KEY_COLUMNS})"
            f" SELECT * FROM ({NEW_KEYS_SQL}) k WHERE id = ANY(%s)",
            [ids],
        )
        if was_on_map or cursor.rowcount > 0:
            cursor.execute(BUMP_VERSION_SQL)


def map_counts_rebuild() -> None:
    """Recount every published site: finest level from the view, each coarser from the last.

    A full recount (after a bulk load, or to repair) sums each level in a temporary table from
    the level below and writes it at once, with the counts' unique key dropped meanwhile and
    made again from all the rows (as the PostgreSQL manual advises for bulk loads: about half
    the time at a million sites). TRUNCATE locks both tables until the commit anyway."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_sitecellkey, registry_sitecellcount")
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'registry_sitecellcount'::regclass AND conname = %s",
            [UNIQUE_KEY],
        )
        (unique,) = cursor.fetchone()
        cursor.execute(f"ALTER TABLE registry_sitecellcount DROP CONSTRAINT {UNIQUE_KEY}")
        cursor.execute(f"INSERT INTO registry_sitecellkey (site_id, {KEY_COLUMNS}) {NEW_KEYS_SQL}")
        cursor.execute(
            f"CREATE TEMP TABLE map_level ON COMMIT DROP AS SELECT {KEY_COLUMNS},"
            f" count(*)::int AS n FROM registry_sitecellkey GROUP BY {KEY_COLUMNS}"
        )
        for level in reversed(LEVELS):
            cursor.execute(
                f"INSERT INTO registry_sitecellcount (level, {KEY_COLUMNS}, n)"
                f" SELECT %s, {KEY_COLUMNS}, n FROM map_level",
                [level],
            )
            if level > LEVELS.start:
                cursor.execute(
                    "CREATE TEMP TABLE map_coarser ON COMMIT DROP AS SELECT cx >> 1 AS cx,"
                    " cy >> 1 AS cy, category, significance, region_ids, sum(n)::int AS n"
                    " FROM map_level GROUP BY 1, 2, 3, 4, 5"
                )
                cursor.execute("DROP TABLE map_level")
                cursor.execute("ALTER TABLE map_coarser RENAME TO map_level")
        cursor.execute("DROP TABLE map_level")
        cursor.execute(f"ALTER TABLE registry_sitecellcount ADD CONSTRAINT {UNIQUE_KEY} {unique}")
        cursor.execute("ANALYZE registry_sitecellkey, registry_sitecellcount")
        cursor.execute(BUMP_VERSION_SQL)
