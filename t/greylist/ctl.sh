#!/bin/bash
# rampartctl greylist on a live database: a helper process (grey_writer
# hold) keeps the store open and makes decisions like the daemon while
# rampartctl lists, shows, allows, deletes, purges and counts; then the
# error cases with their exact messages and exit codes.
# usage: ctl.sh GREY_WRITER RAMPARTCTL
set -u
W=$1
CTL=$2
D=$(mktemp -d /tmp/rampart-ctl-XXXXXX)
chmod 755 "$D"
DB=$D/greylist.lmdb
CONF=$D/rampart.conf
printf '[greylist]\ndatabase = %s\n' "$DB" > "$CONF"
NOW=1700000000          # 2023-11-14T22:13:20Z
T0=2023-11-14T22:13:20Z
TA=2023-11-14T22:18:20Z    # T0 + the 5 min delay: a retry is accepted from then
T5=2023-11-14T22:18:20Z
fail=0
pass=0

# check NAME RC STDOUT STDERR -- COMMAND...
check() {
	local name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	local out err rc
	out=$("$@" 2> "$D/stderr")
	rc=$?
	err=$(cat "$D/stderr")
	if [ "$rc" != "$want_rc" ] || [ "$out" != "$want_out" ] || [ "$err" != "$want_err" ]; then
		echo "FAIL $name: rc=$rc (want $want_rc)"
		echo "  stdout: $out"; echo "  want:   $want_out"
		echo "  stderr: $err"; echo "  want:   $want_err"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
ctl() { "$CTL" -c "$CONF" --now "$NOW" "$@"; }
sorted() { "$@" | sort; }

# --- errors before the database exists ---
check "missing db" 2 "" "rampartctl: $DB: database does not exist" -- ctl greylist stats
check "missing dir" 2 "" "rampartctl: $D/nodir/g.lmdb: directory $D/nodir does not exist" -- \
	"$CTL" -c "$CONF" --db "$D/nodir/g.lmdb" greylist list
head -c 20000 /dev/urandom > "$D/garbage.lmdb"
check "garbage file" 2 "" "rampartctl: $D/garbage.lmdb: not an LMDB database, or damaged" -- \
	"$CTL" -c "$CONF" --db "$D/garbage.lmdb" greylist list
check "no command" 1 "" "rampartctl: greylist: expected a command: list, show, allow, delete, purge, stats" -- \
	ctl greylist
check "unknown sub" 1 "" "rampartctl: greylist: unknown command \"frob\" (expected list, show, allow, delete, purge, stats)" -- \
	ctl greylist frob
check "bad client" 1 "" "rampartctl: greylist: invalid client \"foo\" (expected an address, a CIDR or spf:DOMAIN)" -- \
	ctl greylist allow foo
check "wide cidr" 1 "" "rampartctl: greylist: client 10.0.0.0/8 is wider than the /24 [greylist] netmask4: entries are kept per /24 network; give one address or a /24 in it" -- \
	ctl greylist allow 10.0.0.0/8
check "bad list option" 1 "" "rampartctl: greylist list: unknown option \"--old\" (expected --pending, --passed or --clients)" -- \
	ctl greylist list --old
check "allow arity" 1 "" "rampartctl: greylist allow: expected CLIENT or CLIENT SENDER RECIPIENT" -- \
	ctl greylist allow 192.0.2.1 a@b.example
check "bad --now" 1 "" "rampartctl: --now yesterday: expected seconds since the epoch" -- \
	"$CTL" -c "$CONF" --now yesterday greylist stats
out=$("$CTL" -c "$D/none.conf" greylist stats 2>&1); rc=$?
if [ $rc -eq 1 ] && [[ "$out" == "rampartctl: $D/none.conf"* ]]; then pass=$((pass + 1)); else
	echo "FAIL missing config: rc=$rc $out"; fail=$((fail + 1)); fi

# --- a live database: the helper plays the daemon ---
coproc HOLD { "$W" hold "$DB"; }
read -r line <&"${HOLD[0]}"
[ "$line" = ready ] || { echo "FAIL holder did not start: $line"; exit 1; }
decide() {  # decide EPOCH IP SENDER RCPT -> prints the helper's answer
	echo "decide $*" >&"${HOLD[1]}"
	read -r line <&"${HOLD[0]}"
	echo "$line"
}
expect_decide() {
	local want=$1; shift
	local got; got=$(decide "$@")
	if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
		echo "FAIL decide $*: got '$got', want '$want'"; fail=$((fail + 1)); fi
}
expect_decide "new wait=300 delayed=0" $NOW 192.0.2.10 a@s.example r@d.example
expect_decide "new wait=300 delayed=0" $NOW 198.51.100.7 b@s.example r@d.example
expect_decide "pass-first wait=0 delayed=300" $((NOW + 300)) 198.51.100.7 b@s.example r@d.example

P1=$("$W" id 192.0.2.0/24 a@s.example r@d.example)
P2=$("$W" id 198.51.100.0/24 b@s.example r@d.example)
C2=$("$W" id 198.51.100.0/24)
L1="${P1:0:16} pending 192.0.2.0/24 a@s.example r@d.example first=$T0 last=$T0 attempts=1 accept=$TA"
L2="${P2:0:16} passed 198.51.100.0/24 b@s.example r@d.example first=$T0 passed=$T5 last=$T5"
L3="${C2:0:16} client 198.51.100.0/24 passes=1 last=$T5 counting"
check "list" 0 "$(printf '%s\n%s\n' "$L1" "$L2" | sort)
$L3" "" -- ctl greylist list
check "list --pending" 0 "$L1" "" -- ctl greylist list --pending
check "list --passed" 0 "$L2" "" -- ctl greylist list --passed
check "list --clients" 0 "$L3" "" -- ctl greylist list --clients
check "show client" 0 "$L1" "" -- ctl greylist show 192.0.2.77
check "show client+record" 0 "$L3
$L2" "" -- ctl greylist show 198.51.100.0/24
check "show id" 0 "$P2 passed 198.51.100.0/24 b@s.example r@d.example first=$T0 passed=$T5 last=$T5" "" -- \
	ctl greylist show "${P2:0:12}"
check "show unknown id" 2 "" "rampartctl: greylist: no entry with ID 00000000" -- ctl greylist show 00000000

# allow a triplet: the daemon then accepts it
P3=$("$W" id 192.0.2.0/24 x@y.example q@d.example)
check "allow triplet" 0 "${P3:0:16} passed 192.0.2.0/24 x@y.example q@d.example first=$T0 passed=$T0 last=$T0" "" -- \
	ctl greylist allow 192.0.2.5 X@Y.example Q@D.example
expect_decide "passed wait=0 delayed=0" $((NOW + 10)) 192.0.2.99 x@y.example q@d.example
# allow a client: every triplet from its /24 passes
C4=$("$W" id 203.0.113.0/24)
check "allow client" 0 "${C4:0:16} client 203.0.113.0/24 passes=0 last=$T0 manual" "" -- \
	ctl greylist allow 203.0.113.8
expect_decide "allowed-client wait=0 delayed=0" $((NOW + 20)) 203.0.113.50 any@where.example z@d.example
# delete a triplet: the daemon greylists it again
check "delete triplet" 0 "deleted ${P3:0:16}" "" -- ctl greylist delete 192.0.2.0/24 x@y.example q@d.example
expect_decide "new wait=300 delayed=0" $((NOW + 30)) 192.0.2.99 x@y.example q@d.example
check "delete again" 2 "" "rampartctl: greylist delete: no such entry" -- \
	ctl greylist delete 192.0.2.0/24 z@y.example q@d.example
check "delete by id" 0 "deleted ${P1:0:16}" "" -- ctl greylist delete "${P1:0:8}"
check "delete client" 0 "deleted ${C4:0:16}" "" -- ctl greylist delete 203.0.113.1
expect_decide "new wait=300 delayed=0" $((NOW + 40)) 203.0.113.50 any@where.example z@d.example
check "allow spf client" 0 "$("$W" id spf:pool.example | cut -c1-16) client spf:pool.example passes=0 last=$T0 manual" "" -- \
	ctl greylist allow spf:Pool.Example

# stats: pending = P3 again + the 203.0.113 one; passed = P2; clients = C2,
# 192.0.2.0/24 (counted by the PASSED decision above) and spf:pool.example
out=$(ctl greylist stats)
want="database: $DB
pending: 2
passed: 1
clients: 3
allowed clients: 1
unreadable: 0"
if [ "$(echo "$out" | head -6)" = "$want" ] && echo "$out" | grep -qx 'map size: 1073741824' &&
   echo "$out" | grep -qx 'page size: 4096' && echo "$out" | grep -qx 'readers: 0/1024' &&
   echo "$out" | grep -qE '^file size: [0-9]+$' && echo "$out" | grep -qE '^last txn: [0-9]+$'; then
	pass=$((pass + 1))
else
	echo "FAIL stats:"; echo "$out"; fail=$((fail + 1))
fi

# purge 40 days later: everything but the manual client has expired; a
# dry run first counts the same and deletes nothing
check "host bits below the prefix" 1 "" "rampartctl: greylist: client 198.51.100.0/16: the address has bits set below the /16 prefix; entries are kept per /24 network ([greylist] netmask4): give one address or its /24" -- \
	ctl greylist show 198.51.100.0/16
check "purge dry run" 0 "would purge 5 of 6 entries (dry run: nothing deleted)" "" -- \
	"$CTL" -c "$CONF" --now $((NOW + 40 * 86400)) greylist purge --dry-run
check "dry run deleted nothing" 0 "would purge 5 of 6 entries (dry run: nothing deleted)" "" -- \
	"$CTL" -c "$CONF" --now $((NOW + 40 * 86400)) greylist purge --dry-run
check "bad purge argument" 1 "" "rampartctl: greylist purge: expected nothing or --dry-run" -- \
	ctl greylist purge --now
check "purge later" 0 "purged 5 of 6 entries" "" -- \
	"$CTL" -c "$CONF" --now $((NOW + 40 * 86400)) greylist purge
check "after purge" 0 "$("$W" id spf:pool.example | cut -c1-16) client spf:pool.example passes=0 last=$T0 manual" "" -- \
	ctl greylist list
check "purge again" 0 "purged 0 of 1 entries" "" -- ctl greylist purge

# --db overrides the config; a config netmask is used for client parts
printf '[greylist]\ndatabase = %s/other.lmdb\nnetmask4 = 16\n' "$D" > "$D/n16.conf"
check "netmask from config" 0 "$("$W" id 192.0.0.0/16 | cut -c1-16) client 192.0.0.0/16 passes=0 last=$T0 manual" "" -- \
	"$CTL" -c "$D/n16.conf" --db "$DB" --now $NOW greylist allow 192.0.77.1

# no permission: an unprivileged user on the root-owned 0660 files
if [ "$(id -u)" = 0 ]; then
	check "permission" 2 "" "rampartctl: $DB: permission denied" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$CTL" -c "$CONF" greylist list
fi

exec {HOLD[1]}>&-
wait
rm -rf "$D"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
