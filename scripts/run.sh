#!/bin/sh
# run.sh - install what is missing, build, and run rampart in the foreground
# with etc/rampart.conf (logging to standard error). Run as root from the
# top of the source tree. Stop with Ctrl-C; reload with kill -USR1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/deps.sh"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" >/dev/null
# The shipped config runs as user rampart with its state in /var/lib/rampart.
mkdir -p /var/lib/rampart
id rampart >/dev/null 2>&1 || adduser --system --group --home /var/lib/rampart --no-create-home rampart >/dev/null
install -d -o rampart -g rampart -m 0750 /var/lib/rampart /run/rampart
exec "$top/build/milter/rampart" -f -c "$top/etc/rampart.conf"
