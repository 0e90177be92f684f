#!/bin/bash
# start-nsd.sh RUNDIR: start NSD on a free port of 127.0.0.1 and ::1 with the
# zones of t/data/zones/, print the port. Stop it with: stop-servers.sh RUNDIR
set -e
. "$(dirname "$0")/servers.sh"
[ -n "$1" ] || { echo "usage: $0 RUNDIR" >&2; exit 2; }
mkdir -p "$1"
start_nsd "$1"
