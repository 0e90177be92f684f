#!/bin/bash
# Install test of the Debian package, run as root on a throwaway Debian 12
# machine (CI; not run by ctest, it changes the machine):
#   1. build the .deb with dpkg-buildpackage in a copy of the tree;
#   2. apt-get install it; check files, conffiles, user, state directory,
#      the unit (systemd-analyze verify) and "rampart -t";
#   3. start the installed daemon as the unit does (systemctl when systemd
#      runs, else as user rampart with setpriv), connect the machine's own
#      Postfix with "rampartctl postfix --apply", and send mail over SMTP:
#      rampart's verdicts must show in the SMTP replies and in its log;
#   4. apt-get remove, then purge, and check that nothing the package
#      created is left (the rampart system user stays, as Debian does);
#   5. put the machine's Postfix configuration back.
# Usage: install-test.sh [--worktree] [SOURCE_TREE]
#   SOURCE_TREE defaults to this file's tree; its committed HEAD is built
#   (git clone), or with --worktree the files as they are in the tree.
set -u
MODE=head
if [ "${1:-}" = --worktree ]; then MODE=worktree; shift; fi
SRC=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
PORT=8895
TESTDOMAIN=rampart-install.test

[ "$(id -u)" = 0 ] || { echo "install-test: must run as root"; exit 1; }
W=$(mktemp -d /tmp/rampart-deb.XXXXXX)
pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok: $*"; }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
step() { echo; echo "== $*"; }
check() {   # DESCRIPTION COMMAND...: the command must succeed
	local d=$1; shift
	if "$@" >"$W/check.out" 2>&1; then ok "$d"; else bad "$d"; sed 's/^/    /' "$W/check.out"; fi
}
absent() {  # PATH...: none may exist
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then bad "$p is left behind"; else ok "$p is gone"; fi
	done
}
die() { bad "$*"; finish; }

POSTFIX_SAVED=no POSTFIX_WAS_RUNNING=no DAEMON_PID= USE_SYSTEMD=no
restore_postfix() {
	[ "$POSTFIX_SAVED" = yes ] || return 0
	postfix stop >/dev/null 2>&1
	rm -rf /etc/postfix && cp -a "$W/postfix.orig" /etc/postfix
	rm -f /var/log/postfix-install-test.log
	if [ "$POSTFIX_WAS_RUNNING" = yes ]; then postfix start >/dev/null 2>&1; fi
	POSTFIX_SAVED=no
	echo "(the machine's Postfix configuration is restored)"
}
stop_daemon() {
	if [ "$USE_SYSTEMD" = yes ]; then
		systemctl stop rampart >/dev/null 2>&1
	elif [ -n "$DAEMON_PID" ]; then
		kill -TERM "$DAEMON_PID" 2>/dev/null
		for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$DAEMON_PID" 2>/dev/null && kill -KILL "$DAEMON_PID"
		wait "$DAEMON_PID" 2>/dev/null
	fi
	DAEMON_PID=
}
finish() {
	stop_daemon
	if dpkg-query -W -f='${Status}' rampart 2>/dev/null | grep -q installed; then
		apt-get purge -y rampart >/dev/null 2>&1
	fi
	restore_postfix
	echo
	echo "install-test: $pass passed, $fail failed (work files in $W)"
	[ "$fail" -eq 0 ] && exit 0 || exit 1
}
trap 'echo "interrupted"; finish' INT TERM

