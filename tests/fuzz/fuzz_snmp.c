// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the /proc/net/snmp and /proc/net/netstat parser.
 */
#include "counters/snmp.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_snmp *t = NULL;
	uint64_t v;

	if (dl_snmp__new(&t))
		return 0;
	if (!dl_snmp__parse(t, (const char *)data, size, "/proc/net/snmp"))
		dl_snmp__get(t, "Udp", "NoPorts", &v);
	dl_snmp__free(t);
	return 0;
}
