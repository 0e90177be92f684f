#!/bin/bash
# rampartctl postfix against private Postfix configuration directories
# (postconf -c DIR, the real postconf; no Postfix is started): the endpoint
# derived from each [milter] socket form, existing smtpd_milters and every
# global milter_* setting kept (rampart's entry carries its own
# default_action), values before and after, expanded defaults, the real
# chroot column, a missing main.cf, --apply writing main.cf, exit codes.
# Usage: ctl_postfix.sh RAMPARTCTL
set -u
CTL=${1:?usage: ctl_postfix.sh RAMPARTCTL}
command -v postconf >/dev/null || PATH=$PATH:/usr/sbin
command -v postconf >/dev/null || { echo "FAIL: postconf (Postfix) is not installed"; exit 1; }

W=$(mktemp -d /tmp/rampart-ctlpf.XXXXXX)
trap 'rm -rf "$W"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# mkpf NAME CHROOT [main.cf lines...]: a Postfix config dir with an smtp line.
mkpf() {
	local d=$W/$1 ch=$2; shift 2
	mkdir -p "$d"
	printf '%s\n' "compatibility_level = 3.6" "$@" > "$d/main.cf"
	[ "$ch" = none ] && { : > "$d/master.cf"; return; }
	printf 'smtp      inet  n       -       %s       -       -       smtpd\n' "$ch" > "$d/master.cf"
	printf 'pickup    unix  n       -       %s       60      1       pickup\n' "$ch" >> "$d/master.cf"
}
# mkconf NAME LINES...: a rampart config.
mkconf() {
	local f=$W/$1.conf; shift
	printf '%s\n' "$@" > "$f"
}
# run NAME PFDIR CONF [args]: output in $W/NAME.out, $W/NAME.err, status in $W/NAME.rc
run() {
	local n=$1 pf=$2 conf=$3; shift 3
	"$CTL" -c "$conf" postfix --postfix-config "$pf" "$@" >"$W/$n.out" 2>"$W/$n.err"
	echo $? > "$W/$n.rc"
}
expect_line() {   # NAME LINE: the output has exactly this line
	if grep -qxF -- "$2" "$W/$1.out"; then ok; else bad "$1: no line [$2]"; sed 's/^/    /' "$W/$1.out"; fi
}
expect_no() {     # NAME FIXED-STRING: not in stdout
	if grep -qF -- "$2" "$W/$1.out"; then bad "$1: unexpected [$2]"; else ok; fi
}
expect_err() {    # NAME FIXED-STRING: in stderr
	if grep -qF -- "$2" "$W/$1.err"; then ok; else bad "$1: stderr lacks [$2]"; sed 's/^/    /' "$W/$1.err"; fi
}
expect_rc() {
	local got; got=$(cat "$W/$1.rc")
	if [ "$got" = "$2" ]; then ok; else bad "$1: exit $got, expected $2"; cat "$W/$1.err"; fi
}

mkpf plain y
mkpf nochroot n
mkpf other y 'smtpd_milters = unix:/opendkim/opendkim.sock, { inet:127.0.0.1:8891, default_action=accept }' \
	'non_smtpd_milters = $smtpd_milters' 'milter_default_action = accept' 'milter_command_timeout = 10s'
mkpf dash -
mkpf mynet y 'mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 10.1.0.0/16, 192.0.2.7 /etc/postfix/nets hash:/etc/x [2001:db8::]/32 !198.51.100.1'
mkpf samenet y 'mynetworks = 127.0.0.0/8 [::1]/128'
mkpf nosmtp none
mkpf listed y 'smtpd_milters = { inet:127.0.0.1:8895, default_action=accept }'
mkdir -p "$W/nomain"
printf 'smtp      inet  n       -       y       -       -       smtpd\n' > "$W/nomain/master.cf"
mkpf quote y "smtpd_milters = inet:127.0.0.1:9999 it's"
mkconf default '[milter]'
mkconf spool '[milter]' 'socket = unix:/var/spool/postfix/rampart/rampart.sock'
mkconf runsock '[milter]' 'socket = unix:/run/rampart/rampart.sock'
mkconf v6 '[milter]' 'socket = inet6:8895@[::1]'
mkconf any '[milter]' 'socket = inet:10025@0.0.0.0'
mkconf budget '[dns]' 'stage_budget = 30s'

