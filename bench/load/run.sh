#!/usr/bin/env bash
# The load test (issue 6): locust against Mura under gunicorn as deployed, on a register of
# generated sites, run twice identically while every gunicorn worker's memory is sampled.
#
# Usage: bench/load/run.sh [--users 50] [--duration 5m] [--workers 4] [--threads 4]
#                          [--sites 100000] [--spawn-rate 10]
# Results: var/load/<UTC time>/ (locust CSVs and HTML per run, memory samples, load.png);
# a summary table is printed at the end. The database `mura_load` on the local cluster is
# made on the first run (migrate, regions, demo accounts and sites, generated sites) and
# reused afterwards; it is never dropped.
source "$(dirname "$0")/../../scripts/lib.sh"
ensure_everything

USERS=50
DURATION=5m
WORKERS=4 # the Dockerfile's CMD and docker-compose.yml's defaults
THREADS=4
SITES=100000
SPAWN_RATE=10
while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS=$2 ;;
    --duration) DURATION=$2 ;;
    --workers) WORKERS=$2 ;;
    --threads) THREADS=$2 ;;
    --sites) SITES=$2 ;;
    --spawn-rate) SPAWN_RATE=$2 ;;
    *) die "unknown option $1 (see the usage at the top of $0)" ;;
  esac
  shift 2 || die "$1 needs a value"
done

HERE="$ROOT/bench/load"
DB=mura_load
BASE=${DATABASE_URL%/*}

# locust and matplotlib go into .venv but not into the main locks, so CI stays lean; their
# lock is compiled within the main ones (scripts/lock), and installing the three together
# makes pip refuse any clash with the main pins.
ensure_load_tools() {
  local locks=("$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$HERE/requirements.txt")
  local want have=""
  want=$(cat "${locks[@]}" | sha256sum | cut -d' ' -f1)
  [ -f "$VENV/.bench-load.sha256" ] && have=$(cat "$VENV/.bench-load.sha256")
  if [ "$want" != "$have" ]; then
    say "installing the load test's tools (bench/load/requirements.txt)"
    pip install -q --disable-pip-version-check --require-hashes \
      -r "${locks[0]}" -r "${locks[1]}" -r "${locks[2]}"
    echo "$want" >"$VENV/.bench-load.sha256"
  fi
}

# Idempotent: each step skips what is already there.
prepare_database() {
  psql -q "$BASE/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 ||
    psql -q "$BASE/postgres" -c "CREATE DATABASE $DB"
  export DATABASE_URL="$BASE/$DB"
  python manage.py migrate -v 0
  # Regions (when missing), demo accounts (the officer logs in) and the 50 real demo sites.
  python manage.py load_demo >/dev/null
  local have
  have=$(psql -tA "$DATABASE_URL" -c \
    "SELECT count(*) FROM registry_heritagesite WHERE dating_note = 'synthetic'")
  if [ "$have" -lt "$SITES" ]; then
    say "generate_sites $((SITES - have)) (rebuilds the map's cell counts too)"
    python manage.py generate_sites "$((SITES - have))"
    psql -q "$DATABASE_URL" -c "VACUUM ANALYZE"
  fi
  python manage.py axes_reset >/dev/null # a lockout left by an earlier run would fail logins
  say "database $DB: $(psql -tA "$DATABASE_URL" -c \
    'SELECT count(*) FROM registry_public_site') published sites"
}

# collectstatic compresses every file again (over a minute): only when the sources or the
# installed packages (requirements.txt) changed since the last collection.
collect_static() {
  local manifest="$ROOT/staticfiles/staticfiles.json"
  if [ ! -f "$manifest" ] || [ -n "$(find "$ROOT"/*/static "$ROOT/requirements.txt" \
    -newer "$manifest" -print -quit)" ]; then
    say "collectstatic"
    python manage.py collectstatic --noinput -v 0
  fi
}

# As deployed: production settings, static files collected (the manifest storage needs
# them), gunicorn's flags from the Dockerfile (./gunicorn.conf.py, read by gunicorn itself,
# gives the log format), without nginx in front: this measures the app. Two differences, both for the load client:
# plain HTTP (DJANGO_HTTPS=0, as for a trial without the TLS proxy; otherwise every request
# is redirected to https:// and secure cookies are never sent back), and every rate limit
# raised: they are keyed by client address, every locust user shares 127.0.0.1, so the
# deployed rates would turn the load into 429s.
start_app() {
  export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SETTINGS_MODULE=heritage.settings
  export DJANGO_LOG_LEVEL=WARNING
  # Every rate limit raised (heritage/limits.py): all users share one address.
  for rate in RATE_TILES RATE_MAP RATE_PAGES RATE_OGC RATE_LOGIN API_RATE_ANON \
    API_RATE_RESEARCHER API_RATE_STAFF EXPORT_RATE_ANON EXPORT_RATE_RESEARCHER EXPORT_RATE_STAFF; do
    export "MURA_$rate=1000000/min"
  done
  collect_static
  PORT=$(free_port)
  gunicorn heritage.wsgi:application --bind "127.0.0.1:$PORT" --worker-class gthread \
    --workers "$WORKERS" --threads "$THREADS" --timeout 60 \
    --access-logfile "$OUT/access.log" --error-logfile "$OUT/gunicorn.log" &
  APP_PID=$!
  for _ in $(seq 60); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/v1/regions/" && return
    kill -0 "$APP_PID" 2>/dev/null || die "gunicorn did not start; see $OUT/gunicorn.log"
    sleep 1
  done
  die "gunicorn did not answer in 60 s; see $OUT/gunicorn.log"
}

stop_all() { # each in turn; `wait` reports how the process ended, which is not an error here
  local pid
  for pid in ${SAMPLER_PID:-} ${LOCUST_PID:-} ${APP_PID:-}; do
    kill "$pid" 2>/dev/null && { wait "$pid" 2>/dev/null || true; } # gunicorn stops its workers
  done
  SAMPLER_PID= LOCUST_PID= APP_PID=
}

run_locust() { # name
  say "run $1: $USERS users for $DURATION"
  locust -f "$HERE/locustfile.py" --headless --host "http://127.0.0.1:$PORT" \
    --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" --stop-timeout 10 \
    --csv "$OUT/$1" --html "$OUT/$1.html" --only-summary --loglevel WARNING \
    --exit-code-on-error 0 >"$OUT/$1.log" 2>&1 &
  LOCUST_PID=$!
  wait "$LOCUST_PID" || die "locust failed; see $OUT/$1.log"
  LOCUST_PID=
  echo "$1 $(date +%s)" >>"$OUT/runs.txt"
}

ensure_load_tools
prepare_database
OUT="$ROOT/var/load/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
trap stop_all EXIT
trap 'exit 130' INT TERM
start_app
python "$HERE/memory.py" "$APP_PID" "$OUT/memory.csv" &
SAMPLER_PID=$!
echo "start $(date +%s)" >"$OUT/runs.txt"
run_locust run1
run_locust run2
sleep 6 # one more memory sample after the last request
stop_all
python "$HERE/report.py" "$OUT"
