#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL cluster, for the tests of ARREARS_READ_DATABASE_URL (docs/scaling.md).
#
#   .ci/replica.sh          set it up and start it (does nothing when it already runs; safe to run again)
#   .ci/replica.sh --drop   stop it, remove it and its replication slot (the primary then keeps no WAL for it)
#
# The primary is the cluster "main" at 127.0.0.1:5432 (trust auth, as in CI); the replica is a second cluster
# "replica" of the same major version at 127.0.0.1:5433, made by pg_basebackup -R from the primary and kept up to
# date through a physical replication slot. The primary is never restarted: PostgreSQL 15's defaults
# (wal_level=replica, max_wal_senders=10) already allow replication, and the one change it may need, a
# `replication` line in pg_hba.conf for 127.0.0.1, takes a reload, which drops no connection.
set -euo pipefail

PRIMARY_PORT="${ARREARS_PRIMARY_PORT:-5432}"
REPLICA_PORT="${ARREARS_REPLICA_PORT:-5433}"
SLOT=arrears_replica
NAME=replica

version=$(ls /etc/postgresql | sort -n | tail -1)
conf="/etc/postgresql/$version/$NAME"
data="/var/lib/postgresql/$version/$NAME"

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}
primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc "$1"; }

if [ "${1:-}" = "--drop" ]; then
  if pg_lsclusters -h | awk -v v="$version" -v n="$NAME" '$1 == v && $2 == n {found=1} END {exit !found}'; then
    pg_dropcluster --stop "$version" "$NAME"
  fi
  primary "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT'" >/dev/null
  echo "replica removed"
  exit 0
fi

pg_isready -h 127.0.0.1 -p "$PRIMARY_PORT" -q || { echo "the primary at 127.0.0.1:$PRIMARY_PORT is not up"; exit 1; }

if [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ]; then
  echo "replica already streaming at 127.0.0.1:$REPLICA_PORT"
  exit 0
fi

# The primary must allow replication: check rather than change what needs a restart.
[ "$(primary 'SHOW wal_level')" != minimal ] || { echo "the primary has wal_level=minimal: set it to replica and restart it"; exit 1; }
[ "$(primary 'SHOW max_wal_senders')" -gt 0 ] || { echo "the primary has max_wal_senders=0: raise it and restart it"; exit 1; }
hba=$(primary 'SHOW hba_file')
if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$hba"
  primary 'SELECT pg_reload_conf()' >/dev/null  # a reload: no connection is dropped
  sleep 1
fi

# A cluster that exists but does not come up as a standby is made again from a fresh base backup.
if [ -d "$conf" ]; then
  pg_ctlcluster --skip-systemctl-redirect "$version" "$NAME" start 2>/dev/null || true
  for _ in $(seq 20); do
    [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] && {
      echo "replica started at 127.0.0.1:$REPLICA_PORT"
      exit 0
    }
    sleep 1
  done
  echo "the existing replica cluster does not stream: making it again"
  pg_dropcluster --stop "$version" "$NAME" || true
fi
primary "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" >/dev/null

pg_createcluster "$version" "$NAME" -p "$REPLICA_PORT" >/dev/null
find "$data" -mindepth 1 -delete  # keep the directory pg_createcluster made (owned by postgres)
# -R writes standby.signal and primary_conninfo; -C -S the slot that keeps the WAL the replica has not received yet
as_postgres pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$data" -R -X stream -C -S "$SLOT" -c fast

# the replica's own settings: trust on 127.0.0.1 like the primary, and at least the primary's limits (a hot standby
# refuses to start with fewer connections, worker processes or locks than its primary)
cat >"$conf/pg_hba.conf" <<'EOF'
local all all trust
host all all 127.0.0.1/32 trust
EOF
cat >"$conf/conf.d/90-replica.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
hot_standby = on
max_connections = $(primary 'SHOW max_connections')
max_worker_processes = $(primary 'SHOW max_worker_processes')
max_locks_per_transaction = $(primary 'SHOW max_locks_per_transaction')
max_prepared_transactions = $(primary 'SHOW max_prepared_transactions')
max_wal_senders = $(primary 'SHOW max_wal_senders')
autovacuum = off
EOF
chown -R postgres:postgres "$conf"
pg_ctlcluster --skip-systemctl-redirect "$version" "$NAME" start
for _ in $(seq 30); do
  if [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ]; then
    echo "replica streaming at 127.0.0.1:$REPLICA_PORT"
    exit 0
  fi
  sleep 1
done
echo "the replica did not come up: see /var/log/postgresql/postgresql-$version-$NAME.log"
exit 1
