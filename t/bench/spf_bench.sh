#!/bin/bash
# spf_bench.sh SPF_BENCH: SPF checks/s through rampart (spf_bench, threads,
# warm cache) and through policyd-spf (processes speaking the Postfix
# policy protocol), both against one NSD serving t/data/zones/ on
# 127.0.0.2:53. policyd-spf (pyspf, py3dns) reads /etc/resolv.conf, so it
# runs in its own mount namespace (unshare -m) with a resolv.conf naming
# 127.0.0.2 bound over /etc/resolv.conf. Prints both rates and the ratio;
# a figure, not a pass/fail test. Needs root and postfix-policyd-spf-python.
set -u
here=$(cd "$(dirname "$0")" && pwd)
THREADS=${SPF_BENCH_THREADS:-4}
PER_THREAD=${SPF_BENCH_CHECKS:-50000}
PY_PER_PROC=${SPF_BENCH_PY_CHECKS:-1000}
ADDR=127.0.0.2

if [ "$(id -u)" != 0 ] || [ ! -x /usr/bin/policyd-spf ]; then
	echo "spf_bench: needs root and /usr/bin/policyd-spf (postfix-policyd-spf-python); skipped"
	exit 0
fi
. "$here/../dns/servers.sh"
rundir=$(mktemp -d /tmp/rampart-spfbench.XXXXXX)
cleanup() { stop_all "$rundir"; rm -rf "$rundir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

start_nsd "$rundir" $ADDR 53 >/dev/null || { echo "spf_bench: NSD did not start on $ADDR:53" >&2; exit 1; }

out1=$("$1" $ADDR 53 "$THREADS" "$PER_THREAD") || { echo "$out1"; exit 1; }
echo "$out1"
echo "nameserver $ADDR" >"$rundir/resolv.conf"
out2=$(unshare -m /bin/sh -c "mount --bind '$rundir/resolv.conf' /etc/resolv.conf && \
	/usr/bin/python3 '$here/spf_policyd.py' '$THREADS' '$PY_PER_PROC'") \
	|| { echo "$out2"; exit 1; }
echo "$out2"
r1=$(echo "$out1" | sed -n 's/.*: \([0-9]*\) checks\/s$/\1/p')
r2=$(echo "$out2" | sed -n 's/.*: \([0-9]*\) checks\/s$/\1/p')
if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -gt 0 ]; then
	awk -v a="$r1" -v b="$r2" 'BEGIN { printf "ratio rampart/policyd-spf: %.1fx\n", a / b }'
fi