# Table: case | pfdir | conf | rampart's endpoint | milters before it | exit status
P=$W
E='default_action=tempfail, command_timeout=30s'
while IFS='|' read -r name pf conf ep before rc; do
	[ -z "$name" ] && continue
	run "$name" "$W/$pf" "$W/$conf.conf"
	expect_rc "$name" "$rc"
	expect_line "$name" "postconf -c '$P/$pf' -e 'smtpd_milters = $before{ $ep, $E }'"
	expect_line "$name" "# after:  smtpd_milters = $before{ $ep, $E }"
done <<TABLE
default|plain|default|inet:127.0.0.1:8895||0
append|other|default|inet:127.0.0.1:8895|unix:/opendkim/opendkim.sock, { inet:127.0.0.1:8891, default_action=accept }, |0
spool|plain|spool|unix:/rampart/rampart.sock||0
spool_nochroot|nochroot|spool|unix:/var/spool/postfix/rampart/rampart.sock||0
runsock_nochroot|nochroot|runsock|unix:/run/rampart/rampart.sock||0
runsock_chroot|plain|runsock|unix:/run/rampart/rampart.sock||0
v6|plain|v6|inet:[::1]:8895||0
any|plain|any|inet:127.0.0.1:10025||0
budget|plain|budget|inet:127.0.0.1:8895||0
TABLE

# smtpd_milters is the one parameter set: no global milter_* line
if grep -v '^#' "$W/append.out" | grep -q "milter_default_action\|milter_protocol\|milter_.*timeout"; then
	bad "append: sets a global milter_ parameter"; else ok; fi
