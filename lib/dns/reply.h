/*
 * reply - turning a DNS reply packet (ldns) into an rp_dns_answer: the
 * records of the queried type after following a CNAME chain inside the
 * answer section, their minimum TTL, and the negative TTL from the SOA
 * (RFC 2308). The resolver (dns/dns.c) has already matched the reply to its
 * question; nothing here trusts the packet: wrong record data, CNAME loops
 * and over-long chains are MALFORMED. Pure: safe from any thread.
 */
#ifndef RAMPART_DNS_REPLY_H
#define RAMPART_DNS_REPLY_H

#include <stdbool.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dns/answer.h"

/* The ldns type of a query type. */
ldns_rr_type dns_ldns_type(enum rp_dns_type t);
/* Is the wire reply w[0..len) a reply (QR set) with this query ID? The
 * resolver ignores any other UDP datagram. */
bool dns_reply_header_matches(const uint8_t *w, size_t len, uint16_t id);
/* Is the parsed reply p a standard query's reply with exactly one question,
 * (qname, type) in class IN? Any other reply is for another question. */
bool dns_reply_matches(const ldns_pkt *p, const ldns_rdf *qname, enum rp_dns_type type);
/* The answer of a NOERROR or NXDOMAIN reply p to (qname, type): FOUND with
 * the records, NOTFOUND ("NXDOMAIN"/"NODATA") with the negative TTL, or
 * MALFORMED. Never NULL; one reference for the caller. */
struct rp_dns_answer *dns_reply_answer(const ldns_pkt *p, const ldns_rdf *qname,
	enum rp_dns_type type);

#endif
