#!/usr/bin/env bash
# run.sh — chiso's integration test, an independent reference check.
#
# It generates dossier batches (gen_dossiers.py), computes what chiso must answer
# with plain SQLite (reference.sql via reference.py, never chiso's code), loads
# the batches with the real binary into a real SQLite file, and compares:
#   a) each load's refused lines and accepted/replaced/stale counts
#   b) every measure of every unit, every month, with and without --rollup
#   c) the same for quarters, years, day ranges and days, and --unit answers
#   d) after a restart (new processes) and on a copy of the database file
#   e) value and rank of toan_trinh against exact fractions
#   f) the same records loaded as one batch: the same measures, except
#      synced_on_time, which depends on arrival (and matches its own reference)
# plus cli.sh, the command-line contract; openapi_check.py, the HTTP API
# against data/openapi.json; and http_test.py, `chiso serve` over real HTTP
# (ingest against the same reference, the live stream, restart, access
# rules, malformed requests). Each check group counts once.
#
# Usage (from the top of the tree): CHISO=./chiso tests/integration/run.sh
# Environment: CHISO (binary, default ./chiso), SEED, DOSSIERS, KEEP=1 keeps the
# temporary directory for inspection. Last line: "N passed, M failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=$ROOT/data
SEED=${SEED:-20250701}
DOSSIERS=${DOSSIERS:-5000}

CHISO=${CHISO:-./chiso}
case $CHISO in
/*) ;;
*/*) CHISO=$PWD/$CHISO ;;
*) CHISO=$(command -v "$CHISO") ;;
esac
if [ ! -x "$CHISO" ]; then
    echo "run.sh: no chiso binary at '$CHISO' (set CHISO)" >&2
    exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/chiso-it.XXXXXX") || exit 1
