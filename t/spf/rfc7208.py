#!/usr/bin/env python3
"""rfc7208.py DRIVER MISSES [SUITE.yml[.gz]] - the RFC 7208 test suite
(openspf.org release 2014.04, shipped by Debian's python3-spf) through
rampart's SPF layer.

Each scenario's zone is served by a real nameserver: ldns-testns on
127.0.0.1, started here with a data file built from the zone; DRIVER
(rfc7208_driver) evaluates every case of the scenario with spf_check
against it. A case passes when rampart's result is the expected one (or
one of the expected ones). The zone follows pyspf's own test driver
(testspf.py): an SPF record is also a TXT record unless the name has TXT
records of its own ("TXT: NONE": none at all); a name listed with TIMEOUT
answers the types listed before it and times out for the others, which
the server plays as SERVFAIL (both are a temperror, RFC 7208 §5); a CNAME
is answered with its target's records of the type asked; a name not in
the zone is NXDOMAIN, a type it lacks NODATA.

MISSES lists the cases known to fail, one "NAME  reason" a line. The run
fails when a case fails that is not listed, when a listed case passes
(the list is stale) or when fewer than 95 % pass. The pass rate is printed.
"""
import gzip
import os
import socket
import subprocess
import sys
import tempfile
import time

import yaml

SUITE = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz"
TYPES = ("A", "AAAA", "MX", "PTR", "TXT")


def esc_name(name):
    """A domain name for an ldns zone line, trailing dot added."""
    out = []
    for b in name.encode("utf-8"):
        c = chr(b)
        if c.isalnum() and b < 128 or c in "-_.":
            out.append(c)
        else:
            out.append("\\%03d" % b)
    s = "".join(out)
    return s if s.endswith(".") else s + "."


def esc_txt(s):
    out = ['"']
    for b in s.encode("utf-8"):
        if 32 <= b < 127 and b not in (34, 92):
            out.append(chr(b))
        else:
            out.append("\\%03d" % b)
    out.append('"')
    return "".join(out)


def load_zone(zonedata):
    """name -> list of (type, value) or "TIMEOUT", as testspf.py's getrdata."""
    zone = {}
    for name, recs in zonedata.items():
        out, txt, gen = [], [], True
        for r in recs:
            if isinstance(r, str):
                out.append(r)
                continue
            for t, v in r.items():
                if t in ("TXT", "SPF") and isinstance(v, str):
                    v = (v,)
                if t == "TXT":
                    gen = False
                elif t == "SPF" and gen:
                    txt.append(("TXT", v))
                if v != ("NONE",):
                    out.append((t, v))
        if gen:
            out.extend(txt)
        zone[name.lower()] = out
    return zone


def answers(zone, name, qtype, level=0):
    """(rrs, timeout) for name/qtype, as testspf.py's DNSLookup."""
    rrs, timeout = [], True
    for i in zone.get(name, []):
        if i == "TIMEOUT":
            if timeout:
                return [], True
            return rrs, False
        t, v = i
        if t == qtype:
            timeout = False
        if t == qtype:
            rrs.append((t, v))
        elif t == "CNAME" and level == 0:
            rrs.append((t, v))
            sub, _ = answers(zone, v.lower(), qtype, 1)
            rrs.extend((t2, v2, v) for t2, v2 in sub)
    return rrs, False


def rr_line(owner, t, v):
    if t == "TXT":
        # a TXT record of no strings (the suite has one) is served as
        # one empty string: the same record text, ""
        data = " ".join(esc_txt(s) for s in v) if v else '""'
    elif t == "MX":
        data = "%d %s" % (v[0], esc_name(v[1]))
    elif t in ("PTR", "CNAME"):
        data = esc_name(v)
    else:
        data = v
    return "%s 300 IN %s %s" % (esc_name(owner), t, data)


def entry(qname, qtype, rcode, rrs, match="opcode qtype qname"):
    lines = ["ENTRY_BEGIN", "MATCH " + match, "ADJUST copy_id copy_query",
             "REPLY QR AA " + rcode, "SECTION QUESTION",
             "%s IN %s" % (esc_name(qname), qtype), "SECTION ANSWER"]
    lines += rrs
    lines.append("ENTRY_END")
    return "\n".join(lines) + "\n\n"


