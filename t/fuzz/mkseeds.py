#!/usr/bin/env python3
"""mkseeds.py [TARGET...] - (re)write the seed files of t/fuzz/corpus/<target>/.

Seeds are named seed-*: the inputs this script builds from the project's
own data (etc/, t/data/, t/milter/*.conf), Debian's postgrey whitelists
and the RFC 7208 test suite when they are installed, and the hand-written
cases below; DNS replies are built here in wire format. Inputs that
fuzzing found (min-*, crash-*) are kept by hand and never touched.
"""
import gzip
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def readlines(path):
    try:
        with open(path, "rb") as f:
            return f.read().splitlines()
    except OSError:
        return []


def readfile(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def b(s):
    return s if isinstance(s, bytes) else s.encode()


# ---- text targets ------------------------------------------------------

HOSTNAMES = [
    "mail.example.com", "mail.example.com.", "localhost", "a", "_dmarc.example.org",
    "xn--bcher-kva.example", "b\xc3\xbccher.example", "mx-1.mail.example.net", "1.2.3.4",
    "[192.0.2.1]", "[IPv6:2001:db8::1]", "[ipv6:::ffff:192.0.2.1]", "[300.1.1.1]",
    "-bad-.example", "a..b", ".", "..", "example..", "192.0.2", "0.0.0.0", "012.1.1.1",
    "host_name.example", "a" * 63 + ".example", "a" * 64 + ".example",
    ".".join(["abcdefghi"] * 26), "2001:db8::1", "::1", "::ffff:1.2.3.4",
    "1:2:3:4:5:6:7:8", "1::2::3", "fe80::1%eth0", "ex ample.com", "EXAMPLE.COM",
    "\xe2\x82\xac.example", "\xc0\xaf.example", "\xf0\x9f\x93\xa7.example", "123.example",
    "example.123", "[]", "[IPv6:]", "friend", "unknown",
]

PATHS = [
    (1, "<>"), (0, "<>"), (1, "<user@example.com>"), (0, "<postmaster@example.org>"),
    (1, "<@relay.example:user@example.com>"), (1, "<@a.example,@b.example:user@example.com>"),
    (1, '<"john doe"@example.com>'), (1, '<"a\\"b"@example.com>'), (1, "<user@[192.0.2.1]>"),
    (1, "<user@[IPv6:2001:db8::1]>"), (1, "user@example.com"), (1, "<user@example.com> SIZE=100"),
    (1, "<first.last+tag@sub.example.co.uk>"), (3, "<j\xc3\xb6rg@b\xc3\xbccher.example>"),
    (1, "<j\xc3\xb6rg@example.com>"), (1, "<" + "a" * 64 + "@example.com>"),
    (1, "<" + "a" * 65 + "@example.com>"), (1, "<a@" + "b" * 250 + ".com>"),
    (1, "<.user@example.com>"), (1, "<user.@example.com>"), (1, "<us..er@example.com>"),
    (1, "<user@example>"), (1, "<user@-example.com>"), (1, "<user>"), (1, "<@example.com>"),
    (1, "<user@@example.com>"), (1, "<user@example.com"), (1, "user@example.com>"),
    (0, "<srs0=abcd=tt=example.org=user@forwarder.example>"), (1, "<prvs=1234abcd=user@example.com>"),
    (1, "<user\r\n@example.com>"), (1, "<\"\"@example.com>"), (1, "<@:user@example.com>"),
]

CIDRS = [
    "192.0.2.1", "192.0.2.0/24", "10.0.0.0/8", "0.0.0.0/0", "0.0.0.0", "255.255.255.255/32",
    "192.0.2.1/24", "2001:db8::1", "2001:db8::/32", "::/0", "::1", "::", "::ffff:192.0.2.1",
    "::ffff:192.0.2.0/120", "IPv6:2001:db8::1", "ipv6:::1", "fe80::/10", "2001:db8::/129",
    "192.0.2.0/33", "192.0.2.0/", "/24", "192.0.2.0/024", "192.0.2.0/-1", "1.2.3",
    "1.2.3.4.5", "01.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8/64", "1::2::3",
    "2001:db8:0:0:0:0:0:1", "2001:DB8::A", "127.0.0.1", "127.255.255.254/31", " 1.2.3.4",
]

DNSBL_SITES = [
    "zen.spamhaus.org", "zen.spamhaus.org*2", "zen.spamhaus.org=127.0.0.[2..11]*3",
    "b.barracudacentral.org=127.0.0.2*2", "list.dnswl.org=127.0.[0..255].[1..3]*-2",
    "bl.example=127.0.0.[2;4;10..12]", "bl.example.=127.0.0.2", "BL.Example.COM*1",
    "bl.example=127.0.0.[1..255]*-5", "bl.example*0", "bl.example*2147483647",
    "bl.example*-2147483648", "bl.example*99999999999", "bl.example=1.2.3", "bl.example=",
    "=127.0.0.2", "*2", "bl.example=127.0.0.[2..1]", "bl.example=127.0.0.256",
    "bl.example=[0..255].[0..255].[0..255].[0..255]", "bl.example=127.0.0.[2;;3]",
    "bl..example", "bl.example=127.0.0.[]", "bl.example*", "bl.example**2",
]

GREY_TEXTS = [
    "Greylisting in effect, please come back later",
    "Greylisted, see http://postgrey.schweikert.ch/help/%r.html",
    "Greylisted for %s seconds (%r)", "100%% sure, try again in %ss", "%", "%x", "%%%%",
    "%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s", "%r%r%r%r%r%r%r%r%r%r%r%r%r%r%r%r%r%r%r",
    "tab\there", "", "x" * 256, "x" * 257,
]

GREY_KEYS = [
    (24, 64, "<user@example.com>", "<rcpt@example.org>", "192.0.2.1"),
    (24, 64, "<prvs=1234abcd=user@example.com>", "<Rcpt+Tag@Example.org>", "2001:db8::1"),
    (32, 128, "btv1==0123==user@example.com", "rcpt@example.org", "spf.example.com"),
    (16, 48, "<SRS0=HHH=TT=example.org=user@forwarder.example>", "<>", "10.1.2.3"),
    (24, 64, "srs1=HHH=fwd.example==HHH=TT=orig.example=user@fwd2.example", "x@y", "::ffff:1.2.3.4"),
    (24, 64, "bounce-123-456@lists.example.org", "user@example.com", "Example.COM"),
    (24, 64, "user42+foo@example.com", "a_1@example.com", ""),
    (0, 0, "x.2024@example.com", "<<>>", "0.0.0.0"), (200, 200, "<>", "", "::"),
    (24, 64, "+plus@example.com", "+@x", "1.2.3.4"), (24, 64, "srs0+a+b+c+d@e", "R", "srs"),
]

ACCESS_EXTRA = [
    b"client 192.0.2.0/24 OK\nhelo .example.com REJECT no thanks\nsender @spam.example DEFER later\n",
    b"recipient postmaster@ OK\nrecipient .example.org SKIP greylist,spf\nclient .dyn.example REJECT\n",
    b"client 2001:db8::/32 SKIP dnsbl\nclient mail.example.net OK\nsender user@example.com REJECT\n",
    b"helo [192.0.2.1] OK\nsender <user@example.com> OK\nclient unknown REJECT\n",
    b"client 192.0.2.1 REJECT \x01ctl\n", b"# only a comment\n\n   \n",
    b"client 192.0.2.1 OK extra\nclient 192.0.2.1/33 OK\nfoo bar OK\n",
    b"recipient @example.org REJECT 5.7.1 Relaying denied\nrecipient @example.org OK\n",
    b"client 192.0.2.1 SKIP nosuchcheck\nclient 192.0.2.2 SKIP\n",
    b"client 192.0.2.1 OK\r\nhelo x REJECT\r\n", b"client\t192.0.2.1\tDEFER\ttabs here\n",
]


def dns_name(name):
    out = b""
    if name not in ("", "."):
        for label in name.rstrip(".").split("."):
            lab = b(label)
            out += bytes([len(lab)]) + lab
    return out + b"\x00"


def rr(owner, rtype, rdata, ttl=300, cls=1):
    o = owner if isinstance(owner, bytes) else dns_name(owner)
    return o + struct.pack(">HHIH", rtype, cls, ttl, len(rdata)) + rdata


def txt(*strings):
    return b"".join(bytes([len(b(s))]) + b(s) for s in strings)


def soa(ttl=3600, minimum=300):
    return rr("example.com", 6, dns_name("ns.example.com") + dns_name("hostmaster.example.com")
              + struct.pack(">IIIII", 1, 3600, 600, 86400, minimum), ttl)


def packet(qname, qtype, an=(), ns=(), ar=(), rcode=0, flags=0x8180, qid=0x1234, opcode=0,
           questions=None):
    fl = (flags & ~0x780F) | (opcode << 11) | rcode
    qs = [(qname, qtype)] if questions is None else questions
    head = struct.pack(">HHHHHH", qid, fl, len(qs), len(an), len(ns), len(ar))
    body = b"".join(dns_name(q) + struct.pack(">HH", t, 1) for q, t in qs)
    return head + body + b"".join(an) + b"".join(ns) + b"".join(ar)


A, NS, CNAME, SOA, PTR, MX, TXT, AAAA = 1, 2, 5, 6, 12, 15, 16, 28
SEL = {A: 0, AAAA: 1, PTR: 2, MX: 3, TXT: 4}


def dns_seeds():
    q = "2.0.2.0.192.zen.example.org"
    ptr = "1.2.0.192.in-addr.arpa"
    seeds = [
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0, 2]))])),
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0, 2])), rr(q, A, bytes([127, 0, 0, 10]))])),
        (A, packet(q, A, [rr(q, A, bytes([127, 255, 255, 254]))])),
        (A, packet(q, A, [], [soa()], rcode=3)),
        (A, packet(q, A, [], [soa(60, 30)])),
        (A, packet("www.example.com", A, [rr("www.example.com", CNAME, dns_name("web.example.com")),
                                          rr("web.example.com", A, bytes([192, 0, 2, 80]))])),
        (A, packet("a.example.com", A, [rr("a.example.com", CNAME, dns_name("b.example.com")),
                                        rr("b.example.com", CNAME, dns_name("a.example.com"))])),
        (A, packet("x.example.com", A, [rr("x.example.com", CNAME, dns_name("c%d.example.com" % 0))]
                   + [rr("c%d.example.com" % i, CNAME, dns_name("c%d.example.com" % (i + 1)))
                      for i in range(10)])),
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0]))])),
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0, i])) for i in range(1, 25)])),
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0, 2]))], rcode=2)),
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0, 2]))], flags=0x0100)),
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0, 2]))], flags=0x8380)),
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0, 2]))], opcode=2)),
        (A, packet(q, A, [], questions=[])),
        (A, packet(q, A, [], questions=[(q, A), (q, A)])),
        (AAAA, packet("mail.example.com", AAAA, [rr("mail.example.com", AAAA,
                                                   bytes.fromhex("20010db8000000000000000000000025"))])),
        (AAAA, packet("mail.example.com", AAAA, [rr("mail.example.com", A, bytes([192, 0, 2, 25]))])),
        (PTR, packet(ptr, PTR, [rr(ptr, PTR, dns_name("mail.example.com"))])),
        (PTR, packet(ptr, PTR, [rr(ptr, PTR, dns_name("Mail.Example.COM")),
                                rr(ptr, PTR, dns_name("other.example.net"))])),
        (PTR, packet(ptr, PTR, [rr(ptr, PTR, b"\x05we\x00rd\x04a.b\x20\x07example\x00")])),
        (PTR, packet(ptr, PTR, [rr(ptr, PTR, b"\x03foo\xc0\x0c")])),
        (MX, packet("example.com", MX, [rr("example.com", MX, struct.pack(">H", 10) + dns_name("mx1.example.com")),
                                        rr("example.com", MX, struct.pack(">H", 20) + dns_name("mx2.example.com"))])),
        (MX, packet("example.com", MX, [rr("example.com", MX, struct.pack(">H", 0) + b"\x00")])),
        (MX, packet("example.com", MX, [rr("example.com", MX, b"\x00")])),
        (TXT, packet("example.com", TXT, [rr("example.com", TXT, txt("v=spf1 ip4:192.0.2.0/24 -all"))])),
        (TXT, packet("example.com", TXT, [rr("example.com", TXT, txt("v=spf1 ip4:192.0.2.0/24 ", "-all")),
                                          rr("example.com", TXT, txt("google-site-verification=abc"))])),
        (TXT, packet("example.com", TXT, [rr("example.com", TXT, txt(*(["E" * 255] * 18)))])),
        (TXT, packet("example.com", TXT, [rr("example.com", TXT, b"\x05abc")])),
        (TXT, packet("example.com", TXT, [rr("example.com", TXT, txt("bad\r\nInjected: yes\x00nul"))])),
        (TXT, packet("example.com", TXT, [rr("example.com", TXT, b"")])),
        (TXT, packet("_spf.example.com", TXT, [rr("_spf.example.com", CNAME, dns_name("spf.example.net")),
                                               rr("spf.example.net", TXT, txt("v=spf1 -all"))])),
        (A, b"\x12\x34\x81\x80\x00\x01"),
        (A, packet(q, A, [rr(q, A, bytes([127, 0, 0, 2]))])[:-3]),
        (A, packet(q, A, [rr(b"\xc0\x0c", A, bytes([127, 0, 0, 4]))])),
        (A, packet(q, A, [rr(b"\xc0\x0c", A, bytes([127, 0, 0, 4]))], [soa()],
                   [b"\x00" + struct.pack(">HHIH", 41, 1232, 0, 0)])),
    ]
    return [bytes([SEL[t]]) + p for t, p in seeds]


