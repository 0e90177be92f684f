"""Envelope differential test: every MAIL FROM and RCPT TO argument below is
sent through two private Postfix instances, one judging envelopes itself
(strict_rfc821_envelopes = yes, reject_non_fqdn_sender,
reject_non_fqdn_recipient) and one with no envelope checks of its own in
front of rampart ([envelope] strict, sender_non_fqdn, recipient_non_fqdn =
reject). Each argument must get the same reply code and text from both, at
MAIL and at the RCPT that follows, or be listed in DIFFERENT with the reason
and the exact replies of both sides (so a difference that goes away, or
changes, fails the test too)."""

from harness import Postfix
from rampart_e2e import RampartCase, main

L64 = "a" * 64
L65 = "a" * 65

# MAIL FROM arguments, sent verbatim after "MAIL FROM:"
MAIL_ARGS = [
    "<>", "<sender@example.org>", "sender@example.org", "<sender>", "sender",
    "<sender@localhost>", "<sender@example>", "<sender@example.org.>",
    "<sender@example.org..>", "<sender@.example.org>", "<sender@exa..mple.org>",
    "<sender@[192.0.2.1]>", "<sender@[IPv6:2001:db8::1]>", "<sender@[300.1.1.1]>",
    "<sender@[192.0.2.1>", "<@relay.example.net:sender@example.org>",
    "<@a.example,@b.example:sender@example.org>", '<"john doe"@example.org>',
    '<"john\\"doe"@example.org>', '<""@example.org>', "<john..doe@example.org>",
    "<.john@example.org>", "<john.@example.org>", "<%s@example.org>" % L64,
    "<%s@example.org>" % L65, "<sender@example.org> SIZE=100", "<sender@example.org> BODY=8BITMIME",
    "< sender@example.org>", "<sender@example.org >", "<sender @example.org>",
    "<sender@exa mple.org>", "<sender@example.org", "sender@example.org>",
    "<<sender@example.org>>", "<sender@@example.org>", "<@example.org>",
    "<sender@>", "<sender@-example.org>", "<sender@example-.org>",
    "<sender@ex_ample.org>", "<sender@123.example.org>", "<sender@example.123>",
    "<j\u00f6rg@example.org> SMTPUTF8", "<sender@b\u00fccher.example> SMTPUTF8",
    "<sender@example.org>  ", "<sender(comment)@example.org>", "<sender@example.org(c)>",
]
# RCPT TO arguments after a good MAIL FROM
RCPT_ARGS = [
    "<user@example.net>", "user@example.net", "<user>", "user", "<postmaster>",
    "<user@localhost>", "<user@example>", "<user@example.net.>", "<user@[192.0.2.1]>",
    "<@relay.example.net:user@example.net>", '<"a b"@example.net>', '<""@example.net>',
    "<%s@example.net>" % L64, "<%s@example.net>" % L65, "<user@example.net> NOTIFY=NEVER",
    "<user@exa..mple.net>", "<user@.example.net>", "<user @example.net>", "<>",
    "<user@example.net", "<a..b@example.net>", "<user@-x.example.net>",
]


# The differences, deliberate: rampart's envelope_strict is the RFC 5321
# grammar (Dot-string local parts, 64-octet local part, nothing but the
# path between the angle brackets), while strict_rfc821_envelopes only asks
# for the angle brackets and parses the rest with Postfix's RFC 822
# tokenizer, which takes these. Each is (command, argument): (Postfix's
# reply, rampart's reply); SPEC §6 and rampart.conf(5) [envelope] strict.
DOT_STRING = "RFC 5321 Dot-string: no empty atom"
DIFFERENT = {
    ("MAIL", "<john..doe@example.org>"): DOT_STRING,
    ("MAIL", "<.john@example.org>"): DOT_STRING,
    ("MAIL", "<john.@example.org>"): DOT_STRING,
    ("MAIL", "<%s@example.org>" % L65): "RFC 5321 §4.5.3.1.1: local part at most 64 octets",
    ("MAIL", "< sender@example.org>"): "RFC 5321 Path: no space inside the brackets",
    ("MAIL", "<sender@example.org >"): "RFC 5321 Path: no space inside the brackets",
    ("MAIL", "<sender @example.org>"): "RFC 5321 Path: no space inside the brackets",
    ("MAIL", "<<sender@example.org>>"): "RFC 5321 Path: one pair of angle brackets",
    ("MAIL", "<sender@@example.org>"): "RFC 5321 Mailbox: one '@' outside quotes",
    ("MAIL", "<sender@[192.0.2.1>"): "RFC 5321 address-literal: the closing ']'",
    ("RCPT", "<%s@example.net>" % L65): "RFC 5321 §4.5.3.1.1: local part at most 64 octets",
    ("RCPT", "<user @example.net>"): "RFC 5321 Path: no space inside the brackets",
    ("RCPT", "<a..b@example.net>"): DOT_STRING,
}
POSTFIX_OK = {"MAIL": "250 2.1.5 Ok", "RCPT": "250 2.1.5 Ok"}
RAMPART_NO = {"MAIL": "501 5.1.7 Bad sender address syntax",
              "RCPT": "501 5.1.3 Bad recipient address syntax"}


