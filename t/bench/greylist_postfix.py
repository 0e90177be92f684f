#!/usr/bin/python3
"""greylist_postfix: greylisting decisions per second through one real
Postfix set-up, rampart (milter) against postgrey (policy service), on the
same triplet mix in one run. See t/bench/README.md for how to read it.

Method
------
Three private Postfix instances (t/e2e/harness.py), built from the same
settings; they differ only in the greylisting hook:

    A  rampart   smtpd_milters = rampart (inet socket), whose only active
                 check is greylisting: [greylist] mode = always, delay = 1s,
                 every SPF result off (the other checks are off by default),
                 trusted_networks = 127.0.0.0/8, ::1/128 (the XCLIENT
                 addresses, 10.x.y.z, are not trusted).
    B  postgrey  no milter; smtpd_recipient_restrictions =
                 check_policy_service inet:127.0.0.1:PORT, to
                 `postgrey --inet=127.0.0.1:PORT --dbdir=TMP --delay=1`
                 (run as its Debian user postgrey, Debian's default
                 whitelists and auto-whitelisting, as shipped).
    C  none      neither: the cost of Postfix and of the load generator.
    D  null      smtpd_milters = t/bench/nullmilter -D fresh.example, a
                 libmilter program that decides nothing: it defers RCPTs
                 to the fresh triplets' domain with rampart's reply and
                 answers "continue" to everything else. Postfix does the
                 same work as behind rampart; what remains is the milter
                 protocol's cost on both sides of the socket. D / B is the
                 most any milter could show through this Postfix on this
                 machine; A / D is how much of that rampart keeps.

Common to all three: no DATA ever, the error and junk-command limits raised
so that long sessions of RSETs and 4xx replies are not cut off, mail
discarded (never reached).

Triplets. CLIENTS client subnets 10.H.L.0/24 (both rampart and postgrey key
IPv4 clients by /24); each has PASSED groups of one sender and RCPTS
recipients whose triplets are passed before measuring, through the same
Postfix path: every triplet is sent once (the reply must be 4xx), then,
after the 1 s delay, once more (the reply must be 250). Local parts are
letters only, since both normalise numbers in the sender's local part to
'#'. A fresh triplet has a recipient never used before (unique per
decision, per round and per hook).

Load. PROCS client processes, SESSIONS SMTP sessions in all (threads). A
session connects, sends XCLIENT ADDR=10.H.L.n NAME=mta-H-L.senders.example,
EHLO, then PER_SESSION transactions, each MAIL FROM (a passed group's
sender), RCPTS x RCPT TO and RSET sent in one write (PIPELINING) and their
replies read; then QUIT and a new session from the next client subnet. The
RCPTs alternate between the group's passed recipients (expected 250) and
fresh ones (expected 451 from rampart and D, 450 from postgrey's DEFER_IF_PERMIT;
250 in C), so the mix is 50/50 (--fresh sets another share). Every RCPT
reply is a decision; the MAIL and RSET replies must be 250. --rcpts 1 (the
default) is one decision per transaction; more recipients per transaction
spread Postfix's per-transaction work (MAIL, RSET, the queue file) over more
decisions, as mail to several local users does.

Measuring. Sessions start a second before the window opens; decisions whose
reply arrives inside [start, start + DURATION) are counted; rate = count /
DURATION. An unmeasured warm-up per hook (C, A, B) first, then ROUNDS rounds
in the order A, B, C; the summary gives each hook's median and the ratio
rampart / postgrey (target >= 5) from the medians. CPU time is read from
/proc at the window's edges: the hook process (rampart's threads, or the
single postgrey process), Postfix (master, its live children and what it
reaped: smtpd, cleanup, trivial-rewrite, ...), the client processes, and
the whole machine; printed as CPU microseconds per decision, with the
decisions per CPU-second of the hook process alone. At the end,
`rampartctl greylist stats` gives rampart's triplets and file size (the
test fails unless it holds exactly the triplets sent), and postgrey's
postgrey.db size is divided by the triplets it was sent.

Limits. Postfix's smtpd processes, the greylisting process and the load
generator share the machine's CPUs, and Postfix's share per decision is
larger than either hook's, so on a small machine the through-Postfix ratio
is bounded well below the ratio of the hooks' own CPU costs; the summary
says so when the CPUs were saturated. C is not an exact ceiling for the same
mix: Postfix opens a queue file (cleanup service) at the first accepted RCPT
of a transaction and removes it at RSET, so C, which accepts every RCPT,
does more Postfix work per decision than A and B, which defer the fresh
share.

Usage (as root):
    t/bench/greylist_postfix.py [--build DIR] [--duration S] [--rounds R]
        [--warmup S] [--sessions N] [--procs P] [--per-session T]
        [--rcpts K] [--clients C] [--passed M] [--fresh F] [--keep]
Exit status: 0 when every reply was the expected one, 1 otherwise, 77 when
it cannot run here (not root, no postgrey, rampart not built). Nothing
timed is asserted.
"""