def spf_records():
    recs = [
        "v=spf1 -all", "v=spf1", "v=spf1 +all", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all",
        "v=spf1 a mx ptr -all", "v=spf1 a/24 mx//64 a:example.com/0 mx:example.com//0 ~all",
        "v=spf1 ip4:0.0.0.0/0 ip6:::/0 ?all", "v=spf1 include:_spf.example.com redirect=x.example",
        "v=spf1 exists:%{i}.%{l}.%{d}._spf.example.com -all", "v=spf1 -all exp=explain.%{d}",
        "v=spf1 redirect=_spf.example.com", "v=spf1 mx:%{d3r}.example -all moo=bar",
        "v=spf1 a:%{ir}.%{v}._spf.%{d2} -all", "v=spf1 exists:%{p}.x.example -all",
        "v=spf1 a:" + "%{d}" * 127 + "AAAA -all", "v=spf1 exp=" + "%{d}" * 127 + "x",
        "v=spf1 a:%{c}.example", "v=spf1 ip4:192.0.2.01", "v=spf1 a/033", "v=spf1 redirect:x.example",
        "v=spf1 exp=a exp=b", "v=spf1 a:example.123", "v=spf1 include:example..com",
        "v=spf1 ?include:%{o}.%{h}._spf.example ~all", "V=SPF1 IP4:192.0.2.1 -ALL",
        "v=spf1 ip6:::ffff:192.0.2.1/128 -all", "v=spf1 a:%{l-}.%{s+}.%{o1r_}.example -all",
        "v=spf1 %{d}", "v=spf1  ip4:192.0.2.1   -all ", "v=spf10 -all", "spf2.0/pra -all",
        "v=spf1 -all\x00trailing", "v=spf1 a:%%.%_.%-.example -all",
    ]
    gz = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz"
    try:
        import yaml
        with gzip.open(gz, "rt") as f:
            for doc in yaml.safe_load_all(f):
                for name, rrs in (doc or {}).get("zonedata", {}).items():
                    for r in rrs or []:
                        if isinstance(r, dict):
                            for k in ("TXT", "SPF"):
                                v = r.get(k)
                                if isinstance(v, str):
                                    recs.append(v)
                                elif isinstance(v, list):
                                    recs.append("".join(x for x in v if isinstance(x, str)))
    except Exception:
        pass
    zone = os.path.join(TOP, "t/data/zones/spf.rampart.test.zone")
    for line in readlines(zone):
        if b' TXT ' in line and b'"' in line and len(line) < 2000:
            parts = line.split(b'"')[1::2]
            recs.append(b"".join(parts).decode("latin-1"))
    out, seen = [], set()
    for r in recs:
        r = b(r) if isinstance(r, bytes) else r.encode("latin-1", "replace")
        if r.lower().startswith(b"v=spf1") and r not in seen:
            seen.add(r)
            out.append(bytes([len(out) % 2]) + r)   # IPv4 and IPv6 clients in turn
    return out


