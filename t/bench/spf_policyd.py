#!/usr/bin/python3
# spf_policyd.py PROCS REQUESTS_PER_PROC: run PROCS policyd-spf processes
# (Postfix policy protocol on stdin/stdout), send each REQUESTS_PER_PROC
# requests one after the other as Postfix does, print the rate. The
# workload matches spf_bench.c's cases. Runs with /usr/bin/python3 (the
# interpreter policyd-spf is installed for).
import subprocess, sys, threading, time

D = ".spf.rampart.test"
CASES = [("192.0.2.1", "helo-pass" + D, "alice@pass" + D, "pass"),
         ("192.0.2.1", "helo-pass" + D, "alice@include" + D, "pass"),
         ("192.0.2.1", "helo-pass" + D, "alice@mx" + D, "pass"),
         ("192.0.2.1", "helo-pass" + D, "alice@a" + D, "pass"),
         ("192.0.2.1", "helo-pass" + D, "alice@fail" + D, "fail"),
         ("192.0.2.1", "helo-pass" + D, "alice@softfail" + D, "softfail")]

def request(tag, c):
    client, helo, sender, _ = c
    return ("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
            "client_address=%s\nclient_name=unknown\nhelo_name=%s\nsender=%s\n"
            "recipient=bob@example.net\nqueue_id=\ninstance=%s\n\n"
            % (client, helo, sender, tag)).encode()

def ask(p, tag, c):
    p.stdin.write(request(tag, c))
    p.stdin.flush()
    reply = b""
    while True:
        line = p.stdout.readline()
        if not line or line == b"\n":
            break
        reply += line
    return reply.decode(errors="replace").lower()

def run(n, off, out, times, barrier):
    p = subprocess.Popen(["/usr/bin/policyd-spf"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    # warm-up: interpreter start and one pass over the cases are not timed
    for i, c in enumerate(CASES):
        ask(p, "w%d.%d" % (off, i), c)
    barrier.wait()
    t0 = time.monotonic()
    bad = 0
    for i in range(n):
        c = CASES[(i + off) % len(CASES)]
        r = ask(p, "r%d.%d" % (off, i), c)
        if c[3] == "fail" and "reject" not in r and "550" not in r:
            bad += 1
        if c[3] == "pass" and ("reject" in r or "defer" in r):
            bad += 1
    times.append(time.monotonic() - t0)
    p.stdin.close()
    p.wait()
    out.append(bad)

procs, per = int(sys.argv[1]), int(sys.argv[2])
out, times = [], []
barrier = threading.Barrier(procs)
threads = [threading.Thread(target=run, args=(per, k, out, times, barrier))
           for k in range(procs)]
for t in threads:
    t.start()
for t in threads:
    t.join()
dt = max(times)
total = procs * per
print("policyd-spf: %d checks in %.3f s with %d processes: %.0f checks/s"
      % (total, dt, procs, total / dt))
if sum(out):
    print("policyd-spf: %d replies differ from the expected result" % sum(out),
          file=sys.stderr)
