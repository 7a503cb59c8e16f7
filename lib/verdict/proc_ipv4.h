/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv4 state of a network namespace as procfs prints it: multicast
 * memberships (/proc/net/igmp), the main routing table (/proc/net/route),
 * the neighbour table (/proc/net/arp) and the sockets (/proc/net/udp, tcp). Pure parsers over text, so captured
 * samples test them; used to explain drops in their context.
 */
#ifndef DL_PROC_IPV4_H
#define DL_PROC_IPV4_H

#include <net/if.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stddef.h>

/* One multicast group joined on one interface. */
struct dl_igmp_group {
	int ifindex;
	char ifname[IF_NAMESIZE];
	struct in_addr group;
	unsigned int users;	/* sockets (and the kernel) holding the membership */
};

/* One row of the main IPv4 routing table. */
struct dl_route4 {
	char ifname[IF_NAMESIZE];
	struct in_addr dst;
	struct in_addr mask;
	struct in_addr gw;	/* 0.0.0.0: on-link */
	unsigned int flags;	/* RTF_UP, RTF_GATEWAY, ... */
	unsigned int metric;
	unsigned int plen;	/* prefix length of @mask */
};

/* One neighbour (ARP) entry; flags 0 means unresolved (incomplete or failed). */
struct dl_arp_entry {
	struct in_addr addr;
	unsigned int flags;	/* ATF_COM 0x2, ATF_PERM 0x4 */
	char lladdr[24];
	char ifname[IF_NAMESIZE];
};

/*
 * Parse /proc/net/igmp text. On success returns 0 with a malloc'ed array in
 * @groups (free() it; NULL when there are none), its length in @n, and the
 * number of lines that could not be read in @malformed (they are skipped).
 * -EINVAL for NULL arguments, -ENOMEM.
 */
int dl_igmp__parse(const char *text, size_t len, struct dl_igmp_group **groups,
		   size_t *n, unsigned int *malformed);

/* Parse /proc/net/route text; same conventions as dl_igmp__parse(). */
int dl_route4__parse(const char *text, size_t len, struct dl_route4 **routes,
		     size_t *n, unsigned int *malformed);

/*
 * Longest-prefix match of @addr among the routes that are up; ties go to
 * the lowest metric. NULL when nothing matches.
 */
const struct dl_route4 *dl_route4__lookup(const struct dl_route4 *routes,
					  size_t n, struct in_addr addr);

/* Parse /proc/net/arp text; same conventions as dl_igmp__parse(). */
int dl_arp__parse(const char *text, size_t len, struct dl_arp_entry **entries,
		  size_t *n, unsigned int *malformed);

/* A socket of /proc/net/{udp,tcp}[6]: local address, port, state. */
struct dl_sock4 {
	struct in_addr addr;	/* 0.0.0.0 for IPv6 sockets */
	bool v6;		/* a row of udp6/tcp6 (32 hex digits) */
	unsigned int port;
	unsigned int state;	/* 0x07: UDP unconnected, 0x0A: TCP listening */
};

/* Parse /proc/net/udp, tcp, udp6 or tcp6 text; same conventions as dl_igmp__parse(). */
int dl_sock4__parse(const char *text, size_t len, struct dl_sock4 **socks,
		    size_t *n, unsigned int *malformed);

#endif