def grey_records():
    out = []
    def rec(state, flags, fs, ls, pt, count, client, sender, rcpt, pad=0):
        c, s, r = b(client), b(sender), b(rcpt)
        return (bytes([1, state, flags, pad]) + struct.pack("<qqqI", fs, ls, pt, count)
                + struct.pack("<HHH", len(c), len(s), len(r)) + c + s + r)
    now = struct.pack("<q", 1764700000)
    out.append(now + rec(1, 0, 1764699000, 1764699000, 0, 1, "192.0.2.0/24", "user@example.com", "rcpt@example.org"))
    out.append(now + rec(1, 0, 1764690000, 1764699000, 0, 3, "2001:db8::/64", "", "postmaster@example.org"))
    out.append(now + rec(2, 0, 1764000000, 1764699000, 1764001000, 2, "spf:example.com", "srs0=#=#=example.org=user@fwd.example", "a@b"))
    out.append(now + rec(3, 0, 1764000000, 1764699000, 1764600000, 7, "192.0.2.0/24", "", ""))
    out.append(now + rec(3, 1, 0, 0, 0, 0, "198.51.100.0/24", "", ""))
    out.append(now + rec(1, 0, -2 ** 63, 2 ** 63 - 1, -1, 2 ** 32 - 1, "x", "y", "z"))
    out.append(struct.pack("<q", -2 ** 63) + rec(2, 0, 2 ** 63 - 1, -2 ** 63, 2 ** 63 - 1, 0, "c", "s", "r"))
    out.append(struct.pack("<q", 2 ** 63 - 1) + rec(3, 0, -2 ** 63, -2 ** 63, -2 ** 63, 2 ** 32 - 1, "c", "", ""))
    out.append(now + rec(4, 0, 1, 1, 1, 1, "", "", ""))
    out.append(now + rec(1, 0, 1, 1, 1, 1, "a\x00b", "", "", pad=7))
    out.append(now + b"\x02" + b"\x00" * 37)
    out.append(now + b"\x01\x01")
    out.append(now + rec(1, 0, 1, 1, 1, 1, "192.0.2.0/24", "s", "r")[:-1])
    return out


