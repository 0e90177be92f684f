"""Self-test of the end-to-end harness: a real Postfix with the do-nothing
milter (t/bench/nullmilter) in front of smtp-sink.

Run: RAMPART_BUILD_DIR=/path/to/build /usr/bin/python3 t/e2e/test_harness.py
Needs root (Postfix). Exit status 77 (ctest: skipped) when not root or when
nullmilter has not been built.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Postfix, TEMPFAIL_REPLY, build_dir, free_port,  # noqa: E402
                     rampart_binary, start_milter, start_rampart, stop_process,
                     write_rampart_config)

NULLMILTER = os.path.join(build_dir(), "t", "bench", "nullmilter")
HOST = "mx.rampart.test"


class NullMilterSession:
    """nullmilter on a free port, tracing every callback into a file."""

    def __init__(self, tmpdir):
        self.spec = "inet:%d@127.0.0.1" % free_port()
        self.trace_path = os.path.join(tmpdir, "nullmilter.trace")
        open(self.trace_path, "w").close()
        self.offset = 0
        self.stderr_path = os.path.join(tmpdir, "nullmilter.stderr")
        self.proc = start_milter([NULLMILTER, "-p", self.spec, "-l", self.trace_path],
                                 self.spec, stderr_path=self.stderr_path)

    def new_lines(self):
        """Trace lines written since the last call."""
        with open(self.trace_path) as f:
            f.seek(self.offset)
            data = f.read()
            self.offset = f.tell()
        return data.splitlines()

    def lines_through(self, last, count=1, timeout=10.0):
        """Trace lines written since the last call, waiting until `last` is
        among them `count` times. Postfix sends ABORT and QUIT to a milter
        without waiting for an answer, so those events may be traced after
        the SMTP reply."""
        import time
        deadline = time.monotonic() + timeout
        lines = self.new_lines()
        while lines.count(last) < count and time.monotonic() < deadline:
            time.sleep(0.02)
            lines += self.new_lines()
        return lines

    def stop(self):
        return stop_process(self.proc)

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()


def start_pair(cls, overrides=None):
    import tempfile
    cls.tracedir = tempfile.mkdtemp(prefix="rampart-nm-")
    cls.milter = NullMilterSession(cls.tracedir)
    try:
        cls.pf = Postfix(milter=cls.milter.spec, overrides=overrides)
    except BaseException:
        cls.milter.stop()
        raise


def stop_pair(cls):
    import shutil
    cls.pf.cleanup()
    cls.milter.stop()
    shutil.rmtree(cls.tracedir, ignore_errors=True)


class TransactionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_pair(cls)

    @classmethod
    def tearDownClass(cls):
        stop_pair(cls)

    def setUp(self):
        self.milter.new_lines()  # forget earlier tests' events

    def test_xclient_transaction_delivered(self):
        c = self.pf.client()
        self.assertEqual(c.greeting.lines, ["220 %s ESMTP" % HOST])
        r = c.ehlo("relay.example.org")
        self.assertEqual(r.code, 250)
        self.assertEqual(r.lines[0], "250-" + HOST)
        self.assertIn("250-XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN "
                      "DESTADDR DESTPORT", r.lines)
        self.assertEqual(r.lines[-1], "250 CHUNKING")
        r = c.xclient(ADDR="192.0.2.7", NAME="mail.example.org")
        self.assertEqual(r.lines, ["220 %s ESMTP" % HOST])
        r = c.ehlo("mail.example.org")
        self.assertEqual(r.lines[0], "250-" + HOST)
        self.assertNotIn("XCLIENT", r.text)  # no longer an authorised peer
        self.assertEqual(c.mail("<alice@example.org>").lines, ["250 2.1.0 Ok"])
        self.assertEqual(c.rcpt("<bob@example.net>").lines, ["250 2.1.5 Ok"])
        r = c.data("From: alice@example.org\r\nTo: bob@example.net\r\n"
                   "Subject: harness self-test\r\n\r\nline one\r\n.leading dot\r\n")
        m = re.fullmatch(r"250 2\.0\.0 Ok: queued as ([0-9A-F]+)", r.line)
        self.assertIsNotNone(m, r.line)
        qid = m.group(1)
        self.assertEqual(c.quit().lines, ["221 2.0.0 Bye"])

        msgs = self.pf.wait_for_delivery(1, timeout=30)
        self.assertEqual(len(msgs), 1)
        msg = msgs[0]
        self.assertEqual(msg.message["Subject"], "harness self-test")
        self.assertEqual(msg.envelope["X-Mail-Args"], ["<alice@example.org>"])
        self.assertEqual(msg.envelope["X-Rcpt-Args"],
                         ["<bob@example.net> ORCPT=rfc822;bob@example.net"])
        received = msg.message.get_all("Received")
        self.assertEqual(len(received), 2)  # smtp-sink's, then Postfix's
        self.assertTrue(received[1].startswith(
            "from mail.example.org (mail.example.org [192.0.2.7])"), received[1])
        self.assertIn("id " + qid, received[1])
        self.assertEqual(msg.message.get_payload(), "line one\n.leading dot\n")
        self.pf.wait_log(re.escape("%s: client=mail.example.org[192.0.2.7]" % qid))

        # The milter saw the XCLIENT identity, not the loopback peer.
        events = self.milter.lines_through("close arg=(null)", count=2)
        want = [
            "connect arg=mail.example.org j=%s {daemon_name}=%s "
            "{client_addr}=192.0.2.7 {client_name}=mail.example.org "
            "{client_ptr}=mail.example.org {client_resolve}=OK" % (HOST, HOST),
            "helo arg=mail.example.org {tls_version}=(unset)",
            "envfrom arg=<alice@example.org> i=(unset) {auth_type}=(unset) "
            "{auth_authen}=(unset) {mail_addr}=alice@example.org",
            "envrcpt arg=<bob@example.net> i=(unset) {rcpt_addr}=bob@example.net",
            "eom arg=(null) i=%s" % qid,
            "close arg=(null)",
        ]
        self.assertEqual(events[-len(want):], want)

    def test_xclient_login_gives_auth_authen(self):
        # Finding for Postfix 3.7.11 on Debian 12: XCLIENT LOGIN= reaches the
        # milter as {auth_authen} (and {auth_type}=XCLIENT) even with
        # smtpd_sasl_auth_enable = no.
        self.assertEqual(self.pf.postconf("smtpd_sasl_auth_enable"), "no")
        c = self.pf.client()
        r = c.xclient(ADDR="198.51.100.9", NAME="[UNAVAILABLE]", LOGIN="alice")
        self.assertEqual(r.lines, ["220 %s ESMTP" % HOST])
        self.assertEqual(c.ehlo("laptop.example.org").code, 250)
        self.assertEqual(c.mail("<alice@example.org>").lines, ["250 2.1.0 Ok"])
        self.assertEqual(c.rset().lines, ["250 2.0.0 Ok"])
        c.quit()
        # One close for the loopback session XCLIENT replaced, one at QUIT.
        events = self.milter.lines_through("close arg=(null)", count=2)
        self.assertIn("connect arg=[198.51.100.9] j=%s {daemon_name}=%s "
                      "{client_addr}=198.51.100.9 {client_name}=unknown "
                      "{client_ptr}=unknown {client_resolve}=FAIL" % (HOST, HOST),
                      events)
        self.assertIn("envfrom arg=<alice@example.org> i=(unset) {auth_type}=XCLIENT "
                      "{auth_authen}=alice {mail_addr}=alice@example.org", events)
        self.assertIn("abort arg=(null)", events)

    def test_xclient_ipv6_client(self):
        c = self.pf.client()
        r = c.xclient(ADDR="IPv6:2001:db8::25", NAME="v6.example.org")
        self.assertEqual(r.lines, ["220 %s ESMTP" % HOST])
        self.assertEqual(c.ehlo("v6.example.org").code, 250)
        self.assertEqual(c.mail("<a@example.org>").lines, ["250 2.1.0 Ok"])
        self.assertEqual(c.quit().lines, ["221 2.0.0 Bye"])
        self.assertIn("connect arg=v6.example.org j=%s {daemon_name}=%s "
                      "{client_addr}=IPv6:2001:db8::25 {client_name}=v6.example.org "
                      "{client_ptr}=v6.example.org {client_resolve}=OK" % (HOST, HOST),
                      self.milter.new_lines())

    def test_hostile_lines(self):
        # (line sent, exact reply, HELO argument the milter saw or None)
        table = [
            (b"HELO " + b"a" * 4096, "250 " + HOST, "a" * 1000),
            (b"HELO a\x01b.example", "250 " + HOST, "a?b.example"),
            (b"HELO \xff\xfe.example", "500 5.5.2 Error: bad UTF-8 syntax", None),
            (b"HELO 100%.example", "250 " + HOST, "100%.example"),
            (b"HELO x%s%n.example", "250 " + HOST, "x%s%n.example"),
            (b"NOOP", "250 2.0.0 Ok", None),
        ]
        c = self.pf.client()
        for line, reply, helo in table:
            with self.subTest(line=line[:40]):
                r = c.cmd(line)
                self.assertEqual(r.lines, [reply])
                events = self.milter.new_lines()
                helos = [e for e in events if e.startswith("helo ")]
                if helo is None:
                    self.assertEqual(helos, [])
                else:
                    self.assertEqual(len(helos), 1)
                    self.assertTrue(helos[0].startswith("helo arg=" + helo), helos[0])
        self.assertEqual(c.mail("<100%b@example.org>").lines, ["250 2.1.0 Ok"])
        self.assertEqual(c.quit().lines, ["221 2.0.0 Bye"])
        self.pf.wait_log(re.escape("request longer than 2048: HELO aaaa"))


class MilterDownTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_pair(cls)

    @classmethod
    def tearDownClass(cls):
        stop_pair(cls)

    def test_tempfail_when_milter_stops(self):
        # Milter dies during a transaction: the next RCPT gets the tempfail.
        c = self.pf.client()
        self.assertEqual(c.ehlo("client.example.org").code, 250)
        self.assertEqual(c.mail("<a@example.org>").lines, ["250 2.1.0 Ok"])
        # A clean stop on SIGTERM, nothing on stderr (sanitizer builds
        # report there).
        self.assertEqual(self.milter.stop(), 0)
        self.assertEqual(self.milter.stderr(), "")
        self.assertEqual(c.rcpt("<b@example.net>").lines, [TEMPFAIL_REPLY])
        c.close()
        # Milter gone before the session starts: MAIL gets it, RCPT has no MAIL.
        c = self.pf.client()
        self.assertEqual(c.greeting.lines, ["220 %s ESMTP" % HOST])
        self.assertEqual(c.ehlo("client.example.org").code, 250)
        self.assertEqual(c.mail("<a@example.org>").lines, [TEMPFAIL_REPLY])
        self.assertEqual(c.rcpt("<b@example.net>").lines,
                         ["503 5.5.1 Error: need MAIL command"])
        self.assertEqual(c.quit().lines, ["221 2.0.0 Bye"])
        self.pf.wait_log(r"warning: connect to Milter service inet:127\.0\.0\.1:\d+: "
                         r"Connection refused")
        self.pf.wait_log(re.escape("NOQUEUE: milter-reject: MAIL from unknown[127.0.0.1]: " +
                                   TEMPFAIL_REPLY))


class RampartHelperTest(unittest.TestCase):
    """write_rampart_config + start_rampart: rampart in front of Postfix,
    every check off, accepts and logs one pass: line (SPEC 11)."""

    def test_rampart_passes_a_message(self):
        if not os.access(rampart_binary(), os.X_OK):
            self.skipTest("rampart not built")
        import tempfile
        import shutil
        tmp = tempfile.mkdtemp(prefix="rampart-h-")
        self.addCleanup(shutil.rmtree, tmp, True)
        os.chmod(tmp, 0o755)
        spec = "unix:" + os.path.join(tmp, "rampart.sock")
        off = [("spf", r, "off") for r in
               ("fail", "softfail", "neutral", "none", "permerror", "temperror")]
        conf = write_rampart_config(tmp, spec, off)
        log = os.path.join(tmp, "rampart.log")
        proc = start_rampart(conf, spec, stderr_path=log)
        self.addCleanup(stop_process, proc)
        with Postfix(milter=spec) as pf:
            c = pf.client()
            self.assertEqual(c.xclient(ADDR="192.0.2.8", NAME="mail.example.org").lines,
                             ["220 %s ESMTP" % HOST])
            r = c.transaction(helo="mail.example.org", mail="<a@example.org>",
                              rcpts=["<b@example.net>"],
                              message="Subject: via rampart\r\n\r\nhi\r\n")
            self.assertEqual(r["mail"].lines, ["250 2.1.0 Ok"])
            self.assertEqual([x.lines for x in r["rcpt"]], [["250 2.1.5 Ok"]])
            qid = re.fullmatch(r"250 2\.0\.0 Ok: queued as ([0-9A-F]+)", r["data"].line)
            self.assertIsNotNone(qid, r["data"].line)
            msgs = pf.wait_for_delivery(1, timeout=30)
            self.assertEqual(msgs[0].message["Subject"], "via rampart")
        # Whether rampart exits 0 (and leak-free under ASan) is rampart's
        # own tests' business; here it only has to be stopped.
        self.assertIsNotNone(stop_process(proc))
        with open(log) as f:
            self.assertIn("%s: pass: from=<a@example.org> to=<b@example.net>" % qid.group(1),
                          f.read())


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("SKIP: the e2e harness needs root to run Postfix")
        sys.exit(77)
    if not os.access(NULLMILTER, os.X_OK):
        print("SKIP: %s not built" % NULLMILTER)
        sys.exit(77)
    unittest.main(verbosity=2)
