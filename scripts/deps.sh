#!/bin/sh
# deps.sh - install what rampart needs to build, run and test on Debian 12.
# Idempotent: installs only what is missing. Run as root.
set -eu
build="cmake gcc make pkg-config libmilter-dev libldns-dev liblmdb-dev libspf2-dev libiniparser-dev libpcre2-dev libmariadb-dev"
run="adduser"
test="miltertest mariadb-server python3-spf python3-yaml ldnsutils nsd postfix lmdb-utils python3 procps iproute2 dnsutils postgrey postfix-policyd-spf-python util-linux mount e2fsprogs clang libclang-rt-14-dev"
extra="${RAMPART_DEPS_EXTRA:-}"
want="$build $run"
[ "${1:-}" = "--test" ] && want="$want $test $extra"

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# postfix asks what kind of site it is; rampart's tests run their own instance.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