def whitelist_seeds():
    out = []
    for kind, names in ((0, ["t/data/whitelist/clients", "t/data/zones/whitelist_clients",
                             "/usr/share/postgrey/whitelist_clients"]),
                        (1, ["t/data/whitelist/recipients", "t/data/zones/whitelist_recipients",
                             "/usr/share/postgrey/whitelist_recipients"])):
        for name in names:
            lines = [l for l in readlines(os.path.join(TOP, name)) if l.strip()]
            # chunks of 12 lines: each seed stays small and fast
            for i in range(0, len(lines), 12):
                out.append(bytes([kind]) + b"\n".join(lines[i:i + 12]) + b"\n")
    out += [
        b"\x00/^mail\\d+\\.example\\.com$/\n192.0.2.0/24\n10.1.2\n172.16\n2001:db8::/32\nexample.net\n",
        b"\x00/(a+)+$/\n/[/\n192.0.2.1/33\n300.1.1.1\n1.2.3.4.5\n::1/129\n  spaced.example  # comment\n",
        b"\x01postmaster@\nabuse@example.com\n/^postmaster@/\nexample.org\nuser+x@example.com\n@bad\n",
        b"\x01/unclosed\n/a b/\n# just comment\n\n\t\n" + b"x" * 1100 + b"\n",
        b"\x00" + b"/" + b"(x|x)*" * 20 + b"y/\n" + b"x" * 60 + b"\n",
    ]
    return out


