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
# the first run needs about 18 GB of disk and about 1.5 hours on a busy 2-core machine (the 10M
# database 33 min, measuring it 45 min, half of that search); a later one skips the building.
#
# Figures: p50 in ms, app (in-process test client) / raw SQL (the same statements), 20 interleaved
# rounds after 2 warm ones (fewer where the --budget cap stops them). Measured 2026-12-06 at
# main ec03e30, every size, on a quiet machine (load average 1.5-2.7: nothing else running),
# PostgreSQL 15 defaults but fsync=off, shared_buffers 128MB, 23 GB RAM, 2 cores. The 10M
# database was made by the generator before migration 0024 (the generated search document)
# and migrated; the 100k and 1M ones after. p95 and every figure: bench/growth.json; plot:
# growth.svg.
#
# | sites     | published | bbox_dense | bbox_medium | nearest    | count       | tile_z8   | tile_z12      | search    |
# |-----------|-----------|------------|-------------|------------|-------------|-----------|---------------|-----------|
# | 10,000    | 8,975     | 1.8 / 1.6  | 1.9 / 1.6   | 1.4 / 1.1  | 0.8 / 0.5   | 0.7 / 0.6 | 1.2 / 1.1     | 1.9 / 1.6 |
# | 100,000   | 89,908    | 2.9 / 2.5  | 2.3 / 1.8   | 2.2 / 1.9  | 1.2 / 1.0   | 1.0 / 0.8 | 2.7 / 2.6     | 2.1 / 1.8 |
# | 1,000,000 | 900,043   | 6.4 / 5.8  | 2.4 / 2.0   | 2.4 / 2.1  | 4.2 / 3.8   | 1.4 / 1.1 | 21.9 / 21.1   | 2.6 / 2.0 |
# | 9,999,999 | 9,000,178 | 7.7 / 7.2  | 2.6 / 2.0   | 9.1 / 8.8  | 34.4 / 38.5 | 2.5 / 2.1 | 525.9 / 523.2 | 3.0 / 2.2 |
#
# Before issue 17's work of 2026-12-06 (eea8d6f and gen17's figures, loaded machine), 10M:
# bbox_dense 623 / 624, nearest 29.8 / 27.5, count 4048 / 4216, tile_z12 1552 / 1503, search
# 64,301 / 63,571 ms.
#
# Flat: bbox_medium and bbox_dense (a box's page reads the box first or walks the number
# index by how many public sites the box holds, registry/density.py), tile_z8 (pre-aggregated
# counts), search (the document's trigram KNN stops at its page) and nearest (KNN; grows with
# the ties it sorts). Count is the map's cells plus the published S3 sites (no public point,
# so in no cell) from their partial index: an index-only scan of about 450,000 entries at 10M.
# Linear in what matches: tile_z12 over central Almaty carries every site of the tile: the one
# public read that grows with the register. The app's own cost (app -
# raw) is 0.2-0.6 ms.
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