import argparse
import multiprocessing
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from harness import (Postfix, SMTPClient, build_dir, free_port,  # noqa: E402
                     rampart_binary, start_milter, start_rampart, stop_process,
                     wait_port, write_rampart_config)

POSTGREY = "/usr/sbin/postgrey"
POSTGREY_USER = "postgrey"
DELAY = 1                     # greylisting delay of both, seconds
EXPECT_FRESH = {"rampart": 451, "postgrey": 450, "none": 250, "null": 451}
LABEL = {"rampart": "A rampart", "postgrey": "B postgrey", "none": "C none",
         "null": "D nullmilter"}
HOOKS = ("rampart", "postgrey", "none", "null")


def nullmilter_binary():
    return os.path.join(build_dir(), "t", "bench", "nullmilter")

# Same for all three instances: long sessions of RSETs and 4xx replies must
# not hit Postfix's error and junk-command limits (their effect would differ
# between hooks, since C never answers 4xx).
COMMON_OVERRIDES = {
    "smtpd_soft_error_limit": "100000",
    "smtpd_hard_error_limit": "100000",
    "smtpd_junk_command_limit": "100000",
}


# --- triplets ---------------------------------------------------------------
def letters(n):
    """n as base-26 letters: no digits, so no sender normalisation applies."""
    s = ""
    while True:
        s = chr(97 + n % 26) + s
        n //= 26
        if n == 0:
            return s


def client_addr(ci, k):
    """Address of client subnet ci (10.H.L.0/24), host part varying with k."""
    return "10.%d.%d.%d" % (ci >> 8, ci & 255, 1 + k % 254)


def client_name(ci):
    return "mta-%d-%d.senders.example" % (ci >> 8, ci & 255)


def passed_sender(m):
    """Sender of the m-th passed group (of any client)."""
    return "p%s@passed.example" % letters(m)


def passed_rcpt(m, i):
    """i-th recipient of the m-th passed group: (client, passed_sender(m),
    passed_rcpt(m, i)) is a passed triplet."""
    return "r%sx%s@dest.example" % (letters(m), letters(i))


FRESH_DOMAIN = "fresh.example"


def fresh_rcpt(uid):
    """A recipient never used before: with any sender, a fresh triplet."""
    return "u%s@%s" % (letters(uid), FRESH_DOMAIN)


# --- one session --------------------------------------------------------------
class Tally:
    def __init__(self):
        self.decisions = 0        # RCPT replies inside the window
        self.passed = 0           # of which passed triplets
        self.fresh = 0            # of which fresh triplets
        self.fresh_sent = 0       # fresh triplets sent, inside the window or not
        self.unexpected = 0       # replies (any, any time) not as expected
        self.samples = []         # a few unexpected replies
        self.sessions = 0

    def bad(self, what):
        self.unexpected += 1
        if len(self.samples) < 5:
            self.samples.append(what)

    def add(self, other):
        self.decisions += other.decisions
        self.passed += other.passed
        self.fresh += other.fresh
        self.fresh_sent += other.fresh_sent
        self.unexpected += other.unexpected
        self.samples = (self.samples + other.samples)[:5]
        self.sessions += other.sessions