def access_seeds():
    out = list(ACCESS_EXTRA)
    for name in sorted(os.listdir(os.path.join(TOP, "t/data/access"))):
        d = readfile(os.path.join(TOP, "t/data/access", name))
        if d is not None and len(d) < 16384:
            out.append(d)
    d = readfile(os.path.join(TOP, "etc/access.example"))
    if d:
        out.append(d)
    return out


def config_seeds():
    out = []
    for d in ("etc", "t/milter", "t/data/config"):
        base = os.path.join(TOP, d)
        for name in sorted(os.listdir(base)):
            if name.endswith(".conf"):
                data = readfile(os.path.join(base, name))
                if data is not None and len(data) < 65536:
                    out.append(data)
    out += [
        b"[milter]\nsocket = inet:10025@127.0.0.1\nhostname = mx.example.net\n"
        b"[dnsbl]\nzones = zen.example=127.0.0.[2..11]*3, wl.example*-2\nthreshold = 3\n",
        b"[greylist]\nmode = always\ntext = \"Greylisted %s seconds; see %r\"\ndelay = 5m\nretry_window = 2d\n",
        b"[spf]\nfail = reject\nheader = received-spf\n[policy]\ntrusted_networks = 127.0.0.0/8, ::1\n",
        b"[milter]\nhostname = 'a\"b'\n", b"[milter]\nhostname = \"x;y#z\"\n",
        b"[log]\nlevel = debug\n[dns]\ntimeout = 500ms\nnameservers = 127.0.0.1, ::1\n",
    ]
    return out


