#!/bin/bash
# kill -9 durability: a writer commits greylist decisions from 4 threads and
# acknowledges each one after its commit; it is killed with SIGKILL mid-run
# (three rounds on the same database, so each reopen also clears the stale
# reader slots of the killed process). Every acknowledged entry must be there.
# usage: killtest.sh GREY_WRITER
set -u
W=$1
D=$(mktemp -d /tmp/rampart-kill9-XXXXXX)
trap 'rm -rf "$D"' EXIT
DB=$D/greylist.lmdb
fail=0
for round in 0 1 2; do
	"$W" write "$DB" 4 $((round * 4)) > "$D/ack$round" 2> "$D/err$round" &
	pid=$!
	# wait until a few thousand commits are acknowledged (bounded wait)
	for _ in $(seq 1 600); do
		n=$(wc -l < "$D/ack$round")
		[ "$n" -ge 3000 ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	kill -9 $pid
	wait $pid 2>/dev/null
	status=$?
	if [ $status -ne 137 ]; then
		echo "round $round: writer ended with status $status, not by SIGKILL:"; cat "$D/err$round"
		fail=1
	fi
	n=$(wc -l < "$D/ack$round")
	if [ "$n" -lt 3000 ]; then
		echo "round $round: only $n acknowledged"; fail=1
	fi
	out=$("$W" verify "$DB" "$D/ack$round")
	rc=$?
	echo "round $round: $out"
	[ $rc -eq 0 ] || fail=1
done
# all rounds together: nothing acknowledged in round 0 was lost later
cat "$D"/ack0 "$D"/ack1 "$D"/ack2 | grep -E '^[0-9]+ [0-9]+$' > "$D/all"
out=$("$W" verify "$DB" "$D/all") || fail=1
echo "all rounds: $out"
[ $fail -eq 0 ] && echo "kill -9 test passed"
exit $fail
