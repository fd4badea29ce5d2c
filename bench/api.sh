#!/usr/bin/env bash
# API latency and throughput beside the physical limit (bench/raw_app.py: raw SQL, JSON built
# by PostgreSQL), and export to GeoPackage beside ogr2ogr straight from the database.
# Usage: bench/api.sh [N=1000000] [SECONDS=10]. Uses the database mura_bench on the local
# cluster (made with generate_sites N if it has fewer sites; never dropped). Needs wrk.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_everything
N=${1:-1000000}
SECS=${2:-10}
BASE=${DATABASE_URL%/*}
DB=mura_bench
psql -q "$BASE/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 ||
  psql -q "$BASE/postgres" -c "CREATE DATABASE $DB"
export DATABASE_URL="$BASE/$DB"
# No limit reached in a benchmark (the checks still run); no debug.
export MURA_API_RATE_ANON=100000000/min MURA_EXPORT_RATE_ANON=100000000/min
export MURA_RATE_TILES=100000000/min MURA_RATE_PAGES=100000000/min
export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_LOG_LEVEL=WARNING
python manage.py migrate -v 0
python manage.py load_regions >/dev/null
HAVE=$(psql -tA "$DATABASE_URL" -c "SELECT count(*) FROM registry_heritagesite")
if [ "$HAVE" -lt "$N" ]; then
  say "generate_sites $((N - HAVE))"
  python manage.py generate_sites "$((N - HAVE))"
fi
psql -q "$DATABASE_URL" -c "VACUUM ANALYZE registry_heritagesite"
say "sites: $(psql -tA "$DATABASE_URL" -c 'SELECT count(*) FROM registry_public_site') published"

APP_PORT=$(free_port)
RAW_PORT=$(free_port)
gunicorn -w 8 -b "127.0.0.1:$APP_PORT" heritage.wsgi:application --log-level warning --access-logfile /dev/null &
APP_PID=$!
gunicorn -w 8 -b "127.0.0.1:$RAW_PORT" --chdir bench raw_app:app --log-level warning --access-logfile /dev/null &
RAW_PID=$!
trap 'kill $APP_PID $RAW_PID 2>/dev/null' EXIT
sleep 3

# Almaty's centre is the densest cluster of the synthetic register.
BBOX=76.85,43.20,77.00,43.30
REGION=$(psql -tA "$DATABASE_URL" -c "SELECT code FROM registry_adminarea WHERE registry_prefix = 'KZ-ALA' OR (level = 1 AND name_en ILIKE 'Almaty') LIMIT 1")
NEAR=76.93,43.25
declare -A API=(
  [bbox]="/api/v1/sites/?bbox=$BBOX&limit=100"
  [count]="/api/v1/sites/count/?region=$REGION"
  [nearest]="/api/v1/sites/?near=$NEAR&ordering=distance&limit=20"
)
declare -A RAW=([bbox]="/bbox?bbox=$BBOX" [count]="/count?region=$REGION" [nearest]="/nearest?near=$NEAR")

run() {  # name url clients
  local out
  out=$(wrk -t"$3" -c"$3" -d"${SECS}s" --timeout 30s -s "$ROOT/bench/percentiles.lua" "$2")
  if [ "$(awk '/^RPS/ {print ($2 == 0)}' <<<"$out")" = 1 ]; then
    printf '%-14s c=%s  no request completed in %ss\n' "$1" "$3" "$SECS"
    return
  fi
  printf '%-14s c=%s  median %7s ms  p95 %7s ms  %9s req/s  errors %s\n' "$1" "$3" \
    "$(awk '/^P50_MS/ {print $2}' <<<"$out")" "$(awk '/^P95_MS/ {print $2}' <<<"$out")" \
    "$(awk '/^RPS/ {print $2}' <<<"$out")" "$(awk '/^ERRORS/ {print $2}' <<<"$out")"
}

for q in bbox count nearest; do
  curl -sf "http://127.0.0.1:$APP_PORT${API[$q]}" >/dev/null || die "API $q failed"
  curl -sf "http://127.0.0.1:$RAW_PORT${RAW[$q]}" >/dev/null || die "raw $q failed"
  # Every worker's first requests (imports, connection) are not what is measured.
  wrk -t8 -c8 -d3s "http://127.0.0.1:$APP_PORT${API[$q]}" >/dev/null
  wrk -t8 -c8 -d3s "http://127.0.0.1:$RAW_PORT${RAW[$q]}" >/dev/null
  for c in 1 8; do
    run "api $q" "http://127.0.0.1:$APP_PORT${API[$q]}" $c
    run "raw $q" "http://127.0.0.1:$RAW_PORT${RAW[$q]}" $c
  done
done

say "export of every published site to GeoPackage (public projection)"
# The same columns, rows and order as export_sites --public writes.
RAW_EXPORT_SQL="SELECT s.registry_number, s.name_kk, s.name_ru, s.name_en, s.category,
  t.code AS typology, s.significance, s.period, s.date_from, s.date_to, s.condition,
  s.sensitivity, r.code AS region, d.code AS district,
  CASE s.sensitivity WHEN 'S0' THEN 'exact' WHEN 'S1' THEN '0.01° grid cell (about 1 km)'
    WHEN 'S2' THEN '0.1° grid cell (about 8 × 11 km)' ELSE 'withheld: region only' END
    AS location_generalisation, s.public_location
  FROM registry_public_site s JOIN registry_adminarea r ON r.id = s.region_id
  LEFT JOIN registry_typology t ON t.id = s.typology_id
  LEFT JOIN registry_adminarea d ON d.id = s.district_id
  ORDER BY s.registry_number"
TMP=$(mktemp -d)
/usr/bin/time -f "export_sites: %e s, peak %M KB" \
  python manage.py export_sites "$TMP/api.gpkg" --public >/dev/null
# Memory stays flat whatever the size: the same export of one region, for comparison.
/usr/bin/time -f "export_sites, region $REGION only: %e s, peak %M KB" \
  python manage.py export_sites "$TMP/region.gpkg" --public --region "$REGION" >/dev/null
/usr/bin/time -f "ogr2ogr:      %e s, peak %M KB" \
  ogr2ogr -f GPKG "$TMP/raw.gpkg" "PG:dbname=$DB host=127.0.0.1 port=$(cat "$ROOT/var/pg/port") user=mura" \
  -sql "$RAW_EXPORT_SQL" -nln sites
for f in region api raw; do
  say "$f.gpkg: $(du -h "$TMP/$f.gpkg" | cut -f1), $(ogrinfo -so -al "$TMP/$f.gpkg" | awk '/Feature Count/ {print $3}') features"
done
rm -rf "$TMP"
