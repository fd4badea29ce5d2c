#!/usr/bin/env bash
# API latency and throughput beside the physical limit (bench/raw_app.py: a minimal WSGI app
# running the API's own statements), and exports beside ogr2ogr straight from the database
# (bench/export.py). Usage: [EXPORT=0] bench/api.sh [N=1000000] [SECONDS=10]. Uses the database
# mura_bench on the local cluster (made with generate_sites N if it has fewer sites; never
# dropped). Needs wrk. Ratios: API p50 / raw p50, raw req/s / API req/s (1.00: as fast).
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
export MURA_RATE_TILES=100000000/min MURA_RATE_PAGES=100000000/min MURA_RATE_MAP=100000000/min MURA_RATE_OGC=100000000/min
export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_LOG_LEVEL=WARNING
unset DJANGO_SETTINGS_MODULE  # the real settings (the test ones serve static files slowly)
python manage.py migrate -v 0
python manage.py load_regions >/dev/null
HAVE=$(psql -tA "$DATABASE_URL" -c "SELECT count(*) FROM registry_heritagesite")
if [ "$HAVE" -lt "$N" ]; then
  say "generate_sites $((N - HAVE))"
  python manage.py generate_sites "$((N - HAVE))"
fi
psql -q "$DATABASE_URL" -c "VACUUM ANALYZE registry_heritagesite"
say "sites: $(psql -tA "$DATABASE_URL" -c 'SELECT count(*) FROM registry_public_site') published"

# Almaty's centre is the densest cluster of the synthetic register; the medium box is the
# region around it, the sparse one the steppe west of Karaganda.
REGION=$(psql -tA "$DATABASE_URL" -c "SELECT code FROM registry_adminarea WHERE registry_prefix = 'KZ-ALA' OR (level = 1 AND name_en ILIKE 'Almaty') LIMIT 1")
SITE=$(psql -tA "$DATABASE_URL" -c "SELECT registry_number FROM registry_public_site WHERE sensitivity = 'S0' ORDER BY registry_number OFFSET 1000 LIMIT 1")
NAMES=(dense medium sparse nearest count search single area ogc inview)
declare -A API=(
  [dense]="/api/v1/sites/?bbox=76.85,43.20,77.00,43.30&limit=100"
  [medium]="/api/v1/sites/?bbox=76.0,43.0,77.5,44.0&limit=100"
  [sparse]="/api/v1/sites/?bbox=70.0,48.0,71.5,49.0&limit=100"
  [nearest]="/api/v1/sites/?near=76.93,43.25&ordering=distance&limit=20"
  [count]="/api/v1/sites/count/?region=$REGION"
  [search]="/api/v1/sites/?q=Taraz&limit=20"
  [single]="/api/v1/sites/$SITE/"
  [area]="/api/v1/sites/?geometry=POLYGON((76.85%2043.2,77%2043.2,77%2043.3,76.85%2043.25,76.85%2043.2))&limit=100"
  [ogc]="/ogc/collections/sites/items?bbox=76.0,43.0,77.5,44.0&limit=100&f=json"
  [inview]="/maps/sites/in-view.json?bbox=76.85,43.20,77.00,43.30"
)
# The raw app runs the very statements the API sends for these requests (bench/statements.py).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
requests=()
for q in "${NAMES[@]}"; do requests+=("$q=${API[$q]}"); done
python bench/statements.py "$TMP/statements.json" "${requests[@]}" 2>/dev/null

# Two sync workers each, as the issue measured; the API's rate limits are counted (one round
# trip each), with limits no benchmark reaches.
APP_PORT=$(free_port)
RAW_PORT=$(free_port)
gunicorn -w 2 --control-socket "$TMP/app.ctl" -b "127.0.0.1:$APP_PORT" heritage.wsgi:application --log-level warning --access-logfile /dev/null &
APP_PID=$!
MURA_STATEMENTS="$TMP/statements.json" gunicorn -w 2 --control-socket "$TMP/raw.ctl" -b "127.0.0.1:$RAW_PORT" --chdir bench raw_app:app --log-level warning --access-logfile /dev/null &
RAW_PID=$!
trap 'kill $APP_PID $RAW_PID 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 3

median() {  # url clients -> "median p95 rps"
  local out
  out=$(wrk -t"$2" -c"$2" -d"${SECS}s" --timeout 30s -s "$ROOT/bench/percentiles.lua" "$1")
  echo "$(awk '/^P50_MS/ {print $2}' <<<"$out") $(awk '/^P95_MS/ {print $2}' <<<"$out") $(awk '/^RPS/ {print $2}' <<<"$out") $(awk '/^ERRORS/ {print $2}' <<<"$out")"
}

printf '%-8s %2s  %9s %9s %6s   %9s %9s   %9s %9s %6s\n' request c "api p50" "raw p50" ratio "api p95" "raw p95" "api rps" "raw rps" ratio
for q in "${NAMES[@]}"; do
  app="http://127.0.0.1:$APP_PORT${API[$q]}" raw="http://127.0.0.1:$RAW_PORT/$q"
  curl -sf "$app" >"$TMP/app.json" || die "API $q failed"
  curl -sf "$raw" >"$TMP/raw.json" || die "raw $q failed"
  python - "$TMP/app.json" "$TMP/raw.json" "$TMP/statements.json" "$q" <<'PY' || die "API and raw app answer $q differently"
import json, sys
app, raw, saved = (json.load(open(f)) for f in sys.argv[1:4])
if saved["requests"][sys.argv[4]]["kind"] == "rows":
    sys.exit(0)  # the same statements, not the same body (bench/statements.py)
for body in (app, raw):
    for key in ("next", "next_cursor"):
        body.pop(key, None)
sys.exit(app != raw)
PY
  # Every worker's first requests (imports, connection, compiling) are not what is measured.
  wrk -t2 -c2 -d2s "$app" >/dev/null
  wrk -t2 -c2 -d2s "$raw" >/dev/null
  for c in 1 8; do
    read -r a50 a95 arps aerr <<<"$(median "$app" $c)"
    read -r r50 r95 rrps rerr <<<"$(median "$raw" $c)"
    printf '%-8s %2s  %9s %9s %6s   %9s %9s   %9s %9s %6s  errors %s/%s\n' "$q" "$c" "$a50" "$r50" \
      "$(awk -v a="$a50" -v r="$r50" 'BEGIN {printf "%.2f", a / r}')" "$a95" "$r95" "$arps" "$rrps" \
      "$(awk -v a="$arps" -v r="$rrps" 'BEGIN {printf "%.2f", r / a}')" "$aerr" "$rerr"
  done
done

[ "${EXPORT:-1}" = 0 ] && exit 0
# Every export format beside ogr2ogr on the same rows, seconds and peak memory of the process
# tree (bench/export.py; the whole registry, then one region).
say "exports of every published site (public projection), beside ogr2ogr"
python bench/export.py --runs 1
say "exports of region $REGION"
python bench/export.py --runs 1 --region "$REGION"
