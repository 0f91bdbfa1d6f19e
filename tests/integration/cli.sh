#!/usr/bin/env bash
# cli.sh — chiso's command-line contract: --help everywhere, usage errors exit 2
# naming the option, a missing input file exits 1 naming the path, and a
# catalogue with an expression error names its line and column.
#
# Usage: CHISO=/abs/path/to/chiso tests/integration/cli.sh
# Prints "ok"/"FAIL" per check and a last line "N passed, M failed"; exits 1
# when a check failed. run.sh calls it and adds its counts to its own summary.
set -u

CHISO=${CHISO:-./chiso}
case $CHISO in
/*) ;;
*/*) CHISO=$PWD/$CHISO ;;
*) CHISO=$(command -v "$CHISO") ;;
esac

T=$(mktemp -d "${TMPDIR:-/tmp}/chiso-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 1

PASS=0 FAIL=0

# check NAME COMMAND...: a check passes when COMMAND exits 0; on failure its
# output says what was expected and what came back.
check() {
    local name=$1
    shift
    if "$@" >"$T/check.out" 2>&1; then
        PASS=$((PASS + 1))
        printf 'ok    cli: %s\n' "$name"
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL  cli: %s\n' "$name"
        sed -e 's/^/      /' "$T/check.out" | head -n 20
    fi
}

# expect STATUS PATTERN... -- COMMAND...: COMMAND exits with STATUS and its
# standard output plus standard error contain every fixed-string PATTERN.
expect() {
    local want=$1
    shift
    local pats=()
    while [ "$1" != -- ]; do
        pats+=("$1")
        shift
    done
    shift
    "$@" >"$T/out" 2>&1
    local got=$?
    local ok=0
    if [ "$got" != "$want" ]; then
        echo "$*: exit status: expected $want, got $got"
        ok=1
    fi
    local p
    for p in "${pats[@]}"; do
        if ! grep -qF -- "$p" "$T/out"; then
            echo "$*: output does not contain '$p'"
            ok=1
        fi
    done
    if [ $ok != 0 ]; then
        echo "output was:"
        head -n 10 "$T/out"
    fi
    return $ok
}

check "chiso --help exits 0" expect 0 "usage: chiso" -- "$CHISO" --help
for cmd in load value rank measures units indicators init demo; do
    check "chiso $cmd --help exits 0" expect 0 "usage: chiso $cmd" -- "$CHISO" "$cmd" --help
done

check "unknown command exits 2 and names it" \
    expect 2 "frobnicate" -- "$CHISO" frobnicate
check "unknown option exits 2 and names it" \
    expect 2 "--no-such-option" -- "$CHISO" measures --db "$T/a.db" --no-such-option
check "unknown option of load exits 2 and names it" \
    expect 2 "--bogus" -- "$CHISO" load --db "$T/a.db" --bogus x.ndjson
for p in 2025-13 2025Q5 2025-02-30 20250701 2025-7 yesterday 2025-06-31..2025-07-01; do
    check "measures --period $p exits 2 and names --period" \
        expect 2 "--period" -- "$CHISO" measures --db "$T/a.db" --period "$p"
done
check "value --period bad exits 2 and names --period" \
    expect 2 "--period" -- "$CHISO" value --db "$T/a.db" --indicator toan_trinh --period 2025-00
check "load --arrived-at bad exits 2 and names --arrived-at" \
    expect 2 "--arrived-at" -- "$CHISO" load --db "$T/a.db" --arrived-at 20250230120000 x.ndjson

missing="$T/no such dir/missing.ndjson"
check "load of a missing file exits 1 and names the path" \
    expect 1 "$missing" -- "$CHISO" load --db "$T/a.db" --quiet "$missing"

# A catalogue whose line 3 has an unclosed parenthesis: the error must name the
# file, line 3, and the column of the '(' that is never closed (column 28
# counting characters, 29 counting bytes, as '×' is two bytes).
printf '[x]\nname_vi = X\nexpr = 100 × full_online / (received\nunit = %%\n' >bad.conf
catalogue_error() {
    "$CHISO" "$@" --catalogue bad.conf >out 2>&1
    local st=$?
    if [ $st = 0 ]; then
        echo "exit status 0 for a catalogue with an error"
        cat out
        return 1
    fi
    if ! grep -qE 'bad\.conf.*line 3.*column (28|29)\b' out; then
        echo "expected a message naming bad.conf, line 3 and column 28 (or 29 in bytes), where the unclosed '(' is; got:"
        cat out
        return 1
    fi
}
check "indicators --catalogue with an expression error names line and column" \
    catalogue_error indicators
check "value --catalogue with an expression error names line and column" \
    catalogue_error value --db "$T/a.db" --indicator toan_trinh --period 2025-07

# Every column the message mentions must be a column of that file line: the
# unclosed '(' is at column 8 of "expr = (100 * full_online / received", and
# the line ends at column 36: never a column counted from the expression start.
printf '[x]\nname_vi = X\nexpr = (100 * full_online / received\n' >paren.conf
paren_columns() {
    "$CHISO" indicators --catalogue paren.conf >out 2>&1
    if ! grep -q 'line 3' out; then
        echo "expected an error naming line 3; got:"
        cat out
        return 1
    fi
    local bad
    bad=$(grep -oE 'column [0-9]+' out | awk '$2 != 8 && $2 != 37' | head -n 1)
    if [ -n "$bad" ]; then
        echo "the '(' is at line 3, column 8 and the line ends at column 36, so ')' is"
        echo "expected at column 37; the message mentions $bad:"
        cat out
        return 1
    fi
}
check "catalogue error columns are columns of the file line" paren_columns

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
