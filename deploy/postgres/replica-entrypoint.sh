#!/bin/sh
# Entrypoint of a read replica (the `replica` compose profile): on first start, copy the
# primary `db` with pg_basebackup (-R writes standby.signal and primary_conninfo, -C -S a
# replication slot so the primary keeps the WAL the replica still needs), then hand over to
# the image's own entrypoint, which sees an existing data directory and just starts a hot
# standby. Later starts skip the copy and resume streaming.
set -eu
if [ -z "${REPLICATION_PASSWORD:-}" ]; then
    echo "db-replica: set REPLICATION_PASSWORD (the one db was created with)" >&2
    exit 1
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h db -p 5432 -q; do sleep 2; done
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    PGPASSWORD="$REPLICATION_PASSWORD" gosu postgres pg_basebackup \
        --host=db --port=5432 --username=replicator --pgdata="$PGDATA" \
        --write-recovery-conf --wal-method=stream \
        --create-slot --slot="${REPLICA_SLOT:-replica1}" --progress
fi
exec docker-entrypoint.sh postgres
