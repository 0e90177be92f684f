# servers.sh - start and stop the real DNS servers the DNS tests talk to:
# NSD serving t/data/zones/ and ldns-testns playing faults from
# t/data/testns/. Sourced by the test wrappers and the start-* scripts.
# Every server listens on 127.0.0.1 (NSD also on ::1) on a free high port;
# its pid goes to $RUNDIR/NAME.pid and its port to $RUNDIR/NAME.port.

DNS_T_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ZONES_DIR="$DNS_T_DIR/data/zones"
TESTNS_DIR="$DNS_T_DIR/data/testns"

# A port free for both UDP and TCP on 127.0.0.1 and ::1.
dns_free_port() {
	python3 - <<'PY'
import socket
for _ in range(200):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    try:
        for fam, typ, host in ((socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1"),
                               (socket.AF_INET6, socket.SOCK_DGRAM, "::1"),
                               (socket.AF_INET6, socket.SOCK_STREAM, "::1")):
            s = socket.socket(fam, typ)
            s.bind((host, port))
            s.close()
    except OSError:
        u.close()
        continue
    u.close()
    print(port)
    break
PY
}

# dns_wait_ready PORT NAME TYPE [ADDR]: wait (up to 10 s) until the server answers.
dns_wait_ready() {
	local port=$1 name=$2 type=$3 addr=${4:-127.0.0.1} i
	for i in $(seq 1 100); do
		if dig +time=1 +tries=1 +norecurse -p "$port" "@$addr" "$name" "$type" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "servers.sh: server on port $port did not answer" >&2
	return 1
}

# start_nsd RUNDIR [ADDR PORT]: NSD in the foreground (-d), own config, pid,
# db files. Without ADDR it listens on 127.0.0.1 and ::1 on a free port;
# with ADDR and PORT on exactly that address and port. Response rate
# limiting is off: every test query comes from one address.
start_nsd() {
	local rundir=$1 addr=${2:-} fixed=${3:-} port i
	mkdir -p "$rundir/nsd"
	for i in 1 2 3; do
		port=${fixed:-$(dns_free_port)}
		{
			echo "server:"
			if [ -n "$addr" ]; then
				printf '\tip-address: %s\n' "$addr"
			else
				printf '\tip-address: 127.0.0.1\n\tip-address: ::1\n'
			fi
			cat <<CONF
	port: $port
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: "$ZONES_DIR"
	database: ""
	zonelistfile: "$rundir/nsd/zone.list"
	xfrdfile: "$rundir/nsd/xfrd.state"
	xfrdir: "$rundir/nsd"
	pidfile: "$rundir/nsd/nsd.pid"
	logfile: "$rundir/nsd/nsd.log"
	verbosity: 1
	hide-version: yes
	refuse-any: yes
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
remote-control:
	control-enable: no
CONF
			for z in "$ZONES_DIR"/*.zone; do
				z=$(basename "$z" .zone)
				printf 'zone:\n\tname: "%s"\n\tzonefile: "%s.zone"\n' "$z" "$z"
			done
		} >"$rundir/nsd/nsd.conf"
		nsd-checkconf "$rundir/nsd/nsd.conf" || return 1
		nsd -d -c "$rundir/nsd/nsd.conf" >>"$rundir/nsd/nsd.log" 2>&1 &
		echo $! >"$rundir/nsd.pid"
		if dns_wait_ready "$port" rampart.test SOA "${addr:-127.0.0.1}"; then
			echo "$port" >"$rundir/nsd.port"
			echo "$port"
			return 0
		fi
		stop_server "$rundir" nsd
		[ -z "$fixed" ] || break
	done
	cat "$rundir/nsd/nsd.log" >&2
	return 1
}

# start_testns RUNDIR NAME DATAFILE [ldns-testns options...]: a fault server.
start_testns() {
	local rundir=$1 name=$2 data=$3 port i
	shift 3
	for i in 1 2 3; do
		port=$(dns_free_port)
		ldns-testns "$@" -p "$port" "$data" >"$rundir/$name.log" 2>&1 &
		echo $! >"$rundir/$name.pid"
		if dns_wait_ready "$port" ready.testns A; then
			echo "$port" >"$rundir/$name.port"
			echo "$port"
			return 0
		fi
		stop_server "$rundir" "$name"
	done
	cat "$rundir/$name.log" >&2
	return 1
}

# stop_server RUNDIR NAME: stop one server we started (by its pid file);
# ldns-testns -f children share its process group member list via pkill -P.
stop_server() {
	local rundir=$1 name=$2 pid
	[ -f "$rundir/$name.pid" ] || return 0
	pid=$(cat "$rundir/$name.pid")
	pkill -TERM -P "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$rundir/$name.pid"
}

# stop_all RUNDIR: stop every server started under RUNDIR.
stop_all() {
	local rundir=$1 f
	for f in "$rundir"/*.pid; do
		[ -e "$f" ] || continue
		stop_server "$rundir" "$(basename "$f" .pid)"
	done
}
