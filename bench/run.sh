#!/usr/bin/env bash
# bench/run.sh — chiso's benchmark (issue #3): chiso against DuckDB, SQLite and
# PostgreSQL 15 on the same jobs, equal answers required.
#
#   bench/run.sh           the full run (make bench): 1,000,000 dossiers,
#                          100 freshness batches; writes bench/RESULTS.md
#   bench/run.sh --quick   the quick run (make bench-quick): 20,000 dossiers,
#                          20 batches; writes bench/RESULTS-quick.md
#
# Steps (every intermediate file is under bench/out/, the big ones removed at
# the end unless BENCH_KEEP=1):
#   1. data: `chiso demo --no-load` with seed 42 at three sizes (the largest is
#      the bulk file), and gen_batches.py's freshness batches (seed 42);
#   2. growth: `chiso load` of the two smaller files (the largest is step 3's);
#   3. bulk, per system, "NDJSON file -> every measure of every unit and month
#      of 2025, rolled up": chiso = `chiso load` + `chiso measures` (two
#      processes, the second re-opens the database and loads the live
#      counters from the snapshot the load ended with); the
#      peers = peer_duckdb.mjs, peer_sqlite.py, peer_pg.py (same SQL,
#      sql/measures.sql); every peer's table must equal chiso's (compare.py);
#   4. freshness, per system, on its bulk-loaded store: every batch applied and
#      durably committed, then the 34 provinces ranked by toan_trinh for
#      2025-12 (fresh.c for chiso, sql/ranking.sql for the peers); every
#      ranking must equal chiso's;
#   4b. HTTP ingest (chiso only): `chiso serve` on the same database after
#      the freshness batches; http_load.c POSTs batches of 1,000 records the
#      server has not seen (`chiso demo --seed 7`, MaHoSo renamed HTTP-...)
#      from 4 client threads, in rounds, with a client on the live stream;
#      then one batch at a time, the time from each reply to the commit's
#      events on the stream. The server is stopped with SIGTERM and must print
#      "stopped";
#   5. report.py writes the results file.
# A mismatch is printed with its differences, marked at the top of the results
# file, and makes the run exit 1 (after every system has run).
# BENCH_KEEP=1 keeps the data, databases and binaries in bench/out/run-MODE/.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$HERE/out
SEED=42
MODE=full
case "${1:-}" in
--quick) MODE=quick ;;
"") ;;
*) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
esac
if [ "$MODE" = quick ]; then
    SIZES="5000 10000 20000"
    BATCHES=20
    HTTP_DOSSIERS=30000 # ~60,800 lines: 1 round of 40 batches, 20 for the stream
    HTTP_ROUNDS=1
    HTTP_ROUND_BATCHES=40
    HTTP_SSE_BATCHES=20
    RESULTS=$HERE/RESULTS-quick.md
else
    SIZES="100000 300000 1000000"
    BATCHES=100
    HTTP_DOSSIERS=500000 # ~1,013,000 lines: 3 rounds of 300 batches, 100 for the stream
    HTTP_ROUNDS=3
    HTTP_ROUND_BATCHES=300
    HTTP_SSE_BATCHES=100
    RESULTS=$HERE/RESULTS.md
