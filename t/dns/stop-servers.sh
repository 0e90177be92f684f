#!/bin/bash
# stop-servers.sh RUNDIR: stop every server the start-* scripts started there.
. "$(dirname "$0")/servers.sh"
[ -n "$1" ] || { echo "usage: $0 RUNDIR" >&2; exit 2; }
stop_all "$1"
