#!/bin/sh
# Run once by the postgis image when the `pgdata` volume is first initialised
# (/docker-entrypoint-initdb.d/): lets streaming replicas (the `replica` compose profile)
# connect as `replicator`. Without REPLICATION_PASSWORD nothing is done. For a database made
# before this existed, run the same two steps by hand (docs/deploy.md, "Read replicas").
set -eu
[ -n "${REPLICATION_PASSWORD:-}" ] || exit 0
psql -v ON_ERROR_STOP=1 -v pw="$REPLICATION_PASSWORD" \
    --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'pw';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