wait_port() {   # PORT: wait up to 10 s for a listener on 127.0.0.1
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---------------------------------------------------------------- 1 build
step "build the package from a copy of $SRC"
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$W/src/rampart"
if [ "$MODE" = head ] && git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	git clone -q "$SRC" "$W/src/rampart" || die "git clone $SRC"
	echo "(commit $(git -C "$W/src/rampart" rev-parse --short HEAD))"
elif git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	# tracked and new files as they are in the tree, without build output
	(cd "$SRC" && git ls-files -z -c -o --exclude-standard | xargs -0 tar -cf - --no-recursion) |
		tar -xf - -C "$W/src/rampart"
else
	cp -a "$SRC/." "$W/src/rampart/"
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dpkg-dev lintian systemd >/dev/null 2>&1
check "build dependencies installed" apt-get build-dep -y "$W/src/rampart"
(cd "$W/src/rampart" && dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1 ||
	{ tail -30 "$W/build.log"; die "dpkg-buildpackage -us -uc -b"; }
ok "dpkg-buildpackage -us -uc -b"
DEB=$(ls "$W"/src/rampart_*_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || die "no rampart_*.deb built"
echo "built $(basename "$DEB")"
if command -v lintian >/dev/null; then
	lintian --pedantic -I "$DEB" >"$W/lintian.out" 2>&1
	if grep -q '^E:' "$W/lintian.out"; then bad "lintian errors"; cat "$W/lintian.out"; else ok "lintian: no errors"; fi
	sed 's/^/    lintian: /' "$W/lintian.out" | grep -v 'root privileges'
fi

# -------------------------------------------------------------- 2 install
step "install"
getent passwd rampart >/dev/null && echo "(note: user rampart existed before the install)"
apt-get install -y "$DEB" >"$W/install.out" 2>&1 && ok "apt-get install ./$(basename "$DEB")" ||
	{ bad "apt-get install"; cat "$W/install.out"; }
grep -qF "rampart: installed. Next: review /etc/rampart/rampart.conf and /etc/rampart/access," "$W/install.out" &&
	ok "postinst prints the next step" || { bad "postinst did not print the next step"; tail -8 "$W/install.out"; }
for f in /usr/sbin/rampart /usr/sbin/rampartctl /etc/rampart/rampart.conf /etc/rampart/access \
	/lib/systemd/system/rampart.service /usr/share/man/man8/rampart.8.gz \
	/usr/share/man/man8/rampartctl.8.gz /usr/share/man/man5/rampart.conf.5.gz; do
	check "installed: $f" test -e "$f"
done
conffiles=$(dpkg-query -W -f='${Conffiles}\n' rampart | awk 'NF {print $1}' | sort | tr '\n' ' ')
[ "$conffiles" = "/etc/rampart/access /etc/rampart/rampart.conf " ] && ok "conffiles: $conffiles" ||
	bad "conffiles are [$conffiles]"
check "user rampart is a system user" sh -c '[ "$(id -u rampart)" -lt 1000 ]'
check "group rampart exists" getent group rampart
st=$(stat -c '%U:%G %a' /var/lib/rampart 2>&1)
[ "$st" = "rampart:rampart 750" ] && ok "/var/lib/rampart is $st" || bad "/var/lib/rampart is [$st]"
# The unit's RuntimeDirectory= makes /run/rampart before rampart starts;
# without systemd running here, make it as the unit would.
[ -d /run/rampart ] || install -d -o rampart -g rampart -m 0750 /run/rampart
check "rampart -t -c /etc/rampart/rampart.conf" rampart -t -c /etc/rampart/rampart.conf
eff=$(rampart -d -c /etc/rampart/rampart.conf)
for l in "socket = inet:$PORT@127.0.0.1" "user = rampart" "group = rampart" \
	"pidfile = /run/rampart/rampart.pid" "database = /var/lib/rampart/greylist.lmdb" \
	"access_file = /etc/rampart/access"; do
	grep -qxF "$l" <<<"$eff" && ok "packaged config: $l" || bad "packaged config lacks [$l]"
done
check "systemd-analyze verify rampart.service" systemd-analyze verify /lib/systemd/system/rampart.service
for l in SyslogIdentifier=rampart SyslogFacility=mail SyslogLevelPrefix=yes; do
	grep -qxF "$l" /lib/systemd/system/rampart.service && ok "unit: $l" || bad "unit lacks $l"
done
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	systemd-analyze security --offline=true /lib/systemd/system/rampart.service 2>/dev/null |
		tail -1 | sed 's/^/    /'
fi

# --------------------------------------------------- 3 run with Postfix
step "configure rampart for the test"
# Deterministic verdicts without outside DNS: the HELO checks, the access
# file and greylisting (the LMDB store in the state directory).
cat > /etc/rampart/rampart.conf <<EOF
[policy]
access_file = /etc/rampart/access
[helo]
required = reject
invalid = reject
non_fqdn = reject
[envelope]
strict = reject
[spf]
fail = off
softfail = off
neutral = off
none = off
permerror = off
temperror = off
[greylist]
mode = always
EOF
echo "sender spammer@bad.example REJECT Mail from you is not accepted here" >> /etc/rampart/access
check "rampart -t on the test config" rampart -t -c /etc/rampart/rampart.conf

step "start the installed daemon"
if [ -d /run/systemd/system ] && systemctl start rampart >"$W/check.out" 2>&1; then
	USE_SYSTEMD=yes
	ok "systemctl start rampart"
else
	echo "(systemd is not running here: starting it as the unit would, as user rampart)"
	install -d -o rampart -g rampart -m 0750 /run/rampart
	# As systemd does for a unit whose stderr is the journal: JOURNAL_STREAM
	# names the stream (here the log file) by device and inode.
	: >"$W/rampart.log"
	export JOURNAL_STREAM=$(stat -c '%d:%i' "$W/rampart.log")
	(umask 0007; exec setpriv --reuid=rampart --regid=rampart --init-groups --no-new-privs \
		/usr/sbin/rampart -f -c /etc/rampart/rampart.conf) >"$W/rampart.log" 2>&1 &
	DAEMON_PID=$!
fi
wait_port $PORT && ok "rampart listens on 127.0.0.1:$PORT" || { cat "$W/rampart.log"; die "rampart does not listen"; }
rlog() {
	if [ "$USE_SYSTEMD" = yes ]; then journalctl -u rampart --no-pager -o cat; else sed 's/^<[0-7]>//' "$W/rampart.log"; fi
}
# Each line reaches the journal with its level: priority and facility
# (mail = 2) as the journal stores them, or the raw "<N>" prefixes.
if [ "$USE_SYSTEMD" = yes ]; then
	pf=$(journalctl -u rampart --no-pager -o export | grep -E '^(PRIORITY|SYSLOG_FACILITY)=' | sort -u | tr '\n' ' ')
	case "$pf" in *PRIORITY=5*SYSLOG_FACILITY=2*) ok "journal: $pf";; *) bad "journal fields: [$pf]";; esac
else
	unset JOURNAL_STREAM
	first=$(head -1 "$W/rampart.log")
	case "$first" in "<5>rampart "*" starting on inet:$PORT@127.0.0.1"*) ok "journal prefix: $first";; *) bad "no journal level prefix: [$first]";; esac
	grep -vq '^<[0-7]>' "$W/rampart.log" && bad "a line without a level prefix: $(grep -v '^<[0-7]>' "$W/rampart.log" | head -1)"
