"""SPF through a real Postfix: rampart evaluates SPF with libspf2 over its
own resolver against NSD (t/data/zones/spf.rampart.test.zone). Replies as a
client sees them, and Received-SPF / Authentication-Results exactly as they
arrive on delivered mail; greylisting keyed by the SPF domain."""

import time

from rampart_e2e import DnsCase, RampartCase, main

WHY = "Please see http://www.open-spf.org/Why?s=%s;id=%s;ip=%s;r=%s"


class Spf(DnsCase):
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("spf", "fail", "reject"),
        ("spf", "permerror", "reject"),
        ("spf", "header", "both"),
    ]

    @classmethod
    def settings(cls):
        import os
        path = os.path.join(cls.dir, "access")
        with open(path, "w") as f:
            f.write("sender @redirect.spf.rampart.test SKIP spf\n")
        return super().settings() + [("policy", "access_file", path)]

    def rcpt(self, addr, helo, mail, rcpt="<b@example.net>"):
        c = self.client(addr, helo=helo)
        r = c.mail(mail)
        self.assertEqual(r.code, 250, str(r))
        r = c.rcpt(rcpt)
        c.quit()
        return r

    def deliver(self, addr, helo, mail, subject, extra=""):
        c = self.client(addr, helo=helo)
        self.assertEqual(c.mail(mail).code, 250)
        r = c.rcpt("<b@example.net>")
        self.assertEqual(r.code, 250, str(r))
        self.assertEqual(c.data("%sSubject: %s\r\n\r\nhi\r\n" % (extra, subject)).code, 250)
        c.quit()
        got = [m for m in self.pf.wait_for_delivery(1, timeout=30) if m.message["Subject"] == subject]
        self.assertEqual(len(got), 1)
        return got[0].message

    def test_pass_headers(self):
        m = self.deliver("192.0.2.1", "fc.rampart.test", "<a@pass.spf.rampart.test>", "spf pass")
        self.assertEqual(m.get_all("Received-SPF"), [
            "pass (mx.rampart.test: domain of a@pass.spf.rampart.test designates 192.0.2.1 as permitted sender) "
            "client-ip=192.0.2.1; envelope-from=\"a@pass.spf.rampart.test\"; helo=fc.rampart.test; "
            "receiver=mx.rampart.test; identity=mailfrom"])
        self.assertEqual(m.get_all("Authentication-Results"),
                         ["mx.rampart.test; spf=pass smtp.mailfrom=pass.spf.rampart.test"])
        # the log names the sender as given and the domain checked
        self.wait_log("spf: pass for <a@pass.spf.rampart.test> (identity mailfrom, "
                      "domain pass.spf.rampart.test)")
        # inserted at the top: Postfix keeps its own Received: (which milters
        # never see) first, and puts ours directly below it
        keys = [k for k, _ in m.items()]
        self.assertEqual(keys[0], "Received")
        self.assertEqual(sorted(keys[1:3]), ["Authentication-Results", "Received-SPF"])

    def test_forged_headers_removed(self):
        # headers claiming this host's verdict are removed (RFC 8601 §5);
        # another host's stay, in their place
        forged = ("Authentication-Results: mx.rampart.test; spf=pass smtp.mailfrom=ceo@bank.example\r\n"
                  "Authentication-Results: relay.example; dkim=pass header.d=example.org\r\n"
                  "Received-SPF: pass (mx.rampart.test: forged) client-ip=192.0.2.1;\r\n"
                  " receiver=mx.rampart.test; identity=mailfrom\r\n"
                  "Authentication-Results: (c) MX.RAMPART.TEST 1; iprev=pass\r\n")
        m = self.deliver("192.0.2.1", "fc.rampart.test", "<a@pass.spf.rampart.test>", "forged", forged)
        self.assertEqual(m.get_all("Authentication-Results"), [
            "mx.rampart.test; spf=pass smtp.mailfrom=pass.spf.rampart.test",
            "relay.example; dkim=pass header.d=example.org"])
        self.assertEqual(m.get_all("Received-SPF"), [
            "pass (mx.rampart.test: domain of a@pass.spf.rampart.test designates 192.0.2.1 as permitted sender) "
            "client-ip=192.0.2.1; envelope-from=\"a@pass.spf.rampart.test\"; helo=fc.rampart.test; "
            "receiver=mx.rampart.test; identity=mailfrom"])
        self.wait_log("removed Authentication-Results #3 claiming mx.rampart.test")
        self.wait_log("removed Authentication-Results #1 claiming mx.rampart.test")
        self.wait_log("removed Received-SPF #1 claiming mx.rampart.test")

    def test_fail_and_exp(self):
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@fail.spf.rampart.test>")
        self.assertEqual(r.line, "550 5.7.23 Message rejected due to: SPF fail - not authorized. " +
                         WHY % ("mfrom", "a@fail.spf.rampart.test", "192.0.2.1", "example.net"))
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@exp.spf.rampart.test>")
        self.assertEqual(r.line, "550 5.7.23 Message rejected due to: a@exp.spf.rampart.test is not allowed "
                         "to send from 192.0.2.1. " + WHY % ("mfrom", "a@exp.spf.rampart.test", "192.0.2.1", "example.net"))
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@exp-hostile.spf.rampart.test>")
        self.assertEqual(r.code, 550)
        for ch in "\r\n\x00\x0b\x09":
            self.assertNotIn(ch, r.line)
        self.assertLessEqual(len(r.line) + 2, 512)

    def test_helo_fail_is_final(self):
        r = self.rcpt("192.0.2.1", "helo-fail.spf.rampart.test", "<a@pass.spf.rampart.test>")
        self.assertEqual(r.line, "550 5.7.23 Message rejected due to: SPF fail - not authorized. " +
                         WHY % ("helo", "helo-fail.spf.rampart.test", "192.0.2.1", "example.net"))

    def test_null_sender_and_ipv6(self):
        m = self.deliver("192.0.2.1", "helo-pass.spf.rampart.test", "<>", "spf null sender")
        self.assertEqual(m.get_all("Authentication-Results"),
                         ["mx.rampart.test; spf=pass smtp.helo=helo-pass.spf.rampart.test"])
        m = self.deliver("IPv6:2001:db8::1", "fc6.rampart.test", "<a@ip6.spf.rampart.test>", "spf ipv6")
        self.assertTrue(m.get_all("Received-SPF")[0].startswith("pass "), m.get_all("Received-SPF"))
        # an IPv6 address is not a dot-atom: RFC 7208 §9.1 wants a quoted-string
        self.assertIn('client-ip="2001:db8::1";', m.get_all("Received-SPF")[0])

    def test_tagged_results(self):
        m = self.deliver("192.0.2.1", "fc.rampart.test", "<a@softfail.spf.rampart.test>", "spf softfail")
        self.assertEqual(m.get_all("X-Rampart"), ["mx.rampart.test; spf=softfail"])
        self.assertEqual(m.get_all("Authentication-Results"),
                         ["mx.rampart.test; spf=softfail smtp.mailfrom=softfail.spf.rampart.test"])
        self.assertTrue(m.get_all("Received-SPF")[0].startswith("softfail ("))

    def test_access_skip_spf(self):
        # redirect= leads to a -all record: refused unless the access file SKIPs spf
        m = self.deliver("192.0.2.1", "fc.rampart.test", "<a@redirect.spf.rampart.test>", "spf skipped")
        self.assertIsNone(m.get_all("Received-SPF"))
        self.assertIsNone(m.get_all("Authentication-Results"))

    def test_permerror_and_cve_record(self):
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@syntax.spf.rampart.test>")
        self.assertEqual(r.line, "550 5.7.24 Message rejected due to: SPF permerror. " +
                         WHY % ("mfrom", "a@syntax.spf.rampart.test", "192.0.2.1", "example.net"))
        r = self.rcpt("192.0.2.1", "fc.rampart.test", "<a@cve.spf.rampart.test>")
        self.assertEqual(r.line, "550 5.7.24 Message rejected due to: SPF permerror. " +
                         WHY % ("mfrom", "a@cve.spf.rampart.test", "192.0.2.1", "example.net"))
        self.assertIsNone(self.proc.poll(), "rampart survived the CVE-2023-42118 record")


