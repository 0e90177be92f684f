"""The DNS checks through a real Postfix: rampart asks a real NSD serving
t/data/zones (and ldns-testns for faults); XCLIENT plays each client. Shows
the replies a client sees for found / not found / temporary outcomes and the
Authentication-Results header on delivered mail."""

from rampart_e2e import DnsCase, main


class DnsChecks(DnsCase):
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("client", "fcrdns", "reject"),
        ("helo", "unknown", "reject"),
        ("helo", "forged", "reject"),
        ("envelope", "sender_unknown_domain", "reject"),
        ("envelope", "recipient_unknown_domain", "reject"),
        ("dnsbl", "zones", "bl.rampart.test=127.0.0.[2..4], wl.rampart.test*-5"),
        ("rhsbl", "zones", "rhsbl.rampart.test"),
    ] + [("spf", r, "off") for r in ("fail", "softfail", "neutral", "none", "permerror", "temperror")]

    def rcpt(self, addr, helo, mail, rcpt="<b@mx-a.rampart.test>", name="mail.example.com"):
        c = self.client(addr, name=name, helo=helo)
        r = c.mail(mail)
        self.assertEqual(r.code, 250, str(r))
        r = c.rcpt(rcpt)
        c.quit()
        return r

    def test_dnsbl(self):
        r = self.rcpt("192.0.2.2", "fc.rampart.test", "<a@mx-a.rampart.test>")
        self.assertEqual(r.line, "554 5.7.1 Service unavailable; Client host [192.0.2.2] blocked using "
                                 "bl.rampart.test; Listed: 192.0.2.2 sends spam, see https://bl.rampart.test/q?192.0.2.2")
        r = self.rcpt("IPv6:2001:db8::2", "fc.rampart.test", "<a@mx-a.rampart.test>")
        self.assertEqual(r.line, "554 5.7.1 Service unavailable; Client host [2001:db8::2] blocked using "
                                 "bl.rampart.test; Listed: 2001:db8::2")

    def test_fcrdns(self):
        r = self.rcpt("192.0.2.6", "fc.rampart.test", "<a@mx-a.rampart.test>")
        self.assertEqual(r.line, "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.6]")

    def test_unknown_names(self):
        r = self.rcpt("192.0.2.1", "nx.rampart.test", "<a@mx-a.rampart.test>")
        self.assertEqual(r.line, "450 4.7.1 <nx.rampart.test>: Helo command rejected: Host not found")
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@nothing.rampart.test>")
        self.assertEqual(r.line, "450 4.1.8 <a@nothing.rampart.test>: Sender address rejected: Domain not found")
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@nullmx.rampart.test>")
        self.assertEqual(r.line, "550 5.7.27 <a@nullmx.rampart.test>: Sender address rejected: "
                                 "Domain nullmx.rampart.test does not accept mail (nullMX)")
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@mx-a.rampart.test>", rcpt="<b@nullmx.rampart.test>")
        self.assertEqual(r.line, "556 5.1.10 <b@nullmx.rampart.test>: Recipient address rejected: "
                                 "Domain nullmx.rampart.test does not accept mail (nullMX)")
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@mx-a.rampart.test>", rcpt="<b@nothing.rampart.test>")
        self.assertEqual(r.line, "450 4.1.2 <b@nothing.rampart.test>: Recipient address rejected: Domain not found")

    def test_forged_and_rhsbl(self):
        r = self.rcpt("192.0.2.1", "mx.rampart.test", "<a@mx-a.rampart.test>")
        self.assertEqual(r.line, "550 5.7.1 <mx.rampart.test>: Helo command rejected: forged HELO, you are not me")
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<x@forged.rampart.test>")
        self.assertEqual(r.line, "554 5.7.1 Service unavailable; Sender address [x@forged.rampart.test] "
                                 "blocked using rhsbl.rampart.test")

    def deliver(self, subject):
        c = self.client("192.0.2.1", name="fc.rampart.test", helo="fc.rampart.test")
        self.assertEqual(c.mail("<a@mx-a.rampart.test>").code, 250)
        self.assertEqual(c.rcpt("<b@mx-a.rampart.test>").code, 250)
        self.assertEqual(c.data("Subject: %s\r\n\r\nhello\r\n" % subject).code, 250)
        c.quit()
        return [d for d in self.pf.wait_for_delivery(1, timeout=30) if d.message["Subject"] == subject][0]

    def test_accepted_mail_has_iprev(self):
        # 192.0.2.1 is on wl.rampart.test (score -5 <= allow_threshold -1):
        # rDNS is not checked for it, so no iprev result is claimed
        msg = self.deliver("allowed")
        self.assertEqual(msg.message.get_all("Authentication-Results"), None)
        self.reload([("dnsbl", "allow_threshold", "0")])
        try:
            msg = self.deliver("iprev")
            self.assertEqual(msg.message.get_all("Authentication-Results"),
                             ["mx.rampart.test; iprev=pass policy.iprev=192.0.2.1 (fc.rampart.test)"])
        finally:
            self.reload([("dnsbl", "allow_threshold", "-1")])