def testns_data(zone):
    out = [entry("ready.testns", "A", "NOERROR",
                 ["ready.testns. 60 IN A 127.0.0.1"])]
    for name in zone:
        for qt in TYPES:
            rrs, timeout = answers(zone, name, qt)
            if timeout:
                out.append(entry(name, qt, "SERVFAIL", []))
            elif rrs:
                lines = []
                for r in rrs:
                    owner = r[2] if len(r) == 3 else name
                    lines.append(rr_line(owner, r[0], r[1]))
                out.append(entry(name, qt, "NOERROR", lines))
        # other types of a name in the zone: NODATA
        out.append(entry(name, "A", "NOERROR", [], match="opcode qname"))
    # anything else: NXDOMAIN
    out.append(entry("nx.invalid", "A", "NXDOMAIN", [], match="opcode"))
    return "".join(out)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def ready(port):
    q = bytes.fromhex("abcd01000001000000000000") + b"\x05ready\x06testns\x00\x00\x01\x00\x01"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    try:
        s.sendto(q, ("127.0.0.1", port))
        return s.recv(512)[:2] == b"\xab\xcd"
    except OSError:
        return False
    finally:
        s.close()


def start_testns(path, log):
    for _ in range(5):
        port = free_port()
        p = subprocess.Popen(["ldns-testns", "-p", str(port), path],
                             stdout=log, stderr=log)
        for _ in range(50):
            if p.poll() is not None:
                break
            if ready(port):
                return p, port
            time.sleep(0.1)
        p.kill()
        p.wait()
    raise SystemExit("rfc7208: cannot start ldns-testns")


def main():
    driver, misses_file = sys.argv[1], sys.argv[2]
    suite = sys.argv[3] if len(sys.argv) > 3 else SUITE
    opener = gzip.open if suite.endswith(".gz") else open
    with opener(suite, "rb") as f:
        scenarios = list(yaml.safe_load_all(f))
    known = {}
    with open(misses_file) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, why = line.partition(" ")
                known[name] = why.strip()

    total = passed = 0
    unexpected, stale, missed = [], [], []
    with tempfile.TemporaryDirectory(prefix="rampart-rfc7208.") as tmp:
        for n, sc in enumerate(scenarios):
            zone = load_zone(sc.get("zonedata") or {})
            path = os.path.join(tmp, "s%d.data" % n)
            with open(path, "w") as f:
                f.write(testns_data(zone))
            log = open(os.path.join(tmp, "s%d.log" % n), "w")
            srv, port = start_testns(path, log)
            try:
                cases = sc["tests"]
                inp = "".join("%s\t%s\t%s\t%s\n" % (name, c["host"], c["helo"], c["mailfrom"])
                              for name, c in cases.items())
                r = subprocess.run([driver, str(port)], input=inp, capture_output=True,
                                   text=True, timeout=600)
                if r.returncode != 0:
                    sys.stderr.write(r.stderr)
                    raise SystemExit("rfc7208: driver failed")
                got = {}
                for line in r.stdout.splitlines():
                    name, res, problem = line.split("\t")
                    got[name] = (res, problem)
            finally:
                srv.kill()
                srv.wait()
                log.close()
            for name, c in cases.items():
                total += 1
                want = c["result"] if isinstance(c["result"], list) else [c["result"]]
                res, problem = got.get(name, ("(no answer)", ""))
                ok = res in want
                if ok:
                    passed += 1
                    if name in known:
                        stale.append(name)
                else:
                    missed.append(name)
                    line = "%s [%s]: expected %s, got %s%s" % (
                        name, sc["description"], "/".join(want), res,
                        " (%s)" % problem if problem else "")
                    if name in known:
                        print("known miss: %s -- %s" % (line, known[name]))
                    else:
                        unexpected.append(line)
    rate = 100.0 * passed / total if total else 0.0
    print("rfc7208: %d/%d cases pass (%.1f %%)" % (passed, total, rate))
    bad = False
    for line in unexpected:
        print("FAIL: " + line)
        bad = True
    for name in stale:
        print("FAIL: %s passes but is listed in %s" % (name, misses_file))
        bad = True
    for name in known:
        if name not in missed and name not in stale:
            print("FAIL: %s listed in %s is not a case of the suite" % (name, misses_file))
            bad = True
    if rate < 95.0:
        print("FAIL: pass rate below 95 %")
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
