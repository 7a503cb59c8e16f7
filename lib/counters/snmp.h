/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel MIB counters by (group, name): /proc/net/snmp and /proc/net/netstat
 * print a header line and a value line per group ("Udp: InDatagrams ..."
 * then "Udp: 12 ..."); /proc/net/snmp6 prints "Udp6InDatagrams  12" per
 * line, which we file under group "Udp6", name "InDatagrams". A counter the
 * running kernel does not print is absent (-ENOENT), never 0.
 */
#ifndef DL_SNMP_H
#define DL_SNMP_H

#include <stddef.h>
#include <stdint.h>

struct dl_snmp;

int dl_snmp__new(struct dl_snmp **out);
void dl_snmp__free(struct dl_snmp *t);

/*
 * Add the counters in @buf (either format, detected per line) to @t.
 * @origin names the input in messages. Returns 0, -EBADMSG for a header
 * without its value line, a count mismatch, a non-numeric value or a line
 * that is in neither format (nothing is added then), -ENOMEM.
 * Negative values (Tcp MaxConn is -1) are stored as two's complement.
 */
int dl_snmp__parse(struct dl_snmp *t, const char *buf, size_t len, const char *origin);
/* Read and add one file; -ENOENT if it does not exist. */
int dl_snmp__load(struct dl_snmp *t, const char *path);
/*
 * New table from /proc/net/snmp and /proc/net/netstat of the caller's
 * network namespace, plus /proc/net/snmp6 when IPv6 is there.
 */
int dl_snmp__read_proc(struct dl_snmp **out);

/*
 * Look up (group, name), e.g. ("Udp", "RcvbufErrors"), ("TcpExt",
 * "IPReversePathFilter"), ("IpExt", "InNoRoutes"), ("Udp6", "InErrors").
 * @group NULL matches any group (first hit). Returns 0 or -ENOENT.
 */
int dl_snmp__get(const struct dl_snmp *t, const char *group, const char *name,
		 uint64_t *val);

/* Iterate: number of counters, and entry @i (0, or -ENOENT past the end). */
size_t dl_snmp__count(const struct dl_snmp *t);
int dl_snmp__entry(const struct dl_snmp *t, size_t i, const char **group,
		   const char **name, uint64_t *val);

#endif
