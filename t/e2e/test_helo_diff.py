"""HELO differential test: every HELO/EHLO argument below is sent through two
private Postfix instances, one judging it itself
(reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname) and one with
no HELO restrictions of its own in front of rampart ([helo] invalid,
non_fqdn = reject). The EHLO reply and the reply to the RCPT that follows
must be the same from both (both give the verdict at RCPT:
smtpd_delay_reject, [policy] delay_reject), or the argument is listed in
DIFFERENT with the reason and both exact replies."""

from harness import Postfix
from rampart_e2e import RampartCase, main

HELOS = [
    "mail.example.com", "mail.example.com.", "mail.example.com..", ".mail.example.com",
    "mail..example.com", "localhost", "lan-32204df3031", "OEMCOMPUTER", "a", "a.b",
    "xn--bcher-kva.example", "mail-1.example.com", "-mail.example.com",
    "mail-.example.com", "mail_1.example.com", "mail.example.123", "1.2.3.4",
    "192.0.2.1", "[192.0.2.1]", "[1.2.3.256]", "[IPv6:2001:db8::1]", "[2001:db8::1]",
    "[IPv6:2001:db8::zz]", "[192.0.2.1", "192.0.2.1]", "[]", "[mail.example.com]",
    "mail.example.com:25", "mail@example.com", "mail!example.com", "bad_host!.example.com",
    "m" * 63 + ".example.com", "m" * 64 + ".example.com",
    ".".join(["a" * 60] * 4) + ".com", ".".join(["a" * 63] * 4) + ".com",
    "mail.exa\u00e9mple.com", "mail.example.com<", "mail(x).example.com",
    'mail"x".example.com', "mail;x.example.com", "mail\\x.example.com",
    "mail.example.com>", "mail.EXAMPLE.COM", "123", "0x7f.1",
    "mail.example.c0m", "mail.e-x.com", "mail example.com", "my@host", "a<b>",
]

# Differences, each deliberate and listed with both replies.
DIFFERENT = {
    # rampart's replies are printable ASCII (reply_arg: every octet outside
    # 0x20-0x7e becomes '?'); Postfix with smtputf8_enable echoes UTF-8
    "mail.exa\u00e9mple.com": (
        "replies stay printable ASCII",
        (250, "501 5.5.2 <mail.exa\u00e9mple.com>: Helo command rejected: Invalid name"),
        (250, "501 5.5.2 <mail.exa??mple.com>: Helo command rejected: Invalid name")),
}


class HeloDiff(RampartCase):
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("helo", "invalid", "reject"),
        ("helo", "non_fqdn", "reject"),
    ]
    POSTFIX = {"line_length_limit": "8192"}

    @classmethod
    def extra_setup(cls):
        cls.ref = Postfix(overrides={
            "smtpd_helo_restrictions":
                "reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname",
        }, sink=False)

    @classmethod
    def extra_teardown(cls):
        cls.ref.__exit__(None, None, None)

    def run_helo(self, pf, helo):
        c = pf.client()
        r = c.xclient(ADDR="192.0.2.10", NAME="mail.example.com")
        self.assertEqual(r.code, 220, str(r))
        e = c.ehlo(helo)
        m = c.mail("<sender@example.org>")
        r = c.rcpt("<user@example.net>") if m.code == 250 else None
        c.quit()
        return (e.code, m.line if m.code != 250 else r.line)

    def test_helo(self):
        self.assertGreaterEqual(len(HELOS), 40)
        got = {}
        for h in HELOS:
            a, b = self.run_helo(self.ref, h), self.run_helo(self.pf, h)
            if a != b:
                print("DIFF %r\n  postfix: %r\n  rampart: %r" % (h, a, b))
                got[h] = (a, b)
        for h in DIFFERENT:
            self.assertIn(h, got, "listed difference %r no longer differs" % h)
        for h, ab in got.items():
            self.assertIn(h, DIFFERENT, "unlisted difference %r: %r" % (h, ab))
            self.assertEqual(ab, DIFFERENT[h][1:], h)


if __name__ == "__main__":
    main()
