#!/bin/bash
# run-spf-test.sh PROGRAM [ARGS...]: start NSD (t/data/zones/) and
# ldns-testns (t/spf/faults.data) on free ports, run
# PROGRAM NSD_PORT TESTNS_PORT [ARGS...], always stop the servers.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../dns/servers.sh"
rundir=$(mktemp -d /tmp/rampart-spf.XXXXXX)
cleanup() { stop_all "$rundir"; rm -rf "$rundir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

nsd_port=$(start_nsd "$rundir") || { echo "cannot start nsd" >&2; exit 1; }
testns_port=$(start_testns "$rundir" spffaults "$here/faults.data") \
	|| { echo "cannot start ldns-testns" >&2; exit 1; }
prog=$1
shift
"$prog" "$nsd_port" "$testns_port" "$@"
