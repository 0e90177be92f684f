#!/bin/bash
# rampartctl doctor against NSD serving t/data/zones/ (doctor.test and the
# reverse zones of 198.51.100.0/24 and 2001:db8:d0c::/48): one case per
# finding, right and wrong (PTR, forward confirmation, host name, SPF
# record, limits and result, MX), rampart's socket and Postfix's view of it
# (private postconf -c directories, chrooted or not) with sockets that
# listen, do not exist or refuse; postconf missing. Asserts the exact output
# and the exit status of every case.
# Usage: doctor.sh RAMPARTCTL
set -u
CTL=${1:?usage: doctor.sh RAMPARTCTL}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../dns/servers.sh"
command -v postconf >/dev/null || PATH=$PATH:/usr/sbin
command -v postconf >/dev/null || { echo "FAIL: postconf (Postfix) is not installed"; exit 1; }

W=$(mktemp -d /tmp/rampart-doctor.XXXXXX)
cleanup() { stop_all "$W"; rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

ns_port=$(start_nsd "$W") || { echo "FAIL: cannot start nsd"; exit 1; }
mkdir -p "$W/spool/rampart"
python3 "$here/listen.py" "$W/ready" "$W/tcp.port" "$W/live.sock" "$W/spool/rampart/r.sock" \
	>"$W/listen.log" 2>&1 &
echo $! > "$W/listen.pid"
for _ in $(seq 1 100); do [ -e "$W/ready" ] && break; sleep 0.1; done
[ -e "$W/ready" ] || { echo "FAIL: listen.py did not start"; cat "$W/listen.log"; exit 1; }
tcp=$(cat "$W/tcp.port")
stale=$(cat "$W/tcp.port.stale")
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$W/stale.sock"
: > "$W/plain-file"

# mkconf NAME SOCKET: a rampart config using the test NSD.
mkconf() {
	printf '[milter]\nhostname = good.doctor.test\nsocket = %s\n[dns]\nnameservers = 127.0.0.1\nport = %s\n' \
		"$2" "$ns_port" > "$W/$1.conf"
}
# mkpf NAME CHROOT [main.cf lines...]: a Postfix config dir with an smtp line.
mkpf() {
	local d=$W/pf-$1 ch=$2; shift 2
	mkdir -p "$d"
	printf '%s\n' "compatibility_level = 3.6" "queue_directory = $W/spool" "$@" > "$d/main.cf"
	printf 'smtp      inet  n       -       %s       -       -       smtpd\n' "$ch" > "$d/master.cf"
}
# run NAME CONF [doctor args]: stdout in $W/NAME.out, stderr .err, status .rc
run() {
	local n=$1 conf=$2; shift 2
	"$CTL" -c "$W/$conf.conf" doctor "$@" >"$W/$n.out" 2>"$W/$n.err"
	echo $? > "$W/$n.rc"
}
expect_rc() {
	local got; got=$(cat "$W/$1.rc")
	if [ "$got" = "$2" ]; then ok; else bad "$1: exit $got, expected $2"; cat "$W/$1.err"; fi
}
expect_out() {   # NAME < expected stdout, exactly
	if diff -u - "$W/$1.out" > "$W/$1.diff"; then ok; else bad "$1: output differs"; cat "$W/$1.diff"; fi
}
expect_line() {  # NAME LINE: stdout has exactly this line
	if grep -qxF -- "$2" "$W/$1.out"; then ok; else bad "$1: no line [$2]"; sed 's/^/    /' "$W/$1.out"; fi
}
NOPF="--postconf $W/none/postconf"
SKIP="skip postfix: skipped: postconf not found"
mkconf live "unix:$W/live.sock"

# --- the good host: everything right --------------------------------------
run good live --addr 198.51.100.60 --addr 2001:db8:d0c::1 $NOPF
expect_rc good 0
expect_out good <<EOF
doctor: host name good.doctor.test, mail domain doctor.test, addresses 198.51.100.60, 2001:db8:d0c::1
ok   ptr 198.51.100.60 -> good.doctor.test (forward-confirmed)
ok   ptr 2001:db8:d0c::1 -> good.doctor.test (forward-confirmed)
ok   hostname good.doctor.test -> 198.51.100.60
ok   hostname good.doctor.test -> 2001:db8:d0c::1
ok   spf doctor.test: "v=spf1 ip4:198.51.100.60 ip6:2001:db8:d0c::1 mx -all"
ok   spf doctor.test: 1 of 10 DNS lookups, 0 of 2 void lookups
ok   spf doctor.test 198.51.100.60: pass
ok   spf doctor.test 2001:db8:d0c::1: pass
ok   mx doctor.test -> good.doctor.test (preference 10): 198.51.100.60, 2001:db8:d0c::1
ok   socket unix:$W/live.sock: accepts connections
$SKIP
doctor: 10 ok, 0 warnings, 0 failed, 1 skipped
EOF

# --- PTR faults: no forward confirmation, none, not an FQDN, no A ----------
run ptr live --addr 198.51.100.61 --addr 198.51.100.62 --addr 198.51.100.63 --addr 198.51.100.64 $NOPF
expect_rc ptr 3
expect_out ptr <<EOF
doctor: host name good.doctor.test, mail domain doctor.test, addresses 198.51.100.61, 198.51.100.62, 198.51.100.63, 198.51.100.64
FAIL ptr 198.51.100.61 -> elsewhere.doctor.test: does not forward-confirm (A: 198.51.100.99)
FAIL ptr 198.51.100.62: no PTR record
FAIL ptr 198.51.100.63 -> mailhost: not a valid host name (FQDN)
FAIL ptr 198.51.100.64 -> noaddr.doctor.test: does not forward-confirm (no A record)
FAIL hostname good.doctor.test: does not resolve to 198.51.100.61 (A: 198.51.100.60)
FAIL hostname good.doctor.test: does not resolve to 198.51.100.62 (A: 198.51.100.60)
FAIL hostname good.doctor.test: does not resolve to 198.51.100.63 (A: 198.51.100.60)
FAIL hostname good.doctor.test: does not resolve to 198.51.100.64 (A: 198.51.100.60)
ok   spf doctor.test: "v=spf1 ip4:198.51.100.60 ip6:2001:db8:d0c::1 mx -all"
ok   spf doctor.test: 1 of 10 DNS lookups, 0 of 2 void lookups
FAIL spf doctor.test 198.51.100.61: fail
FAIL spf doctor.test 198.51.100.62: fail
FAIL spf doctor.test 198.51.100.63: fail
FAIL spf doctor.test 198.51.100.64: fail
ok   mx doctor.test -> good.doctor.test (preference 10): 198.51.100.60, 2001:db8:d0c::1
ok   socket unix:$W/live.sock: accepts connections
$SKIP
doctor: 4 ok, 0 warnings, 12 failed, 1 skipped
EOF

# a PTR name with a space and a dot inside a label (as ldns escapes them)
run ptr-hostile live --addr 192.0.2.3 $NOPF
expect_rc ptr-hostile 3
expect_line ptr-hostile 'FAIL ptr 192.0.2.3 -> bad\032name_with\.dot.rampart.test: not a valid host name (FQDN)'

# more PTR records than rampart keeps (192.0.2.50 has 50)
run ptr-many live --addr 192.0.2.50 $NOPF
expect_rc ptr-many 3
expect_line ptr-many 'warn ptr 192.0.2.50: more than 20 PTR records; receivers may use any one of them'
expect_line ptr-many 'FAIL ptr 192.0.2.50 -> host19.rampart.test: does not forward-confirm (no A record)'
if grep -q 'host20' "$W/ptr-many.out"; then bad "ptr-many: a 21st PTR name"; else ok; fi

# --- the host's own addresses (no --addr), in a network namespace of our
# own whose loopback carries one address of each kind; only the public
# ones are kept. Its resolver is unreachable there: the lookups fail.
if unshare -n true 2>/dev/null; then
	printf '[milter]\nhostname = good.doctor.test\nsocket = unix:%s/live.sock\n[dns]\nnameservers = 127.0.0.1\nport = 9\ntimeout = 50ms\nattempts = 1\n' \
		"$W" > "$W/netns.conf"
	unshare -n sh -c '
		ip link set lo up
		for a in 10.1.2.3/8 172.16.0.1/12 192.168.1.1/16 100.64.1.1/10 169.254.1.1/16 \
			192.0.2.9/24 198.51.100.60/24 203.0.113.5/24 81.0.0.1/32; do
			ip addr add $a dev lo
		done
		for a in 2001:db8:d0c::1/64 fd00::1/64 fe80::1/64 2a01:4f8::7/64; do
			ip -6 addr add $a dev lo nodad
		done
		"$1" -c "$2/netns.conf" doctor --postconf "$2/none/postconf" >"$2/own.out" 2>"$2/own.err"
		echo $? >"$2/own.rc"
		ip addr flush dev lo
		ip link set lo up
		"$1" -c "$2/netns.conf" doctor --postconf "$2/none/postconf" >"$2/none.out" 2>"$2/none.err"
		echo $? >"$2/none.rc"' sh "$CTL" "$W"
	expect_rc own 3
	expect_line own "doctor: host name good.doctor.test, mail domain doctor.test, addresses 81.0.0.1, 2a01:4f8::7"
	expect_line own "FAIL ptr 81.0.0.1: PTR lookup failed: network error"
	expect_line own "FAIL hostname good.doctor.test: does not resolve to 2a01:4f8::7 (AAAA lookup failed: network error)"
	expect_rc none 3
	expect_line none "doctor: host name good.doctor.test, mail domain doctor.test, addresses none"
	expect_line none "FAIL addr: no public address; use --addr"
	expect_line none "FAIL hostname good.doctor.test: A lookup failed: network error"
else
	echo "note: unshare -n not permitted: the host's own addresses are not tested"
fi

# --- host names: another address, none, not an FQDN; --domain given --------
while IFS='|' read -r name host line; do
	run "host-$name" live --addr 198.51.100.60 --hostname "$host" --domain doctor.test $NOPF
	expect_rc "host-$name" 3
	expect_line "host-$name" "$line"
	expect_line "host-$name" "doctor: host name $host, mail domain doctor.test, addresses 198.51.100.60"
	expect_line "host-$name" "doctor: 6 ok, 0 warnings, 1 failed, 1 skipped"
done <<'EOF'
other|elsewhere.doctor.test|FAIL hostname elsewhere.doctor.test: does not resolve to 198.51.100.60 (A: 198.51.100.99)
noaddr|noaddr.doctor.test|FAIL hostname noaddr.doctor.test: does not resolve to 198.51.100.60 (no A record)
short|mailhost|FAIL hostname mailhost: not a valid host name (FQDN)
EOF
# the domain of the host name by default
run host-domain live --addr 198.51.100.60 --hostname noaddr.ptr.doctor.test $NOPF
expect_line host-domain "doctor: host name noaddr.ptr.doctor.test, mail domain ptr.doctor.test, addresses 198.51.100.60"

# --- mail domains: each SPF and MX fault (the spf and mx lines, exactly) ---
spfmx() {   # NAME RC, expected spf/mx/suggest lines on stdin
	run "dom-$1" live --addr 198.51.100.60 --domain "$1.doctor.test" $NOPF
	expect_rc "dom-$1" "$2"
	grep -E '^(ok   |warn |FAIL )(spf|mx) |^suggest: ' "$W/dom-$1.out" > "$W/dom-$1.lines"
	if diff -u - "$W/dom-$1.lines" > "$W/dom-$1.diff"; then ok; else bad "dom-$1: lines differ"; cat "$W/dom-$1.diff"; fi
}
MXOK='ok   mx %s.doctor.test -> good.doctor.test (preference 10): 198.51.100.60, 2001:db8:d0c::1\n'
{ echo 'FAIL spf nospf.doctor.test: no SPF record'
  echo 'suggest: nospf.doctor.test TXT "v=spf1 ip4:198.51.100.60 mx -all"'
  printf "$MXOK" nospf; } | spfmx nospf 3
{ echo 'FAIL spf two.doctor.test: 2 SPF records (receivers answer permerror; publish one)'
  printf "$MXOK" two; } | spfmx two 3
{ echo 'FAIL spf bad.doctor.test: invalid record "v=spf1 ip4:300.1.1.1 -all": bad network in ip4'
  printf "$MXOK" bad; } | spfmx bad 3
{ echo 'ok   spf many.doctor.test: "v=spf1 ip4:198.51.100.60 a:h1.doctor.test a:h2.doctor.test a:h3.doctor.test a:h4.doctor.test a:h5.doctor.test a:h6.doctor.test a:h7.doctor.test a:h8.doctor.test a:h9.doctor.test a:h10.doctor.test a:h11.doctor.test -all"'
  echo 'FAIL spf many.doctor.test: more than 10 DNS lookups (limit 10): permerror for addresses it does not list'
  echo 'ok   spf many.doctor.test 198.51.100.60: pass'
  printf "$MXOK" many; } | spfmx many 3
{ echo 'ok   spf void.doctor.test: "v=spf1 a:v1.doctor.test a:v2.doctor.test a:v3.doctor.test ip4:198.51.100.60 -all"'
  echo 'FAIL spf void.doctor.test: more than 2 void lookups (limit 2): permerror for addresses it does not list'
  echo 'FAIL spf void.doctor.test 198.51.100.60: permerror: more than 2 void lookups'
  printf "$MXOK" void; } | spfmx void 3
{ echo 'ok   spf ptr.doctor.test: "v=spf1 ptr:doctor.test -all"'
  echo 'warn spf ptr.doctor.test: uses the ptr mechanism (slow, RFC 7208 5.5 says not to use it): list the addresses with ip4:/ip6: instead'
  echo 'ok   spf ptr.doctor.test: 1 of 10 DNS lookups, 1 of 2 void lookups'
  echo 'ok   spf ptr.doctor.test 198.51.100.60: pass'
  printf "$MXOK" ptr; } | spfmx ptr 0
{ echo 'ok   spf fail.doctor.test: "v=spf1 ip4:203.0.113.0/24 -all"'
  echo 'ok   spf fail.doctor.test: 0 of 10 DNS lookups, 0 of 2 void lookups'
  echo 'FAIL spf fail.doctor.test 198.51.100.60: fail'
  printf "$MXOK" fail; } | spfmx fail 3
for d in nomx implicit nullmx badmx; do
	printf 'ok   spf %s.doctor.test: "v=spf1 ip4:198.51.100.60 -all"\n' $d > "$W/spf-$d"
	printf 'ok   spf %s.doctor.test: 0 of 10 DNS lookups, 0 of 2 void lookups\n' $d >> "$W/spf-$d"
	printf 'ok   spf %s.doctor.test 198.51.100.60: pass\n' $d >> "$W/spf-$d"
done
{ cat "$W/spf-nomx"; echo 'FAIL mx nomx.doctor.test: no MX record and no address record'; } | spfmx nomx 3
{ cat "$W/spf-implicit"
  echo 'warn mx implicit.doctor.test: no MX record; mail for it goes to its address record (RFC 5321 5.1)'; } \
	| spfmx implicit 0
{ cat "$W/spf-nullmx"
  echo 'FAIL mx nullmx.doctor.test: null MX (RFC 7505): the domain takes no mail and receivers refuse it as a sender domain'; } \
	| spfmx nullmx 3
{ cat "$W/spf-badmx"; printf "$MXOK" badmx
  echo 'FAIL mx badmx.doctor.test -> noaddr.doctor.test (preference 20): no A or AAAA record'; } | spfmx badmx 3
# a domain NSD does not serve: the lookups fail (REFUSED), nothing passes
run dom-refused live --addr 198.51.100.60 --domain example.invalid $NOPF
expect_rc dom-refused 3
expect_line dom-refused "FAIL spf example.invalid: TXT lookup failed: REFUSED"
expect_line dom-refused "FAIL mx example.invalid: MX lookup failed: REFUSED"

# --- rampart's socket ------------------------------------------------------
sock() {   # NAME SOCKET RC LINE
	mkconf "$1" "$2"
	run "sock-$1" "$1" --addr 198.51.100.60 $NOPF
	expect_rc "sock-$1" "$3"
	expect_line "sock-$1" "$4"
}
sock unix "unix:$W/live.sock" 0 "ok   socket unix:$W/live.sock: accepts connections"
sock local "local:$W/live.sock" 0 "ok   socket local:$W/live.sock: accepts connections"
sock missing "unix:$W/gone.sock" 3 "FAIL socket unix:$W/gone.sock: $W/gone.sock: No such file or directory"
sock file "unix:$W/plain-file" 3 "FAIL socket unix:$W/plain-file: $W/plain-file is not a socket"
sock stale "unix:$W/stale.sock" 3 "FAIL socket unix:$W/stale.sock: connect to $W/stale.sock: Connection refused"
sock inet "inet:$tcp@127.0.0.1" 0 "ok   socket inet:$tcp@127.0.0.1: accepts connections"
sock inetany "inet:$tcp@0.0.0.0" 0 "ok   socket inet:$tcp@0.0.0.0: accepts connections"
sock inetoff "inet:$stale@127.0.0.1" 3 "FAIL socket inet:$stale@127.0.0.1: connect to 127.0.0.1 port $stale: Connection refused"

# --- Postfix's view --------------------------------------------------------
pfcase() {   # NAME CONF PFDIR RC LINE
	run "pf-$1" "$2" --addr 198.51.100.60 --postfix-config "$W/pf-$3"
	expect_rc "pf-$1" "$4"
	expect_line "pf-$1" "$5"
}
mkconf spool "unix:$W/spool/rampart/r.sock"
mkconf spoolgone "unix:$W/spool/rampart/gone.sock"
mkconf inet "inet:$tcp@127.0.0.1"
mkconf inetoff "inet:$stale@127.0.0.1"
mkpf chroot y 'smtpd_milters = { unix:/rampart/r.sock, default_action=tempfail }'
mkpf plain n "smtpd_milters = unix:/opendkim.sock, unix:$W/spool/rampart/r.sock"
mkpf empty y
mkpf wrong y "smtpd_milters = unix:/opendkim.sock, unix:$W/spool/rampart/r.sock"
mkpf gone y 'smtpd_milters = unix:/rampart/gone.sock'
mkpf inet y "smtpd_milters = inet:127.0.0.1:$tcp"
mkpf inetoff y "smtpd_milters = inet:127.0.0.1:$stale"
mkdir -p "$W/pf-nomain"
pfcase chroot spool chroot 0 \
	"ok   postfix: smtpd_milters lists unix:/rampart/r.sock; smtpd, chrooted in $W/spool, opens $W/spool/rampart/r.sock: accepts connections"
pfcase plain spool plain 0 \
	"ok   postfix: smtpd_milters lists unix:$W/spool/rampart/r.sock; smtpd, not chrooted, opens $W/spool/rampart/r.sock: accepts connections"
pfcase empty spool empty 3 \
	"FAIL postfix: smtpd_milters (empty) does not list rampart's socket unix:/rampart/r.sock; \"rampartctl postfix\" prints the setting"
pfcase wrong spool wrong 3 \
	"FAIL postfix: smtpd_milters (unix:/opendkim.sock, unix:$W/spool/rampart/r.sock) does not list rampart's socket unix:/rampart/r.sock; \"rampartctl postfix\" prints the setting"
pfcase outside live chroot 3 \
	"FAIL postfix: smtpd runs chrooted in $W/spool and cannot reach $W/live.sock: put the socket under $W/spool (e.g. unix:$W/spool/rampart/rampart.sock) or use inet:PORT@127.0.0.1"
pfcase gone spoolgone gone 3 \
	"FAIL postfix: smtpd_milters lists unix:/rampart/gone.sock; smtpd, chrooted in $W/spool, opens $W/spool/rampart/gone.sock: $W/spool/rampart/gone.sock: No such file or directory"
pfcase inet inet inet 0 \
	"ok   postfix: smtpd_milters lists inet:127.0.0.1:$tcp; smtpd connects to it: accepts connections"
pfcase inetoff inetoff inetoff 3 \
	"FAIL postfix: smtpd_milters lists inet:127.0.0.1:$stale; smtpd connects to it: connect to 127.0.0.1 port $stale: Connection refused"
run pf-nomain live --addr 198.51.100.60 --postfix-config "$W/pf-nomain"
expect_rc pf-nomain 0
if grep -q "^warn postfix: skipped: Postfix's settings could not be read: postconf: fatal: open $W/pf-nomain/main.cf" "$W/pf-nomain.out"; then ok; else bad "pf-nomain: no warning"; cat "$W/pf-nomain.out"; fi

# --- usage -----------------------------------------------------------------
for args in "--addr 300.1.1.1" "--domain bad..name" "--hostname a..b" "--postfix-config relative" "extra"; do
	"$CTL" -c "$W/live.conf" doctor $args >/dev/null 2>&1; r=$?
	[ $r = 1 ] && ok || bad "doctor $args: exit $r, expected 1"
done

echo "doctor: $pass passed, $fail failed"
[ "$fail" = 0 ]
