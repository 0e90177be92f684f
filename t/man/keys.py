#!/usr/bin/env python3
"""rampart.conf(5) documents exactly the keys rampart knows, with their defaults.

The key table is taken from the daemon itself: "rampart -d -c /dev/null"
prints every section and key with its default. The man page documents each
key as '.B "key = default"' under '.SS "[section]"' in SECTIONS AND KEYS.
Checks: every key is documented once, in its section, nothing else is, each
default shown equals the daemon's (host-dependent defaults are shown empty),
and the configuration examples of EXAMPLES load with "rampart -t".

Usage: keys.py RAMPART MANPAGE
"""
import os
import re
import subprocess
import sys
import tempfile

# Defaults computed on the host (its FQDN, resolv.conf): documented as empty.
HOST_DEPENDENT = {("milter", "hostname"), ("dns", "nameservers"), ("spf", "authserv_id")}

failures = []


HOST_FINDING = re.compile(r": (no such user|no such group|directory \S+ does not exist)$")


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def unescape(s):
    return (s.replace("\\-", "-").replace("\\(dq", '"').replace("\\(aq", "'")
            .replace("\\~", " ").replace("\\&", ""))


def daemon_keys(rampart):
    out = subprocess.run([rampart, "-d", "-c", "/dev/null"], check=True,
                         capture_output=True, text=True).stdout
    keys, section = [], None
    for line in out.splitlines():
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            section = m.group(1)
            continue
        m = re.fullmatch(r"(\w+) =(?: (.*))?", line)
        if m and section:
            keys.append((section, m.group(1), m.group(2) or ""))
    return keys


def man_keys(lines):
    keys, section, in_keys = [], None, False
    for i, line in enumerate(lines):
        if line.startswith(".SH "):
            in_keys = line.strip() == ".SH SECTIONS AND KEYS"
            section = None
            continue
        if not in_keys:
            continue
        m = re.fullmatch(r'\.SS "\[(\w+)\]"', line)
        if m:
            section = m.group(1)
            continue
        m = re.fullmatch(r'\.B "(\w+) =(?: (.*))?"', line)
        if m and i > 0 and lines[i - 1] == ".TP":
            if section is None:
                fail("line %d: key %s outside a [section]" % (i + 1, m.group(1)))
                continue
            keys.append((section, m.group(1), unescape(m.group(2) or "")))
    return keys


def examples(lines):
    """The .EX blocks of EXAMPLES that are configuration files."""
    blocks, cur, in_ex = [], None, False
    for line in lines:
        if line.startswith(".SH "):
            in_ex = line.strip() == ".SH EXAMPLES"
        elif in_ex and line == ".EX":
            cur = []
        elif in_ex and line == ".EE" and cur is not None:
            if cur and cur[0].startswith("["):
                blocks.append("\n".join(unescape(l) for l in cur) + "\n")
            cur = None
        elif cur is not None:
            cur.append(line)
    return blocks


def main():
    rampart, page = sys.argv[1], sys.argv[2]
    with open(page, encoding="utf-8") as f:
        lines = f.read().splitlines()
    want = daemon_keys(rampart)
    have = man_keys(lines)
    if len(want) < 50:
        fail("rampart -d printed only %d keys" % len(want))
    wanted = {(s, k): v for s, k, v in want}
    seen = {}
    for s, k, v in have:
        if (s, k) in seen:
            fail("[%s] %s documented twice" % (s, k))
        seen[(s, k)] = v
    for (s, k), v in wanted.items():
        if (s, k) not in seen:
            fail("[%s] %s is not documented in %s" % (s, k, page))
            continue
        doc = seen[(s, k)]
        if (s, k) in HOST_DEPENDENT:
            if doc != "":
                fail("[%s] %s: documented default %r, expected empty (host-dependent)" % (s, k, doc))
        elif doc != v:
            fail("[%s] %s: documented default %r, rampart's is %r" % (s, k, doc, v))
    for (s, k) in seen:
        if (s, k) not in wanted:
            fail("[%s] %s is documented but rampart has no such key" % (s, k))
    order_want = [s for i, (s, _, _) in enumerate(want) if i == 0 or want[i - 1][0] != s]
    order_have = [s for i, (s, _, _) in enumerate(have) if i == 0 or have[i - 1][0] != s]
    if order_want != order_have:
        fail("sections documented in order %s, rampart's order is %s" % (order_have, order_want))

    blocks = examples(lines)
    if len(blocks) != 2:
        fail("expected 2 configuration examples in EXAMPLES, found %d" % len(blocks))
    with tempfile.TemporaryDirectory(prefix="rampart-man.") as d:
        access = os.path.join(d, "access")
        open(access, "w").close()
        for n, text in enumerate(blocks, 1):
            path = os.path.join(d, "example%d.conf" % n)
            with open(path, "w") as f:
                f.write(text.replace("/etc/rampart/access", access))
            r = subprocess.run([rampart, "-t", "-c", path], capture_output=True, text=True)
            # -t also checks this machine (the rampart user, /run/rampart,
            # /var/lib/rampart): those findings are about the host, not the
            # example's text, and have tests of their own (unit/test_config_env)
            problems = [l for l in (r.stdout + r.stderr).splitlines()
                        if l.startswith("rampart: ") and not l.endswith("configuration OK")
                        and not HOST_FINDING.search(l)]
            if r.returncode != 0 and problems:
                fail("example %d does not load: %s" % (n, "\n".join(problems)))

    checked = len(wanted) + len(blocks)
    print("man/keys: %d keys and %d examples checked, %d problems" % (len(wanted), len(blocks), len(failures)))
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
