// SPDX-License-Identifier: GPL-2.0-only
/* The compact line of a device's interval (watch and top off a terminal). */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"
#include "watch/watch_session.h"

void dl_watch__print_line(const struct dl_ledger *l, const char *fired, FILE *out)
{
	const struct dl_ledger_cause *top = NULL;
	unsigned int i;
	char nic[32] = "n/a";

	for (i = 0; i < l->ncauses; i++)
		if (!l->causes[i].tx && (!l->causes[i].category ||
					 strcmp(l->causes[i].category, "rss"))) {
			top = &l->causes[i];
			break;
		}
	if (l->nic_dropped.have)
		snprintf(nic, sizeof(nic), "%llu", (unsigned long long)l->nic_dropped.v);
	fprintf(out, "%s #%u %.1fs: seen %llu, nic dropped %s, stack dropped %llu%s%s%s, delivered %llu, residual %lld%s%s\n",
		l->ifname, l->interval, l->duration_s, (unsigned long long)l->xdp_seen, nic,
		(unsigned long long)l->stack_dropped, top ? " (top " : "",
		top ? top->reason_name : "", top ? ")" : "", (unsigned long long)l->delivered,
		(long long)l->residual, fired ? ", FAIL-ON " : "", fired ? fired : "");
}

void dl_watch__print_evidence(const json_t *rec, FILE *out)
{
	const json_t *e = json_object_get(rec, "evidence");

	if (!json_is_object(e))
		return;
#define N(k) json_integer_value(json_object_get(e, k))
	fprintf(out, "%s #%" JSON_INTEGER_FORMAT " pcap: drops %" JSON_INTEGER_FORMAT
		", written %" JSON_INTEGER_FORMAT ", sampled out %" JSON_INTEGER_FORMAT
		", lost %" JSON_INTEGER_FORMAT ", over --max-packets %" JSON_INTEGER_FORMAT
		", unwritten %" JSON_INTEGER_FORMAT ", filtered out %" JSON_INTEGER_FORMAT "\n",
		json_string_value(json_object_get(rec, "interface")),
		json_integer_value(json_object_get(rec, "interval")), N("drops"), N("written"),
		N("sampled_out"), N("lost"), N("over_max"), N("unwritten"),
		N("filtered_out"));
#undef N
}