fi
pid=$(cat /run/rampart/rampart.pid 2>/dev/null)
user=$(ps -o user= -p "${pid:-0}" 2>/dev/null | tr -d ' ')
[ "$user" = rampart ] && ok "daemon (pid $pid) runs as rampart" || bad "daemon pid [$pid] runs as [$user]"

step "configure the machine's Postfix"
if [ ! -f /etc/postfix/main.cf ]; then
	echo "(no main.cf: creating one from Postfix's defaults)"
	mkdir -p /etc/postfix
	cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf 2>/dev/null || : > /etc/postfix/main.cf
	[ -f /etc/postfix/master.cf ] || cp /usr/share/postfix/master.cf.dist /etc/postfix/master.cf
fi
cp -a /etc/postfix "$W/postfix.orig" && POSTFIX_SAVED=yes
postfix status >/dev/null 2>&1 && POSTFIX_WAS_RUNNING=yes
postfix stop >/dev/null 2>&1
postconf -e "myhostname = mx.$TESTDOMAIN" "mydestination = $TESTDOMAIN, localhost" \
	"inet_interfaces = loopback-only" "inet_protocols = ipv4" \
	"local_transport = discard:install test" "local_recipient_maps =" \
	"smtpd_authorized_xclient_hosts = 127.0.0.1" "maillog_file = /var/log/postfix-install-test.log" \
	|| die "postconf -e"
