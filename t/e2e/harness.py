"""End-to-end harness: a private, real Postfix instance in a temp directory.

Python 3 standard library only. Must run as root (Postfix's master starts as
root and drops to mail_owner). Everything lives in one temp directory:

    TMP/conf/{main.cf,master.cf}   config_directory (postfix -c TMP/conf)
    TMP/queue/                     queue_directory
    TMP/data/                      data_directory (owned by mail_owner)
    TMP/maillog                    Postfix's log (maillog_file via postlogd)
    TMP/sink/                      one file per message delivered to smtp-sink
    TMP/sink.log                   smtp-sink's stderr

Mail flow: client -> smtpd (127.0.0.1:smtp_port, milter = the given socket)
-> queue -> smtp client -> smtp-sink on 127.0.0.1:sink_port (relayhost), which
writes each message to TMP/sink/. Postfix does no DNS lookups at all; smtpd
runs no restrictions of its own (relay permitted, no helo/sender/recipient
restrictions), so every refusal a client sees comes from the milter or from
Postfix's protocol layer. XCLIENT is allowed from 127.0.0.0/8, so a test can
pose as any client address, name and HELO.

API
---
    from harness import Postfix, SMTPClient, Reply, free_port, build_dir

    with Postfix(milter="inet:12345@127.0.0.1", overrides={...}) as pf:
        c = pf.client()                    # SMTPClient, already connected
        c.greeting                         # Reply of the 220 banner
        c.ehlo("client.example")           # Reply (multi-line)
        c.xclient(ADDR="192.0.2.1", NAME="mail.example", HELO="mail.example")
                                           # Reply (the new 220 greeting);
                                           # IPv6: ADDR="IPv6:2001:db8::1"
        c.mail("<a@example.org>")          # Reply; argument sent verbatim
        c.rcpt("<b@example.net>")
        c.data("Subject: hi\r\n\r\nbody\r\n")  # 354 handled; final Reply
        c.cmd(b"HELO \x01\xff%s")          # any raw line (bytes or str)
        c.send_raw(b"...")                 # bytes, no CRLF added, no read
        c.read_reply()                     # next Reply
        c.quit(); c.close()
        replies = pf.client().transaction(helo=..., mail=..., rcpts=[...],
                                          message=..., xclient={...})
        msgs = pf.wait_for_delivery(1, timeout=20)   # list[Delivered]
        msgs[0].message["Subject"], msgs[0].raw, msgs[0].envelope
        pf.maillog()                       # Postfix log text so far
        pf.wait_log(r"milter-reject: RCPT")  # wait for a log line (regex)
        pf.postconf("smtpd_milters")       # effective value of a parameter
        pf.reload(overrides={...})         # rewrite main.cf, postfix reload

    Postfix(milter="unix:/p")   milter socket in libmilter syntax (as given to
                                 the milter); converted to Postfix syntax
    Postfix(milter=None)         no milter at all
    Postfix(..., overrides=d)    extra/changed main.cf parameters
    Postfix(..., smtpd_maxproc=N) smtpd process limit (benchmarks)
    Postfix(..., sink=False)     no smtp-sink; mail is discarded after queueing
    Postfix(..., keep=True)      keep the temp dir (also env RAMPART_E2E_KEEP=1)

Reply: .code (int), .lines (list of str, each a complete reply line as sent,
e.g. "250-PIPELINING"), .line (the last line, e.g.
"451 4.7.1 Service unavailable - try again later"), .text (lines without the
"ddd-"/"ddd " prefixes, joined by "\n"); str(reply) is the lines joined by
"\n". A reply line is decoded as UTF-8 with surrogateescape, so any byte
survives. Reply.code is 0 when the server closed the connection.

Other helpers: free_port() (a TCP port on 127.0.0.1 that is free now),
build_dir() (env RAMPART_BUILD_DIR, else ../../build from this file),
start_milter(argv, spec, ...) starts a milter process and waits until its
socket accepts connections; stop_process(proc) (SIGTERM, then SIGKILL;
returns the exit status).

rampart itself:
    spec = "inet:%d@127.0.0.1" % free_port()
    conf = write_rampart_config(tmpdir, spec, [("helo", "invalid", "reject"),
                                               ("policy", "trusted_networks", "::1/128")])
    proc = start_rampart(conf, spec, stderr_path=os.path.join(tmpdir, "log"))
    with Postfix(milter=spec) as pf: ...
    stop_process(proc)
write_rampart_config(dir, spec, settings, base=None) puts socket, pidfile,
greylist database and stderr logging into dir (user/group root) and applies
(section, key, value) settings; ini_set(text, section, key, value) edits an
INI text; rampart_binary() is <build>/milter/rampart. Remember that
127.0.0.0/8 is trusted by default: XCLIENT ADDR= a non-loopback address, or
change trusted_networks.

What a private instance of Debian 12's Postfix 3.7.11 needs (found while
building this; each one is handled above):
- As root, `postfix -c DIR` works without listing DIR in the default
  main.cf's alternate_config_directories; `postfix -c DIR check` creates the
  queue directories with the right owners.
- data_directory must belong to mail_owner, and the temp dir must be
  world-searchable (0755), or master and smtpd cannot work in it.
- maillog_file must start with one of maillog_file_prefixes (default /var,
  /dev/stdout), so the temp dir is added there; postlogd must be in
  master.cf. Without it, errors of the postfix command itself go to syslog
  only (and there is no syslog here); run it under a tty to see them.
- master.cf's chroot column is "n" everywhere: nothing to copy, and a unix
  milter socket anywhere on the file system is reachable.
- smtpd exits with a fatal error unless smtpd_relay_restrictions or
  smtpd_recipient_restrictions contains reject_unauth_destination, reject,
  defer, ...; a "permit" before it makes Postfix ignore it (and still fail).
  "check_client_access static:OK, reject" permits everything and passes.
- smtpd_milters uses Postfix's syntax inet:HOST:PORT, not libmilter's
  inet:PORT@HOST (Postfix: "garbage after numerical service");
  postfix_milter_spec() converts.
- inet_protocols = all is needed for XCLIENT ADDR=IPv6:... even though smtpd
  only listens on 127.0.0.1.
- smtpd_error_sleep_time = 0 and no anvil limits, so that refusals and the
  benchmark are not slowed down by Postfix's own tarpit and rate limits.

Finding on {auth_authen} (Postfix 3.7.11, Debian 12, checked by
t/e2e/test_harness.py): XCLIENT LOGIN=name reaches the milter at MAIL as
{auth_authen}=name with {auth_type}=XCLIENT, even with the default
smtpd_sasl_auth_enable = no (and the Received: header says "ESMTPA"). So a
test poses as a SASL-authenticated client with
xclient(ADDR=..., LOGIN="user"), no SASL setup needed.
"""

