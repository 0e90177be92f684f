#!/usr/bin/env python3
"""listen.py READY PORTFILE [UNIX_PATH...] - sockets for t/doctor/doctor.sh.

Listens on each UNIX_PATH and on a free TCP port of 127.0.0.1 (written to
PORTFILE), accepts every connection and closes it, until killed. Also
leaves PORTFILE.stale: a TCP port that was bound and closed again (nothing
listens on it), and touches READY once everything listens.
"""
import os
import select
import socket
import sys

ready, portfile, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
socks = []
for p in paths:
    if os.path.exists(p):
        os.unlink(p)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(p)
    s.listen(16)
    socks.append(s)
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.bind(("127.0.0.1", 0))
t.listen(16)
socks.append(t)
gone = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
gone.bind(("127.0.0.1", 0))
stale = gone.getsockname()[1]
gone.close()
with open(portfile, "w") as f:
    f.write("%d\n" % t.getsockname()[1])
with open(portfile + ".stale", "w") as f:
    f.write("%d\n" % stale)
open(ready, "w").close()
while True:
    r, _, _ = select.select(socks, [], [])
    for s in r:
        c, _ = s.accept()
        c.close()
