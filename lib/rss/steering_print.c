// SPDX-License-Identifier: GPL-2.0-only
/*
 * Printing a steering report; see steering_print.h. The texts themselves
 * are built by the check (one per rule and mismatch), so text and JSON
 * always say the same thing.
 */
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>

#include "util/json.h"
#include "fastpath/flow.h"
#include "rss/steering_print.h"

unsigned int dl_steer_report__violations(const struct dl_steer_report *r)
{
	return r->nr_violations + (unsigned int)r->nr_mismatches;
}

static json_t *queues_json(__u64 mask)
{
	json_t *a = json_array();
	int q;

	for (q = 0; q < DL_STEER_QUEUES; q++)
		if (mask >> q & 1)
			json_array_append_new(a, json_integer(q));
	return a;
}

static json_t *rule_json(const struct dl_steer_rule_result *res)
{
	json_t *o = json_object(), *pq = json_object();
	char rt[DL_STEER_TEXT_MAX], key[8];
	int q;

	dl_steer_rule__format(res->rule, rt, sizeof(rt));
	for (q = 0; q < DL_STEER_QUEUES; q++) {
		if (!res->per_queue[q])
			continue;
		snprintf(key, sizeof(key), "%d", q);
		json_object_set_new(pq, key, dl_json__u64(res->per_queue[q]));
	}
	json_object_set_new(o, "index", json_integer(res->rule->index));
	json_object_set_new(o, "line", json_integer(res->rule->line));
	json_object_set_new(o, "rule", json_string(rt));
	json_object_set_new(o, "default", json_boolean(res->rule->is_default));
	json_object_set_new(o, "queues", queues_json(res->rule->queues));
	json_object_set_new(o, "even", json_boolean(res->rule->even));
	json_object_set_new(o, "flows", dl_json__u64(res->flows));
	json_object_set_new(o, "packets", dl_json__u64(res->packets));
	json_object_set_new(o, "on_allowed", dl_json__u64(res->on_allowed));
	json_object_set_new(o, "elsewhere", dl_json__u64(res->elsewhere));
	json_object_set_new(o, "per_queue", pq);
	json_object_set_new(o, "jain", isfinite(res->jain) ? json_real(res->jain) : json_null());
	json_object_set_new(o, "judged", json_boolean(res->judged));
	json_object_set_new(o, "misrouted", json_boolean(res->misrouted));
	json_object_set_new(o, "uneven", json_boolean(res->uneven));
	json_object_set_new(o, "violation", json_boolean(res->misrouted || res->uneven));
	json_object_set_new(o, "text", json_string(res->text));
	return o;
}

static json_t *mismatch_json(const struct dl_steer_mismatch *m)
{
	char p[16], s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], ft[160];
	json_t *o = json_object();

	dl_flow__addr_str(&m->flow, true, s, sizeof(s));
	dl_flow__addr_str(&m->flow, false, d, sizeof(d));
	dl_steer_check__format_flow(&m->flow, ft, sizeof(ft));
	json_object_set_new(o, "flow", json_string(ft));
	json_object_set_new(o, "proto", json_string(dl_flow__proto_name(&m->flow, p, sizeof(p))));
	json_object_set_new(o, "src", s[0] ? json_string(s) : json_null());
	json_object_set_new(o, "sport", json_integer(dl_flow__sport(&m->flow)));
	json_object_set_new(o, "dst", d[0] ? json_string(d) : json_null());
	json_object_set_new(o, "dport", json_integer(dl_flow__dport(&m->flow)));
	json_object_set_new(o, "by", json_string(m->by_ntuple ? "ntuple" : "rss"));
	/* An ntuple prediction involves no hash: absent, not 0. */
	json_object_set_new(o, "hash", m->by_ntuple ? json_null() : json_integer(m->hash));
	json_object_set_new(o, "predicted", json_integer(m->predicted));
	json_object_set_new(o, "observed", json_integer(m->observed));
	json_object_set_new(o, "packets", dl_json__u64(m->packets));
	json_object_set_new(o, "elsewhere", dl_json__u64(m->elsewhere));
	json_object_set_new(o, "text", json_string(m->text));
	return o;
}

json_t *dl_steer_report__json(const struct dl_steer_report *r)
{
	json_t *o = json_object(), *rules = json_array(), *mm = json_array();
	size_t i;

	if (!o || !rules || !mm) {
		json_decref(o);
		json_decref(rules);
		json_decref(mm);
		return NULL;
	}
	for (i = 0; i < r->nr_rules; i++)
		json_array_append_new(rules, rule_json(&r->rules[i]));
	for (i = 0; i < r->nr_mismatches; i++)
		json_array_append_new(mm, mismatch_json(&r->mismatches[i]));
	json_object_set_new(o, "flows", dl_json__u64(r->flows));
	json_object_set_new(o, "packets", dl_json__u64(r->packets));
	json_object_set_new(o, "unmatched_flows", dl_json__u64(r->unmatched_flows));
	json_object_set_new(o, "unmatched_packets", dl_json__u64(r->unmatched_packets));
	json_object_set_new(o, "predicted", json_boolean(r->predicted));
	json_object_set_new(o, "unpredicted_flows",
			    r->predicted ? dl_json__u64(r->unpredicted_flows) : json_null());
	json_object_set_new(o, "rule_violations", json_integer(r->nr_violations));
	json_object_set_new(o, "mismatched_flows", json_integer((json_int_t)r->nr_mismatches));
	json_object_set_new(o, "violations", json_integer(dl_steer_report__violations(r)));
	json_object_set_new(o, "rules", rules);
	json_object_set_new(o, "mismatches", mm);
	return o;
}

void dl_steer_report__print_text(const struct dl_steer_report *r, size_t max_mismatches,
				 FILE *out)
{
	size_t i, shown;
	unsigned int v = dl_steer_report__violations(r);

	for (i = 0; i < r->nr_rules; i++)
		fprintf(out, "%s%s\n", r->rules[i].text,
			r->rules[i].misrouted || r->rules[i].uneven ? "  <- VIOLATION" : "");
	if (r->unmatched_flows)
		fprintf(out, "no rule matched %llu flow%s (%llu packets)\n",
			(unsigned long long)r->unmatched_flows, r->unmatched_flows == 1 ? "" : "s",
			(unsigned long long)r->unmatched_packets);
	shown = max_mismatches && max_mismatches < r->nr_mismatches ?
		max_mismatches : r->nr_mismatches;
	for (i = 0; i < shown; i++)
		fprintf(out, "%s  <- VIOLATION\n", r->mismatches[i].text);
	if (shown < r->nr_mismatches)
		fprintf(out, "... and %zu more flows not where the NIC config sends them\n",
			r->nr_mismatches - shown);
	if (r->predicted && r->unpredicted_flows)
		fprintf(out, "%llu flow%s could not be predicted (not hashable with this config)\n",
			(unsigned long long)r->unpredicted_flows,
			r->unpredicted_flows == 1 ? "" : "s");
	if (!v)
		fprintf(out, "violations: none (%llu packets in %llu flows checked)\n",
			(unsigned long long)r->packets, (unsigned long long)r->flows);
	else
		fprintf(out, "violations: %u (%u rule%s, %zu flow%s against the NIC config)\n", v,
			r->nr_violations, r->nr_violations == 1 ? "" : "s", r->nr_mismatches,
			r->nr_mismatches == 1 ? "" : "s");
}