cleanup() {
    local pids
    pids=$(jobs -p)
    [ -n "$pids" ] && kill $pids 2>/dev/null
    if [ "${KEEP:-0}" = 1 ]; then
        echo "run.sh: kept $T"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
START=$SECONDS

PASS=0 FAIL=0

die() {
    echo "run.sh: $*" >&2
    FAIL=$((FAIL + 1))
    echo "$PASS passed, $FAIL failed"
    exit 1
}

# Python starts slowly on small machines, so it runs few times: once to
# generate, once per reference, once to compare everything (compare.py PLAN).
py() { python3 "$HERE/$1" "${@:2}"; }

# run OUT COMMAND...: run chiso in the background, at most two at a time (a
# 2-core machine), its standard output in OUT, standard error in OUT.err and
# exit status in OUT.status.
run() {
    local out=$1
    shift
    { "$CHISO" "$@" >"$out" 2>"$out.err"; echo $? >"$out.status"; } &
    if [ "$(jobs -rp | wc -l)" -ge 2 ]; then
        wait -n
    fi
}

# fetch DB DIR MODE PERIOD...: `measures --format csv` for each period into
# DIR/PERIOD.MODE.csv; MODE is own, rollup or both.
fetch() {
    local db=$1 dir=$2 mode=$3 p m
    shift 3
    mkdir -p "$dir"
    for p in "$@"; do
        for m in own rollup; do
            [ "$mode" = both ] || [ "$mode" = "$m" ] || continue
            if [ $m = rollup ]; then
                run "$dir/$p.$m.csv" measures --db "$db" --period "$p" --rollup --format csv
            else
                run "$dir/$p.$m.csv" measures --db "$db" --period "$p" --format csv
            fi
        done
    done
}

# plan CHECK KIND ARG...: one step of a check for compare.py.
PLAN=$T/plan.tsv
plan() {
    local IFS=$'\t'
    echo "$*" >>"$PLAN"
}

# tally NAME OUT: prints the check lines of a sub-test's output OUT and adds
# its last line "N passed, M failed" to the counts (one failure if it lacks it).
tally() {
    local name=$1 out=$2 summary
    grep -v ' passed, .* failed$' "$out"
    summary=$(tail -n 1 "$out")
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        PASS=$((PASS + BASH_REMATCH[1]))
        FAIL=$((FAIL + BASH_REMATCH[2]))
    else
        FAIL=$((FAIL + 1))
        echo "FAIL  $name did not finish: $summary"
    fi
}

# --- cli.sh: the command-line contract --------------------------------------
CHISO=$CHISO "$HERE/cli.sh" >"$T/cli.out" 2>&1
tally cli.sh "$T/cli.out"

# --- openapi_check.py: the HTTP API against data/openapi.json ----------------
CHISO=$CHISO python3 "$HERE/openapi_check.py" >"$T/openapi.out" 2>&1
tally openapi_check.py "$T/openapi.out"

# --- http_test.py: chiso serve over real HTTP ---------------------------------
# It starts its own servers on free ports, one at a time, and prints its
# checks and a "N passed, M failed" line like cli.sh.
CHISO=$CHISO SEED=$SEED python3 "$HERE/http_test.py" >"$T/http.out" 2>&1
tally http_test.py "$T/http.out"

# --- generate, compute the reference, load ----------------------------------
G=$T/gen
py gen_dossiers.py --out "$G" --seed "$SEED" --dossiers "$DOSSIERS" ||
    die "gen_dossiers.py failed"
# Periods besides the months: quarters on both sides of the merger, a year, day
# ranges across the merger and across the new year, and the merger day itself.
OTHER=(2025Q2 2025Q3 2025 2025-06-15..2025-07-15 2024-12-20..2025-01-10 2025-07-01)
# Periods asked again after a restart and on the copied database file.
AGAIN=(2025-06 2025-07 2025Q3 2025)
VALUE_PERIODS=(2025-07 2025-08)
py reference.py --data "$DATA" --manifest "$G/manifest.tsv" --db "$T/ref.sqlite" \
    --out "$T/exp" --values "${VALUE_PERIODS[@]}" -- "${OTHER[@]}" >"$T/ref.log" 2>&1 &
ref_pid=$!
py reference.py --data "$DATA" --manifest "$G/manifest-all.tsv" --db "$T/ref-all.sqlite" \
    --out "$T/exp-all" >"$T/ref-all.log" 2>&1 &
ref_all_pid=$!

# The batches, one `chiso load` each with its arrival time, into a fresh file;
# every chiso process opens the file anew, so each load is also a restart.
mkdir -p "$T/db" "$T/db2" "$T/copy" "$T/got"
DB=$T/db/chiso.db DB2=$T/db2/chiso.db
NFILES=0
while IFS=$'\t' read -r name arrived; do
    NFILES=$((NFILES + 1))
    "$CHISO" load --db "$DB" --quiet --arrived-at "$arrived" --format json "$G/$name" \
        >"$T/got/load$NFILES.json" 2>"$T/got/load$NFILES.json.err"
    echo $? >"$T/got/load$NFILES.json.status"
done <"$G/manifest.tsv"
# The same lines as one batch with one arrival time, into another file.
IFS=$'\t' read -r all_name all_arrived <"$G/manifest-all.tsv"
"$CHISO" load --db "$DB2" --quiet --arrived-at "$all_arrived" --format json "$G/$all_name" \
    >"$T/got/load-all.json" 2>"$T/got/load-all.json.err"
echo $? >"$T/got/load-all.json.status"
# A copy of the database file (with any -wal or -shm beside it) after the loads.
cp "$DB"* "$T/copy/" || die "cannot copy the database file"

wait $ref_pid || { cat "$T/ref.log"; die "reference.py failed"; }
wait $ref_all_pid || { cat "$T/ref-all.log"; die "reference.py (one batch) failed"; }
mapfile -t MONTHS <"$T/exp/months.txt"
[ ${#MONTHS[@]} -gt 0 ] || die "the reference found no months"
echo "      $(cat "$G"/batch*.ndjson | wc -l) lines in $NFILES batches," \
    "months ${MONTHS[0]}..${MONTHS[${#MONTHS[@]} - 1]}, $((SECONDS - START)) s so far"

# --- a) load reports ---------------------------------------------------------
for i in $(seq 1 "$NFILES"); do
    plan "a) load batch$i: refused lines, accepted/replaced/stale counts" load \
        "$G/batch$i.refused" "$T/exp/counts.json" "$i" "$T/got/load$i.json" \
        "$T/got/load$i.json.status"
done

# --- b) every unit, every month, own records and rollup -----------------------
fetch "$DB" "$T/got" both "${MONTHS[@]}" "${OTHER[@]}"
for p in "${MONTHS[@]}"; do
    for m in own rollup; do
        plan "b) measures $p ($m)" measures "$T/exp/$p.$m.csv" "$T/got/$p.$m.csv"
    done
done

# --- c) quarters, years, ranges, days; --unit --------------------------------
for p in "${OTHER[@]}"; do
    for m in own rollup; do
        plan "c) measures $p ($m)" measures "$T/exp/$p.$m.csv" "$T/got/$p.$m.csv"
    done
done
for um in VN.rollup 79.rollup 79.own BCA.own 00004.own; do
    u=${um%.*} m=${um#*.}
    r=()
    [ "$m" = rollup ] && r=(--rollup)
    run "$T/got/unit-$um.csv" measures --db "$DB" --period 2025Q3 --unit "$u" "${r[@]}" \
        --format csv
    plan "c) measures --unit (VN, a province, a ministry, a commune; own and rollup)" \
        unit-row "$T/exp/2025Q3.$m.csv" "$T/got/unit-$um.csv"
done

# --- d) restart and a copy of the database file ------------------------------
# Every chiso command is a new process that re-opens the file, so b) and c)
# already ran after a restart; these ask again, later, in new processes.
fetch "$DB" "$T/again" both "${AGAIN[@]}"
fetch "$T/copy/chiso.db" "$T/got-copy" both "${AGAIN[@]}"
for p in "${AGAIN[@]}"; do
    for m in own rollup; do
        plan "d) restart: asked again in new chiso processes" measures \
            "$T/exp/$p.$m.csv" "$T/again/$p.$m.csv"
        plan "d) a copy of the database file gives identical answers" identical \
            "$T/got/$p.$m.csv" "$T/got-copy/$p.$m.csv"
    done
done

# --- e) value and rank of toan_trinh -----------------------------------------
mkdir -p "$T/value"
n=0
while read -r p u; do
    n=$((n + 1))
    run "$T/value/$n.json" value --db "$DB" --indicator toan_trinh --period "$p" --unit "$u" \
        --format json
    plan "e) value toan_trinh $p (VN, provinces, ministries, communes, an old code, halves)" \
        value "$T/exp/$p.rollup.csv" "$u" "$T/value/$n.json"
done <"$T/exp/value-picks.txt"
rank() {
    local p=$1 level=$2 within=${3:--}
    local w=()
    [ "$within" != - ] && w=(--within "$within")
    run "$T/got/rank-$p-$level-$within.csv" rank --db "$DB" --indicator toan_trinh \
        --period "$p" --level "$level" "${w[@]}" --format csv
    plan "e) rank toan_trinh $p --level $level${w[*]:+ ${w[*]}}" rank \
        "$T/exp/$p.rollup.csv" "$level" "$within" "$T/got/rank-$p-$level-$within.csv"
}
rank 2025-07 province
rank 2025-08 province
rank 2025Q3 province
rank 2025Q3 ministry
rank 2025Q3 commune 01

# --- f) the same records as one batch ----------------------------------------
plan "f) one batch: refused lines, accepted/replaced/stale counts" load "$G/all.refused" \
    "$T/exp-all/counts.json" 1 "$T/got/load-all.json" "$T/got/load-all.json.status"
# Every month with --rollup (which covers every unit's own records through its
# ancestors) and a few months without.
fetch "$DB2" "$T/got2" rollup "${MONTHS[@]}"
fetch "$DB2" "$T/got2" own 2025-06 2025-07
wait
for f in "$T"/got2/*.csv; do
    b=$(basename "$f")
    # the same as the three batches except synced_on_time, which depends on
    # arrival and follows its own reference (one arrival for every record)
    plan "f) one batch: measures ${b%.csv}" measures "$T/got/$b" "$f" synced_on_time
    plan "f) one batch: measures ${b%.csv}" measures "$T/exp-all/$b" "$f"
done

wait
py compare.py --data "$DATA" "$PLAN" >"$T/compare.out" 2>&1
tally compare.py "$T/compare.out"

echo "      $((SECONDS - START)) s"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
