#!/bin/bash
# run.sh RAMPART_BIN NAME - run the miltertest script t/milter/NAME.lua against
# a rampart started with t/milter/common.conf followed by t/milter/NAME.conf
# (@DIR@ becomes a fresh temporary directory, which also holds the socket,
# the log and NAME.access copied as DIR/access). @SQLPORT@ starts MariaDB
# (see below). When the config names
# @NSPORT@ a real NSD serving t/data/zones is started for it, and for
# @TESTNSPORT@ an ldns-testns playing t/data/testns/checks.data.
# The Lua script finds everything through the environment:
#   RAMPART_SOCKET RAMPART_LOG RAMPART_CONF RAMPART_PID RAMPART_DIR MT_LIB
set -u
bin=$1 name=$2
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/rampart-mt.XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$pid" 2>/dev/null
	fi
	stop_all "$dir"
	[ -f "$dir/db.pid" ] && bash "$here/../sql/mariadb.sh" stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$here/../dns/servers.sh"

conf=$(cat "$here/common.conf" "$here/$name.conf")
nsport= testnsport=
case $conf in *@NSPORT@*) nsport=$(start_nsd "$dir") || { echo "cannot start NSD"; exit 1; } ;; esac
case $conf in *@TESTNSPORT@*)
	testnsport=$(start_testns "$dir" testns "$here/../data/testns/checks.data") ||
		{ echo "cannot start ldns-testns"; exit 1; } ;;
esac

# @SQLPORT@: a private MariaDB (t/sql/mariadb.sh) with ISPConfig's
# mail_access table; its socket is @DIR@/db.sock, the password of user
# rampart is in @DIR@/sql.password.
sqlport=
case $conf in *@SQLPORT@*)
	sqlport=$(bash "$here/../sql/mariadb.sh" start "$dir") || { echo "cannot start MariaDB"; exit 1; }
	(umask 077; echo secret > "$dir/sql.password") ;;
esac
export RAMPART_SQL="$here/../sql/mariadb.sh"

printf '%s\n' "$conf" | sed "s|@SQLPORT@|$sqlport|g" | sed "s|@DIR@|$dir|g; s|@TDIR@|$here/..|g; s|@NSPORT@|$nsport|g; s|@TESTNSPORT@|$testnsport|g" > "$dir/rampart.conf"
if [ -f "$here/$name.access" ]; then
	cp "$here/$name.access" "$dir/access"
fi
"$bin" -f -c "$dir/rampart.conf" 2>"$dir/log" &
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
RAMPART_PID=$pid RAMPART_DIR=$dir MT_LIB="$here/lib.lua" \
	miltertest -s "$here/$name.lua"
rc=$?
kill -0 "$pid" 2>/dev/null || { echo "rampart died during the test"; rc=1; }
if [ $rc -ne 0 ]; then
	echo "---- rampart log ----"; cat "$dir/log"
fi
exit $rc
