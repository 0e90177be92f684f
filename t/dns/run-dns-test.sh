#!/bin/bash
# run-dns-test.sh PROGRAM: start NSD and ldns-testns on free ports, run
# PROGRAM NSD_PORT TESTNS_PORT, always stop the servers.
set -u
here=$(dirname "$0")
. "$here/servers.sh"
rundir=$(mktemp -d /tmp/rampart-dns.XXXXXX)
cleanup() { stop_all "$rundir"; rm -rf "$rundir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

nsd_port=$(start_nsd "$rundir") || { echo "cannot start nsd" >&2; exit 1; }
testns_port=$(start_testns "$rundir" faults "$TESTNS_DIR/faults.data") \
	|| { echo "cannot start ldns-testns" >&2; exit 1; }
"$1" "$nsd_port" "$testns_port"
