#!/bin/sh
# fuzz.sh [TARGET|all] [SECONDS] - build the libFuzzer targets with clang in
# build-fuzz/ (-DRAMPART_FUZZ=ON) and run TARGET (default all, one after the
# other) for SECONDS each (default 60) on its corpus t/fuzz/corpus/TARGET
# and dictionary t/fuzz/dict/TARGET.dict. New inputs go to a scratch
# directory (build-fuzz/fuzz-new/TARGET), never into the repository; a crash
# is written to build-fuzz/fuzz-crash/TARGET/ and stops the script. Prints
# each target's execs, seconds and exec/s.
#   FUZZ_ARGS="..."   extra libFuzzer flags (e.g. -max_len=512)
#   FUZZ_NICE=N       run under nice -n N (default 0)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-all}
secs=${2:-60}
build="$top/build-fuzz"
targets="hostname path cidr access config dnsbl_site dns_answer spf_record greylist_record greylist_key whitelist greylist_text"

command -v clang >/dev/null || { echo "fuzz.sh: clang is not installed (apt-get install clang)" >&2; exit 2; }
if [ "$target" != all ]; then
	case " $targets " in
	*" $target "*) targets=$target ;;
	*) echo "fuzz.sh: unknown target $target (one of: $targets)" >&2; exit 2 ;;
	esac
fi
CC=clang cmake -S "$top" -B "$build" -DRAMPART_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
tgts=
for t in $targets; do tgts="$tgts --target fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build "$build" -j2 $tgts >/dev/null

status=0
for t in $targets; do
	new="$build/fuzz-new/$t" crash="$build/fuzz-crash/$t"
	mkdir -p "$new" "$crash"
	dict=
	[ -f "$top/t/fuzz/dict/$t.dict" ] && dict="-dict=$top/t/fuzz/dict/$t.dict"
	log="$build/fuzz-$t.log"
	start=$(date +%s)
	# shellcheck disable=SC2086
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		nice -n "${FUZZ_NICE:-0}" "$build/t/fuzz_$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$crash/" $dict ${FUZZ_ARGS:-} \
		"$new" "$top/t/fuzz/corpus/$t" >"$log" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	el=$((end - start))
	[ "$el" -gt 0 ] || el=1
	printf '%-16s %12s execs %5ss %9s exec/s  %s\n' "$t" "${execs:-?}" "$el" \
		"$(( ${execs:-0} / el ))" "$([ $rc -eq 0 ] && echo ok || echo "FAILED (rc $rc, see $log)")"
	if [ $rc -ne 0 ]; then
		grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$log" | head -5
		status=1
		break
	fi
done
exit $status
