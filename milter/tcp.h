/*
 * tcp - TCP options on the milter's own sockets that libmilter does not
 * set (inet: and inet6: only; unix: sockets are left alone). Without them
 * each milter step that either side sends in more than one write stalls
 * for a delayed-ACK timeout (about 40 ms on Linux); t/bench/README.md has
 * the packet-level account.
 *
 *   - TCP_NODELAY on libmilter's listening socket (found by its port after
 *     smfi_opensocket), which Linux copies to every accepted socket: our
 *     small writes (a header insert, then the reply) go out at once
 *     instead of waiting for the MTA's ACK of the previous one.
 *   - TCP_QUICKACK on each session socket after each read: the flag is
 *     not sticky (the kernel drops it again as soon as we answer), so
 *     tcp.c wraps read(2), which libmilter's workers read commands with,
 *     and sets it after every read of a session socket. The MTA's first
 *     write of a step is then acknowledged at once, and its next write,
 *     held back by Nagle's algorithm until that ACK, follows without the
 *     timeout.
 *
 * Threads: tcp_listener_setup once before smfi_main (before libmilter's
 * threads); tcp_session_track from any libmilter worker (it takes its own
 * lock); read() from anywhere.
 */
#ifndef RAMPART_TCP_H
#define RAMPART_TCP_H

/*
 * For an inet:/inet6: spec, find the listening socket smfi_opensocket made
 * and set TCP_NODELAY on it, and turn the quick ACKs on. Returns 1
 * when done, 0 when spec is not a TCP socket (nothing to do), -1 when the
 * listener was not found or an option could not be set (logged; the
 * milter works as before, only slower).
 */
int tcp_listener_setup(const char *spec);

/*
 * At the start of a milter connection (negotiation): mark the session
 * sockets accepted since the last call for quick ACKs, setting
 * TCP_NODELAY on any that did not inherit it. A no-op when
 * tcp_listener_setup did not succeed.
 */
void tcp_session_track(void);

#endif
