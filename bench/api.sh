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

source "$ROOT/bench/requests.sh"  # REQUEST_NAMES, REQUESTS
NAMES=("${REQUEST_NAMES[@]}")
# The raw app runs the very statements the API sends for these requests (bench/statements.py).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
requests=()
for q in "${NAMES[@]}"; do requests+=("$q=${REQUESTS[$q]}"); done
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
  app="http://127.0.0.1:$APP_PORT${REQUESTS[$q]}" raw="http://127.0.0.1:$RAW_PORT/$q"
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