def lines_of(items, prefix=b""):
    return [prefix + b(x) for x in items]


def target_seeds(target):
    if target == "hostname":
        return lines_of(HOSTNAMES)
    if target == "path":
        return [bytes([f]) + b(p) for f, p in PATHS]
    if target == "cidr":
        return lines_of(CIDRS)
    if target == "dnsbl_site":
        return lines_of(DNSBL_SITES) + [b"zen.example=127.0.0.[2..11]*3\x00\x7f\x00\x00\x02\x7f\xff\xff\xfe",
                                        b"bl.example\x00\x7f\x00\x00\x0a", b"bl.example*-1\x00\x7f\xff\xff\x01"]
    if target == "greylist_text":
        secs = [struct.pack("<Q", 300), struct.pack("<Q", 0), struct.pack("<Q", 2 ** 64 - 1)]
        out = []
        for i, t in enumerate(GREY_TEXTS):
            out.append(secs[i % 3] + b(t) + b"\x00" + (b"Example.ORG" if i % 2 else b"x\r\ny" + b"d" * 70))
        return out
    if target == "greylist_key":
        return [bytes([m4, m6]) + b(s) + b"\x00" + b(r) + b"\x00" + b(c) for m4, m6, s, r, c in GREY_KEYS]
    if target == "access":
        return access_seeds()
    if target == "config":
        return config_seeds()
    if target == "dns_answer":
        return dns_seeds()
    if target == "spf_record":
        return spf_records()
    if target == "greylist_record":
        return grey_records()
    if target == "whitelist":
        return whitelist_seeds()
    raise SystemExit("unknown target " + target)


TARGETS = ["hostname", "path", "cidr", "access", "config", "dnsbl_site", "dns_answer",
           "spf_record", "greylist_record", "greylist_key", "whitelist", "greylist_text"]


def main():
    targets = sys.argv[1:] or TARGETS
    for t in targets:
        d = os.path.join(CORPUS, t)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if name.startswith("seed-"):
                os.unlink(os.path.join(d, name))
        seen = set()
        for data in target_seeds(t):
            h = hashlib.sha1(data).hexdigest()[:16]
            if h in seen:
                continue
            seen.add(h)
            with open(os.path.join(d, "seed-" + h), "wb") as f:
                f.write(data)
        print("%s: %d seeds" % (t, len(seen)))


if __name__ == "__main__":
    main()