import atexit
import email
import email.policy
import errno
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

POSTFIX = "/usr/sbin/postfix"
POSTCONF = "/usr/sbin/postconf"
SMTP_SINK = "/usr/sbin/smtp-sink"
MAIL_OWNER = "postfix"
TEMPFAIL_REPLY = "451 4.7.1 Service unavailable - try again later"


def build_dir():
    """The CMake build directory: $RAMPART_BUILD_DIR or <repo>/build."""
    env = os.environ.get("RAMPART_BUILD_DIR")
    if env:
        return os.path.abspath(env)
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.abspath(os.path.join(here, "..", "..", "build"))


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=15.0, host="127.0.0.1"):
    """Wait until host:port accepts a TCP connection; False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def postfix_milter_spec(spec):
    """Turn a libmilter socket spec into Postfix's smtpd_milters syntax:
    inet:PORT@HOST -> inet:HOST:PORT, inet6:PORT@HOST -> inet:[HOST]:PORT,
    unix:/path stays. A spec already in Postfix form is returned unchanged."""
    kind, _, rest = spec.partition(":")
    if kind in ("inet", "inet6") and "@" in rest:
        port, _, host = rest.partition("@")
        if kind == "inet6" or ":" in host:
            host = "[" + host.strip("[]") + "]"
        return "inet:%s:%s" % (host, port)
    if kind == "local":
        return "unix:" + rest
    return spec


def wait_milter_socket(spec, timeout=15.0):
    """Wait until a milter socket spec (unix:/path or inet:PORT@HOST)
    accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if spec.startswith(("unix:", "local:")):
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(1)
                    s.connect(spec.split(":", 1)[1])
            else:
                port, _, host = spec.split(":", 1)[1].partition("@")
                with socket.create_connection((host.strip("[]") or "127.0.0.1",
                                               int(port)), timeout=1):
                    pass
            return True
        except OSError:
            time.sleep(0.05)
    return False


