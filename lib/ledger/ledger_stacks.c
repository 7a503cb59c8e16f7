// SPDX-License-Identifier: GPL-2.0-only
/* Kernel stacks of generic drops under their causes; see ledger_stacks.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"
#include "ledger/ledger_stacks.h"
#include "trace/drop_trace.h"
#include "trace/ksyms.h"

struct stack_arg {
	struct dl_ledger *l;
	const struct dl_ksyms *ks;
};

static struct dl_ledger_cause *cause_at(struct dl_ledger *l, uint64_t location, bool tx)
{
	unsigned int i;

	for (i = 0; i < l->ncauses; i++)
		if (l->causes[i].location == location && l->causes[i].tx == tx &&
		    !strcmp(l->causes[i].reason_name, "NOT_SPECIFIED"))
			return &l->causes[i];
	return NULL;
}

/*
 * The frames of the tracer itself and of the free helper (the BPF program,
 * bpf_trace_run, the tracepoint, sk_skb_reason_drop) come first on every
 * stack; the dropping function follows them.
 */
static bool tracing_frame(const char *f)
{
	static const char *const prefixes[] = {
		"bpf_prog_", "bpf_trace_run", "__traceiter_", "__bpf_trace_",
		"perf_trace_", "trace_event_raw_", "sk_skb_reason_drop+",
		"kfree_skb_reason+", "kfree_skb_list_reason+",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(f, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static void frame_name(const struct dl_ksyms *ks, uint64_t ip, char *buf, size_t len)
{
	if (ks)
		dl_ksyms__format(ks, ip, buf, len);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)ip);
}

/* Keep the biggest DL_CAUSE_STACKS, largest first (insertion). */
static int on_stack(uint64_t location, bool tx, int stackid, const uint64_t *ips,
		    unsigned int n, uint64_t count, void *ctx)
{
	struct stack_arg *a = ctx;
	struct dl_ledger_cause *c = cause_at(a->l, location, tx);
	struct dl_ledger_stack *s;
	unsigned int pos, i, skip = 0;
	char name[64];

	/* A stack the map had no room for says nothing: not shown. */
	if (!c || stackid < 0 || !n)
		return 0;
	for (i = 0; i < n; i++) {
		frame_name(a->ks, ips[i], name, sizeof(name));
		if (tracing_frame(name))
			skip = i + 1;
	}
	if (skip < n) {
		ips += skip;
		n -= skip;
	}
	for (pos = 0; pos < c->nstacks && c->stacks[pos].count >= count; pos++)
		;
	if (pos == DL_CAUSE_STACKS)
		return 0;
	if (c->nstacks < DL_CAUSE_STACKS)
		c->nstacks++;
	memmove(&c->stacks[pos + 1], &c->stacks[pos],
		(c->nstacks - 1 - pos) * sizeof(c->stacks[0]));
	s = &c->stacks[pos];
	s->count = count;
	s->nframes = n < DL_STACK_FRAMES ? n : DL_STACK_FRAMES;
	for (i = 0; i < s->nframes; i++)
		frame_name(a->ks, ips[i], s->frames[i], sizeof(s->frames[i]));
	return 0;
}

int dl_ledger__add_stacks(struct dl_ledger *l, const struct dl_drop_trace *dt,
			  const struct dl_ksyms *ks)
{
	struct stack_arg a = { l, ks };
	unsigned int i;

	if (!l || !dt)
		return -EINVAL;
	for (i = 0; i < l->ncauses; i++)
		l->causes[i].nstacks = 0;
	return dl_drop_trace__for_each_stack(dt, on_stack, &a);
}
