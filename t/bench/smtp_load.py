"""smtp_load: the SMTP load of the benchmarks that need rampart's DNS checks
to run: timed SMTP sessions posing (XCLIENT) as a client that passes every
check against the local NSD of t/dns/servers.sh (zones in t/data/zones).

    nsport = nsd_start(rundir)            # NSD on 127.0.0.1, its port
    settings = rampart_settings(tmp, spec, nsport)   # for ini_set
    lat, errors = session(port)           # one session: {step: seconds}
    res = run_load(port, clients=20, sessions=10)    # parallel processes
    nsd_stop(rundir)

The client is 192.0.2.1, named fc.rampart.test (its PTR, forward-confirmed),
HELO fc.rampart.test, sender a@pass.spf.rampart.test (SPF pass for
192.0.2.0/24), recipient b@mx-a.rampart.test (has MX records); none is
listed in bl.rampart.test or rhsbl.rampart.test. Every step's reply code
is checked (220, 220, 250, 250, 250, 354, 250): a session whose mail is
not accepted counts as an error, never as a figure.

The client side is one process per parallel client (no GIL shared between
clients); each step is timed from the command's send to the last line of
its reply (time.perf_counter).
"""

import multiprocessing
import os
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DNS_T = os.path.join(HERE, "..", "dns")

CLIENT_ADDR = "192.0.2.1"
CLIENT_NAME = "fc.rampart.test"
SENDER = "a@pass.spf.rampart.test"
RECIPIENT = "b@mx-a.rampart.test"
MESSAGE = (b"From: <a@pass.spf.rampart.test>\r\n"
           b"To: <b@mx-a.rampart.test>\r\n"
           b"Subject: rampart latency benchmark\r\n"
           b"Message-ID: <bench@pass.spf.rampart.test>\r\n"
           b"\r\n"
           b"A short body.\r\n")

# (step, the command sent, the reply code wanted); "connect" is the TCP
# connection and the greeting; XCLIENT makes Postfix open a new milter
# connection (negotiation and CONNECT) for the client it names.
STEPS = ("connect", "XCLIENT", "EHLO", "MAIL", "RCPT", "DATA", "EOD")


def nsd_start(rundir):
    """NSD serving t/data/zones on a free port of 127.0.0.1; its port."""
    os.makedirs(rundir, exist_ok=True)
    out = subprocess.check_output(
        ["bash", os.path.join(DNS_T, "start-nsd.sh"), rundir], text=True)
    return int(out.split()[-1])


def nsd_stop(rundir):
    subprocess.call(["bash", os.path.join(DNS_T, "stop-servers.sh"), rundir])


def rampart_settings(tmp, spec, nsport, greylist_delay="1s"):
    """(section, key, value) for the shipped config: sockets and files in
    tmp, only ::1 trusted (so that checks run for the XCLIENT client), DNS
    from the NSD on nsport, the DNSBL and RHSBL zones of t/data/zones in
    place of the public ones. Every check keeps its shipped action."""
    return [
        ("milter", "socket", spec),
        ("milter", "hostname", "mx.rampart.test"),
        ("milter", "user", "root"),
        ("milter", "group", "root"),
        ("milter", "pidfile", os.path.join(tmp, "rampart.pid")),
        ("log", "target", "stderr"),
        ("policy", "trusted_networks", "::1/128"),
        ("greylist", "database", os.path.join(tmp, "greylist.lmdb")),
        ("greylist", "delay", greylist_delay),
        ("dns", "nameservers", "127.0.0.1"),
        ("dns", "port", str(nsport)),
        ("dns", "timeout", "500ms"),
        ("dns", "attempts", "2"),
        ("dnsbl", "zones", "bl.rampart.test"),
        ("rhsbl", "zones", "rhsbl.rampart.test"),
    ]


class _Conn:
    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def reply(self):
        """(code, last line) of the next reply; code 0 on EOF."""
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return 0, ""
            if len(line) < 4 or line[3:4] != b"-":
                text = line.rstrip(b"\r\n").decode("ascii", "replace")
                return (int(text[:3]) if text[:3].isdigit() else 0), text

    def close(self):
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass


def session(port, timeout=60.0, xclient=True):
    """One SMTP session with one message. Returns ({step: seconds}, None)
    or (partial timings, "STEP: reply") when a reply is not the one
    wanted. xclient=False (an MTA without XCLIENT, the client's own
    address counts) leaves out that step."""
    lat = {}
    t0 = time.perf_counter()
    try:
        c = _Conn(port, timeout)
    except OSError as e:
        return lat, "connect: %s" % e
    try:
        code, text = c.reply()
        lat["connect"] = time.perf_counter() - t0
        if code != 220:
            return lat, "connect: %s" % text
        steps = []
        if xclient:
            steps.append(("XCLIENT", b"XCLIENT ADDR=%s NAME=%s\r\n" % (
                CLIENT_ADDR.encode(), CLIENT_NAME.encode()), 220))
        steps += [
            ("EHLO", b"EHLO %s\r\n" % CLIENT_NAME.encode(), 250),
            ("MAIL", b"MAIL FROM:<%s>\r\n" % SENDER.encode(), 250),
            ("RCPT", b"RCPT TO:<%s>\r\n" % RECIPIENT.encode(), 250),
            ("DATA", b"DATA\r\n", 354),
            ("EOD", MESSAGE + b".\r\n", 250),
        ]
        for step, data, want in steps:
            t = time.perf_counter()
            c.sock.sendall(data)
            code, text = c.reply()
            lat[step] = time.perf_counter() - t
            if code != want:
                return lat, "%s: %s" % (step, text)
        c.sock.sendall(b"QUIT\r\n")
        c.reply()
        return lat, None
    except OSError as e:
        return lat, "%s" % e
    finally:
        c.close()


def _worker(args):
    port, sessions, xclient = args
    out = {s: [] for s in STEPS}
    errors = []
    t0 = time.monotonic()
    for _ in range(sessions):
        lat, err = session(port, xclient=xclient)
        if err:
            errors.append(err)
            continue
        for s, v in lat.items():
            out[s].append(v)
    return out, errors, t0, time.monotonic()


def run_load(port, clients, sessions, xclient=True):
    """clients parallel client processes, each running `sessions` sessions
    one after the other. Returns {"lat": {step: [seconds...]}, "errors":
    [...], "wall": seconds, "messages": accepted}."""
    if clients == 1:
        results = [_worker((port, sessions, xclient))]
    else:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(clients) as pool:
            results = pool.map(_worker, [(port, sessions, xclient)] * clients)
    # from the first client's start to the last one's end (CLOCK_MONOTONIC
    # is one clock for all processes): the pool's start-up is not counted
    wall = max(r[3] for r in results) - min(r[2] for r in results)
    lat = {s: [] for s in STEPS}
    errors = []
    for out, errs, _, _ in results:
        for s in STEPS:
            lat[s].extend(out[s])
        errors.extend(errs)
    return {"lat": lat, "errors": errors, "wall": wall,
            "messages": clients * sessions - len(errors)}


def percentile(values, p):
    """The p-th percentile (nearest rank) of a list; None when empty."""
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))
    return v[k]