ok "Postfix: $TESTDOMAIN delivered to discard:, XCLIENT from 127.0.0.1, loopback only"
rampartctl postfix --apply >"$W/ctl.out" 2>"$W/ctl.err"; rc=$?
sed 's/^/    /' "$W/ctl.out" | head -16; sed 's/^/    /' "$W/ctl.err"
[ $rc = 0 ] && ok "rampartctl postfix --apply" || bad "rampartctl postfix --apply: exit $rc"
got=$(postconf -h smtpd_milters milter_default_action milter_protocol | tr '\n' ' ')
[ "$got" = "{ inet:127.0.0.1:$PORT, default_action=tempfail, command_timeout=30s } tempfail 6 " ] && ok "main.cf: $got" || bad "main.cf has [$got]"
if [ -d /run/systemd/system ] && systemctl start postfix >/dev/null 2>&1; then :; else postfix start >/dev/null 2>&1; fi
wait_port 25 && ok "Postfix listens on 127.0.0.1:25" || die "Postfix does not listen"

step "SMTP sessions"
python3 - "$TESTDOMAIN" >"$W/smtp.out" 2>&1 <<'PY'
import smtplib, sys
dom = sys.argv[1]

def session(name, helo, xaddr, sender, rcpt, data=False):
    s = smtplib.SMTP("127.0.0.1", 25, local_hostname=helo, timeout=60)
    s.ehlo(helo)
    if xaddr:
        code, msg = s.docmd("XCLIENT", "ADDR=%s NAME=[UNAVAILABLE]" % xaddr)
        assert code == 220, (code, msg)
        s.ehlo_resp = None
        s.ehlo(helo)
    code, msg = s.mail(sender)
    line = "%d %s" % (code, msg.decode())
    if code == 250:
        code, msg = s.rcpt(rcpt)
        line = "%d %s" % (code, msg.decode())
        if code == 250 and data:
            code, msg = s.data(b"Subject: rampart install test\r\n\r\nhello\r\n")
            line += " | DATA %d" % code
    print("%s: %s" % (name, line))
    s.quit()

session("trusted", "mx.client.example", None, "a@client.example", "user@" + dom, data=True)
session("helo", "badhelo", "192.0.2.10", "a@client.example", "user@" + dom)
session("access", "mx.client.example", "192.0.2.11", "spammer@bad.example", "user@" + dom)
session("greylist", "mx.client.example", "192.0.2.12", "a@client.example", "user@" + dom)
PY
cat "$W/smtp.out" | sed 's/^/    /'
expect_reply() {
	if grep -qxF -- "$1" "$W/smtp.out"; then ok "reply: $1"; else bad "no reply [$1]"; fi
}
expect_reply "trusted: 250 2.1.5 Ok | DATA 250"
expect_reply "helo: 504 5.5.2 <badhelo>: Helo command rejected: need fully-qualified hostname"
expect_reply "access: 554 5.7.1 <spammer@bad.example>: Sender address rejected: Mail from you is not accepted here"
expect_reply "greylist: 451 4.7.1 <user@$TESTDOMAIN>: Recipient address rejected: Greylisting in effect, please come back later"
sleep 1
rlog > "$W/rampart.seen.log"
expect_log() {
	if grep -qF -- "$1" "$W/rampart.seen.log"; then ok "rampart log: $1"; else bad "rampart log lacks [$1]"; fi
}
expect_log "reject: RCPT from unknown[192.0.2.10]: 504 5.5.2 <badhelo>: Helo command rejected: need fully-qualified hostname;"
expect_log "check=helo_non_fqdn"
expect_log "reject: RCPT from unknown[192.0.2.11]: 554 5.7.1 <spammer@bad.example>"
expect_log "greylist:"
grep -E 'reject:|greylist:' "$W/rampart.seen.log" | sed 's/^/    log: /'
rampartctl greylist list --pending >"$W/grey.out" 2>&1
grep -q "192.0.2.0/24" "$W/grey.out" && ok "rampartctl greylist list shows the pending triplet" ||
	{ bad "greylist list"; cat "$W/grey.out"; }
