#!/bin/bash
# start.sh RAMPART_BIN START_SHIM - rampart started as a daemon (no -f), as
# root, in a fresh temporary directory with its own configs (unix sockets
# there, greylisting off or pointed at a missing directory, DNS at
# 127.0.0.1 and never asked). Shows that:
#  (a) a relative -c starts: the parent exits 0, the daemon runs, answers on
#      its socket, its pid is in the pidfile, and SIGTERM stops it;
#  (b) a failure after the fork (pidfile or greylist database in a missing
#      directory, a daemon killed before it could report) makes the parent
#      exit 2, with the error on its standard error;
#  (c) a pidfile that is a symlink, or an existing file of another user, is
#      refused and left as it was;
#  (d) a socket swapped for a symlink before the chown (START_SHIM) leaves
#      the symlink's target with its owner.
# Prints every check, then "N passed, M failed"; exits 1 on any failure.
set -u
bin=$1 shim=$2
dir=$(mktemp -d /tmp/rampart-start.XXXXXX)
chmod 755 "$dir"	# the daemon (as nobody in (d)) resolves its config path here
pass=0 failed=0

# Every daemon started is stopped, whatever happened.
stop_pidfile() {
	local pid
	[ -f "$1" ] || return 0
	pid=$(head -n1 "$1" 2>/dev/null)
	case $pid in ''|*[!0-9]*) return 0 ;; esac
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$bin")" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	gone "$pid" || kill -KILL "$pid" 2>/dev/null
}
cleanup() {
	for p in "$dir"/*.pid; do stop_pidfile "$p"; done
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

ok() {	# ok WHAT COMMAND...: count and print the outcome of one check
	local what=$1; shift
	if "$@"; then
		pass=$((pass + 1)); echo "ok: $what"
	else
		failed=$((failed + 1)); echo "FAIL: $what"
	fi
}

# conf NAME [EXTRA...]: write $dir/NAME.conf (socket NAME.sock, pidfile
# NAME.pid, user root), then append the EXTRA lines.
conf() {
	local name=$1; shift
	{
		printf '%s\n' "[milter]" "socket = unix:$dir/$name.sock" "hostname = mx.rampart.test" \
			"user = root" "group = root" "pidfile = $dir/$name.pid" \
			"[log]" "target = stderr" "level = debug" \
			"[dns]" "nameservers = 127.0.0.1" "timeout = 200ms" "attempts = 1" \
			"[policy]" "trusted_networks = 127.0.0.0/8" \
			"[spf]" "fail = off" "softfail = off" "neutral = off" "none = off" \
			"permerror = off" "temperror = off"
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} > "$dir/$name.conf"
}

# start NAME [ARGS...]: run rampart -c ARGS from $dir (no -f), parent's
# exit status in $rc, its standard error in $dir/NAME.err.
start() {
	local name=$1; shift
	(cd "$dir" && exec timeout 30 "$bin" "$@") 2>"$dir/$name.err"
	rc=$?
}
running() {	# running PID: alive, not a zombie
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}
gone() {	# gone PID: the process exits (or is a zombie) within 15 s; libmilter
	# notices a stop only at its next poll of the socket, a few seconds.
	local st
	for _ in $(seq 1 150); do
		st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
		case $st in ''|Z) return 0 ;; esac
		sleep 0.1
	done
	return 1
}
# stop PID: SIGTERM to PID (a real one only: never 0 or empty, which
# would signal our own process group), then it must be gone.
stop() {
	case $1 in ''|0|1|*[!0-9]*) return 1 ;; esac
	kill -TERM "$1" 2>/dev/null && gone "$1"
}
has() { grep -qF -- "$2" "$1"; }
same() { [ "$1" = "$2" ]; }

cat > "$dir/answer.lua" <<'EOF'
-- One connection: the connect stage must be answered.
local c = mt.connect(os.getenv("SOCK"), 40, 0.1)
if c == nil then print("cannot connect to " .. os.getenv("SOCK")) os.exit(1) end
local err = mt.conninfo(c, "localhost", "127.0.0.1")
if err ~= nil then print("conninfo: " .. tostring(err)) os.exit(1) end
if mt.getreply(c) ~= SMFIR_ACCEPT then print("reply " .. tostring(mt.getreply(c))) os.exit(1) end
mt.disconnect(c)
EOF

echo "== (a) relative -c, no -f"
conf a
start a -c a.conf
ok "parent exits 0 (got $rc)" same "$rc" 0
pid=$(head -n1 "$dir/a.pid" 2>/dev/null)
ok "pidfile $dir/a.pid holds a pid ($pid)" test -n "$pid"
ok "pid $pid runs" running "${pid:-0}"
ok "pid $pid is rampart" test "$(readlink "/proc/${pid:-0}/exe" 2>/dev/null)" = "$(readlink -f "$bin")"
ok "socket $dir/a.sock exists" test -S "$dir/a.sock"
ok "the daemon answers on unix:$dir/a.sock (connect from 127.0.0.1: accept)" \
	env SOCK="unix:$dir/a.sock" miltertest -s "$dir/answer.lua"
ok "nothing on the parent's stderr but the start line" \
	test "$(grep -vc 'rampart .* starting on' "$dir/a.err")" = 0
ok "SIGTERM stops pid $pid" stop "$pid"
ok "the pidfile is removed at stop" test ! -e "$dir/a.pid"
ok "the socket is removed at stop" test ! -e "$dir/a.sock"

echo "== (b) failures after the fork"
conf b1
sed -i "s|^pidfile = .*|pidfile = $dir/missing/b1.pid|" "$dir/b1.conf"
start b1 -c "$dir/b1.conf"
ok "pidfile in a missing directory: parent exits 2 (got $rc)" same "$rc" 2
ok "the error names the pidfile on stderr" \
	has "$dir/b1.err" "cannot open pidfile $dir/missing/b1.pid: No such file or directory"
ok "no socket left behind" test ! -e "$dir/b1.sock"

conf b2 "[greylist]" "mode = always" "database = $dir/missing/grey.lmdb"
start b2 -c b2.conf
ok "greylist database in a missing directory: parent exits 2 (got $rc)" same "$rc" 2
ok "the error names the database on stderr" \
	has "$dir/b2.err" "[greylist] database: $dir/missing/grey.lmdb: directory $dir/missing does not exist"
ok "the daemon removed its pidfile" test ! -e "$dir/b2.pid"

conf b3
(cd "$dir" && LD_PRELOAD=$shim RAMPART_DIE_AT_CHDIR=1 ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
	exec timeout 30 "$bin" -c b3.conf) 2>"$dir/b3.err"
rc=$?
ok "daemon killed before it reported: parent exits 2 (got $rc)" same "$rc" 2
ok "the parent says so on stderr" has "$dir/b3.err" "rampart: the daemon exited before it was ready"

echo "== (c) pidfile checks"
printf 'keep me\n' > "$dir/victim"
ln -s "$dir/victim" "$dir/c1.pid"
conf c1
start c1 -c c1.conf
ok "symlinked pidfile: parent exits 2 (got $rc)" same "$rc" 2
ok "the error says the pidfile is a symlink" \
	has "$dir/c1.err" "pidfile $dir/c1.pid is a symbolic link; refused"
ok "the symlink's target is unchanged" same "$(cat "$dir/victim")" "keep me"
ok "the symlink stays" test -L "$dir/c1.pid"

printf 'not yours\n' > "$dir/c2.pid"
chown nobody:nogroup "$dir/c2.pid"
conf c2
start c2 -c c2.conf
ok "pidfile owned by nobody, daemon runs as root: parent exits 2 (got $rc)" same "$rc" 2
ok "the error names the pidfile and its owner" \
	has "$dir/c2.err" "pidfile $dir/c2.pid is owned by uid 65534, not by the user rampart runs as (uid 0) or root; refused"
ok "the file is unchanged" same "$(cat "$dir/c2.pid"):$(stat -c %u "$dir/c2.pid")" "not yours:65534"

echo "== (d) socket chown does not follow a symlink"
printf 'target\n' > "$dir/d.target"
chown root:root "$dir/d.target"
conf d
sed -i 's/^user = root$/user = nobody/; s/^group = root$/group = nogroup/' "$dir/d.conf"
(cd "$dir" && LD_PRELOAD=$shim RAMPART_SOCKSWAP_TARGET=$dir/d.target \
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 exec timeout 30 "$bin" -c d.conf) 2>"$dir/d.err"
rc=$?
ok "daemon as nobody starts: parent exits 0 (got $rc)" same "$rc" 0
ok "the socket's name is now a symlink to $dir/d.target" \
	same "$(readlink "$dir/d.sock")" "$dir/d.target"
ok "the target's owner is unchanged (root:root, got $(stat -c %U:%G "$dir/d.target"))" \
	same "$(stat -c %u:%g "$dir/d.target")" "0:0"
ok "the symlink itself was chowned to nobody:nogroup" \
	same "$(stat -c %U:%G "$dir/d.sock")" "nobody:nogroup"
ok "the pidfile belongs to nobody:nogroup" same "$(stat -c %U:%G "$dir/d.pid" 2>/dev/null)" "nobody:nogroup"
pid=$(head -n1 "$dir/d.pid" 2>/dev/null)
ok "SIGTERM stops pid $pid" stop "$pid"

echo "$pass passed, $failed failed"
if [ "$failed" -ne 0 ]; then
	for f in "$dir"/*.err; do echo "---- $f"; cat "$f"; done
	exit 1
fi
exit 0
