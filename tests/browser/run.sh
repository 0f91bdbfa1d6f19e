#!/usr/bin/env bash
# run.sh — chiso's browser tests: the dashboard in Debian's headless chromium.
#
# Makes a temporary database with `chiso demo`, starts `chiso serve` on a free
# port with --public-read and an admin token, runs dashboard.test.mjs (Node,
# playwright-core, /usr/bin/chromium; Playwright's own browsers are never
# downloaded) and stops the server. When the tree has no dashboard (GET /
# answers 404) the suite is skipped with a message and counts as passed, so a
# tree without it still passes `make test`.
#
# Usage (from the top of the tree): CHISO=./chiso tests/browser/run.sh
# Environment: CHISO (default ./chiso), DOSSIERS (demo size, default 20000),
# CHROMIUM (default /usr/bin/chromium), KEEP=1 keeps the temporary directory.
# Last line: "N passed, M failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
DOSSIERS=${DOSSIERS:-20000}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

CHISO=${CHISO:-./chiso}
case $CHISO in
/*) ;;
*/*) CHISO=$PWD/$CHISO ;;
*) CHISO=$(command -v "$CHISO") ;;
esac
if [ ! -x "$CHISO" ]; then
    echo "browser run.sh: no chiso binary at '$CHISO' (set CHISO)" >&2
    exit 1
fi
for tool in node npm curl; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "browser run.sh: $tool not found (make deps)" >&2
        exit 1
    }
done
if [ ! -x "$CHROMIUM" ]; then
    echo "browser run.sh: no chromium at $CHROMIUM (make deps installs Debian's)" >&2
    exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/chiso-browser.XXXXXX") || exit 1
SERVER=
cleanup() {
    if [ -n "$SERVER" ]; then
        kill -TERM "$SERVER" 2>/dev/null
        wait "$SERVER" 2>/dev/null
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "browser run.sh: kept $T"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "browser run.sh: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

if [ ! -d "$HERE/node_modules/playwright-core" ]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$HERE" --no-audit --no-fund \
        >"$T/npm.log" 2>&1 || { cat "$T/npm.log" >&2; fail "npm ci failed"; }
fi

DB=$T/demo.db
"$CHISO" demo --db "$DB" --dossiers "$DOSSIERS" >"$T/demo.out" 2>&1 ||
    { cat "$T/demo.out" >&2; fail "chiso demo failed"; }
TOKEN=$("$CHISO" token create --db "$DB" --unit VN --role admin 2>"$T/token.err") ||
    { cat "$T/token.err" >&2; fail "chiso token create failed"; }

"$CHISO" serve --db "$DB" --listen 127.0.0.1:0 --quiet --public-read \
    >"$T/serve.out" 2>&1 &
SERVER=$!
ADDR=
for _ in $(seq 100); do
    ADDR=$(sed -n 's/^listening on \([0-9.]*:[0-9]*\).*/\1/p' "$T/serve.out")
    [ -n "$ADDR" ] && break
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
done
[ -n "$ADDR" ] || { cat "$T/serve.out" >&2; fail "chiso serve did not start"; }
BASE=http://$ADDR

status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/")
if [ "$status" = 404 ]; then
    echo "browser tests skipped: GET / answers 404 (no dashboard in this tree)"
    echo "0 passed, 0 failed"
    exit 0
fi

# The tests print their own lines; their tally is held back and printed last,
# once the server's clean stop has been checked too.
BASE=$BASE TOKEN=$TOKEN CHROMIUM=$CHROMIUM node "$HERE/dashboard.test.mjs" 2>&1 |
    tee "$T/tests.out" | grep -v '^[0-9]* passed, [0-9]* failed$'
tally=$(tail -n 1 "$T/tests.out")
PASS=$(echo "$tally" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
FAILED=$(echo "$tally" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$PASS" ]; then
    echo "$tally"
    PASS=0 FAILED=1
    echo "FAIL dashboard.test.mjs: no tally line"
fi

# A clean stop: "stopped", exit status 0, and no sanitizer report (under
# SAN=address,undefined the server's reports land in serve.out).
kill -TERM "$SERVER" 2>/dev/null
wait "$SERVER" 2>/dev/null
st=$?
SERVER=
if grep -q '^stopped' "$T/serve.out" && [ "$st" = 0 ] &&
    ! grep -q 'Sanitizer\|runtime error:' "$T/serve.out"; then
    PASS=$((PASS + 1))
    echo "ok server stops cleanly after the browser tests"
else
    FAILED=$((FAILED + 1))
    echo "FAIL server stop: expected \"stopped\", status 0 and no sanitizer report, got status $st: $(grep -m1 'Sanitizer\|runtime error:' "$T/serve.out" || tail -n 1 "$T/serve.out")"
fi
echo "$PASS passed, $FAILED failed"
[ "$FAILED" = 0 ]