def open_session(port, ci, k, tally):
    """Connect, XCLIENT, EHLO; an SMTPClient or None (counted as bad)."""
    try:
        c = SMTPClient("127.0.0.1", port, timeout=60)
    except OSError as e:
        tally.bad("connect: %s" % e)
        return None
    if c.greeting.code != 220:
        tally.bad("greeting: %s" % c.greeting.line)
        c.close()
        return None
    r = c.xclient(ADDR=client_addr(ci, k), NAME=client_name(ci))
    if r.code != 220:
        tally.bad("XCLIENT: %s" % r.line)
        c.close()
        return None
    r = c.ehlo("mta.senders.example")
    if r.code != 250 or not any(l[4:].upper() == "PIPELINING" for l in r.lines):
        tally.bad("EHLO: %s" % r.line)
        c.close()
        return None
    tally.sessions += 1
    return c


def transaction(c, sender, rcpts):
    """MAIL, the RCPTs and RSET in one write; MAIL's reply code, the RCPT
    replies (code, line) in order, RSET's reply code."""
    c.send_raw("MAIL FROM:<%s>\r\n%sRSET\r\n" % (
        sender, "".join("RCPT TO:<%s>\r\n" % r for r in rcpts)))
    m = c.read_reply()
    rs = [c.read_reply() for _ in rcpts]
    s = c.read_reply()
    return m.code, [(r.code, r.line) for r in rs], s.code


def close_session(c):
    try:
        c.send_raw("QUIT\r\n")
        c.read_reply()
    except OSError:
        pass
    c.close()


# --- load generator -----------------------------------------------------------
def load_thread(a, g, tally):
    """Session slot g: sessions until the window closes (see the docstring)."""
    expect_fresh = EXPECT_FRESH[a["hook"]]
    k = 0
    n = 0                                   # transactions of this slot
    while time.monotonic() < a["end"]:
        ci = (g + k * a["sessions"]) % a["clients"]
        c = open_session(a["port"], ci, k, tally)
        k += 1
        if c is None:
            time.sleep(0.1)
            continue
        try:
            for x in range(a["per_session"]):
                if time.monotonic() >= a["end"]:
                    break
                m = ci * a["passed"] + (k + x) % a["passed"]
                rcpts, kinds = [], []
                for i in range(a["rcpts"]):
                    # Bresenham-style share: fresh on the RCPTs where
                    # floor((n + 1) * f) steps up.
                    fresh = int((n + 1) * a["fresh"]) > int(n * a["fresh"])
                    if fresh:
                        rcpts.append(fresh_rcpt(((a["seq"] * 4096 + g) << 32) + n))
                    else:
                        rcpts.append(passed_rcpt(m, i))
                    kinds.append(fresh)
                    n += 1
                tally.fresh_sent += sum(kinds)
                mc, rs, sc = transaction(c, passed_sender(m), rcpts)
                t = time.monotonic()
                stop = mc == 0 or sc == 0
                for fresh, (rc, line) in zip(kinds, rs):
                    expect = expect_fresh if fresh else 250
                    if mc != 250 or sc != 250 or rc != expect:
                        tally.bad("MAIL %d RCPT %r RSET %d (expected %d)" % (
                            mc, line, sc, expect))
                        stop = stop or rc in (0, 421)
                    if a["start"] <= t < a["end"]:
                        tally.decisions += 1
                        if fresh:
                            tally.fresh += 1
                        else:
                            tally.passed += 1
                if stop:
                    break
        except OSError as e:
            tally.bad("session: %s" % e)
        close_session(c)


