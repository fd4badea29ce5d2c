#!/usr/bin/env bash
# How fast `generate_sites` fills the registry, beside the physical limit: a raw INSERT of the
# same number of bare rows (random points, nothing derived) into a copy of the site table with
# the same indexes and generated columns.  Usage: bench/generate_sites.sh [N=1000000]
# Uses its own scratch database on the local cluster (dropped and re-created each run).
source "$(dirname "$0")/../scripts/lib.sh"
ensure_everything
N=${1:-1000000}
DB=mura_bench_generate
BASE=${DATABASE_URL%/*}
psql -q "$BASE/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DATABASE_URL="$BASE/$DB"
python manage.py migrate -v 0
python manage.py load_regions

say "generate_sites $N"
python manage.py generate_sites "$N"

say "raw SQL: INSERT of $N bare rows into a copy of the table (same indexes, generated columns)"
psql -q "$DATABASE_URL" <<SQL
CREATE TABLE raw_copy (LIKE registry_heritagesite INCLUDING ALL);
\timing on
INSERT INTO raw_copy (registry_number, name, description, alt_names, category, significance,
    period, dating_note, condition, location_approximate, sensitivity, status, wikidata_id,
    version, created_at, updated_at, location, threats, region_id, published_at)
SELECT 'RAW-' || g, 'site ' || g, '', '{}', 'archaeology', 'local', '', '', '', false,
    (ARRAY['S0','S1','S2','S3'])[1 + g % 4], 'published', '', 1, now(), now(),
    ST_SetSRID(ST_MakePoint(50 + random() * 35, 41 + random() * 14), 4326), '', 1, now()
FROM generate_series(1, $N) g;
SQL
say "rows: $(psql -tA "$DATABASE_URL" -c 'SELECT count(*) FROM registry_heritagesite') sites"