check "greylist database in the state directory" test -f /var/lib/rampart/greylist.lmdb/data.mdb -o -f /var/lib/rampart/greylist.lmdb

step "reload (SIGUSR1) and stop"
if [ "$USE_SYSTEMD" = yes ]; then check "systemctl reload rampart" systemctl reload rampart
else kill -USR1 "$(cat /run/rampart/rampart.pid)"; fi
sleep 1
rlog | grep -q "configuration reloaded" && ok "reloaded" || bad "no reload logged"

step "a rule added to /etc/rampart/access works after a reload"
echo "sender late@bad.example REJECT Added after the start" >> /etc/rampart/access
if [ "$USE_SYSTEMD" = yes ]; then check "systemctl reload rampart" systemctl reload rampart
else kill -USR1 "$(cat /run/rampart/rampart.pid)"; fi
sleep 1
python3 - "$TESTDOMAIN" >"$W/smtp2.out" 2>&1 <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", 25, local_hostname="mx.client.example", timeout=60)
s.ehlo("mx.client.example")
code, msg = s.docmd("XCLIENT", "ADDR=192.0.2.13 NAME=[UNAVAILABLE]")
assert code == 220, (code, msg)
s.ehlo_resp = None
s.ehlo("mx.client.example")
s.mail("late@bad.example")
code, msg = s.rcpt("user@" + sys.argv[1])
print("late: %d %s" % (code, msg.decode()))
s.quit()
PY
sed 's/^/    /' "$W/smtp2.out"
grep -qxF "late: 554 5.7.1 <late@bad.example>: Sender address rejected: Added after the start" "$W/smtp2.out" &&
	ok "the new access rule applies after the reload" || bad "the new access rule does not apply"
stop_daemon
postfix stop >/dev/null 2>&1

# ------------------------------------------------------ 4 remove, purge
step "remove"
check "apt-get remove rampart" apt-get remove -y rampart
absent /usr/sbin/rampart /usr/sbin/rampartctl /lib/systemd/system/rampart.service \
	/usr/share/man/man8/rampart.8.gz /usr/share/man/man5/rampart.conf.5.gz /usr/share/doc/rampart
check "remove keeps the configuration" test -f /etc/rampart/rampart.conf
check "remove keeps the greylist database" test -d /var/lib/rampart

step "purge"
check "apt-get purge rampart" apt-get purge -y rampart
absent /etc/rampart /var/lib/rampart /run/rampart /usr/sbin/rampart /usr/sbin/rampartctl \
	/lib/systemd/system/rampart.service /etc/systemd/system/multi-user.target.wants/rampart.service \
	/var/lib/systemd/deb-systemd-helper-enabled/rampart.service \
	/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/rampart.service
dpkg-query -W -f='${Status}\n' rampart 2>/dev/null | grep -q 'installed\|config-files' &&
	bad "dpkg still knows rampart" || ok "dpkg: rampart is not installed"
getent passwd rampart >/dev/null && echo "(the rampart system user stays, as Debian leaves system users)"

# ------------------------------------------------------------ 5 restore
step "restore"
restore_postfix
finish
