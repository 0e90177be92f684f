#!/usr/bin/python3
"""smtp_bench: messages/s through a real Postfix, and milter memory under
many concurrent sessions. See t/bench/README.md for the method.

Three set-ups, each its own private Postfix instance (t/e2e/harness.py),
identical except for smtpd_milters:
    none      no milter
    null      t/bench/nullmilter (protocol cost only)
    rampart   milter/rampart -f -c BENCHCONF
An unmeasured warm-up run per set-up comes first (smtpd processes, milter
worker threads). Rounds alternate the order of the set-ups. Each round of each set-up is one
smtp-source run (SESSIONS parallel sessions, one message per SMTP session, so
every message is a full milter connection: negotiate, connect, helo, mail,
rcpt, eom, close). The figure is messages / wall-clock seconds of that run.
smtp-source stops at the first reply that is not 2xx, and the script counts
Postfix's "client=" log lines afterwards, so every figure is for messages
that were all accepted.

Memory: a fresh milter process, then smtp-source -s N -d -w W: N sessions stay
connected (each waits W seconds between its messages), so Postfix holds N
milter connections at once. The script samples the milter's open sockets and
reports the largest count it saw, and VmHWM (peak RSS) from
/proc/PID/status at the end.

Usage (as root):
    t/bench/smtp_bench.py [--build DIR] [--config FILE] [--messages N]
        [--rounds R] [--sessions S] [--rss-sessions N] [--rss-wait W]
        [--dns auto|on|off|nsd] [--socket unix|inet]
Exit status: 0 when every run delivered all its messages, 1 otherwise,
77 when it cannot run here (not root, nullmilter not built).
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, HERE)
from harness import (Postfix, build_dir, free_port, ini_set,  # noqa: E402
                     start_milter, stop_process)
import smtp_load  # noqa: E402

SMTP_SOURCE = "/usr/sbin/smtp-source"
CLIENT_NAME = "client.bench.example.org"
SENDER = "sender@bench.example.org"
RECIPIENT = "rcpt@example.net"


# --- config ------------------------------------------------------------------
def dns_available(timeout=3.0):
    """True when the system resolver answers for a public name in time."""
    result = []

    def probe():
        try:
            socket.getaddrinfo("example.org", 25, proto=socket.IPPROTO_TCP)
            result.append(True)
        except OSError:
            result.append(False)

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout)
    return bool(result and result[0])


DNS_CHECKS_OFF = [
    ("helo", "unknown", "off"),
    ("client", "ptr", "off"),
    ("client", "fcrdns", "off"),
    ("envelope", "sender_unknown_domain", "off"),
    ("envelope", "recipient_unknown_domain", "off"),
    ("spf", "fail", "off"), ("spf", "softfail", "off"), ("spf", "neutral", "off"),
    ("spf", "none", "off"), ("spf", "permerror", "off"), ("spf", "temperror", "off"),
    ("dnsbl", "action", "off"),
    ("dnsbl", "zones", ""),
    ("rhsbl", "action", "off"),
]


def bench_config(src, tmp, spec, with_dns):
    """The benchmark's rampart config: SRC with the socket, pid file,
    database and log moved into TMP, 127.0.0.1 NOT trusted (smtp-source
    connects from it, and the checks must run), greylisting with a 1 s
    delay (warmed up before measuring), and the DNS checks off unless DNS
    answers."""
    with open(src) as f:
        text = f.read()
    settings = [
        ("milter", "socket", spec),
        ("milter", "hostname", "mx.rampart.test"),
        ("milter", "user", "root"),
        ("milter", "group", "root"),
        ("milter", "pidfile", os.path.join(tmp, "rampart.pid")),
        ("log", "target", "stderr"),
        ("policy", "trusted_networks", "::1/128"),
        ("greylist", "database", os.path.join(tmp, "greylist.lmdb")),
        ("greylist", "delay", "1s"),
    ]
    if not with_dns:
        settings += DNS_CHECKS_OFF
    for section, key, value in settings:
        text = ini_set(text, section, key, value)
    path = os.path.join(tmp, "rampart-bench.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


# --- milters ----------------------------------------------------------------
class Milter:
    def __init__(self, label, argv, spec, tmp):
        self.label, self.argv, self.spec, self.tmp = label, argv, spec, tmp
        self.proc = None

    def start(self):
        log = os.path.join(self.tmp, self.label + ".stderr")
        self.proc = start_milter(self.argv, self.spec, stderr_path=log)
        if self.spec.startswith("unix:"):
            # smtpd runs as the postfix user; the socket's mode depends on
            # the milter's umask and user, which is not what we measure.
            os.chmod(self.spec[5:], 0o666)
        return self

    def stop(self):
        stop_process(self.proc)
        self.proc = None

    def pid(self):
        return self.proc.pid


def socket_spec(kind, tmp, name):
    if kind == "unix":
        return "unix:" + os.path.join(tmp, name + ".sock")
    return "inet:%d@127.0.0.1" % free_port()


# --- measuring --------------------------------------------------------------
def smtp_source(port, sessions, messages, extra=(), timeout=900):
    argv = [SMTP_SOURCE, "-s", str(sessions), "-m", str(messages),
            "-M", CLIENT_NAME, "-f", SENDER, "-t", RECIPIENT,
            "-S", "rampart benchmark"] + list(extra) + ["127.0.0.1:%d" % port]
    t0 = time.monotonic()
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return time.monotonic() - t0, r


def accepted(pf, at_least=0, timeout=10.0):
    """Messages Postfix has logged as received ("QUEUEID: client=" lines).
    The log is written asynchronously: wait up to `timeout` for at_least."""
    deadline = time.monotonic() + timeout
    while True:
        n = len(re.findall(r"smtpd\[\d+\]: [0-9A-F]+: client=", pf.maillog()))
        if n >= at_least or time.monotonic() > deadline:
            return n
        time.sleep(0.05)


def warm_up(pf, label):
    """Get the benchmark triplet through greylisting: one deferred attempt,
    then, after the delay, one accepted. Returns the number accepted."""
    before = accepted(pf)
    for _ in range(4):
        _, r = smtp_source(pf.smtp_port, 1, 1, extra=["-A"], timeout=60)
        if accepted(pf, before + 1, timeout=2) > before:
            return accepted(pf) - before
        time.sleep(1.2)
    raise SystemExit("%s: warm-up message never accepted\n%s" % (
        label, pf.maillog()[-3000:]))


def rss_run(pf, milter, sessions, wait, per_session=2):
    """N concurrent SMTP sessions through pf to the (freshly started) milter;
    stops the milter at the end; returns (max milter sockets
    seen, VmHWM kB, VmRSS kB at the peak, seconds)."""
    pid = milter.pid()
    peak_socks, peak_rss, stop = [0], [0], threading.Event()

    def sample():
        while not stop.is_set():
            try:
                n = sum(1 for fd in os.listdir("/proc/%d/fd" % pid)
                        if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:"))
                rss = status_kb(pid, "VmRSS")
            except OSError:
                n, rss = 0, 0
            peak_socks[0] = max(peak_socks[0], n)
            peak_rss[0] = max(peak_rss[0], rss)
            stop.wait(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    before = accepted(pf)
    secs, r = smtp_source(pf.smtp_port, sessions, sessions * per_session,
                          extra=["-d", "-w", str(wait)])
    stop.set()
    t.join()
    hwm = status_kb(pid, "VmHWM")
    milter.stop()
    got = accepted(pf, before + sessions * per_session) - before
    if r.returncode != 0 or got != sessions * per_session:
        raise SystemExit("%s: memory run failed (rc %d, %d/%d accepted): %s%s" % (
            milter.label, r.returncode, got, sessions * per_session, r.stdout, r.stderr))
    # The listening socket is one of the sockets counted.
    return peak_socks[0] - 1, hwm, peak_rss[0], secs


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=build_dir())
    ap.add_argument("--config", default=os.path.join(HERE, "..", "..", "etc", "rampart.conf"))
    ap.add_argument("--messages", type=int, default=2000, help="per round and set-up")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rss-sessions", type=int, default=500, help="0: no memory run")
    ap.add_argument("--rss-wait", type=int, default=5)
    ap.add_argument("--dns", choices=("auto", "on", "off", "nsd"), default="auto",
                    help="nsd: every DNS check on against a local NSD (t/data/zones), "
                    "load from smtp_load.py (XCLIENT) instead of smtp-source")
    ap.add_argument("--socket", choices=("unix", "inet"), default="unix")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    args = ap.parse_args()

    if os.geteuid() != 0:
        print("SKIP: needs root (Postfix)")
        return 77
    nullmilter = os.path.join(args.build, "t", "bench", "nullmilter")
    rampart = os.path.join(args.build, "milter", "rampart")
    if not os.access(nullmilter, os.X_OK):
        print("SKIP: %s not built" % nullmilter)
        return 77

    tmp = tempfile.mkdtemp(prefix="rampart-bench-")
    os.chmod(tmp, 0o755)
    nsd = args.dns == "nsd"
    with_dns = nsd or args.dns == "on" or (args.dns == "auto" and dns_available())
    if nsd:
        # smtp-source cannot pose as another client; smtp_load's clients
        # (XCLIENT 192.0.2.1) do the load, and there is no memory run
        args.rss_sessions = 0
        nsport = smtp_load.nsd_start(os.path.join(tmp, "dns"))
    have_rampart = os.access(rampart, os.X_OK)
    milters = {}
    null_spec = socket_spec(args.socket, tmp, "null")
    milters["null"] = Milter("null", [nullmilter, "-p", null_spec], null_spec, tmp)
    ramp_spec = socket_spec(args.socket, tmp, "rampart")
    if have_rampart:
        conf = bench_config(args.config, tmp, ramp_spec, with_dns)
        if nsd:
            with open(conf) as f:
                text = f.read()
            for section, key, value in smtp_load.rampart_settings(tmp, ramp_spec, nsport):
                text = ini_set(text, section, key, value)
            with open(conf, "w") as f:
                f.write(text)
        chk = subprocess.run([rampart, "-t", "-c", conf], capture_output=True, text=True)
        if chk.returncode != 0:
            print("rampart -t refused %s:\n%s%s" % (conf, chk.stdout, chk.stderr))
            return 1
        milters["rampart"] = Milter("rampart", [rampart, "-f", "-c", conf], ramp_spec, tmp)
        ramp_label = "rampart"
    else:
        print("note: %s not built; nullmilter stands in for rampart" % rampart)
        milters["rampart"] = Milter("rampart", [nullmilter, "-p", ramp_spec], ramp_spec, tmp)
        ramp_label = "rampart(stand-in: nullmilter)"

    print("smtp_bench: %d rounds x %d messages, %d sessions, one message per "
          "session, DNS checks %s, milter sockets %s, %d CPUs" % (
              args.rounds, args.messages, args.sessions,
              "on" if with_dns else "off", args.socket, os.cpu_count()))
    setups = ["none", "null", "rampart"]
    labels = {"none": "no milter", "null": "nullmilter", "rampart": ramp_label}
    instances = {}
    totals = {s: [0, 0.0] for s in setups}
    per_round = {s: [] for s in setups}
    failed = False
    try:
        for m in milters.values():
            m.start()
        for s in setups:
            spec = None if s == "none" else milters[s].spec
            instances[s] = Postfix(milter=spec, sink=False, keep=args.keep)
        if have_rampart and nsd:
            for _ in range(8):
                if not smtp_load.session(instances["rampart"].smtp_port)[1]:
                    break
                time.sleep(1.2)
        elif have_rampart:
            warm_up(instances["rampart"], "rampart")
        # Unmeasured: let master start its smtpd processes and the milters
        # their worker threads.
        counts = {}
        for s in setups:
            base = accepted(instances[s])
            n = min(args.messages, 200)
            if nsd:
                smtp_load.run_load(instances[s].smtp_port, args.sessions,
                                   max(1, n // args.sessions))
                n = args.sessions * max(1, n // args.sessions)
            else:
                smtp_source(instances[s].smtp_port, args.sessions, n)
            counts[s] = accepted(instances[s], base + n)
        for rnd in range(args.rounds):
            order = setups if rnd % 2 == 0 else list(reversed(setups))
            for s in order:
                pf = instances[s]
                if nsd:
                    per = max(1, args.messages // args.sessions)
                    res = smtp_load.run_load(pf.smtp_port, args.sessions, per)
                    secs = res["wall"]
                    r = subprocess.CompletedProcess([], 1 if res["errors"] else 0,
                                                    "; ".join(res["errors"][:3]), "")
                    want = args.sessions * per
                else:
                    secs, r = smtp_source(pf.smtp_port, args.sessions, args.messages)
                    want = args.messages
                now = accepted(pf, counts[s] + want)
                got, counts[s] = now - counts[s], now
                ok = r.returncode == 0 and got == want
                failed |= not ok
                totals[s][0] += want
                totals[s][1] += secs
                per_round[s].append(want / secs)
                print("round %d  %-30s %7.1f msg/s  (%d msgs in %.2fs)%s" % (
                    rnd + 1, labels[s], want / secs, got, secs,
                    "" if ok else "  FAILED rc=%d %s%s" % (
                        r.returncode, r.stdout.strip(), r.stderr.strip())))
        rate = {s: totals[s][0] / totals[s][1] for s in setups}
        for s in setups:
            print("total    %-30s %7.1f msg/s  (median of rounds %.1f)" % (
                labels[s], rate[s], statistics.median(per_round[s])))
        print("ratio    nullmilter / no milter        %.3f" % (rate["null"] / rate["none"]))
        print("ratio    %s / no milter %s %.3f" % (
            labels["rampart"], " " * max(0, 20 - len(labels["rampart"])),
            rate["rampart"] / rate["none"]))
        print("ratio    %s / nullmilter %s %.3f (target >= 0.95)" % (
            labels["rampart"], " " * max(0, 19 - len(labels["rampart"])),
            rate["rampart"] / rate["null"]))
        for pf in instances.values():
            pf.cleanup()
        instances = {}
        for m in milters.values():
            m.stop()

        if args.rss_sessions > 0:
            print("memory: %d concurrent sessions, each holding its milter "
                  "connection %ds between its messages" % (args.rss_sessions, args.rss_wait))
            for s in ("null", "rampart"):
                milters[s].start()  # a fresh process: its own VmHWM
                pf = Postfix(milter=milters[s].spec, sink=False, keep=args.keep,
                             smtpd_maxproc=args.rss_sessions + 50)
                instances[s] = pf
                # rampart: the throughput run has already passed the
                # benchmark triplet through greylisting (same database).
                socks, hwm, rss, secs = rss_run(pf, milters[s], args.rss_sessions,
                                                args.rss_wait)
                print("memory   %-30s peak RSS (VmHWM) %6d kB, max %d milter "
                      "connections at once (%.1fs)" % (labels[s], hwm, socks, secs))
                pf.cleanup()
                del instances[s]
    finally:
        for pf in instances.values():
            pf.cleanup()
        for m in milters.values():
            if m.proc is not None:
                m.stop()
        if nsd:
            smtp_load.nsd_stop(os.path.join(tmp, "dns"))
        if not args.keep:
            subprocess.run(["rm", "-rf", tmp])
        else:
            print("kept %s" % tmp)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