def start_milter(argv, spec, stderr_path=None, timeout=15.0):
    """Start a milter (argv list) and wait for its socket `spec`.
    Returns the Popen; raises RuntimeError when it does not come up."""
    err = open(stderr_path, "ab") if stderr_path else subprocess.DEVNULL
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=err, stderr=err)
    if err is not subprocess.DEVNULL:
        err.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("milter %r exited with %d" % (argv, proc.returncode))
        if wait_milter_socket(spec, timeout=0.2):
            return proc
    stop_process(proc)
    raise RuntimeError("milter %r: socket %s never answered" % (argv, spec))


def stop_process(proc, timeout=10.0):
    """SIGTERM, then SIGKILL after `timeout`; returns the exit status."""
    if proc is None or proc.poll() is not None:
        return None if proc is None else proc.returncode
    proc.terminate()
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(timeout)


def ini_set(text, section, key, value):
    """Set key = value in [section] of an INI text (rampart.conf): replace
    the active (uncommented) line for key, else add one right after the
    section header, else append the section. Comments are left alone, so
    the result never holds a key twice."""
    lines = text.split("\n")
    cur = None
    header = None
    for i, line in enumerate(lines):
        s = line.strip()
        m = re.fullmatch(r"\[([^\]]+)\]", s)
        if m:
            cur = m.group(1).strip()
            if cur == section:
                header = i
            continue
        if cur == section and not s.startswith(("#", ";")) and "=" in s:
            if s.split("=", 1)[0].strip() == key:
                lines[i] = "%s = %s" % (key, value)
                return "\n".join(lines)
    if header is not None:
        lines.insert(header + 1, "%s = %s" % (key, value))
        return "\n".join(lines)
    return "\n".join(lines).rstrip("\n") + "\n\n[%s]\n%s = %s\n" % (section, key, value)


def rampart_binary():
    """<build>/milter/rampart (may not exist: check os.access)."""
    return os.path.join(build_dir(), "milter", "rampart")