fi
# For trying other sizes (not for the results files): BENCH_SIZES="a b c"
# (the largest is the bulk size), BENCH_BATCHES=n, BENCH_RESULTS=file,
# BENCH_HTTP_CLIENTS=n (client threads of the HTTP load, default 4).
SIZES=${BENCH_SIZES:-$SIZES}
BATCHES=${BENCH_BATCHES:-$BATCHES}
RESULTS=${BENCH_RESULTS:-$RESULTS}
MAIN=${SIZES##* }
BATCH_LINES=1000
HTTP_CLIENTS=${BENCH_HTTP_CLIENTS:-4}
HTTP_SEED=7 # not the bulk's 42: other records, renamed so every dossier is new
ARRIVED=20260101000000                                   # bulk arrival, Vietnam time
FRESH_UNIX=$(date -d '2026-01-02T00:00:00+07:00' +%s)   # batch i arrives at + 60 i
FRESH_WALL=$((FRESH_UNIX + 7 * 3600))                     # the same in Vietnam wall time
PY=/usr/bin/python3                                       # Debian's, with psycopg2
START=$(date +%s)

say() { printf '\n== %s  [%ds]\n' "$*" $(($(date +%s) - START)); }
die() { echo "bench: $*" >&2; exit 1; }

"$HERE/deps.sh" || die "missing dependencies (bench/deps.sh)"
command -v "$PY" >/dev/null || die "no $PY"

mkdir -p "$OUT"
chmod a+rx "$OUT"
# Results of this run only: a key=value file report.py reads, and the times.
R=$OUT/run-$MODE
rm -rf "$R"
mkdir -p "$R"
chmod a+rx "$R"
put() { printf '%s=%s\n' "$1" "$2" >>"$R/results.env"; }

PGDIR=""
SERVE_PID=""
cleanup() {
    if [ -n "$SERVE_PID" ]; then
        kill -TERM "$SERVE_PID" 2>/dev/null
        wait "$SERVE_PID" 2>/dev/null
    fi
    if [ -n "$PGDIR" ]; then
        "$HERE/pg.sh" stop "$PGDIR" || true
        rm -rf "$PGDIR"
    fi
    if [ "${BENCH_KEEP:-0}" != 1 ]; then
        rm -f "$R"/*.ndjson "$R"/*.db "$R"/*.db-wal "$R"/*.db-shm "$R"/*.duckdb "$R"/*.duckdb.wal
        rm -rf "$R/batches" "$R/http-batches" "$R/chiso" "$R/libchiso.a" "$R/fresh" \
            "$R/http_load"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ------------------------------------------------------------------
say "build"
make -C "$ROOT" --no-print-directory chiso build/libchiso.a >/dev/null ||
    die "make chiso build/libchiso.a failed"
# Snapshots, so that a rebuild in the tree during the run changes nothing here.
cp "$ROOT/chiso" "$ROOT/build/libchiso.a" "$R/" || die "cannot copy the build"
CHISO=$R/chiso
# shellcheck disable=SC2046 # pkg-config's flags are meant to split
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -I"$ROOT/src" -I"$ROOT/build/gen" \
    -o "$R/fresh" "$HERE/fresh.c" "$R/libchiso.a" \
    $(pkg-config --cflags --libs sqlite3 jansson libsodium libzstd) -lm -lpthread ||
    die "cannot build bench/fresh.c with build/libchiso.a"
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -o "$R/http_load" \
    "$HERE/http_load.c" -lm -lpthread || die "cannot build bench/http_load.c"

# timed NAME COMMAND...: runs COMMAND, its standard output in $R/NAME.out and
# standard error in $R/NAME.err; records NAME.wall (seconds) and NAME.rss (KiB,
# the peak of the largest process of the command's tree). Returns its status.
timed() {
    local name=$1
    shift
    sync
    local t0 t1 st
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$R/$name.time" "$@" >"$R/$name.out" 2>"$R/$name.err"
    st=$?
    t1=$(date +%s%N)
    put "$name.wall" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
    put "$name.rss" "$(tail -n 1 "$R/$name.time")"
    if [ $st -ne 0 ]; then
        echo "bench: $name failed (status $st):" >&2
        tail -n 20 "$R/$name.err" >&2
    fi
    return $st
}

FAILED=0
check() { # check KIND PEER_FILE NAME: compare with chiso's answer
    local chiso_file=$R/chiso.csv
    [ "$1" = ranks ] && chiso_file=$R/chiso.ranks.csv
    if "$PY" "$HERE/compare.py" "$1" "$chiso_file" "$2" "$3" >"$R/check-$3-$1.txt"; then
        cat "$R/check-$3-$1.txt"
        put "check.$3.$1" ok
    else
        cat "$R/check-$3-$1.txt" >&2
        put "check.$3.$1" MISMATCH
        FAILED=1
    fi
}

# http_ingest: `chiso serve` on $R/chiso.db, bench/http_load against it (its
# key=value figures go into results.env), SIGTERM, "stopped" checked.
# Returns non-zero when anything failed.
http_ingest() {
    local token port t0 st sst
    token=$("$CHISO" token create --db "$R/chiso.db" --unit VN --role admin \
        --note bench) || { echo "bench: chiso token create failed" >&2; return 1; }
    sync
    t0=$(date +%s%N)
    "$CHISO" serve --db "$R/chiso.db" --listen 127.0.0.1:0 --quiet \
        >"$R/http.serve.out" 2>"$R/http.serve.err" &
    SERVE_PID=$!
    for _ in $(seq 600); do # up to 60 s: the server rebuilds the live state
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$R/http.serve.out")
        [ -n "$port" ] && break
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "bench: chiso serve did not start:" >&2
        tail -n 20 "$R/http.serve.err" >&2
        kill -TERM "$SERVE_PID" 2>/dev/null
        wait "$SERVE_PID" 2>/dev/null
        SERVE_PID=""
        return 1
    fi
    put http.serve_start_s "$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
    # shellcheck disable=SC2086
    "$R/http_load" -c "$HTTP_CLIENTS" -r "$HTTP_ROUNDS" -s "$HTTP_SSE_BATCHES" \
        -p "$SERVE_PID" -o "$R/http" "127.0.0.1:$port" "$token" $HTTP_FILES \
        >"$R/http.env" 2>"$R/http.err"
    st=$?
    cat "$R/http.env" >>"$R/results.env"
    cat "$R/http.err" >&2
    kill -TERM "$SERVE_PID"
    wait "$SERVE_PID"
    sst=$?
    SERVE_PID=""
    if grep -qx stopped "$R/http.serve.out" && [ $sst = 0 ]; then
        put http.stopped yes
    else
        put http.stopped "no (exit status $sst)"
        echo "bench: chiso serve did not stop cleanly (status $sst):" >&2
        tail -n 20 "$R/http.serve.err" >&2
        st=1
    fi
    grep -E '^http\.(records_per_s|req_median_ms|req_p99_ms|sse_p50_ms|sse_p99_ms)=' "$R/http.env"
    [ $st = 0 ]
}

# --- machine ----------------------------------------------------------------
put mode "$MODE"
put seed "$SEED"
put cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
put cores "$(nproc)"
put mem_kib "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
put disk "$(df -PT "$OUT" | awk 'NR == 2 { printf "%s (%s), %.0f GiB, %.0f GiB free", $1, $2, $3 / 1048576, $5 / 1048576 }')"
put kernel "$(uname -sr)"
put loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"
put chiso_rev "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
put duckdb_version "$(cd "$HERE" && node -e "import('@duckdb/node-api').then(async m => { const i = await m.DuckDBInstance.create(':memory:'); const c = await i.connect(); const r = await c.runAndReadAll('select version()'); console.log(r.getRows()[0][0] + ' (@duckdb/node-api ' + require('./node_modules/@duckdb/node-api/package.json').version + ')'); })")"
put sqlite_version "$(sqlite3 --version | cut -d' ' -f1)"
put pg_version "$(/usr/lib/postgresql/15/bin/postgres --version | sed 's/.*) //')"
put node_version "$(node --version)"
put python_version "$("$PY" --version | cut -d' ' -f2)"
put sizes "$SIZES"
put main "$MAIN"
put batches "$BATCHES"
put batch_lines "$BATCH_LINES"
put http.seed "$HTTP_SEED"
put http.dossiers "$HTTP_DOSSIERS"

# --- 1. data ----------------------------------------------------------------
say "data: chiso demo --seed $SEED, sizes $SIZES"
for n in $SIZES; do
    f=$R/bulk-$n.ndjson
    "$CHISO" demo --no-load --out "$f" --dossiers "$n" --seed "$SEED" >/dev/null ||
        die "chiso demo --dossiers $n failed"
    chmod a+r "$f"
    put "data.$n.lines" "$(wc -l <"$f")"
    put "data.$n.bytes" "$(stat -c %s "$f")"
done
BULK=$R/bulk-$MAIN.ndjson
say "data: $BATCHES freshness batches of $BATCH_LINES lines"
"$PY" "$HERE/gen_batches.py" --bulk "$BULK" --data "$ROOT/data" --out "$R/batches" \
    --batches "$BATCHES" --lines "$BATCH_LINES" --seed "$SEED" | tee "$R/gen_batches.txt" ||
    die "gen_batches.py failed"
chmod -R a+rX "$R/batches"
BATCH_FILES=$(ls "$R"/batches/batch-*.ndjson)
UNITS=$R/batches/units.csv
OLD=$R/batches/old_province.csv
HTTP_NEED=$((HTTP_ROUNDS * HTTP_ROUND_BATCHES + HTTP_SSE_BATCHES))
say "data: HTTP batches, chiso demo --seed $HTTP_SEED, $HTTP_DOSSIERS dossiers"
# The demo's codes are DEMO-2025-<sequence> whatever the seed: renamed, so that
# every dossier is one the bulk-loaded server has not seen.
"$CHISO" demo --no-load --out "$R/http.ndjson" --dossiers "$HTTP_DOSSIERS" \
    --seed "$HTTP_SEED" >/dev/null || die "chiso demo --dossiers $HTTP_DOSSIERS failed"
mkdir -p "$R/http-batches"
sed 's/^{"MaHoSo":"DEMO-/{"MaHoSo":"HTTP-/' "$R/http.ndjson" |
    split -l "$BATCH_LINES" -a 5 -d --additional-suffix=.ndjson - "$R/http-batches/b-" ||
    die "cannot split the HTTP batches"
put http.data_lines "$(wc -l <"$R/http.ndjson")"
rm -f "$R/http.ndjson"
if grep -qv '^{"MaHoSo":"HTTP-' "$R"/http-batches/b-*.ndjson; then
    die "a line of the HTTP batches does not start with a renamed MaHoSo"
fi
HTTP_FILES=$(printf '%s\n' "$R"/http-batches/b-*.ndjson | head -n "$HTTP_NEED")
# shellcheck disable=SC2086
if [ "$(echo "$HTTP_FILES" | wc -l)" != "$HTTP_NEED" ] ||
    [ "$(cat $HTTP_FILES | wc -l)" != $((HTTP_NEED * BATCH_LINES)) ]; then
    die "need $HTTP_NEED HTTP batches of $BATCH_LINES lines; raise HTTP_DOSSIERS"
fi

# --- 2. growth ----------------------------------------------------------------
for n in $SIZES; do
    [ "$n" = "$MAIN" ] && continue
    say "growth: chiso load, $n dossiers"
    rm -f "$R/growth.db"*
    timed "growth.$n.load" "$CHISO" load --db "$R/growth.db" --quiet --arrived-at "$ARRIVED" \
        "$R/bulk-$n.ndjson" || die "chiso load failed"
    "$CHISO" info --db "$R/growth.db" --format json >"$R/growth.$n.info.json" ||
        die "chiso info failed"
    put "growth.$n.db_bytes" "$(du -cb "$R/growth.db"* | tail -n 1 | cut -f1)"
    rm -f "$R/growth.db"* "$R/bulk-$n.ndjson"
done

# --- 3 and 4: chiso -----------------------------------------------------------
say "chiso: bulk ($MAIN dossiers)"
rm -f "$R/chiso.db"*
timed chiso.load "$CHISO" load --db "$R/chiso.db" --quiet --arrived-at "$ARRIVED" "$BULK" ||
    die "chiso load failed"
cat "$R/chiso.load.out"
timed chiso.measures "$CHISO" measures --db "$R/chiso.db" --period 2025 --by month --rollup \
    --format csv || die "chiso measures failed"
mv "$R/chiso.measures.out" "$R/chiso.csv"
"$CHISO" info --db "$R/chiso.db" --format json >"$R/chiso.info.json" || die "chiso info failed"
put chiso.db_bytes "$(du -cb "$R/chiso.db"* | tail -n 1 | cut -f1)"
say "chiso: freshness ($BATCHES batches)"
# shellcheck disable=SC2086
timed chiso.fresh "$R/fresh" "$R/chiso.db" "$R/chiso.ranks.csv" "$R/chiso.times.tsv" \
    "$FRESH_UNIX" $BATCH_FILES || die "bench/fresh failed"

say "chiso: HTTP ingest ($HTTP_CLIENTS clients, $HTTP_ROUNDS x $HTTP_ROUND_BATCHES batches, then $HTTP_SSE_BATCHES one at a time)"
if http_ingest; then
    put http.status ok
else
    put http.status FAILED
    FAILED=1
fi
rm -f "$R/chiso.db"*

# --- DuckDB ---------------------------------------------------------------------
say "duckdb: bulk"
rm -f "$R/duck.duckdb"*
if timed duckdb.bulk node "$HERE/peer_duckdb.mjs" bulk "$R/duck.duckdb" "$UNITS" "$OLD" \
    "$BULK" "$ARRIVED" "$R/duckdb.csv"; then
    put duckdb.db_bytes "$(du -cb "$R/duck.duckdb"* | tail -n 1 | cut -f1)"
    put duckdb.threads "$(sed -n 's/.*, \([0-9]*\) threads$/\1/p' "$R/duckdb.bulk.err")"
    check measures "$R/duckdb.csv" duckdb
    say "duckdb: freshness"
    # shellcheck disable=SC2086
    timed duckdb.fresh node "$HERE/peer_duckdb.mjs" fresh "$R/duck.duckdb" \
        "$R/duckdb.ranks.csv" "$R/duckdb.times.tsv" "$FRESH_WALL" $BATCH_FILES &&
        check ranks "$R/duckdb.ranks.csv" duckdb || FAILED=1
else
    FAILED=1
fi
rm -f "$R/duck.duckdb"*

# --- SQLite ----------------------------------------------------------------------
say "sqlite: bulk"
if timed sqlite.bulk "$PY" "$HERE/peer_sqlite.py" bulk "$R/sqlite.db" "$UNITS" "$OLD" \
    "$BULK" "$ARRIVED" "$R/sqlite.csv"; then
    put sqlite.db_bytes "$(du -cb "$R/sqlite.db"* | tail -n 1 | cut -f1)"
    check measures "$R/sqlite.csv" sqlite
    say "sqlite: freshness"
    # shellcheck disable=SC2086
    timed sqlite.fresh "$PY" "$HERE/peer_sqlite.py" fresh "$R/sqlite.db" \
        "$R/sqlite.ranks.csv" "$R/sqlite.times.tsv" "$FRESH_WALL" $BATCH_FILES &&
        check ranks "$R/sqlite.ranks.csv" sqlite || FAILED=1
else
    FAILED=1
fi
rm -f "$R/sqlite.db"*

# --- PostgreSQL ------------------------------------------------------------------
say "postgresql: start a server"
PGDIR=$(mktemp -d "$OUT/pg.XXXXXX")
if PGPORT=$("$HERE/pg.sh" start "$PGDIR"); then
    export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=postgres
    cp "$PGDIR/data/postgresql.conf" "$R/postgresql.conf"
    say "postgresql: bulk"
    if timed pg.bulk "$PY" "$HERE/peer_pg.py" bulk "$UNITS" "$OLD" "$BULK" "$ARRIVED" \
        "$R/postgresql.csv"; then
        put pg.db_bytes "$(psql -Atc "SELECT pg_total_relation_size('dossier')")"
        check measures "$R/postgresql.csv" postgresql
        say "postgresql: freshness"
        # shellcheck disable=SC2086
        timed pg.fresh "$PY" "$HERE/peer_pg.py" fresh "$R/postgresql.ranks.csv" \
            "$R/postgresql.times.tsv" "$FRESH_WALL" $BATCH_FILES &&
            check ranks "$R/postgresql.ranks.csv" postgresql || FAILED=1
    else
        FAILED=1
    fi
    "$HERE/pg.sh" stop "$PGDIR"
    rm -rf "$PGDIR"
    PGDIR=""
else
    echo "bench: the PostgreSQL server did not start" >&2
    FAILED=1
fi

# --- 5. report ------------------------------------------------------------------
put failed "$FAILED"
put loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
put total_seconds "$(($(date +%s) - START))"
say "report"
"$PY" "$HERE/report.py" "$R" "$RESULTS" || die "report.py failed"
echo "bench: wrote $RESULTS"
if [ "$FAILED" != 0 ]; then
    echo "bench: FAILED: a system failed or a peer's answers differ from chiso's (see above)" >&2
    exit 1
fi
