#!/bin/sh
# test.sh - install what is missing, build with warnings as errors, and run
# every suite through ctest: unit, DNS (NSD, ldns-testns), milter
# (miltertest), greylist, end-to-end (a private Postfix) and the short
# benchmarks; then the same suites built with AddressSanitizer and
# UndefinedBehaviorSanitizer; then, when clang is installed, the libFuzzer
# targets (t/fuzz) built with scripts/fuzz.sh and run 15 s each. Run as
# root from anywhere.
#   RAMPART_NO_SANITIZE=1  skip the sanitizer pass
#   RAMPART_NO_FUZZ=1      skip the fuzzing pass
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/deps.sh" --test
jobs=$(nproc)

run_suite() { # build-dir "cmake args" "ctest args"
	cmake -S "$top" -B "$1" -DRAMPART_WERROR=ON $2 >/dev/null
	cmake --build "$1" -j"$jobs" >/dev/null
	ctest --test-dir "$1" --output-on-failure -j"$jobs" --timeout 600 $3
}

echo "== build and test (-Wall -Wextra -Werror)"
run_suite "$top/build-test" "" ""
if [ -z "${RAMPART_NO_SANITIZE:-}" ]; then
	echo "== build and test with AddressSanitizer + UndefinedBehaviorSanitizer"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_suite "$top/build-asan" "-DRAMPART_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" "-LE bench"
fi
if [ -z "${RAMPART_NO_FUZZ:-}" ] && command -v clang >/dev/null; then
	echo "== libFuzzer targets, 15 s each (scripts/fuzz.sh)"
	sh "$top/scripts/fuzz.sh" all 15
fi
