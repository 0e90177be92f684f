"""Shared set-up for the rampart end-to-end suites: one rampart and one
private Postfix per test class (see harness.py), with helpers to reload
rampart and to read its log."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Postfix, free_port, rampart_binary, start_rampart,  # noqa: E402
                     stop_process, write_rampart_config, ini_set)

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def need_root_and_binary():
    if os.geteuid() != 0 or not os.access(rampart_binary(), os.X_OK):
        print("skipped: needs root and a built rampart (%s)" % rampart_binary())
        sys.exit(77)


class RampartCase(unittest.TestCase):
    """Subclasses set SETTINGS (a list of (section, key, value)) and may set
    POSTFIX (main.cf overrides) and BASE (a config file to start from)."""
    SETTINGS = []
    POSTFIX = {}
    BASE = None

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rampart-e2e.")
        cls.spec = "inet:%d@127.0.0.1" % free_port()
        cls.extra_setup()
        cls.conf = write_rampart_config(cls.dir, cls.spec, cls.settings(), base=cls.BASE)
        cls.logpath = os.path.join(cls.dir, "rampart.log")
        cls.proc = start_rampart(cls.conf, cls.spec, stderr_path=cls.logpath)
        cls.pf = Postfix(milter=cls.spec, overrides=dict(cls.POSTFIX))
        cls.pf.__enter__()

    @classmethod
    def extra_setup(cls):
        pass

    @classmethod
    def settings(cls):
        return list(cls.SETTINGS)

    @classmethod
    def tearDownClass(cls):
        cls.pf.__exit__(None, None, None)
        stop_process(cls.proc)
        cls.extra_teardown()

    @classmethod
    def extra_teardown(cls):
        pass

    # -- helpers ---------------------------------------------------------
    def log(self):
        with open(self.logpath, errors="surrogateescape") as f:
            return f.read()

    def wait_log(self, text, start=0, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            if text in self.log()[start:]:
                return
            time.sleep(0.05)
        self.fail("rampart log lacks %r; log since mark:\n%s" % (text, self.log()[start:]))

    def mark(self):
        return len(self.log())

    def client(self, addr, name="mail.example.com", helo=None, login=None):
        c = self.pf.client()
        attrs = {"ADDR": addr, "NAME": name}
        if login:
            attrs["LOGIN"] = login
        r = c.xclient(**attrs)
        self.assertEqual(r.code, 220, str(r))
        if helo is not None:
            r = c.cmd("EHLO " + helo) if isinstance(helo, str) else c.cmd(b"EHLO " + helo)
        return c

    def reload(self, settings):
        with open(self.conf) as f:
            text = f.read()
        for section, key, value in settings:
            text = ini_set(text, section, key, value)
        with open(self.conf, "w") as f:
            f.write(text)
        m = self.mark()
        os.kill(self.proc.pid, signal.SIGUSR1)
        end = time.time() + 5
        while time.time() < end:
            tail = self.log()[m:]
            if "configuration reloaded from" in tail or "reload of" in tail:
                break
            time.sleep(0.05)
        return m


DNS_T = os.path.join(TOP, "t", "dns")


def start_dns_server(kind, rundir):
    """Start NSD (t/data/zones) or ldns-testns (t/data/testns/checks.data)
    under rundir; return its port."""
    if kind == "nsd":
        cmd = ["bash", os.path.join(DNS_T, "start-nsd.sh"), rundir]
    else:
        cmd = ["bash", "-c", '. "$0"/servers.sh && start_testns "$1" testns "$0"/../data/testns/checks.data',
               DNS_T, rundir]
    return int(subprocess.check_output(cmd, text=True).split()[-1])


def stop_dns_servers(rundir):
    subprocess.call(["bash", os.path.join(DNS_T, "stop-servers.sh"), rundir])


class DnsCase(RampartCase):
    """A RampartCase whose rampart asks a real DNS server on 127.0.0.1:
    DNS_SERVER = "nsd" or "testns"."""
    DNS_SERVER = "nsd"
    DNS_SETTINGS = [
        ("dns", "nameservers", "127.0.0.1"),
        ("dns", "timeout", "300ms"),
        ("dns", "attempts", "1"),
        ("dns", "stage_budget", "2s"),
    ]

    @classmethod
    def extra_setup(cls):
        cls.rundir = os.path.join(cls.dir, "dns")
        os.makedirs(cls.rundir)
        cls.nsport = start_dns_server(cls.DNS_SERVER, cls.rundir)

    @classmethod
    def settings(cls):
        return cls.DNS_SETTINGS + list(cls.SETTINGS) + [("dns", "port", str(cls.nsport))]

    @classmethod
    def extra_teardown(cls):
        stop_dns_servers(cls.rundir)


def main():
    need_root_and_binary()
    unittest.main(verbosity=2)
