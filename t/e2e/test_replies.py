"""Foundation through a real Postfix: every non-DNS check's reply exactly as
an SMTP client sees it, delayed rejection, exemptions, SASL bypass, access
file, a SIGUSR1 reload changing behaviour, and hostile input."""

import os
import time

from rampart_e2e import RampartCase, main

ACCESS = """\
client 198.51.100.0/24 REJECT
sender @spammer.example REJECT Your mail is not wanted here
recipient vip@example.net OK
"""


class Replies(RampartCase):
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("helo", "required", "reject"),
        ("helo", "invalid", "reject"),
        ("helo", "non_fqdn", "reject"),
        ("envelope", "strict", "reject"),
        ("envelope", "sender_non_fqdn", "reject"),
        ("envelope", "recipient_non_fqdn", "reject"),
    ]
    POSTFIX = {"line_length_limit": "8192"}

    @classmethod
    def settings(cls):
        path = os.path.join(cls.dir, "access")
        with open(path, "w") as f:
            f.write(ACCESS)
        return cls.SETTINGS + [("policy", "access_file", path)]

    def rcpt_reply(self, addr, helo, mail, rcpt="<user@example.net>", login=None):
        c = self.client(addr, helo=helo, login=login)
        r = c.mail(mail)
        self.assertEqual(r.code, 250, str(r))
        r = c.rcpt(rcpt)
        c.quit()
        return r

    def test_helo_non_fqdn(self):
        r = self.rcpt_reply("192.0.2.10", "lan-32204df3031", "<a@example.com>")
        self.assertEqual(r.line, "504 5.5.2 <lan-32204df3031>: Helo command rejected: need fully-qualified hostname")

    def test_helo_invalid(self):
        r = self.rcpt_reply("192.0.2.10", "bad_host!.example.com", "<a@example.com>")
        self.assertEqual(r.line, "501 5.5.2 <bad_host!.example.com>: Helo command rejected: Invalid name")
        r = self.rcpt_reply("192.0.2.10", "[1.2.3.256]", "<a@example.com>")
        self.assertEqual(r.line, "501 5.5.2 <[1.2.3.256]>: Helo command rejected: invalid ip address")

    def test_helo_required(self):
        c = self.client("192.0.2.11")          # XCLIENT resets HELO; none sent
        self.assertEqual(c.mail("<a@example.com>").code, 250)
        self.assertEqual(c.rcpt("<user@example.net>").line, "503 5.5.1 Error: send HELO/EHLO first")
        c.quit()

    def test_envelope_strict(self):
        r = self.rcpt_reply("192.0.2.12", "mail.example.com", "a@example.com")
        self.assertEqual(r.line, "501 5.1.7 Bad sender address syntax")
        r = self.rcpt_reply("192.0.2.12", "mail.example.com", "<a@example.com>", rcpt="user@example.net")
        self.assertEqual(r.line, "501 5.1.3 Bad recipient address syntax")

    def test_non_fqdn_addresses(self):
        r = self.rcpt_reply("192.0.2.13", "mail.example.com", "<a@localhost>")
        self.assertEqual(r.line, "504 5.5.2 <a@localhost>: Sender address rejected: need fully-qualified address")
        r = self.rcpt_reply("192.0.2.13", "mail.example.com", "<a@example.com>", rcpt="<user@intranet>")
        self.assertEqual(r.line, "504 5.5.2 <user@intranet>: Recipient address rejected: need fully-qualified address")

    def test_exempt_and_delivery_with_log_line(self):
        m = self.mark()
        c = self.client("192.0.2.14", helo="foo")
        self.assertEqual(c.mail("<a@example.com>").code, 250)
        self.assertEqual(c.rcpt("<postmaster@example.net>").code, 250)
        self.assertEqual(c.rcpt("<user@example.net>").line,
                         "504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname")
        r = c.data("Subject: to postmaster\r\n\r\nhello\r\n")
        self.assertEqual(r.code, 250, str(r))
        c.quit()
        self.wait_log("reject: RCPT from mail.example.com[192.0.2.14]: 504 5.5.2 <foo>: Helo command rejected: "
                      "need fully-qualified hostname; from=<a@example.com> to=<user@example.net> helo=<foo> "
                      "check=helo_non_fqdn", m)
        got = [d for d in self.pf.wait_for_delivery(1, timeout=30) if d.message["Subject"] == "to postmaster"]
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0].envelope["X-Rcpt-Args"], ["<postmaster@example.net> ORCPT=rfc822;postmaster@example.net"])

    def test_sasl_login_skips_checks(self):
        r = self.rcpt_reply("192.0.2.15", "foo", "<alice@localhost>", login="alice")
        self.assertEqual(r.code, 250, str(r))

    def test_access_file(self):
        r = self.rcpt_reply("198.51.100.7", "mail.example.com", "<a@example.com>")
        self.assertEqual(r.line, "554 5.7.1 <mail.example.com[198.51.100.7]>: Client host rejected: Access denied")
        r = self.rcpt_reply("192.0.2.16", "mail.example.com", "<x@spammer.example>")
        self.assertEqual(r.line, "554 5.7.1 <x@spammer.example>: Sender address rejected: Your mail is not wanted here")
        r = self.rcpt_reply("192.0.2.16", "mail.example.com", "<a@example.com>", rcpt="<vip@example.net>")
        self.assertEqual(r.code, 250, "recipient OK: %s" % r)
        # an OK never excuses a refusal decided before it (delay_reject changes
        # when a verdict is given, never whether)
        r = self.rcpt_reply("192.0.2.16", "foo", "<a@example.com>", rcpt="<vip@example.net>")
        self.assertEqual(r.line, "504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname")
        r = self.rcpt_reply("198.51.100.7", "mail.example.com", "<a@example.com>", rcpt="<vip@example.net>")
        self.assertEqual(r.line, "554 5.7.1 <mail.example.com[198.51.100.7]>: Client host rejected: Access denied")

    def test_hostile_input(self):
        big = "a" * 4096 + ".example.com"
        r = self.rcpt_reply("192.0.2.17", big, "<a@example.com>")
        self.assertEqual(r.code, 501, str(r))
        self.assertTrue(r.line.startswith("501 5.5.2 <aaaa"), r.line)
        self.assertTrue(r.line.endswith("...>: Helo command rejected: Invalid name"), r.line)
        self.assertLessEqual(len(r.line) + 2, 512)
        # invalid UTF-8 never reaches the milter: Postfix refuses it itself
        c = self.client("192.0.2.18")
        self.assertEqual(c.cmd(b"EHLO caf\xc3\xa9.\xff\xfe.example").line, "500 5.5.2 Error: bad UTF-8 syntax")
        # control bytes and UTF-8 do; the reply shows them as '?'
        self.assertEqual(c.cmd(b"EHLO a\x01b\x7f.caf\xc3\xa9.example").code, 250)
        self.assertEqual(c.mail("<a@example.com>").code, 250)
        r = c.rcpt("<user@example.net>")
        self.assertEqual(r.line, "501 5.5.2 <a?b?.caf??.example>: Helo command rejected: Invalid name")
        c.quit()
        # '%' and printf directives are text, never formats
        r = self.rcpt_reply("192.0.2.19", "mail.example.com", "<100%discount@localhost>")
        self.assertEqual(r.line, "504 5.5.2 <100%discount@localhost>: Sender address rejected: need fully-qualified address")
        r = self.rcpt_reply("192.0.2.19", "mail.example.com", "<a@example.com>", rcpt="<%s%n%x@intranet>")
        self.assertEqual(r.line, "504 5.5.2 <%s%n%x@intranet>: Recipient address rejected: need fully-qualified address")
        log = self.log()
        for bad in ("\x01", "\r", "\xff"):
            self.assertNotIn(bad, log.replace("\n", ""))
        self.assertIsNone(self.proc.poll(), "rampart still running")

    def test_zz_reload_changes_behaviour(self):
        r = self.rcpt_reply("192.0.2.20", "foo", "<a@example.com>")
        self.assertEqual(r.code, 504)
        m = self.reload([("helo", "non_fqdn", "off")])
        self.wait_log("configuration reloaded from", m)
        r = self.rcpt_reply("192.0.2.20", "foo", "<a@example.com>")
        self.assertEqual(r.code, 250, "after reload: %s" % r)
        m = self.reload([("helo", "non_fqdn", "maybe")])
        self.wait_log('[helo] non_fqdn = "maybe": expected one of', m)
        self.wait_log("reload of", m)
        r = self.rcpt_reply("192.0.2.20", "foo", "<a@example.com>")
        self.assertEqual(r.code, 250, "bad file refused, previous config stays: %s" % r)
        m = self.reload([("helo", "non_fqdn", "reject")])
        self.wait_log("configuration reloaded from", m)
        self.assertEqual(self.rcpt_reply("192.0.2.20", "foo", "<a@example.com>").code, 504)


class NoDelay(RampartCase):
    """delay_reject = no: Postfix answers HELO with 250 and shows the milter's
    HELO verdict at MAIL; a sender refusal comes at MAIL."""
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("policy", "delay_reject", "no"),
        ("helo", "non_fqdn", "reject"),
        ("envelope", "sender_non_fqdn", "reject"),
    ]

    def test_helo_verdict_at_mail(self):
        c = self.client("192.0.2.30")
        r = c.cmd("EHLO foo")
        self.assertEqual(r.code, 250, str(r))
        r = c.mail("<a@example.com>")
        self.assertEqual(r.line, "504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname")
        c.quit()

    def test_sender_at_mail(self):
        c = self.client("192.0.2.31", helo="mail.example.com")
        r = c.mail("<a@localhost>")
        self.assertEqual(r.line, "504 5.5.2 <a@localhost>: Sender address rejected: need fully-qualified address")
        self.assertEqual(c.mail("<a@example.com>").code, 250)
        self.assertEqual(c.rcpt("<user@example.net>").code, 250)
        c.quit()


if __name__ == "__main__":
    main()
