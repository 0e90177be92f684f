"""Greylisting through a real Postfix (delay 2 s, retry window 6 s): the
replies a client sees, X-Greylist on delivered mail, same /24, auto-allow,
state across a restart, kill -9 under concurrent load, rampartctl on the
live database, and clear start-up errors for a bad database."""

import os
import signal
import subprocess
import threading
import time

from harness import build_dir, start_rampart, stop_process
from rampart_e2e import RampartCase, main

DEFER = "451 4.7.1 <%s>: Recipient address rejected: Greylisting in effect, please come back later"


def rampartctl(conf, *args):
    p = subprocess.run([os.path.join(build_dir(), "milter", "rampartctl"), "-c", conf] + list(args),
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class Greylist(RampartCase):
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("greylist", "mode", "always"),
        ("greylist", "delay", "2s"),
        ("greylist", "retry_window", "6s"),
        ("greylist", "auto_allow_clients", "0"),
    ]

    def attempt(self, addr, sender, rcpt, data=None):
        c = self.client(addr, helo="mail.example.com")
        self.assertEqual(c.mail(sender).code, 250)
        r = c.rcpt(rcpt)
        d = None
        if data is not None and r.code == 250:
            d = c.data(data)
        c.quit()
        return r, d

    def restart(self):
        stop_process(self.proc)
        type(self).proc = start_rampart(self.conf, self.spec, stderr_path=self.logpath)

    def test_flow(self):
        rcpt = "<flow@example.net>"
        r, _ = self.attempt("192.0.2.40", "<a@example.com>", rcpt)
        self.assertEqual(r.line, DEFER % "flow@example.net")
        r, _ = self.attempt("192.0.2.40", "<a@example.com>", rcpt)
        self.assertEqual(r.line, DEFER % "flow@example.net", "early retry")
        time.sleep(2.2)
        r, d = self.attempt("192.0.2.40", "<a@example.com>", rcpt, "Subject: greylisted\r\n\r\nhi\r\n")
        self.assertEqual(r.code, 250, "retry after the delay: %s" % r)
        self.assertEqual(d.code, 250)
        msg = [m for m in self.pf.wait_for_delivery(1, timeout=30) if m.message["Subject"] == "greylisted"][0]
        xg = msg.message.get_all("X-Greylist")
        self.assertEqual(len(xg), 1)
        self.assertRegex(xg[0], r"^delayed [23] seconds by rampart-[0-9.]+ at mx\.rampart\.test; "
                                r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
        # same /24, another address: passes; another /24: new triplet
        self.assertEqual(self.attempt("192.0.2.41", "<a@example.com>", rcpt)[0].code, 250)
        self.assertEqual(self.attempt("198.51.100.40", "<a@example.com>", rcpt)[0].code, 451)
        # the passed triplet survives a restart, the pending one too
        self.restart()
        self.assertEqual(self.attempt("192.0.2.42", "<a@example.com>", rcpt)[0].code, 250)
        code, out, err = rampartctl(self.conf, "greylist", "list", "--pending")
        self.assertEqual(code, 0, err)
        self.assertIn("198.51.100.0/24", out)
        self.assertIn("flow@example.net", out)

    def test_retry_window_starts_over(self):
        rcpt = "<late@example.net>"
        self.assertEqual(self.attempt("203.0.113.40", "<a@example.com>", rcpt)[0].code, 451)
        time.sleep(7.5)   # decisions count whole seconds: clearly past 6
        m = self.mark()
        r, _ = self.attempt("203.0.113.40", "<a@example.com>", rcpt)
        self.assertEqual(r.line, DEFER % "late@example.net")
        self.wait_log("greylist: restart triplet, retry in 2 seconds: client=203.0.113.0/24", m)

    def test_rampartctl_allow_and_delete(self):
        rcpt = "<ctl@example.net>"
        self.assertEqual(self.attempt("192.0.2.140", "<ctl@example.com>", rcpt)[0].code, 451)
        code, out, err = rampartctl(self.conf, "greylist", "allow", "192.0.2.140", "ctl@example.com", "ctl@example.net")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.attempt("192.0.2.140", "<ctl@example.com>", rcpt)[0].code, 250,
                         "a triplet allowed with rampartctl passes at once")
        code, out, err = rampartctl(self.conf, "greylist", "delete", "192.0.2.140", "ctl@example.com", "ctl@example.net")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.attempt("192.0.2.140", "<ctl@example.com>", rcpt)[0].code, 451,
                         "deleted: greylisted again")
        code, out, err = rampartctl(self.conf, "greylist", "allow", "2001:db8:77::1")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.attempt("IPv6:2001:db8:77::99", "<any@example.com>", "<x@example.net>")[0].code, 250,
                         "an allowed client part (/64) skips greylisting")
        code, out, err = rampartctl(self.conf, "greylist", "stats")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"pending")

