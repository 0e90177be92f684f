#!/bin/bash
# run-dns-test.sh TESTNS_DATA PROGRAM [ARGS...]: start NSD (t/data/zones/)
# and ldns-testns playing TESTNS_DATA on free ports, run
# PROGRAM NSD_PORT TESTNS_PORT [ARGS...], always stop the servers.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/servers.sh"
rundir=$(mktemp -d /tmp/rampart-dns.XXXXXX)
cleanup() { stop_all "$rundir"; rm -rf "$rundir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

nsd_port=$(start_nsd "$rundir") || { echo "cannot start nsd" >&2; exit 1; }
testns_port=$(start_testns "$rundir" testns "$1") || { echo "cannot start ldns-testns" >&2; exit 1; }
prog=$2
shift 2
"$prog" "$nsd_port" "$testns_port" "$@"
