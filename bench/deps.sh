#!/bin/sh
# bench/deps.sh — installs what chiso's benchmark needs besides the build
# (scripts/deps.sh): GNU time, PostgreSQL 15, Node.js with npm, psycopg2 for
# Debian's python3, the sqlite3 shell; then the pinned DuckDB Node API
# (package-lock.json) with `npm ci` into bench/node_modules. As root it runs
# apt-get; otherwise it prints the exact command to run.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
missing=""
need() { # need PACKAGE [COMMAND]: the package, unless COMMAND is already there
    if [ -n "${2:-}" ] && command -v "$2" >/dev/null 2>&1; then
        return
    fi
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $1"
}
need time
need postgresql-15
need sqlite3
need python3-psycopg2
need nodejs node
need npm npm
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need postgresql-15
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "bench/deps: installing$missing"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # shellcheck disable=SC2086 # one word per package
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
    else
        echo "bench/deps: missing packages; run:" >&2
        echo "  sudo apt-get install -y$missing" >&2
        exit 1
    fi
fi
# The Debian package starts a cluster of its own; the benchmark runs its own
# server in a temporary directory and leaves that one alone.
# (node_modules/.bench-lock: the lock file the last `npm ci` installed.)
if [ ! -f "$HERE/node_modules/@duckdb/node-api/package.json" ] ||
   ! cmp -s "$HERE/package-lock.json" "$HERE/node_modules/.bench-lock" 2>/dev/null; then
    echo "bench/deps: npm ci (DuckDB's Node API, pinned in bench/package-lock.json)"
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$HERE/package-lock.json" "$HERE/node_modules/.bench-lock"
fi