def write_rampart_config(directory, spec, settings=(), base=None):
    """Write DIR/rampart.conf and return its path: `base` (a file; default
    an empty config, i.e. every default) with the socket, pidfile, greylist
    database and log moved into DIR, user/group root, stderr logging, then
    `settings`, a list of (section, key, value) applied in order."""
    text = ""
    if base is not None:
        with open(base) as f:
            text = f.read()
    fixed = [
        ("milter", "socket", spec),
        ("milter", "hostname", "mx.rampart.test"),
        ("milter", "user", "root"),
        ("milter", "group", "root"),
        ("milter", "pidfile", os.path.join(directory, "rampart.pid")),
        ("log", "target", "stderr"),
        ("greylist", "database", os.path.join(directory, "greylist.lmdb")),
    ]
    for section, key, value in fixed + list(settings):
        text = ini_set(text, section, key, value)
    path = os.path.join(directory, "rampart.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def start_rampart(config, spec, stderr_path=None, binary=None, timeout=15.0):
    """rampart -f -c CONFIG, waiting for its socket `spec` (the one in the
    config). A unix socket is made writable for Postfix's smtpd. Stop it
    with stop_process(proc); its log is in stderr_path."""
    proc = start_milter([binary or rampart_binary(), "-f", "-c", config], spec,
                        stderr_path=stderr_path, timeout=timeout)
    if spec.startswith("unix:"):
        os.chmod(spec[5:], 0o666)
    return proc


def xtext(value):
    """RFC 3461 xtext encoding, as XCLIENT attribute values require."""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogateescape")
    out = []
    for b in value:
        if b < 0x21 or b > 0x7E or b in (0x2B, 0x3D):
            out.append("+%02X" % b)
        else:
            out.append(chr(b))
    return "".join(out)


class Reply:
    """One SMTP reply, possibly multi-line, exactly as the server sent it."""

    def __init__(self, lines):
        self.lines = lines
        self.code = int(lines[-1][:3]) if lines and lines[-1][:3].isdigit() else 0
        self.line = lines[-1] if lines else ""
        self.text = "\n".join(l[4:] for l in lines)

    def __str__(self):
        return "\n".join(self.lines)

    def __repr__(self):
        return "Reply(%r)" % (self.lines,)


class SMTPClient:
    """A plain-socket SMTP client that returns every reply verbatim."""

    def __init__(self, host, port, timeout=60.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.rfile = self.sock.makefile("rb")
        self.log = []           # (direction, line) pairs, for debugging
        self.greeting = self.read_reply()

    def close(self):
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def read_reply(self):
        """Read one complete reply; Reply([]) (code 0) on EOF."""
        lines = []
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                break
            line = raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape")
            self.log.append(("S", line))
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                break
        return Reply(lines)

    def send_raw(self, data):
        """Send bytes (or str) as they are: no CRLF added, no reply read."""
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        self.log.append(("C", data))
        self.sock.sendall(data)

    def cmd(self, line):
        """Send one command line (CRLF appended) and return its Reply."""
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogateescape")
        self.send_raw(line + b"\r\n")
        return self.read_reply()

    def ehlo(self, name):
        return self.cmd("EHLO " + name if isinstance(name, str) else b"EHLO " + name)

    def helo(self, name):
        return self.cmd("HELO " + name if isinstance(name, str) else b"HELO " + name)

    def xclient(self, **attrs):
        """XCLIENT ATTR=value ... (values xtext-encoded; pass "[UNAVAILABLE]"
        as is). Returns the reply: the new 220 greeting on success."""
        parts = []
        for k, v in attrs.items():
            parts.append("%s=%s" % (k.upper(), v if v.startswith("[") else xtext(v)))
        return self.cmd("XCLIENT " + " ".join(parts))

    def mail(self, arg, params=""):
        """MAIL FROM:arg [params]; arg is sent verbatim (add <> yourself)."""
        return self.cmd("MAIL FROM:%s%s" % (arg, " " + params if params else ""))

    def rcpt(self, arg, params=""):
        return self.cmd("RCPT TO:%s%s" % (arg, " " + params if params else ""))

    def data(self, message):
        """DATA; on 354 send `message` (str/bytes, dot-stuffed here, line ends
        made CRLF) and return the final Reply; else return the DATA Reply."""
        r = self.cmd("DATA")
        if r.code != 354:
            return r
        if isinstance(message, str):
            message = message.encode("utf-8", "surrogateescape")
        lines = message.replace(b"\r\n", b"\n").split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        body = b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n"
                        for l in lines)
        self.send_raw(body + b".\r\n")
        return self.read_reply()

    def rset(self):
        return self.cmd("RSET")

    def quit(self):
        r = self.cmd("QUIT")
        self.close()
        return r

    def transaction(self, helo="client.example.org", mail="<sender@example.org>",
                    rcpts=("<rcpt@example.net>",), message=None, xclient=None,
                    ehlo=True):
        """One full session. Returns a dict of Replies: greeting, xclient
        (if given), helo, mail, rcpt (list), data (only if some RCPT got
        2xx), quit. Stops early when the server closes the connection."""
        out = {"greeting": self.greeting}
        if xclient:
            out["xclient"] = self.xclient(**xclient)
            if out["xclient"].code != 220:
                return out
        if helo is not None:
            out["helo"] = self.ehlo(helo) if ehlo else self.helo(helo)
        out["mail"] = self.mail(mail)
        out["rcpt"] = [self.rcpt(r) for r in rcpts]
        if message is not None and any(r.code // 100 == 2 for r in out["rcpt"]):
            out["data"] = self.data(message)
        out["quit"] = self.quit()
        return out


class Delivered:
    """A message captured by smtp-sink.
    .raw       the whole dump file as text (surrogateescape)
    .envelope  dict of smtp-sink's X-* envelope lines (X-Mail-Args, ...)
    .message   email.message.EmailMessage of the message proper
    .path      the dump file"""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            data = f.read()
        self.raw = data.decode("utf-8", "surrogateescape")
        self.envelope = {}
        # smtp-sink writes its own X-* envelope headers first, then the
        # message as received (Postfix's Received: header first).
        lines = data.split(b"\n")
        i = 0
        while i < len(lines):
            line = lines[i].rstrip(b"\r")
            if not line.startswith(b"X-") or b":" not in line:
                break
            k, v = line.decode("utf-8", "surrogateescape").split(":", 1)
            self.envelope.setdefault(k, []).append(v.strip())
            i += 1
        body = b"\n".join(lines[i:])
        # smtp-sink ends each dump with one empty separator line.
        if body.endswith(b"\n\n"):
            body = body[:-1]
        self.message = email.message_from_bytes(body, policy=email.policy.compat32)


_live = set()  # running instances, stopped at exit if a test forgot to


def _stop_live():
    for pf in list(_live):
        pf.cleanup()


def _sigterm(signum, frame):
    raise SystemExit(128 + signum)


atexit.register(_stop_live)


class Postfix:
    """A private Postfix instance; see the module docstring. Instances still
    running when the interpreter exits are stopped (atexit), and SIGTERM
    (ctest's timeout) becomes SystemExit so that `with` blocks clean up
    when no one else handles SIGTERM."""

    def __init__(self, milter=None, overrides=None, myhostname="mx.rampart.test",
                 smtpd_maxproc=100, sink=True, keep=None, start=True):
        self.milter = milter
        self.overrides = dict(overrides or {})
        self.myhostname = myhostname
        self.smtpd_maxproc = smtpd_maxproc
        self.sink = sink
        self.keep = keep if keep is not None else bool(os.environ.get("RAMPART_E2E_KEEP"))
        self.tmp = tempfile.mkdtemp(prefix="rampart-e2e-")
        os.chmod(self.tmp, 0o755)  # mail_owner must traverse it
        self.conf = os.path.join(self.tmp, "conf")
        self.queue = os.path.join(self.tmp, "queue")
        self.data_dir = os.path.join(self.tmp, "data")
        self.sink_dir = os.path.join(self.tmp, "sink")
        self.maillog_path = os.path.join(self.tmp, "maillog")
        self.smtp_port = free_port()
        self.sink_port = free_port()
        self.name = "pf" + os.path.basename(self.tmp).split("-")[-1]
        self.sink_proc = None
        self.running = False
        self._seen = set()
        pw = pwd.getpwnam(MAIL_OWNER)
        for d in (self.conf, self.queue, self.data_dir, self.sink_dir):
            os.makedirs(d, exist_ok=True)
        os.chown(self.data_dir, pw.pw_uid, pw.pw_gid)
        os.chown(self.sink_dir, pw.pw_uid, pw.pw_gid)
        self.write_config()
        if start:
            try:
                self.start()
            except BaseException:
                self.cleanup()
                raise

    # --- configuration ------------------------------------------------------
    def main_cf(self):
        p = {
            "compatibility_level": "3.6",
            "queue_directory": self.queue,
            "data_directory": self.data_dir,
            "mail_owner": MAIL_OWNER,
            "setgid_group": "postdrop",
            "syslog_name": self.name,
            "maillog_file": self.maillog_path,
            "maillog_file_prefixes": self.tmp,
            "myhostname": self.myhostname,
            "mydomain": "rampart.test",
            "myorigin": "$myhostname",
            "mydestination": "",
            "local_recipient_maps": "",
            "alias_maps": "",
            "alias_database": "",
            "inet_interfaces": "127.0.0.1",
            # "all", or XCLIENT refuses IPv6 client addresses ("501 5.5.4
            # Bad ADDR syntax"); smtpd still listens on 127.0.0.1 only.
            "inet_protocols": "all",
            # The real peer is always loopback; XCLIENT asserts the rest.
            "mynetworks": "127.0.0.0/8",
            "smtpd_authorized_xclient_hosts": "127.0.0.0/8",
            "smtpd_banner": "$myhostname ESMTP",
            # No restrictions of Postfix's own: rampart does them.
            # Postfix refuses to run without a relay-blocking restriction in
            # the list; the static OK before it ends the list, so the
            # "reject" never runs.
            "smtpd_relay_restrictions": "check_client_access static:OK, reject",
            "smtpd_recipient_restrictions": "",
            "smtpd_client_restrictions": "",
            "smtpd_helo_restrictions": "",
            "smtpd_sender_restrictions": "",
            "smtpd_data_restrictions": "",
            "smtpd_helo_required": "no",
            "strict_rfc821_envelopes": "no",
            "smtpd_reject_unlisted_sender": "no",
            "smtpd_reject_unlisted_recipient": "no",
            "smtpd_delay_reject": "yes",
            "smtpd_error_sleep_time": "0",
            "smtpd_soft_error_limit": "100",
            "smtpd_hard_error_limit": "200",
            "smtpd_junk_command_limit": "1000",
            "smtpd_client_connection_count_limit": "0",
            "smtpd_client_connection_rate_limit": "0",
            "smtpd_client_message_rate_limit": "0",
            "smtpd_client_recipient_rate_limit": "0",
            "smtpd_client_new_tls_session_rate_limit": "0",
            "smtpd_client_auth_rate_limit": "0",
            # No DNS anywhere in Postfix.
            "smtpd_peername_lookup": "no",
            "smtp_dns_support_level": "disabled",
            "smtp_host_lookup": "native",
            "lmtp_host_lookup": "native",
            "relayhost": "[127.0.0.1]:%d" % self.sink_port,
            "smtp_tls_security_level": "none",
            "smtpd_tls_security_level": "none",
            # Fast queue handling.
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "2s",
            "maximal_queue_lifetime": "1h",
            "bounce_queue_lifetime": "1h",
            "in_flow_delay": "0",
            "smtp_connect_timeout": "5s",
            # Milter, in the per-milter form rampartctl postfix writes: the
            # global default_action is accept, so a tempfail seen while the
            # milter is down (test_harness) shows the per-milter one applies.
            "milter_protocol": "6",
            "milter_default_action": "accept",
            "smtpd_milters": ("{ %s, default_action=tempfail, command_timeout=30s }"
                              % postfix_milter_spec(self.milter)) if self.milter else "",
            "non_smtpd_milters": "",
            "biff": "no",
            "append_dot_mydomain": "no",
            "readme_directory": "no",
            "smtputf8_enable": "yes",
        }
        if not self.sink:
            p["default_transport"] = "discard:"
            p["relay_transport"] = "discard:"
        p.update(self.overrides)
        return "".join("%s = %s\n" % (k, v) for k, v in p.items())

    def master_cf(self):
        rows = [
            ("127.0.0.1:%d" % self.smtp_port, "inet", "n", "-", "n", "-",
             str(self.smtpd_maxproc), "smtpd"),
            ("pickup", "unix", "n", "-", "n", "60", "1", "pickup"),
            ("cleanup", "unix", "n", "-", "n", "-", "0", "cleanup"),
            ("qmgr", "unix", "n", "-", "n", "300", "1", "qmgr"),
            ("rewrite", "unix", "-", "-", "n", "-", "-", "trivial-rewrite"),
            ("bounce", "unix", "-", "-", "n", "-", "0", "bounce"),
            ("defer", "unix", "-", "-", "n", "-", "0", "bounce"),
            ("trace", "unix", "-", "-", "n", "-", "0", "bounce"),
            ("verify", "unix", "-", "-", "n", "-", "1", "verify"),
            ("flush", "unix", "n", "-", "n", "1000?", "0", "flush"),
            ("proxymap", "unix", "-", "-", "n", "-", "-", "proxymap"),
            ("smtp", "unix", "-", "-", "n", "-", "-", "smtp"),
            ("relay", "unix", "-", "-", "n", "-", "-", "smtp"),
            ("showq", "unix", "n", "-", "n", "-", "-", "showq"),
            ("error", "unix", "-", "-", "n", "-", "-", "error"),
            ("retry", "unix", "-", "-", "n", "-", "-", "error"),
            ("discard", "unix", "-", "-", "n", "-", "-", "discard"),
            ("anvil", "unix", "-", "-", "n", "-", "1", "anvil"),
            ("scache", "unix", "-", "-", "n", "-", "1", "scache"),
            ("postlog", "unix-dgram", "n", "-", "n", "-", "1", "postlogd"),
        ]
        return "".join(" ".join(r) + "\n" for r in rows)

    def write_config(self):
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(self.main_cf())
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(self.master_cf())

    def postconf(self, name):
        """The effective value of a main.cf parameter of this instance."""
        out = subprocess.run([POSTCONF, "-c", self.conf, "-h", name],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()

    # --- life cycle ---------------------------------------------------------
    def _postfix(self, *args, check=True):
        r = subprocess.run([POSTFIX, "-c", self.conf] + list(args),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("postfix %s failed (%d): %s%s\n--- maillog:\n%s" % (
                " ".join(args), r.returncode, r.stdout, r.stderr, self.maillog()))
        return r

    def start(self, timeout=30.0):
        if self.sink:
            self.sink_log = open(os.path.join(self.tmp, "sink.log"), "ab")
            self.sink_proc = subprocess.Popen(
                [SMTP_SINK, "-u", MAIL_OWNER, "-h", "sink.rampart.test",
                 "-m", "1000", "-d", os.path.join(self.sink_dir, "msg."),
                 "127.0.0.1:%d" % self.sink_port, "1000"],
                stdin=subprocess.DEVNULL, stdout=self.sink_log,
                stderr=self.sink_log)
            if not wait_port(self.sink_port, timeout):
                raise RuntimeError("smtp-sink did not start")
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _sigterm)
        self._postfix("check")
        _live.add(self)
        self.running = True
        self._postfix("start")
        if not wait_port(self.smtp_port, timeout):
            raise RuntimeError("smtpd on port %d did not answer\n%s" % (
                self.smtp_port, self.maillog()))
        return self

    def reload(self, overrides=None):
        """Apply more main.cf overrides and `postfix reload`. Running smtpd
        processes finish their sessions with the old settings."""
        if overrides:
            self.overrides.update(overrides)
        self.write_config()
        self._postfix("reload")
        time.sleep(0.5)

    def stop(self):
        if self.running:
            r = self._postfix("stop", check=False)
            if r.returncode != 0:
                self._postfix("abort", check=False)
            self._wait_master_gone(10.0)
            self.running = False
        if self.sink_proc is not None:
            stop_process(self.sink_proc)
            self.sink_proc = None
            self.sink_log.close()

    def _master_pid(self):
        try:
            with open(os.path.join(self.queue, "pid", "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def _wait_master_gone(self, timeout):
        pid = self._master_pid()
        if pid is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except OSError as e:
                if e.errno == errno.ESRCH:
                    return
            time.sleep(0.1)
        self._postfix("abort", check=False)

    def cleanup(self):
        _live.discard(self)
        self.stop()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            sys.stderr.write("rampart e2e: kept %s\n" % self.tmp)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    # --- use ----------------------------------------------------------------
    def client(self, timeout=60.0):
        return SMTPClient("127.0.0.1", self.smtp_port, timeout)

    def maillog(self):
        try:
            with open(self.maillog_path, "rb") as f:
                return f.read().decode("utf-8", "surrogateescape")
        except OSError:
            return ""

    def wait_log(self, pattern, timeout=10.0):
        """Wait until the mail log matches `pattern` (a regular expression;
        use re.escape for literal text) and return the match object. Postfix
        writes its log asynchronously (postlogd), so a line may appear a
        little after the reply it belongs to. Raises TimeoutError with the
        log."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.maillog())
            if m:
                return m
            if time.monotonic() > deadline:
                raise TimeoutError("no log line matches %r in %.0fs\n%s" % (
                    pattern, timeout, self.maillog()))
            time.sleep(0.05)

    def delivered(self):
        """Every message smtp-sink has written so far, oldest first."""
        return [Delivered(p) for p in self._sink_files()]

    def wait_for_delivery(self, count, timeout=30.0):
        """Wait until smtp-sink holds `count` messages not returned by an
        earlier call; return those (oldest first). Raises TimeoutError with
        the mail log when fewer arrive in time."""
        deadline = time.monotonic() + timeout
        while True:
            new = [p for p in self._sink_files() if p not in self._seen]
            if len(new) >= count and self._sink_idle():
                new = new[:count]
                self._seen.update(new)
                return [Delivered(p) for p in new]
            if time.monotonic() > deadline:
                raise TimeoutError("%d of %d messages delivered in %.0fs\n%s" % (
                    len(new), count, timeout, self.maillog()))
            time.sleep(0.1)

    def _sink_files(self):
        files = []
        for root, _, names in os.walk(self.sink_dir):
            files.extend(os.path.join(root, n) for n in names)
        return sorted(files, key=lambda p: (os.path.getmtime(p), p))

    def _sink_idle(self):
        # smtp-sink writes the dump while the transaction is in progress;
        # Postfix logs "status=sent" only after smtp-sink answered ".".
        sent = self.maillog().count(" status=sent ")
        return sent >= len(self._sink_files())