class EnvelopeDiff(RampartCase):
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("envelope", "strict", "reject"),
        ("envelope", "sender_non_fqdn", "reject"),
        ("envelope", "recipient_non_fqdn", "reject"),
    ]
    POSTFIX = {"line_length_limit": "8192"}

    @classmethod
    def extra_setup(cls):
        cls.ref = Postfix(overrides={
            "strict_rfc821_envelopes": "yes",
            "smtpd_sender_restrictions": "reject_non_fqdn_sender",
            "smtpd_recipient_restrictions": "reject_non_fqdn_recipient",
        }, sink=False)

    @classmethod
    def extra_teardown(cls):
        cls.ref.__exit__(None, None, None)

    def session(self, pf):
        c = pf.client()
        r = c.xclient(ADDR="192.0.2.10", NAME="mail.example.com")
        self.assertEqual(r.code, 220, str(r))
        c.ehlo("client.example.org")
        return c

    def run_mail(self, pf, arg):
        c = self.session(pf)
        m = c.mail(arg)
        r = c.rcpt("<user@example.net>") if m.code == 250 else None
        c.quit()
        # the refusal the client sees, at MAIL or at RCPT: rampart gives
        # MAIL-stage verdicts at the first RCPT ([policy] delay_reject,
        # as smtpd_delay_reject does for Postfix's own restrictions), while
        # strict_rfc821_envelopes refuses at MAIL itself
        return m.line if m.code != 250 else r.line

    def run_rcpt(self, pf, arg):
        c = self.session(pf)
        m = c.mail("<sender@example.org>")
        self.assertEqual(m.code, 250, str(m))
        r = c.rcpt(arg)
        c.quit()
        return r.line

    def test_mail(self):
        diffs = []
        for arg in MAIL_ARGS:
            a, b = self.run_mail(self.ref, arg), self.run_mail(self.pf, arg)
            if a != b:
                diffs.append(("MAIL", arg, a, b))
        self.report(diffs, "MAIL")

    def test_rcpt(self):
        diffs = []
        for arg in RCPT_ARGS:
            a, b = self.run_rcpt(self.ref, arg), self.run_rcpt(self.pf, arg)
            if a != b:
                diffs.append(("RCPT", arg, a, b))
        self.report(diffs, "RCPT")

    def report(self, diffs, cmd):
        """Every difference is listed in DIFFERENT with exactly the replies
        expected there; every listed one of this command occurs."""
        got = {}
        for cmd, arg, a, b in diffs:
            print("DIFF %s %r\n  postfix: %r\n  rampart: %r" % (cmd, arg, a, b))
            got[(cmd, arg)] = (a, b)
        for key in DIFFERENT:
            if key[0] == cmd:
                self.assertIn(key, got, "listed difference %r no longer differs" % (key,))
        for key, (a, b) in got.items():
            self.assertIn(key, DIFFERENT, "unlisted difference %r: %r vs %r" % (key, a, b))
            self.assertEqual((a, b), (POSTFIX_OK[key[0]], RAMPART_NO[key[0]]), key)
        self.assertEqual(len(MAIL_ARGS) + len(RCPT_ARGS) >= 60, True)


if __name__ == "__main__":
    main()
