#!/bin/bash
# dns_bench.sh PROGRAM: start ldns-testns with the slow bench zones (8 extra
# instances, so 8 one-second answers can be worked on at once), run the DNS
# benchmark, always stop the server. Prints figures; fails only if the
# benchmark cannot run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../dns/servers.sh"
rundir=$(mktemp -d /tmp/rampart-dnsbench.XXXXXX)
cleanup() { stop_all "$rundir"; rm -rf "$rundir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(start_testns "$rundir" bench "$TESTNS_DIR/bench.data" -f 8) \
	|| { echo "cannot start ldns-testns" >&2; exit 1; }
"$1" "$port"