class DomainsDeliveredHere(DnsCase):
    """recipient_unknown_domain checks only recipients Postfix sends on
    ({rcpt_mailer} smtp, relay: [envelope] remote_mailers), as
    reject_unknown_recipient_domain does: none of the domains has DNS."""
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("envelope", "recipient_unknown_domain", "reject"),
    ]
    POSTFIX = {
        "mydestination": "localdom.rampart.test",
        "virtual_mailbox_domains": "vhost.rampart.test",
        "virtual_mailbox_maps": "static:vhost",
        "relay_domains": "relayed.rampart.test",
    }

    def test_own_domains_not_looked_up(self):
        for rcpt, line in (
                ("<u@vhost.rampart.test>", "250 2.1.5 Ok"),          # virtual
                ("<u@localdom.rampart.test>", "250 2.1.5 Ok"),       # local
                ("<u@relayed.rampart.test>", "450 4.1.2 <u@relayed.rampart.test>: Recipient "
                                             "address rejected: Domain not found"),  # relay
                ("<u@elsewhere.rampart.test>", "450 4.1.2 <u@elsewhere.rampart.test>: Recipient "
                                               "address rejected: Domain not found")):  # smtp
            c = self.client("192.0.2.1", name="fc.rampart.test", helo="fc.rampart.test")
            self.assertEqual(c.mail("<a@mx-a.rampart.test>").code, 250)
            self.assertEqual(c.rcpt(rcpt).line, line, rcpt)
            c.quit()


class DnsFaults(DnsChecks):
    """Only ldns-testns answers: SERVFAIL/REFUSED/timeouts are temporary (4xx)."""

    DNS_SERVER = "testns"

    def test_dnsbl(self):
        # a DNSBL that errors counts as not listed; the PTR SERVFAIL is temporary
        r = self.rcpt("203.0.113.10", "[203.0.113.10]", "<a@aaaa-only.fault.test>")
        self.assertEqual(r.line, "450 4.7.25 Client host rejected: cannot find your hostname, [203.0.113.10]")

    def test_fcrdns(self):
        for ip in ("203.0.113.11", "203.0.113.12", "203.0.113.13", "203.0.113.14", "203.0.113.15"):
            r = self.rcpt(ip, "[%s]" % ip, "<a@aaaa-only.fault.test>")
            self.assertEqual(r.line, "450 4.7.25 Client host rejected: cannot find your hostname, [%s]" % ip)

    def test_unknown_names(self):
        self.reload([("client", "fcrdns", "off")])
        try:
            r = self.rcpt("203.0.113.16", "helo-timeout.fault.test", "<a@aaaa-only.fault.test>")
            self.assertEqual(r.line, "450 4.7.1 <helo-timeout.fault.test>: Helo command rejected: Host not found")
            r = self.rcpt("203.0.113.16", "[203.0.113.16]", "<a@mx-servfail.fault.test>")
            self.assertEqual(r.line, "450 4.1.8 <a@mx-servfail.fault.test>: Sender address rejected: Domain not found")
        finally:
            self.reload([("client", "fcrdns", "reject")])

    def test_forged_and_rhsbl(self):
        pass

    def test_accepted_mail_has_iprev(self):
        self.reload([("client", "fcrdns", "tag")])
        try:
            self.tagged_temperror()
        finally:
            self.reload([("client", "fcrdns", "reject")])

    def tagged_temperror(self):
        c = self.client("203.0.113.10", helo="[203.0.113.10]")
        self.assertEqual(c.mail("<a@aaaa-only.fault.test>").code, 250)
        self.assertEqual(c.rcpt("<b@aaaa-only.fault.test>").code, 250)
        self.assertEqual(c.data("Subject: temperror\r\n\r\nhello\r\n").code, 250)
        c.quit()
        msg = [d for d in self.pf.wait_for_delivery(1, timeout=30) if d.message["Subject"] == "temperror"][0]
        self.assertEqual(msg.message.get_all("Authentication-Results"),
                         ["mx.rampart.test; iprev=temperror policy.iprev=203.0.113.10"])
        self.assertEqual(msg.message.get_all("X-Rampart"), ["mx.rampart.test; client_fcrdns=temperror"])


if __name__ == "__main__":
    main()
