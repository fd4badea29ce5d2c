#!/usr/bin/env bash
# Before and after, in the same conditions: bench/api.sh's public reads served by two checkouts
# of Mura at once (gunicorn, 2 sync workers each) and by bench/raw_app.py (the same statements),
# measured in turn, A B raw, A B raw..., so a busy machine slows all three alike.
# Usage: bench/ab.sh BEFORE_DIR [ROUNDS=3] [SECONDS=5] [NAME ...]
# (after = this checkout; BEFORE_DIR e.g. a worktree of main). Database mura_bench, as made by
# bench/api.sh. Prints each request's median p50 over the rounds at 1 and 8 clients, and the
# ratios to the raw app.
source "$(dirname "$0")/../scripts/lib.sh"
BEFORE=$(cd "$1" && pwd)
ROUNDS=${2:-3}
SECS=${3:-5}
shift $(($# < 3 ? $# : 3))
BASE=${DATABASE_URL%/*}
export DATABASE_URL="$BASE/mura_bench"
unset DJANGO_SETTINGS_MODULE  # the real settings (the test ones serve static files slowly)
export MURA_API_RATE_ANON=100000000/min MURA_EXPORT_RATE_ANON=100000000/min
export MURA_RATE_TILES=100000000/min MURA_RATE_PAGES=100000000/min MURA_RATE_MAP=100000000/min MURA_RATE_OGC=100000000/min
export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_LOG_LEVEL=WARNING
cd "$ROOT"
ensure_secret_key
source "$ROOT/bench/requests.sh"  # REQUEST_NAMES, REQUESTS (the same as bench/api.sh)
NAMES=("$@")
[ ${#NAMES[@]} -gt 0 ] || NAMES=(dense medium sparse nearest search single inview)
TMP=$(mktemp -d)
requests=()
for q in "${NAMES[@]}"; do requests+=("$q=${REQUESTS[$q]}"); done
python bench/statements.py "$TMP/statements.json" "${requests[@]}" 2>/dev/null

A_PORT=$(free_port)
gunicorn -w 2 --control-socket "$TMP/a.ctl" -b "127.0.0.1:$A_PORT" --chdir "$BEFORE" heritage.wsgi:application --log-level warning --access-logfile /dev/null &
A_PID=$!
B_PORT=$(free_port)
gunicorn -w 2 --control-socket "$TMP/b.ctl" -b "127.0.0.1:$B_PORT" --chdir "$ROOT" heritage.wsgi:application --log-level warning --access-logfile /dev/null &
B_PID=$!
R_PORT=$(free_port)
MURA_STATEMENTS="$TMP/statements.json" gunicorn -w 2 --control-socket "$TMP/raw.ctl" -b "127.0.0.1:$R_PORT" --chdir bench raw_app:app --log-level warning --access-logfile /dev/null &
R_PID=$!
trap 'kill $A_PID $B_PID $R_PID 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 4

p50() { wrk -t"$2" -c"$2" -d"${SECS}s" --timeout 30s -s "$ROOT/bench/percentiles.lua" "$1" | awk '/^P50_MS/ {print $2}'; }
median() { tr ' ' '\n' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

say "load average: $(cut -d' ' -f1-3 /proc/loadavg); p50 ms, median of $ROUNDS rounds of ${SECS}s"
printf '%-8s %2s  %8s %8s %8s   %7s %7s\n' request c before after raw before after
for q in "${NAMES[@]}"; do
  urls=("http://127.0.0.1:$A_PORT${REQUESTS[$q]}" "http://127.0.0.1:$B_PORT${REQUESTS[$q]}" "http://127.0.0.1:$R_PORT/$q")
  # `next` names the port, and its cursor is signed with the second it was made; OGC API's
  # links name the port too, and its `timeStamp` is the second it answered.
  same() {
    curl -sf "$1" | sed -E 's/"next(_cursor)?":("[^"]*"|null)//g; s/"timeStamp":"[^"]*"//g;
      s#//127\.0\.0\.1:[0-9]+#//host#g; s/cursor=[^"&]*//g'
  }
  cmp -s <(same "${urls[0]}") <(same "${urls[1]}") || die "before and after answer $q differently"
  for url in "${urls[@]}"; do wrk -t2 -c2 -d2s "$url" >/dev/null; done
  for c in 1 8; do
    a=() b=() r=()
    for _ in $(seq "$ROUNDS"); do
      a+=("$(p50 "${urls[0]}" $c)") b+=("$(p50 "${urls[1]}" $c)") r+=("$(p50 "${urls[2]}" $c)")
    done
    A=$(echo "${a[*]}" | median) B=$(echo "${b[*]}" | median) R=$(echo "${r[*]}" | median)
    printf '%-8s %2s  %8s %8s %8s   %7s %7s\n' "$q" "$c" "$A" "$B" "$R" \
      "$(awk -v x="$A" -v r="$R" 'BEGIN {printf "%.2f", x / r}')" \
      "$(awk -v x="$B" -v r="$R" 'BEGIN {printf "%.2f", x / r}')"
  done
done
