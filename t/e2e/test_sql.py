"""[sql] through a real Postfix: ISPConfig's mail_access table in a private
MariaDB (t/sql/mariadb.sh), clients given to Postfix with XCLIENT. A client
OK in the table is trusted (a HELO that would be refused passes), a client
network's REJECT, a sender's REJECT text and a recipient OK reach the SMTP
client exactly."""

import os
import subprocess

from rampart_e2e import TOP, RampartCase, main

MARIADB = os.path.join(TOP, "t", "sql", "mariadb.sh")


def query(kind):
    return ("SELECT access FROM mail_access WHERE source = '%%s' AND type = '%s' "
            "AND active = 'y'" % kind)


class Sql(RampartCase):
    @classmethod
    def extra_setup(cls):
        r = subprocess.run(["bash", MARIADB, "start", cls.dir], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("cannot start MariaDB: " + r.stderr)
        pw = os.path.join(cls.dir, "sql.password")
        with open(os.open(pw, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("secret\n")

    @classmethod
    def extra_teardown(cls):
        subprocess.run(["bash", MARIADB, "stop", cls.dir])

    @classmethod
    def settings(cls):
        return [
            ("policy", "trusted_networks", "::1/128"),
            ("helo", "non_fqdn", "reject"),
            ("log", "level", "debug"),      # the table's answers are logged at debug
            ("sql", "hosts", "unix:" + os.path.join(cls.dir, "db.sock")),
            ("sql", "user", "rampart"),
            ("sql", "password_file", os.path.join(cls.dir, "sql.password")),
            ("sql", "dbname", "dbispconfig"),
            ("sql", "client_query", query("client")),
            ("sql", "sender_query", query("sender")),
            ("sql", "recipient_query", query("recipient")),
        ]

    def rcpt_reply(self, addr, helo, mail, rcpt="<user@example.net>"):
        c = self.client(addr, helo=helo)
        r = c.mail(mail)
        self.assertEqual(r.code, 250, str(r))
        r = c.rcpt(rcpt)
        c.quit()
        return r

    def test_client_ok_trusted(self):
        # without the table's OK the HELO "foo" is refused (see below)
        m = self.mark()
        r = self.rcpt_reply("192.0.2.10", "foo", "<a@example.com>")
        self.assertEqual(r.code, 250, "client OK: %s" % r)
        self.wait_log("mail.example.com[192.0.2.10]: trusted (access)", m)
        r = self.rcpt_reply("192.0.2.11", "foo", "<a@example.com>")   # active = 'n'
        self.assertEqual(r.line, "504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname")

    def test_client_network_reject(self):
        r = self.rcpt_reply("198.51.100.7", "mail.example.com", "<a@example.com>")
        self.assertEqual(r.line, "554 5.7.1 <mail.example.com[198.51.100.7]>: Client host rejected: Your network is listed here")

    def test_sender_reject_text(self):
        r = self.rcpt_reply("192.0.2.20", "mail.example.com", "<x@spammer.example>")
        self.assertEqual(r.line, "554 5.7.1 <x@spammer.example>: Sender address rejected: Spam from this domain is not wanted")

    def test_recipient_ok(self):
        m = self.mark()
        r = self.rcpt_reply("192.0.2.21", "mail.example.com", "<a@example.com>", rcpt="<vip@example.net>")
        self.assertEqual(r.code, 250, str(r))
        self.wait_log("recipient vip@example.net: OK", m)


if __name__ == "__main__":
    main()
