#!/bin/sh
# Installs the Debian packages chiso needs to build and test. As root it runs
# apt-get; otherwise it prints the exact command to run. chromium, nodejs and
# npm are for the browser tests (tests/browser/), which drive Debian's chromium
# with playwright-core and never download Playwright's own browsers.
set -eu
PKGS="build-essential pkg-config clang libsqlite3-dev sqlite3 libjansson-dev
libsodium-dev libzstd-dev libmicrohttpd-dev python3
chromium"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
# The dashboard's build (`npm ci`, uPlot) and the browser tests need node and
# npm. They may come from elsewhere (NodeSource ships npm inside nodejs, and
# Debian's npm package conflicts with it): ask for Debian's only when missing.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
    echo "deps: missing packages; run:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
