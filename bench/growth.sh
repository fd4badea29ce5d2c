#!/usr/bin/env bash
# How bbox, nearest, count, tiles and search grow from 10,000 to 10,000,000 sites (issue 17):
# bench/growth.py (the databases, the table, bench/growth.svg) and bench/growth_measure.py
# (what is timed, and how). Usage:
#   bench/growth.sh                           every size and request (databases made if missing)
#   bench/growth.sh --only search             one request again, e.g. after a search change
#   bench/growth.sh --sizes 10m --only tile   tile_z8 and tile_z12 at 10M only
#   bench/growth.sh --rebuild --sizes 1m      make mura_growth_1m again, then measure
#   bench/growth.sh --report                  only the table and the plot, from bench/growth.json
# The databases (mura_growth_10k, _100k, _1m, _10m) live on the local cluster and are kept;
# the first run needs about 17 GB of disk and 20-30 minutes, a later one a few minutes.
#
# Figures: FIGURES
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
ensure_everything >/dev/null
set +u
export DJANGO_SETTINGS_MODULE=heritage.settings
# No limit reached in a benchmark (the checks still run); no debug; the test client speaks HTTP.
export MURA_API_RATE_ANON=100000000/min MURA_API_RATE_RESEARCHER=100000000/min MURA_API_RATE_STAFF=100000000/min
export MURA_EXPORT_RATE_ANON=100000000/min MURA_EXPORT_RATE_RESEARCHER=100000000/min MURA_EXPORT_RATE_STAFF=100000000/min
export MURA_RATE_TILES=100000000/min MURA_RATE_PAGES=100000000/min MURA_RATE_MAP=100000000/min
export MURA_RATE_OGC=100000000/min MURA_RATE_LOGIN=100000000/min
export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_LOG_LEVEL=WARNING
exec python bench/growth.py "$@"
