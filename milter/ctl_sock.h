/*
 * ctl_sock - does a milter socket take a connection? For rampartctl
 * doctor: rampart's socket in libmilter's form and the endpoint Postfix
 * names in smtpd_milters. Each probe connects (within 3 seconds) and
 * closes at once; it returns true, or false with why (bounded by size)
 * naming the path or address and the errno text. Single-threaded.
 */
#ifndef RAMPART_CTL_SOCK_H
#define RAMPART_CTL_SOCK_H

#include <stdbool.h>
#include <stddef.h>

/* path exists, is a socket and takes a connection. */
bool ctl_sock_probe_unix(const char *path, char *why, size_t size);
/* libmilter's form: unix:PATH, local:PATH, inet:PORT@HOST, inet6:PORT@HOST
 * (HOST 0.0.0.0 or :: is tried on loopback). */
bool ctl_sock_probe_milter(const char *sock, char *why, size_t size);
/* Postfix's inet:HOST:PORT or inet:[HOST]:PORT. */
bool ctl_sock_probe_postfix_inet(const char *endpoint, char *why, size_t size);

#endif