def load_process(a, slots, queue):
    tallies = [Tally() for _ in slots]
    threads = [threading.Thread(target=load_thread, args=(a, g, t))
               for g, t in zip(slots, tallies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = Tally()
    for t in tallies:
        total.add(t)
    queue.put(total.__dict__)


def run_load(port, hook, seq, duration, args, cpu_probe):
    """One measured (or warm-up) run; returns (rate, Tally, cpu) where cpu
    maps "hook", "postfix", "client", "machine" to CPU seconds spent inside
    the window (machine: all CPUs busy, every process on the machine)."""
    now = time.monotonic()
    a = {"port": port, "hook": hook, "seq": seq, "sessions": args.sessions,
         "clients": args.clients, "passed": args.passed, "fresh": args.fresh,
         "per_session": args.per_session, "rcpts": args.rcpts,
         "start": now + 1.0, "end": now + 1.0 + duration}
    queue = multiprocessing.Queue()
    procs = []
    for p in range(args.procs):
        slots = list(range(p, args.sessions, args.procs))
        procs.append(multiprocessing.Process(target=load_process, args=(a, slots, queue)))
    for p in procs:
        p.start()
    pids = [p.pid for p in procs]
    time.sleep(max(0.0, a["start"] - time.monotonic()))
    c0 = cpu_probe(pids)
    time.sleep(max(0.0, a["end"] - time.monotonic()))
    c1 = cpu_probe(pids)
    total = Tally()
    for _ in procs:
        part = Tally()
        part.__dict__.update(queue.get(timeout=duration + 300))
        total.add(part)
    for p in procs:
        p.join()
    return total.decisions / duration, total, {k: c1[k] - c0[k] for k in c0}


# --- CPU accounting (/proc) -----------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(ppid, own CPU s, reaped children's CPU s) of pid; None if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()   # fields from 3 (state) on
    ppid = int(fields[1])
    own = (int(fields[11]) + int(fields[12])) / TICK
    children = (int(fields[13]) + int(fields[14])) / TICK
    return ppid, own, children


def process_cpu(pid):
    st = proc_stat(pid) if pid else None
    return st[1] if st else 0.0


def tree_cpu(root):
    """CPU s of root and its live children, plus what root has reaped
    (Postfix's master and its smtpd, trivial-rewrite, ... processes)."""
    st = proc_stat(root) if root else None
    if st is None:
        return 0.0
    total = st[1] + st[2]
    for name in os.listdir("/proc"):
        if name.isdigit():
            c = proc_stat(int(name))
            if c and c[0] == root:
                total += c[1]
    return total


def machine_cpu():
    """Busy CPU seconds of the whole machine (all CPUs) from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / TICK


# --- passing the triplets beforehand -------------------------------------------
def prepare(port, hook, args):
    """Send every passed triplet twice, DELAY+1 s apart: 4xx, then 250.
    Returns the number of unexpected replies (printed)."""
    tallies = []

    def attempt(cis, expect, tally):
        for ci in cis:
            c = open_session(port, ci, 0, tally)
            if c is None:
                continue
            try:
                for j in range(args.passed):
                    m = ci * args.passed + j
                    mc, rs, sc = transaction(c, passed_sender(m), [
                        passed_rcpt(m, i) for i in range(args.rcpts)])
                    for rc, line in rs:
                        if mc != 250 or sc != 250 or rc != expect:
                            tally.bad("prepare: MAIL %d RCPT %r RSET %d (expected %d)" % (
                                mc, line, sc, expect))
            except OSError as e:
                tally.bad("prepare: %s" % e)
            close_session(c)

    t0 = time.monotonic()
    for expect in (EXPECT_FRESH[hook], 250):
        if expect == 250:
            time.sleep(DELAY + 1.1)
        threads = []
        for w in range(8):
            t = Tally()
            tallies.append(t)
            threads.append(threading.Thread(target=attempt, args=(
                list(range(w, args.clients, 8)), expect, t)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    total = Tally()
    for t in tallies:
        total.add(t)
    print("prepare %-10s %d triplets passed in %.1f s, %d unexpected replies%s" % (
        LABEL[hook], args.clients * args.passed * args.rcpts, time.monotonic() - t0,
        total.unexpected, "".join("\n    " + s for s in total.samples)), flush=True)
    return total.unexpected


# --- the greylisting processes ------------------------------------------------
def start_postgrey(tmp):
    """postgrey in the foreground as its own user; (Popen, port, dbdir)."""
    port = free_port()
    dbdir = os.path.join(tmp, "postgrey")
    os.makedirs(dbdir)
    pw = pwd.getpwnam(POSTGREY_USER)
    os.chown(dbdir, pw.pw_uid, pw.pw_gid)
    log = open(os.path.join(tmp, "postgrey.log"), "ab")
    proc = subprocess.Popen(
        [POSTGREY, "--inet=127.0.0.1:%d" % port, "--dbdir=" + dbdir,
         "--delay=%d" % DELAY, "--user=" + POSTGREY_USER,
         "--group=" + POSTGREY_USER, "--pidfile=" + os.path.join(dbdir, "pid")],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=dbdir)
    log.close()
    if not wait_port(port, 30):
        stop_process(proc)
        raise RuntimeError("postgrey did not listen on port %d" % port)
    return proc, port, dbdir


def rampart_config(tmp, spec):
    settings = [
        ("greylist", "mode", "always"),
        ("greylist", "delay", "%ds" % DELAY),
        ("policy", "trusted_networks", "127.0.0.0/8, ::1/128"),
    ] + [("spf", r, "off") for r in
         ("fail", "softfail", "neutral", "none", "permerror", "temperror")]
    return write_rampart_config(tmp, spec, settings)


def rampart_stats(conf):
    """rampartctl greylist stats as a dict of ints (empty on failure)."""
    ctl = os.path.join(build_dir(), "milter", "rampartctl")
    r = subprocess.run([ctl, "-c", conf, "greylist", "stats"],
                       capture_output=True, text=True)
    out = {}
    for line in r.stdout.splitlines():
        k, _, v = line.partition(":")
        if v.strip().isdigit():
            out[k.strip()] = int(v.strip())
    return out


# --- main -------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", help="CMake build directory (default $RAMPART_BUILD_DIR or build)")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per measured round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds of unmeasured warm-up per hook")
    ap.add_argument("--sessions", type=int, default=20, help="concurrent SMTP sessions")
    ap.add_argument("--procs", type=int, default=2, help="client processes")
    ap.add_argument("--per-session", type=int, default=100, help="transactions per SMTP session")
    ap.add_argument("--clients", type=int, default=256, help="client /24 subnets")
    ap.add_argument("--rcpts", type=int, default=1, help="RCPTs (decisions) per transaction")
    ap.add_argument("--passed", type=int, default=8,
                    help="passed groups (a sender and --rcpts recipients) per client subnet")
    ap.add_argument("--fresh", type=float, default=0.5, help="share of fresh triplets (0..1)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    args = ap.parse_args()
    if args.build:
        os.environ["RAMPART_BUILD_DIR"] = os.path.abspath(args.build)
    if not (0.0 <= args.fresh <= 1.0) or args.sessions < 1 or args.procs < 1 \
            or args.clients < 1 or args.clients > 65536 or args.passed < 1 \
            or args.duration <= 0 or args.rounds < 1 or args.per_session < 1 \
            or not 1 <= args.rcpts <= 1000:
        ap.error("bad option value")
    args.procs = min(args.procs, args.sessions)

    if os.geteuid() != 0:
        print("greylist_postfix: needs root (Postfix, postgrey's user switch)")
        return 77
    if not os.access(POSTGREY, os.X_OK):
        print("greylist_postfix: %s not installed (apt-get install postgrey)" % POSTGREY)
        return 77
    for prog in (rampart_binary(), nullmilter_binary()):
        if not os.access(prog, os.X_OK):
            print("greylist_postfix: %s not built" % prog)
            return 77

    tmp = tempfile.mkdtemp(prefix="rampart-greybench-")
    os.chmod(tmp, 0o755)
    procs = {}
    instances = {}
    bad = 0
    try:
        spec = "inet:%d@127.0.0.1" % free_port()
        conf = rampart_config(tmp, spec)
        procs["rampart"] = start_rampart(conf, spec,
                                         stderr_path=os.path.join(tmp, "rampart.log"))
        procs["postgrey"], pg_port, pg_dbdir = start_postgrey(tmp)
        maxproc = args.sessions + 10
        keep = args.keep or None
        instances["rampart"] = Postfix(milter=spec, overrides=COMMON_OVERRIDES,
                                       smtpd_maxproc=maxproc, sink=False, keep=keep)
        instances["postgrey"] = Postfix(milter=None, overrides=dict(
            COMMON_OVERRIDES, smtpd_recipient_restrictions=
            "check_policy_service inet:127.0.0.1:%d" % pg_port),
            smtpd_maxproc=maxproc, sink=False, keep=keep)
        instances["none"] = Postfix(milter=None, overrides=COMMON_OVERRIDES,
                                    smtpd_maxproc=maxproc, sink=False, keep=keep)
        null_spec = "inet:%d@127.0.0.1" % free_port()
        procs["null"] = start_milter([nullmilter_binary(), "-p", null_spec, "-D", FRESH_DOMAIN],
                                     null_spec,
                                     stderr_path=os.path.join(tmp, "nullmilter.log"))
        instances["null"] = Postfix(milter=null_spec, overrides=COMMON_OVERRIDES,
                                    smtpd_maxproc=maxproc, sink=False, keep=keep)

        print("greylist_postfix: %d sessions in %d client processes, %d transactions "
              "per session, %d RCPT(s) per transaction, %d client subnets x %d passed "
              "triplets, %.0f%% fresh, %.0f s rounds x %d, %d CPUs" % (
                  args.sessions, args.procs, args.per_session, args.rcpts, args.clients,
                  args.passed * args.rcpts, 100 * args.fresh, args.duration, args.rounds,
                  os.cpu_count() or 0), flush=True)
        for hook in ("rampart", "postgrey"):
            bad += prepare(instances[hook].smtp_port, hook, args)

        seq = 0
        sent = {"rampart": 0, "postgrey": 0}   # fresh triplets sent (incl. warm-up)
        rates = {h: [] for h in HOOKS}
        cpus = {h: [] for h in HOOKS}

        def probe_for(hook):
            hook_pid = procs[hook].pid if hook in procs else None
            master = instances[hook]._master_pid()

            def probe(client_pids):
                return {"hook": tree_cpu(hook_pid),
                        "postfix": tree_cpu(master),
                        "client": sum(process_cpu(p) for p in client_pids),
                        "machine": machine_cpu()}
            return probe

        def per_k(cpu_s, n):
            """CPU microseconds per decision."""
            return 1e6 * cpu_s / n if n else 0.0

        def one(hook, duration, measured):
            nonlocal seq, bad
            seq += 1
            rate, t, cpu = run_load(instances[hook].smtp_port, hook, seq, duration,
                                    args, probe_for(hook))
            if hook in sent:
                sent[hook] += t.fresh_sent
            bad += t.unexpected
            if measured:
                rates[hook].append(rate)
                cpus[hook].append((t.decisions, cpu))
            n = t.decisions
            print("%-9s %-10s %8.1f decisions/s (%d in %.0f s: %d passed, %d fresh; "
                  "%d sessions, %d unexpected)\n"
                  "%20s CPU us per decision: hook %.0f, Postfix %.0f, client %.0f; "
                  "machine busy %.0f%% of %d CPUs%s" % (
                      "round %d" % ((seq - len(HOOKS) - 1) // len(HOOKS) + 1) if measured else "warm-up",
                      LABEL[hook], rate, n, duration, t.passed, t.fresh,
                      t.sessions, t.unexpected, "",
                      per_k(cpu["hook"], n), per_k(cpu["postfix"], n),
                      per_k(cpu["client"], n),
                      100.0 * cpu["machine"] / duration / (os.cpu_count() or 1),
                      os.cpu_count() or 0,
                      "".join("\n    " + x for x in t.samples)), flush=True)
            if n == 0:
                bad += 1

        if args.warmup > 0:
            for hook in ("none", "null", "rampart", "postgrey"):
                one(hook, args.warmup, False)
        else:
            seq = len(HOOKS)
        for _ in range(args.rounds):
            for hook in HOOKS:
                one(hook, args.duration, True)

        med = {h: statistics.median(v) for h, v in rates.items()}

        def med_cpu(hook, key):
            """Median over rounds of CPU us per decision."""
            return statistics.median(per_k(c[key], n) for n, c in cpus[hook])

        st = rampart_stats(conf)
        pg_db = os.path.join(pg_dbdir, "postgrey.db")
        pg_size = os.path.getsize(pg_db) if os.path.exists(pg_db) else 0
        pg_trip = args.clients * args.passed * args.rcpts + sent["postgrey"]

        print("\n=== greylist decisions through one Postfix set-up: medians of %d "
              "round(s) of %.0f s, %d sessions, %d RCPT(s) per transaction, %.0f%% fresh "
              "triplets ===" % (args.rounds, args.duration, args.sessions, args.rcpts,
                                100 * args.fresh))
        print("  %-12s %12s %14s %14s %14s" % ("", "decisions/s", "hook CPU us",
                                               "Postfix us", "client us"))
        for hook in HOOKS:
            print("  %-12s %12.1f %14.0f %14.0f %14.0f   rounds: %s" % (
                LABEL[hook], med[hook], med_cpu(hook, "hook"), med_cpu(hook, "postfix"),
                med_cpu(hook, "client"), ", ".join("%.1f" % r for r in rates[hook])))
        ratio = med["rampart"] / med["postgrey"] if med["postgrey"] else float("inf")
        print("  rampart / postgrey, decisions/s through Postfix: %.2f (target >= 5)" % ratio)
        print("  rampart / none: %.2f   postgrey / none: %.2f   nullmilter / none: %.2f" % (
            med["rampart"] / med["none"], med["postgrey"] / med["none"],
            med["null"] / med["none"]))
        if med["postgrey"] and med["null"]:
            print("  ceiling for any milter, nullmilter / postgrey: %.2f; rampart / "
                  "nullmilter: %.2f" % (med["null"] / med["postgrey"],
                                        med["rampart"] / med["null"]))
        hr, hp = med_cpu("rampart", "hook"), med_cpu("postgrey", "hook")
        if hr > 0 and hp > 0:
            print("  decisions per CPU-second of the hook process alone: rampart %.0f, "
                  "postgrey %.0f, ratio %.1f" % (1e6 / hr, 1e6 / hp, hp / hr))
        busy = statistics.median(c["machine"] for _, c in cpus["rampart"]) / args.duration
        pf_r = med_cpu("rampart", "postfix")
        if busy > 0.9 * (os.cpu_count() or 1) and hr > 0:
            print("  limit: the CPUs were %.0f%% busy in rampart's rounds; per decision "
                  "Postfix took %.1fx rampart's CPU and the client %.1fx, so through "
                  "Postfix the figure is bounded by Postfix's share of the CPUs" % (
                      100 * busy / (os.cpu_count() or 1), pf_r / hr,
                      med_cpu("rampart", "client") / hr))
        trip = st.get("pending", 0) + st.get("passed", 0)
        if trip and st.get("file size"):
            print("  rampart DB: %d triplets (%d pending, %d passed), %d client entries, "
                  "file %.1f MiB = %.1f MiB per million triplets" % (
                      trip, st.get("pending", 0), st.get("passed", 0), st.get("clients", 0),
                      st["file size"] / 2**20, st["file size"] / 2**20 * 1e6 / trip))
        if pg_size and pg_trip:
            print("  postgrey DB: %d triplets sent, postgrey.db %.1f MiB = %.1f MiB per "
                  "million triplets" % (pg_trip, pg_size / 2**20, pg_size / 2**20 * 1e6 / pg_trip))
        expected_rampart = args.clients * args.passed * args.rcpts + sent["rampart"]
        if trip != expected_rampart:
            print("  rampart DB holds %d triplets, expected %d" % (trip, expected_rampart))
            bad += 1
        print("  unexpected replies: %d" % bad)
        return 0 if bad == 0 else 1
    finally:
        for pf in instances.values():
            pf.cleanup()
        for name, p in procs.items():
            stop_process(p)
        if args.keep:
            print("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
