#!/usr/bin/python3
"""latency_bench: per-step SMTP latency (p50/p99 of connect, XCLIENT, EHLO,
MAIL, RCPT, DATA, end of data) through a real MTA, for one client and for
parallel clients, with no milter, the do-nothing milter and rampart, each
milter over unix: and inet:. See t/bench/README.md for the method.

Every set-up is its own private Postfix (t/e2e/harness.py), identical but
for smtpd_milters. rampart runs the shipped config with all its checks
against a local NSD (t/data/zones, warm cache after the warm-up), the
client untrusted (XCLIENT ADDR=192.0.2.1) and its triplet passed through
greylisting before measuring, so every measured message is accepted (each
reply code is checked; see smtp_load.py). Figures are printed with ratios
to the no-milter baseline of the same invocation; nothing is asserted on
time.

The MTA is a class with three members (see PostfixMTA); another MTA
(Sendmail, which has no XCLIENT: xclient = False and a client address of
its own) is added to MTAS and chosen with --mta, and the table gets its
set-ups under that MTA's name.

Usage (as root):
    t/bench/latency_bench.py [--build DIR] [--config FILE] [--rampart BIN]
        [--sessions N] [--clients C] [--client-sessions K] [--rounds R]
        [--sockets unix,inet,inet6] [--setups none,null,rampart]
        [--set SECTION.KEY=VALUE ...] [--keep]
Exit status: 0 when every message was accepted, 1 otherwise, 77 when it
cannot run here (not root, nullmilter or rampart not built).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, HERE)
from harness import (Postfix, build_dir, free_port, ini_set,  # noqa: E402
                     start_milter, stop_process)
import smtp_load  # noqa: E402
from smtp_load import STEPS, percentile  # noqa: E402


class PostfixMTA:
    """A private Postfix 3.7 on 127.0.0.1 (mail discarded after queueing)
    with `milter` (libmilter spec or None) as its only smtpd milter."""
    name = "Postfix"
    xclient = True

    def __init__(self, milter, keep=False):
        self.pf = Postfix(milter=milter, sink=False, keep=keep)
        self.port = self.pf.smtp_port

    def cleanup(self):
        self.pf.cleanup()


MTAS = {"postfix": PostfixMTA}


def socket_spec(kind, tmp, name):
    if kind == "unix":
        return "unix:" + os.path.join(tmp, name + ".sock")
    if kind == "inet6":
        return "inet6:%d@[::1]" % free_port()
    return "inet:%d@127.0.0.1" % free_port()


class Setup:
    """One column of the table: an MTA instance and its milter process."""

    def __init__(self, label, mta_cls, argv=None, spec=None, stderr=None, keep=False):
        self.label, self.argv, self.spec = label, argv, spec
        self.proc = None
        if argv:
            self.proc = start_milter(argv, spec, stderr_path=stderr)
            if spec.startswith("unix:"):
                os.chmod(spec[5:], 0o666)
        try:
            self.mta = mta_cls(spec, keep=keep)
        except BaseException:
            stop_process(self.proc)
            raise
        self.xclient = mta_cls.xclient
        self.one = {s: [] for s in STEPS}     # one client: step -> seconds
        self.par = {s: [] for s in STEPS}     # parallel clients
        self.eod_rounds = ([], [])            # per-round p50 of EOD (one, par)
        self.rates = []                       # parallel runs: messages/s
        self.errors = []

    def stop(self):
        self.mta.cleanup()
        stop_process(self.proc)


def warm_up(st, sessions):
    """Pass greylisting (one 451, then 250 after the delay), warm the DNS
    cache, let Postfix start its smtpd processes. Raises when the mail is
    never accepted."""
    for _ in range(8):
        _, err = smtp_load.session(st.mta.port, xclient=st.xclient)
        if not err:
            break
        time.sleep(1.2)
    else:
        raise SystemExit("%s: warm-up message never accepted: %s" % (st.label, err))
    smtp_load.run_load(st.mta.port, 4, sessions, xclient=st.xclient)


def fmt(v):
    return "%.2f" % (v * 1000) if v is not None else "-"


def table(setups, which, title):
    base = getattr(setups[0], which)
    head = "%-20s" % "set-up" + "".join("%15s" % s for s in STEPS)
    print("\n" + title)
    print("  ms, p50 / p99")
    print(head)
    for st in setups:
        d = getattr(st, which)
        print("%-20s" % st.label + "".join(
            "%15s" % ("%s/%s" % (fmt(percentile(d[s], 50)), fmt(percentile(d[s], 99))))
            for s in STEPS))
    print("  p50 / p50 of %s" % setups[0].label)
    for st in setups[1:]:
        d = getattr(st, which)
        cells = []
        for s in STEPS:
            a, b = percentile(d[s], 50), percentile(base[s], 50)
            cells.append("%15s" % ("%.2f" % (a / b) if a and b else "-"))
        print("%-20s" % st.label + "".join(cells))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=build_dir())
    ap.add_argument("--config", default=os.path.join(HERE, "..", "..", "etc", "rampart.conf"))
    ap.add_argument("--rampart", help="rampart binary (default BUILD/milter/rampart)")
    ap.add_argument("--mta", choices=sorted(MTAS), default="postfix")
    ap.add_argument("--sessions", type=int, default=20,
                    help="one-client sessions per round and set-up")
    ap.add_argument("--clients", type=int, default=20, help="parallel clients")
    ap.add_argument("--client-sessions", type=int, default=3,
                    help="sessions per parallel client per round")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--sockets", default="unix,inet")
    ap.add_argument("--setups", default="none,null,rampart")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                    help="change rampart's config (repeatable)")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    if os.geteuid() != 0:
        print("SKIP: needs root (Postfix)")
        return 77
    nullmilter = os.path.join(args.build, "t", "bench", "nullmilter")
    rampart = args.rampart or os.path.join(args.build, "milter", "rampart")
    for b in (nullmilter, rampart):
        if not os.access(b, os.X_OK):
            print("SKIP: %s not built" % b)
            return 77
    sockets = [s for s in args.sockets.split(",") if s]
    kinds = [s for s in args.setups.split(",") if s]
    mta = MTAS[args.mta]

    tmp = tempfile.mkdtemp(prefix="rampart-lat-")
    os.chmod(tmp, 0o755)
    rundir = os.path.join(tmp, "dns")
    setups, failed = [], False
    try:
        nsport = smtp_load.nsd_start(rundir)
        with open(args.config) as f:
            base_conf = f.read()
        if "none" in kinds:
            setups.append(Setup("%s, no milter" % mta.name, mta, keep=args.keep))
        for sock in sockets:
            if "null" in kinds:
                spec = socket_spec(sock, tmp, "null-" + sock)
                setups.append(Setup("nullmilter %s:" % sock, mta, [nullmilter, "-p", spec],
                                    spec, keep=args.keep))
            if "rampart" in kinds:
                d = os.path.join(tmp, "rampart-" + sock)
                os.makedirs(d)
                spec = socket_spec(sock, d, "rampart")
                text = base_conf
                extra = []
                for kv in args.set:
                    sk, _, value = kv.partition("=")
                    section, _, key = sk.partition(".")
                    extra.append((section, key, value))
                for section, key, value in smtp_load.rampart_settings(d, spec, nsport) + extra:
                    text = ini_set(text, section, key, value)
                conf = os.path.join(d, "rampart.conf")
                with open(conf, "w") as f:
                    f.write(text)
                chk = subprocess.run([rampart, "-t", "-c", conf], capture_output=True, text=True)
                if chk.returncode != 0:
                    print("rampart -t refused %s:\n%s%s" % (conf, chk.stdout, chk.stderr))
                    return 1
                setups.append(Setup("rampart %s:" % sock, mta, [rampart, "-f", "-c", conf], spec,
                                    stderr=os.path.join(d, "stderr"), keep=args.keep))
        print("latency_bench: %s, %d rounds; one client: %d sessions per round; %d parallel "
              "clients: %d sessions each per round; one message per session; %d CPUs, "
              "load average %s" % (mta.name, args.rounds, args.sessions, args.clients,
                                   args.client_sessions, os.cpu_count(),
                                   " ".join("%.2f" % x for x in os.getloadavg())))
        for st in setups:
            warm_up(st, 3)
        for rnd in range(args.rounds):
            order = setups if rnd % 2 == 0 else list(reversed(setups))
            for st in order:
                for which, clients, n in (("one", 1, args.sessions),
                                          ("par", args.clients, args.client_sessions)):
                    r = smtp_load.run_load(st.mta.port, clients, n, xclient=st.xclient)
                    d = getattr(st, which)
                    for s in STEPS:
                        d[s].extend(r["lat"][s])
                    st.eod_rounds[0 if which == "one" else 1].append(
                        percentile(r["lat"]["EOD"], 50))
                    if which == "par":
                        st.rates.append(r["messages"] / r["wall"])
                    if r["errors"]:
                        st.errors.extend(r["errors"])
                        failed = True
            print("round %d: %s" % (rnd + 1, ", ".join(
                "%s EOD p50 %s / %s ms" % (st.label, fmt(st.eod_rounds[0][-1]),
                                          fmt(st.eod_rounds[1][-1])) for st in setups)))
        table(setups, "one", "one client")
        table(setups, "par", "%d parallel clients" % args.clients)
        print("\nEOD p50 per round, ms (one client | parallel), and parallel messages/s:")
        for st in setups:
            print("%-20s %s | %s   msg/s median %.1f (%s)" % (
                st.label, " ".join(fmt(x) for x in st.eod_rounds[0]),
                " ".join(fmt(x) for x in st.eod_rounds[1]),
                statistics.median(st.rates) if st.rates else 0,
                " ".join("%.1f" % x for x in st.rates)))
        for st in setups:
            if st.errors:
                print("FAILED %s: %d sessions not accepted, first: %s" % (
                    st.label, len(st.errors), st.errors[0]))
    finally:
        for st in setups:
            st.stop()
        smtp_load.nsd_stop(rundir)
        if not args.keep:
            subprocess.run(["rm", "-rf", tmp])
        else:
            print("kept %s" % tmp)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
