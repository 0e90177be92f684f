#!/bin/bash
# mariadb.sh - a private MariaDB server for the SQL table tests, from
# Debian's mariadb-server, in its own datadir with its own unix socket and
# TCP port (as root it runs with --user=root; mariadbd refuses root without).
#   mariadb.sh start DIR     create DIR/db, start, load ISPConfig's
#                            mail_access schema and t/sql/mail_access.sql;
#                            prints the TCP port
#   mariadb.sh stop DIR      stop the server (waits until it is gone)
#   mariadb.sh restart DIR   start it again on the same datadir and port
#   mariadb.sh sql DIR STMT  run STMT as root in database dbispconfig
# The socket is DIR/db.sock, the grant is rampart/secret.
set -u
cmd=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
sock=$dir/db.sock

run_server() {
	local port=$1 user
	user=$(id -un)
	mariadbd --no-defaults --datadir="$dir/db" --socket="$sock" --port="$port" \
		--bind-address=127.0.0.1 --pid-file="$dir/db.pid" --user="$user" \
		--innodb-buffer-pool-size=16M --skip-log-bin --log-error="$dir/db.err" \
		>/dev/null 2>&1 &
	for _ in $(seq 1 100); do
		mariadb-admin --no-defaults -S "$sock" -uroot ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "mariadbd did not start:" >&2
	cat "$dir/db.err" >&2
	return 1
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

sql() {
	mariadb --no-defaults -S "$sock" -uroot "$@"
}

case $cmd in
start)
	mariadb-install-db --no-defaults --datadir="$dir/db" --user="$(id -un)" \
		--auth-root-authentication-method=normal --skip-test-db >"$dir/db.install" 2>&1 ||
		{ cat "$dir/db.install" >&2; exit 1; }
	port=$(free_port)
	echo "$port" > "$dir/db.port"
	run_server "$port" || exit 1
	sql < "$here/mail_access.sql" || exit 1
	echo "$port"
	;;
stop)
	pid=$(cat "$dir/db.pid" 2>/dev/null)
	[ -n "$pid" ] || exit 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	;;
restart)
	run_server "$(cat "$dir/db.port")"
	;;
sql)
	sql dbispconfig -e "$3"
	;;
esac