expect_line default "# before: smtpd_milters = (empty)"
expect_line append "# before: smtpd_milters = unix:/opendkim/opendkim.sock, { inet:127.0.0.1:8891, default_action=accept }"
expect_line default "postfix -c '$P/plain' status >/dev/null 2>&1 && postfix -c '$P/plain' reload"
expect_line default "# Postfix $(postconf -c "$W/plain" -h mail_version), config $P/plain, smtpd chroot y"
# already listed (in braces, with its own settings): nothing changes, no reload
run listed "$W/listed" "$W/default.conf"
expect_rc listed 0
expect_line listed "# smtpd_milters already lists inet:127.0.0.1:8895: nothing to change."
expect_no listed "postconf -c '$P/listed' -e 'smtpd_milters"
if grep -q '^postfix ' "$W/listed.out"; then bad "listed: a live reload line"; else ok; fi
# the real chroot column: "-" is reported as such and kept in the new lines
run dash "$W/dash" "$W/default.conf"
expect_line dash "# Postfix $(postconf -c "$W/plain" -h mail_version), config $P/dash, smtpd chroot - (n, Postfix's default since 3.0)"
expect_line dash "# postconf -c '$P/dash' -M 'smtp/inet = smtp inet n - - - 1 postscreen'"
expect_line dash "# postconf -c '$P/dash' -M 'smtpd/pass = smtpd pass - - - - - smtpd'"
run nosmtp "$W/nosmtp" "$W/default.conf"
expect_line nosmtp "# Postfix $(postconf -c "$W/plain" -h mail_version), config $P/nosmtp, smtpd chroot unknown (no smtp inet line in master.cf)"
expect_line nosmtp "# postconf -c '$P/nosmtp' -M 'smtp/inet = smtp inet n - - - 1 postscreen'"
# mynetworks against trusted_networks: the difference and the line to use
run mynet "$W/mynet" "$W/default.conf"
expect_line mynet "#    In mynetworks, not trusted by rampart (its checks apply): 10.1.0.0/16, 192.0.2.7, 2001:db8::/32"
expect_line mynet "#    trusted_networks = 127.0.0.0/8, ::1, 10.1.0.0/16, 192.0.2.7, 2001:db8::/32"
expect_line mynet "#    Not compared (names, files and tables): /etc/postfix/nets hash:/etc/x !198.51.100.1"
expect_no mynet "Trusted by rampart, not in mynetworks"
run samenet "$W/samenet" "$W/default.conf"
expect_line samenet "#    trusted_networks covers the same networks."
mkconf wide '[policy]' 'trusted_networks = 127.0.0.0/8, ::1/128, 10.0.0.0/8'
run widenet "$W/samenet" "$W/wide.conf"
expect_line widenet "#    Trusted by rampart, not in mynetworks: 10.0.0.0/8"
expect_no widenet "To trust them too"
# a network inside a wider trusted one is covered
run covered "$W/mynet" "$W/wide.conf"
expect_line covered "#    In mynetworks, not trusted by rampart (its checks apply): 192.0.2.7, 2001:db8::/32"
# defaults are shown expanded, never as Postfix's raw \${{...}} expressions
expect_line default "#    smtpd_relay_restrictions is now: permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"
expect_no default '${'
# no main.cf: postconf's own message, no claim about what this Postfix has
run nomain "$W/nomain" "$W/default.conf"
expect_rc nomain 0
expect_line nomain "# WARNING: postconf: fatal: open $P/nomain/main.cf: No such file or directory; Postfix's settings could not be read, so the milters already in smtpd_milters are not known: add rampart's entry to them by hand"
expect_line nomain "# before: smtpd_milters = (not known)"
expect_no nomain "This Postfix has no"
expect_no nomain "is Postfix installed"
expect_line nomain "# postconf -c '$P/nomain' -e 'smtpd_forbid_unauth_pipelining = yes'"
expect_line nomain "# postconf -c '$P/nomain' -e 'smtpd_data_restrictions = reject_unauth_pipelining'"
run nomain_apply "$W/nomain" "$W/default.conf" --apply
expect_rc nomain_apply 2
expect_err nomain_apply "rampartctl: cannot --apply: postconf: fatal: open $P/nomain/main.cf: No such file or directory"
if [ -e "$W/nomain/main.cf" ]; then bad "nomain: --apply created main.cf"; else ok; fi
# the MTA's part is there, commented out
expect_line default "# 2. The MTA's part of the hardening that no milter can do."
expect_line default "# postconf -c '$P/plain' -M 'smtp/inet = smtp inet n - y - 1 postscreen'"
expect_line default "# postconf -c '$P/plain' -M 'smtpd/pass = smtpd pass - - y - - smtpd'"
expect_line default "# postconf -c '$P/plain' -e 'postscreen_greet_action = enforce'"
expect_line default "# postconf -c '$P/plain' -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination'"
if postconf -dh smtpd_forbid_unauth_pipelining 2>/dev/null | grep -q .; then
	expect_line default "# postconf -c '$P/plain' -e 'smtpd_forbid_unauth_pipelining = yes'"
else
	expect_line default "# postconf -c '$P/plain' -e 'smtpd_data_restrictions = reject_unauth_pipelining'"
fi
expect_line spool_nochroot "# postconf -c '$P/nochroot' -M 'smtp/inet = smtp inet n - n - 1 postscreen'"
# no live command outside part 1: every uncommented line is postconf -e or the reload
if grep -v '^#' "$W/default.out" | grep -v '^$' | grep -vE "^postconf -c '[^']*' -e '[a-z_]+ = [^']*'$|^postfix " | grep -q .; then
	bad "default: unexpected live line"; else ok; fi
