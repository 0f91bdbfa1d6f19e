#!/bin/sh
# Installs the Debian packages chiso needs to build and test. As root it runs
# apt-get; otherwise it prints the exact command to run.
set -eu
PKGS="build-essential pkg-config clang libsqlite3-dev sqlite3 libjansson-dev
libsodium-dev libzstd-dev libmicrohttpd-dev python3"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
# The dashboard's build runs `npm ci` (uPlot): node and npm, from Debian
# only when the machine has none (a newer node from elsewhere is fine).
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
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
