#!/bin/bash
# rampartctl postfix against private Postfix configuration directories
# (postconf -c DIR, the real postconf; no Postfix is started): the endpoint
# derived from each [milter] socket form, existing smtpd_milters kept,
# chroot handling, warnings, --apply writing main.cf, exit codes.
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
	'non_smtpd_milters = $smtpd_milters'
mkpf quote y "smtpd_milters = inet:127.0.0.1:9999 it's"
mkconf default '[milter]'
mkconf spool '[milter]' 'socket = unix:/var/spool/postfix/rampart/rampart.sock'
mkconf runsock '[milter]' 'socket = unix:/run/rampart/rampart.sock'
mkconf v6 '[milter]' 'socket = inet6:8895@[::1]'
mkconf any '[milter]' 'socket = inet:10025@0.0.0.0'
mkconf budget '[dns]' 'stage_budget = 30s'

# Table: case | pfdir | conf | the smtpd_milters line expected | exit status
P=$W
while IFS='|' read -r name pf conf line rc; do
	[ -z "$name" ] && continue
	run "$name" "$W/$pf" "$W/$conf.conf"
	expect_rc "$name" "$rc"
	expect_line "$name" "postconf -c '$P/$pf' -e 'smtpd_milters = $line'"
done <<TABLE
default|plain|default|inet:127.0.0.1:8895|0
append|other|default|unix:/opendkim/opendkim.sock, { inet:127.0.0.1:8891, default_action=accept }, inet:127.0.0.1:8895|0
spool|plain|spool|unix:/rampart/rampart.sock|0
spool_nochroot|nochroot|spool|unix:/var/spool/postfix/rampart/rampart.sock|0
runsock_nochroot|nochroot|runsock|unix:/run/rampart/rampart.sock|0
runsock_chroot|plain|runsock|unix:/run/rampart/rampart.sock|0
v6|plain|v6|inet:[::1]:8895|0
any|plain|any|inet:127.0.0.1:10025|0
budget|plain|budget|inet:127.0.0.1:8895|0
TABLE

# the other settings, exactly
for l in "milter_protocol = 6" "milter_default_action = tempfail" \
	"milter_connect_timeout = 30s" "milter_command_timeout = 30s"; do
	expect_line default "postconf -c '$P/plain' -e '$l'"
done
expect_line default "postfix -c '$P/plain' status >/dev/null 2>&1 && postfix -c '$P/plain' reload"
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
expect_line budget "# WARNING: [dns] stage_budget = 30000ms is not below milter_command_timeout = 30s: Postfix would give up on rampart first and answer with milter_default_action; lower stage_budget (default 20s)"
expect_line append "# (non_smtpd_milters = \$smtpd_milters also sends local submissions to rampart; they come"
# a quote in the old value is quoted for sh
run quote "$W/quote" "$W/default.conf"
expect_line quote "postconf -c '$P/quote' -e 'smtpd_milters = inet:127.0.0.1:9999 it'\\''s, inet:127.0.0.1:8895'"

# --apply writes main.cf; a second run keeps one entry; Postfix not running
run apply1 "$W/other" "$W/default.conf" --apply
expect_rc apply1 0
expect_err apply1 "rampartctl: applied 5 settings to $W/other/main.cf"
expect_err apply1 "Postfix is not running"
run apply2 "$W/other" "$W/default.conf" --apply
expect_rc apply2 0
expect_line apply2 "# smtpd_milters already lists inet:127.0.0.1:8895."
got=$(postconf -c "$W/other" -h smtpd_milters milter_protocol milter_default_action \
	milter_connect_timeout milter_command_timeout | tr '\n' '|')
want='unix:/opendkim/opendkim.sock, { inet:127.0.0.1:8891, default_action=accept }, inet:127.0.0.1:8895|6|tempfail|30s|30s|'
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
expect_err nodir "rampartctl: warning: postconf did not run"
run nodir_apply "$W/nonexistent" "$W/default.conf" --apply
expect_rc nodir_apply 2

echo "ctl_postfix: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