# warnings: on stdout (comment) and stderr, only where due
expect_no default "WARNING"
expect_no spool "WARNING"
expect_no runsock_nochroot "WARNING"
expect_line runsock_chroot "# WARNING: smtpd runs chrooted in /var/spool/postfix and cannot reach /run/rampart/rampart.sock: put the socket under /var/spool/postfix (e.g. unix:/var/spool/postfix/rampart/rampart.sock) or use inet:PORT@127.0.0.1"
expect_err runsock_chroot "rampartctl: warning: smtpd runs chrooted"
expect_err any "rampartctl: warning: rampart listens on every IPv4 address"
expect_line budget "# WARNING: [dns] stage_budget = 30000ms is not below the milter command_timeout = 30s: Postfix would give up on rampart first and answer with its default_action; lower stage_budget (default 20s)"
expect_line append "# (non_smtpd_milters = \$smtpd_milters also sends local submissions to rampart; they come"
# a quote in the old value is quoted for sh
run quote "$W/quote" "$W/default.conf"
expect_line quote "postconf -c '$P/quote' -e 'smtpd_milters = inet:127.0.0.1:9999 it'\\''s, { inet:127.0.0.1:8895, $E }'"

# --apply writes main.cf; a second run keeps one entry; Postfix not running
run apply1 "$W/other" "$W/default.conf" --apply
expect_rc apply1 0
expect_err apply1 "rampartctl: set smtpd_milters in $W/other/main.cf"
expect_err apply1 "Postfix is not running"
run apply2 "$W/other" "$W/default.conf" --apply
expect_rc apply2 0
expect_line apply2 "# smtpd_milters already lists inet:127.0.0.1:8895: nothing to change."
expect_err apply2 "rampartctl: smtpd_milters lists rampart already; nothing applied"
got=$(postconf -c "$W/other" -h smtpd_milters milter_protocol milter_default_action \
	milter_connect_timeout milter_command_timeout | tr '\n' '|')
# the other milter and the global settings are as they were
want="unix:/opendkim/opendkim.sock, { inet:127.0.0.1:8891, default_action=accept }, { inet:127.0.0.1:8895, $E }|6|accept|30s|10s|"
if [ "$got" = "$want" ]; then ok; else bad "apply: main.cf has [$got], expected [$want]"; fi
# the MTA's part is never applied
if postconf -c "$W/other" -n | grep -qE 'postscreen_greet_action|smtpd_relay_restrictions|forbid_unauth'; then
	bad "apply touched the MTA part"; else ok; fi

# --apply refuses a socket smtpd cannot reach, and leaves main.cf alone
cp "$W/plain/main.cf" "$W/plain.before"
run refuse "$W/plain" "$W/runsock.conf" --apply
expect_rc refuse 1
expect_err refuse "rampartctl: refusing --apply: Postfix could not reach rampart's socket"
if cmp -s "$W/plain/main.cf" "$W/plain.before"; then ok; else bad "refuse: main.cf changed"; fi

# usage errors
"$CTL" -c "$W/default.conf" postfix --bogus >/dev/null 2>&1; r=$?
[ $r = 1 ] && ok || bad "--bogus: exit $r, expected 1"
"$CTL" -c "$W/default.conf" postfix extra >/dev/null 2>&1; r=$?
[ $r = 1 ] && ok || bad "extra argument: exit $r, expected 1"
"$CTL" -c "$W/default.conf" postfix --postfix-config relative >/dev/null 2>&1; r=$?
[ $r = 1 ] && ok || bad "relative --postfix-config: exit $r, expected 1"
# a Postfix directory that does not exist: warning, exit 0; with --apply exit 2
run nodir "$W/nonexistent" "$W/default.conf"
expect_rc nodir 0
expect_err nodir "rampartctl: warning: postconf: fatal: open $P/nonexistent/main.cf: No such file or directory"
run nodir_apply "$W/nonexistent" "$W/default.conf" --apply
expect_rc nodir_apply 2

echo "ctl_postfix: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