class Kill9(RampartCase):
    """Default retry window (2 d), so no pending entry expires during the test."""
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("greylist", "mode", "always"),
        ("greylist", "delay", "1m"),
    ]
    attempt = Greylist.attempt

    def test_zz_kill9_under_load(self):
        """Every triplet Postfix answered 451 for is in the database after
        kill -9 of rampart in the middle of concurrent sessions."""
        acked, lock = [], threading.Lock()
        stop = threading.Event()

        def worker(n):
            i = 0
            while not stop.is_set():
                # no whole-word numbers: greylisting would normalise them to '#'
                sender = "load%dx%d@example.com" % (n, i)
                try:
                    r, _ = self.attempt("192.0.2.%d" % (100 + n), "<%s>" % sender, "<kill9@example.net>")
                except Exception:
                    return
                if r.code == 451 and "Greylisting" in r.line:
                    with lock:
                        acked.append(("192.0.2.0/24", sender))
                i += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        time.sleep(2.5)
        os.kill(self.proc.pid, signal.SIGKILL)   # in the middle of the load
        self.proc.wait()
        stop.set()
        for t in threads:
            t.join(60)
        self.assertGreater(len(acked), 20, "load produced deferred triplets")
        type(self).proc = start_rampart(self.conf, self.spec, stderr_path=self.logpath)
        code, out, err = rampartctl(self.conf, "greylist", "list", "--pending")
        self.assertEqual(code, 0, err)
        missing = [s for _, s in acked if s not in out]
        self.assertEqual(missing, [], "acknowledged entries lost after kill -9 (%d acked)" % len(acked))
        self.assertTrue(any(t.is_alive() is False for t in threads))
        print("kill -9: %d acknowledged triplets, all present after restart" % len(acked))



class AutoAllow(RampartCase):
    SETTINGS = [
        ("policy", "trusted_networks", "::1/128"),
        ("greylist", "mode", "always"),
        ("greylist", "delay", "1s"),
        ("greylist", "auto_allow_clients", "1"),
    ]

    def test_auto_allow_after_a_pass(self):
        def rc(addr, sender):
            c = self.client(addr, helo="mail.example.com")
            c.mail(sender)
            r = c.rcpt("<aa@example.net>")
            c.quit()
            return r.code
        self.assertEqual(rc("192.0.2.60", "<one@example.com>"), 451)
        self.assertEqual(rc("192.0.2.60", "<two@example.com>"), 451, "no pass yet: a new triplet is greylisted")
        time.sleep(1.2)
        self.assertEqual(rc("192.0.2.60", "<one@example.com>"), 250)
        self.assertEqual(rc("192.0.2.61", "<three@example.com>"), 250, "client part allowed after 1 pass")


class BadDatabase(RampartCase):
    """Start-up errors name the database and the problem (exit 2)."""
    SETTINGS = [("greylist", "mode", "always")]

    @classmethod
    def setUpClass(cls):
        import tempfile
        from harness import free_port, write_rampart_config
        cls.dir = tempfile.mkdtemp(prefix="rampart-e2e.")
        cls.spec = "inet:%d@127.0.0.1" % free_port()

    @classmethod
    def tearDownClass(cls):
        pass

    def start(self, db):
        from harness import write_rampart_config, rampart_binary
        conf = write_rampart_config(self.dir, self.spec, self.SETTINGS + [("greylist", "database", db)])
        p = subprocess.run([rampart_binary(), "-f", "-c", conf], capture_output=True, text=True, timeout=20)
        return p.returncode, p.stderr

    def test_corrupt_file(self):
        db = os.path.join(self.dir, "corrupt.lmdb")
        with open(db, "wb") as f:
            f.write(b"this is not an LMDB file" * 1000)
        code, err = self.start(db)
        self.assertEqual(code, 2, err)
        self.assertIn("[greylist] database: %s: not an LMDB database, or damaged" % db, err)

    def test_missing_directory(self):
        db = os.path.join(self.dir, "no", "such", "grey.lmdb")
        code, err = self.start(db)
        self.assertEqual(code, 2, err)
        self.assertIn("%s: directory %s does not exist" % (db, os.path.dirname(db)), err)

    def test_unwritable(self):
        d = os.path.join(self.dir, "ro")
        os.makedirs(d)
        db = os.path.join(d, "grey.lmdb")
        # as root every file is writable: drop to nobody for this start
        from harness import write_rampart_config, rampart_binary
        conf = write_rampart_config(self.dir, self.spec, self.SETTINGS + [("greylist", "database", db),
                                                                           ("milter", "user", "nobody"),
                                                                           ("milter", "group", "nogroup")])
        os.chmod(self.dir, 0o755)
        os.chmod(d, 0o755)
        p = subprocess.run([rampart_binary(), "-f", "-c", conf], capture_output=True, text=True, timeout=20)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("%s: permission denied" % db, p.stderr)


if __name__ == "__main__":
    main()
