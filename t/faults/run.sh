#!/bin/bash
# run.sh RAMPART_BIN NAME [SHIM] [PRLIMIT_OPTS] - run the miltertest script
# t/faults/NAME.lua against a rampart started with t/milter/common.conf
# followed by t/faults/NAME.conf, as t/milter/run.sh does (@DIR@, @NSPORT@,
# t/milter/lib.lua), and besides:
#   @FS@      a tmpfs of 1 MiB mounted for the test at DIR/fs (needs root:
#             without it the test is skipped, exit 77)
#   @RODIR@   DIR/ro, a directory where chattr +i makes a file refuse
#             writes even through a descriptor opened before (ext4 does,
#             tmpfs does not: the test is skipped where it is not so)
#   SHIM      a library preloaded into rampart ("-" for none)
#   PRLIMIT   options for prlimit(1) that rampart starts under
# The Lua script also gets RAMPART_FS (the tmpfs) and RAMPART_FAULT (a path
# the shim watches). The tmpfs is unmounted and every file made mutable
# again on the way out.
set -u
bin=$1 name=$2 shim=${3:--} plim=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
mtdir=$here/../milter
conf=$(cat "$mtdir/common.conf" "$here/$name.conf")
case $conf in *@FS@*|*@RODIR@*)
	if [ "$(id -u)" != 0 ]; then echo "skipped: needs root (mount -t tmpfs, chattr)"; exit 77; fi ;;
esac
dir=$(mktemp -d /tmp/rampart-fault.XXXXXX)
pid= fs=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$pid" 2>/dev/null
	fi
	stop_all "$dir"
	[ -d "$dir/ro" ] && chattr -R -i "$dir/ro" 2>/dev/null
	[ -n "$fs" ] && umount "$fs" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$here/../dns/servers.sh"

case $conf in *@FS@*)
	mkdir "$dir/fs"
	mount -t tmpfs -o size=1m,mode=0700 rampart-faults "$dir/fs" ||
		{ echo "skipped: cannot mount a tmpfs"; exit 77; }
	fs=$dir/fs ;;
esac
case $conf in *@RODIR@*)
	mkdir "$dir/ro"
	probe=$dir/ro/probe
	: > "$probe"
	exec 9<>"$probe"
	refused=no
	if chattr +i "$probe" 2>/dev/null; then
		printf x >&9 2>/dev/null || refused=yes
		chattr -i "$probe"
	fi
	exec 9>&-
	rm -f "$probe"
	if [ $refused != yes ]; then
		echo "skipped: chattr +i does not refuse writes to open files under $dir"; exit 77
	fi ;;
esac
nsport=
case $conf in *@NSPORT@*) nsport=$(start_nsd "$dir") || { echo "cannot start NSD"; exit 1; } ;; esac
printf '%s\n' "$conf" | sed "s|@DIR@|$dir|g; s|@FS@|$dir/fs|g; s|@RODIR@|$dir/ro|g; s|@NSPORT@|$nsport|g" > "$dir/rampart.conf"

pre=()
[ -n "$plim" ] && pre=(prlimit $plim)
if [ "$shim" != - ]; then
	LD_PRELOAD=$shim RAMPART_FAULT=$dir/fault ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
		"${pre[@]}" "$bin" -f -c "$dir/rampart.conf" 2>"$dir/log" &
else
	"${pre[@]}" "$bin" -f -c "$dir/rampart.conf" 2>"$dir/log" &
fi
pid=$!
for _ in $(seq 1 100); do
	[ -S "$dir/sock" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
if [ ! -S "$dir/sock" ]; then
	echo "rampart did not start:"; cat "$dir/log"; exit 1
fi

RAMPART_SOCKET="unix:$dir/sock" RAMPART_LOG="$dir/log" RAMPART_CONF="$dir/rampart.conf" \
RAMPART_PID=$pid RAMPART_DIR=$dir RAMPART_FS=$dir/fs RAMPART_FAULT=$dir/fault \
MT_LIB="$mtdir/lib.lua" miltertest -s "$here/$name.lua"
rc=$?
kill -0 "$pid" 2>/dev/null || { echo "rampart died during the test"; rc=1; }
if [ $rc -ne 0 ]; then
	echo "---- rampart log ----"; cat "$dir/log"
fi
exit $rc