class SpfTemperror(RampartCase):
    """No nameserver answers: temperror, deferred when [spf] temperror = defer."""
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("dns", "nameservers", "127.0.0.1"),
        ("dns", "timeout", "200ms"),
        ("dns", "attempts", "1"),
        ("dns", "stage_budget", "1s"),
        ("spf", "temperror", "defer"),
    ]

    @classmethod
    def settings(cls):
        from harness import free_port
        return cls.SETTINGS + [("dns", "port", str(free_port()))]   # nothing listens there

    def test_temperror(self):
        c = self.client("192.0.2.1", helo="fc.rampart.test")
        self.assertEqual(c.mail("<a@pass.spf.rampart.test>").code, 250)
        r = c.rcpt("<b@example.net>")
        self.assertEqual(r.line, "451 4.7.24 Message deferred due to: SPF temperror. Please try again later")
        c.quit()


class SpfDomainGreylist(Spf):
    """key = spf-domain: a provider retrying from another network passes."""
    SETTINGS = Spf.SETTINGS + [
        ("greylist", "mode", "always"),
        ("greylist", "key", "spf-domain"),
        ("greylist", "delay", "1s"),
    ]

    def test_pool_retry(self):
        r = self.rcpt("192.0.2.77", "fc.rampart.test", "<news@pool.spf.rampart.test>")
        self.assertEqual(r.code, 451, str(r))
        time.sleep(1.3)
        r = self.rcpt("198.51.100.77", "fc.rampart.test", "<news@pool.spf.rampart.test>")
        self.assertEqual(r.code, 250, "retry from the other pool network: %s" % r)
        # without an SPF pass the subnet key applies
        r = self.rcpt("203.0.113.77", "fc.rampart.test", "<a@softfail.spf.rampart.test>")
        self.assertEqual(r.code, 451)

    # the Spf tests are not repeated here
    test_pass_headers = test_fail_and_exp = test_helo_fail_is_final = test_forged_headers_removed = None
    test_null_sender_and_ipv6 = test_tagged_results = test_permerror_and_cve_record = None
    test_access_skip_spf = None


if __name__ == "__main__":
    main()
