#!/bin/bash
# bench/pg.sh — a throwaway PostgreSQL 15 server for chiso's benchmark.
#
#   bench/pg.sh start DIR   initdb into DIR/data (owned by the postgres user:
#                           the server refuses to run as root), start it on
#                           127.0.0.1 and a free port, print "PORT"
#   bench/pg.sh stop DIR    stop it (fast shutdown); DIR is left to the caller
#
# Settings, for a 2-core, 24 GiB machine and this workload: durable (fsync,
# synchronous_commit and full_page_writes on, the defaults); wal_level=minimal
# (no replication; a table created and filled in one transaction is synced at
# commit instead of WAL-logged); shared_buffers 4 GB, work_mem 256 MB,
# maintenance_work_mem 2 GB, effective_cache_size 16 GB, 2 parallel workers
# per gather, large max_wal_size so the bulk load does not checkpoint midway.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: pg.sh start|stop DIR" >&2
    exit 2
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case $cmd in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust --locale=C -E UTF8 \
        --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
full_page_writes = on
wal_level = minimal
max_wal_senders = 0
max_wal_size = 32GB
checkpoint_timeout = 30min
shared_buffers = 4GB
work_mem = 256MB
maintenance_work_mem = 2GB
effective_cache_size = 16GB
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 2
max_parallel_maintenance_workers = 2
random_page_cost = 1.1
CONF
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    echo "$port"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    fi
    ;;
*)
    echo "usage: pg.sh start|stop DIR" >&2
    exit 2
    ;;
esac
