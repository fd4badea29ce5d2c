#!/usr/bin/env bash
# How fast `generate_sites` fills the registry, beside raw SQL on the same cluster:
#   points      INSERT ... SELECT of N random bare points into a scratch table (id, geometry):
#               the floor of writing N rows, nothing derived, no index.
#   rows        INSERT ... SELECT of N bare site rows (fixed names and search document, random
#               points) into a copy of the site table (its columns, generated columns, primary
#               key; no other index, no trigger).
#   +indexes    the same, then CREATE of the site table's 35 other indexes on the copy: the
#               best any loader can do while the table keeps the indexes it has.
# Each N runs in its own scratch database (dropped and made again, dropped at the end), with
# the figures of `generate_sites -v 2` per step. Usage: bench/generate_sites.sh [N ...]
# (default: 100000 1000000). Check `df -h` first: at its peak (with the raw copy) 1M takes
# about 3 GB, 10M about 30 GB.
#
# Figures (2 cores shared, PostgreSQL 15 with its defaults but fsync=off, shared_buffers 128MB;
# December 2026). "load": the batches alone (the progress lines); "overall": the whole command,
# with the index and foreign-key rebuild, ANALYZE and the map counts. Raw figures: see above.
#
# | sites     | generate_sites overall  | load   | rebuild | map counts | table                | points  | rows    | rows+indexes    |
# |-----------|-------------------------|--------|---------|------------|----------------------|---------|---------|-----------------|
# | 100,000   | 9,825 rows/s (10.2 s)   | 35,254 | 5.0 s   | 2.3 s      | 160 MB (heap 51 MB)  | 549,357 | 221,378 | 26,811 (3.7 s)  |
# | 1,000,000 | 13,429 rows/s (74.5 s)  | 45,043 | 44.3 s  | 7.8 s      | 1.5 GB (heap 508 MB) | 766,135 | 266,880 | 27,827 (35.9 s) |
# | 9,999,999 | 12,011 rows/s (832.6 s) | 41,279 | 548.8 s | 40.7 s     | 15 GB (heap 5.0 GB)  | 711,094 | 205,897 | 23,574 (424 s)  |
#
# Issue 17, 2026-12-06, after the stored search document (migration 0017) and more indexes: the
# machine shared with other sessions, load average 4-9 throughout, so only side-by-side runs
# compare. 300,000 sites into an empty table, main and this branch alternately on the same
# template database (load, overall): round 1 main 10,182 rows/s, 90.9 s / branch 8,895, 79.1 s;
# round 2 main 16,255, 57.8 s / branch 19,247, 51.5 s (statistics, map counts and words 10.8 s
# -> 9.6 s in round 2, 18.8 -> 8.4 s in round 1). 1,000,000 sites, one run each: main 7,748
# rows/s load, 355.8 s overall (2,810 rows/s; rebuild 185.5 s, counts 40.7 s); branch 9,293
# rows/s, 280.0 s (3,572 rows/s; rebuild 152.1 s, statistics 3.0 s, map counts 12.1 s, words
# 4.7 s). Far from COPY speed (50,000 rows/s), and why: the stored search document, computed
# by PostgreSQL for each row (mura_fold: an INSERT of 200,000 rows took 13.4 s with the
# generated column and 1.6 s without, under load), about 70 % of the INSERT; the document's
# trigram GiST index, 67-72 s of the 152-156 s rebuild at 1M, the geography GiST indexes
# 27-30 s. registry/services/generate.py says more.
#
# Issue 17, 2026-12-06, the search document given by the generator (kept by triggers for every
# other write, migration 0024; folded once per typology and settlement name) and the regions
# picked with DISTINCT ON. The machine shared (load 4-10 throughout: a 10M growth run and test
# suites beside), so the fair figure is the database backend's CPU for the batches (utime +
# stime of the backend, two batches of 200,000 rolled back, main and branch in turn, twice):
# main 12.7 / 12.4 s, branch 6.8 / 7.3 s per 400,000 (INSERT 8.2-8.4 -> 2.8-3.2 s, "sites"
# 1.35 -> 1.05 s): a ceiling of about 57,000 rows/s for the load. Wall clock, fresh databases,
# main and branch alternately, 200,000 sites (load; overall): round 1 main 18,747 rows/s,
# 23.7 s / branch 25,489, 24.2 s (load 5-6.5); round 2 main 23,384, 26.3 s / branch 48,160,
# 16.0 s (load 4.2-4.6); round 3 main 9,467, 42.5 s / branch 31,004, 23.5 s (load 5.8-6.2);
# round 4 main 12,015, 42.3 s / branch 18,567, 43.8 s (load 5.3). One run each, branch before
# DISTINCT ON (rounds 3-4 after): 1M
# 36,431 rows/s load, 173.8 s overall (load 3-6; rebuild 123.7 s, of it the document's GiST
# 60.4 s and the geography GiSTs 20.4 s; map counts 16.3 s); 1M 20,907 rows/s, 188.0 s (load
# 7-10); 2M 17,096 rows/s, 323.9 s (load 6-9; rebuild 175.6 s, map counts 26.2 s). Database
# size 1,973 MB at 1M (site table 1,630 MB, heap 601 MB), 3,807 MB at 2M (3,269 / 1,202 MB).
# main at 1M on the same day, load 2-3.5: 15,814 rows/s load, 135.0 s overall (INSERT 40.6 s
# of the 63 s load; rebuild 61.1 s, the document's GiST 27.5 s). maintenance_work_mem 64MB,
# 512MB or 2GB for the document's GiST at 400,000 rows: 9.0-9.6 s of CPU each, no difference.
# Final branch at 1M, two runs: 39,040 rows/s load, 116.1 s overall (8,615 rows/s; load 4.7-
# 5.7; rebuild 83.3 s, map counts 4.6 s; its fourth batch 200,000 in 3.4 s) and 24,469 rows/s,
# 159.3 s (load 2.8-5.5; rebuild 103.2 s, the document's GiST 40.6 s); 1,977 MB.
#
# (rows/s unless said; 9,999,999 is the most the 7-digit draft references allow, measured one
# commit before the district snap, a 0.3 s per million step.) Before issue 17 (row-wise public
# areas, indexes kept): 100,000 in 33.1 s (3,021 rows/s), 1,000,000 in 427.6 s (2,339 rows/s).
# What bounds it: building the 32 secondary indexes (three trigram GIN, two geography GiST
# foremost) and checking the 8 foreign keys again: 59% of the 1M run, 66% of the 10M; raw rows with
# nothing derived reach only the "rows+indexes" figure. Keeping the indexes instead is slower
# still (about 14,000 rows/s for raw rows into an empty copy at 1M, falling as it grows).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
ensure_everything >/dev/null
set +u
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-heritage.settings_test}
BASE=${DATABASE_URL%/*}
DB=mura_bench_generate
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(100000 1000000)

seconds() { date +%s.%N; }
rate() {  # N START END
  python3 -c "import sys; n, s = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]); print(f'{n / s:,.0f} rows/s ({s:.1f} s)')" "$@"
}

raw_sql() {  # N: the three raw figures, on the scratch database
  local n=$1 t0 t1 t2 t3
  psql -q "$DATABASE_URL" -c "CREATE TABLE raw_points (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, geom geometry(Point, 4326))" \
    -c "CREATE TABLE raw_rows (LIKE registry_heritagesite INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING IDENTITY INCLUDING CONSTRAINTS, PRIMARY KEY (id))" \
    -c "CHECKPOINT"
  t0=$(seconds)
  psql -q "$DATABASE_URL" -c "INSERT INTO raw_points (geom)
    SELECT ST_SetSRID(ST_MakePoint(50 + random() * 35, 41 + random() * 14), 4326)
    FROM generate_series(1, $n)"
  t1=$(seconds)
  psql -q "$DATABASE_URL" -c "INSERT INTO raw_rows (registry_number, draft_reference, name, name_kk,
      name_ru, name_en, description, description_kk, description_ru, description_en, alt_names,
      category, significance, period, dating_note, condition, location_approximate, sensitivity,
      status, wikidata_id, version, created_at, updated_at, location, threats, region_id,
      published_at, public_region_ids, public_district_ids, search_document)
    SELECT 'KZ-' || lpad(g::text, 7, '0'), 'D-' || lpad(g::text, 7, '0'), 'Кесене: Алматы ' || g,
      'Кесене: Алматы ' || g, 'Мавзолей: Алматы ' || g, 'Mausoleum: Almaty ' || g, '', '', '', '',
      '{}', 'archaeology', 'local', 'turkic', '', 'good', false,
      (ARRAY['S0','S1','S2','S3'])[1 + g % 4], 'published', '', 1, now(), now(),
      ST_SetSRID(ST_MakePoint(50 + random() * 35, 41 + random() * 14), 4326), '', 1 + g % 20,
      now(), ARRAY[1 + g % 20], ARRAY[21 + g % 224],
      'kesene: almati ' || g || ' mavzolei: almati ' || g || ' mausoleum: almaty ' || g
    FROM generate_series(1, $n) g"
  t2=$(seconds)
  psql -q "$DATABASE_URL" <<'SQL'
SELECT regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \S+ ON \S+',
                      'CREATE \1INDEX ' || quote_ident('raw_' || c.relname) || ' ON raw_rows')
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = 'registry_heritagesite'::regclass AND NOT i.indisprimary \gexec
SQL
  t3=$(seconds)
  RAW_POINTS=$(rate "$n" "$t0" "$t1")
  RAW_ROWS=$(rate "$n" "$t1" "$t2")
  RAW_INDEXED=$(rate "$n" "$t1" "$t3")
}

ROWS=()
for N in "${SIZES[@]}"; do
  psql -q "$BASE/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  export DATABASE_URL="$BASE/$DB"
  python manage.py migrate -v 0 >/dev/null
  python manage.py load_regions >/dev/null
  psql -q "$DATABASE_URL" -c "CHECKPOINT"

  say "generate_sites $N"
  OUT=$(python manage.py generate_sites "$N" -v 2 2>&1 | grep -v '^AXES' | tee /dev/stderr)
  OVERALL=$(echo "$OUT" | sed -n 's/.* sites in \([0-9.]*\) s (\([0-9,]*\) rows\/s overall).*/\2 rows\/s (\1 s)/p')
  LOAD=$(echo "$OUT" | grep -E '^ +[0-9,]+ / [0-9,]+ sites' | tail -1 | awk '{print $5, "rows/s"}')
  REBUILD=$(echo "$OUT" | awk '$1 == "rebuild" {print $2 " s"}')
  COUNTS=$(echo "$OUT" | awk '$1 == "analyze" || $1 == "map_counts" || $1 == "search_words" {s += $2} END {printf "%.1f s", s}')
  SIZE=$(psql -tA "$DATABASE_URL" -c "SELECT pg_size_pretty(pg_total_relation_size('registry_heritagesite'))
    || ' (heap ' || pg_size_pretty(pg_relation_size('registry_heritagesite')) || ')'")

  say "raw SQL, $N rows"
  raw_sql "$N"
  say "points $RAW_POINTS; rows $RAW_ROWS; rows + indexes $RAW_INDEXED"
  ROWS+=("| $(python3 -c "print(f'{int("$N"):,}')") | $OVERALL | $LOAD | ${REBUILD:-none} | $COUNTS | $SIZE | $RAW_POINTS | $RAW_ROWS | $RAW_INDEXED |")
  psql -q "$BASE/postgres" -c "DROP DATABASE $DB"
done

say "figures"
echo "| sites | generate_sites overall | load | index rebuild | statistics, map counts, words | table | points | rows | rows+indexes |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
