#!/bin/bash
# start-testns.sh RUNDIR NAME DATAFILE [ldns-testns options]: start ldns-testns
# on a free port of 127.0.0.1, print the port. Stop with stop-servers.sh RUNDIR.
set -e
. "$(dirname "$0")/servers.sh"
[ $# -ge 3 ] || { echo "usage: $0 RUNDIR NAME DATAFILE [options]" >&2; exit 2; }
mkdir -p "$1"
start_testns "$@"
