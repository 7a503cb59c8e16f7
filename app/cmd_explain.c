// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger explain REASON|FUNCTION|--list: what a cause means and how to
 * fix it, from the same data the reports use (config/causes.tsv,
 * functions.tsv, reason_sites.tsv, expected.tsv).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "counters/mib_discards.h"
#include "verdict/causes.h"
#include "cli.h"
#include "dl_config.h"
#include "trace/drop_reasons.h"
#include "util/params.h"

struct explain_opts {
	bool list;
};

static const struct dl_param explain_table[] = {
	DL_OPT_FLAG("list", 0, struct explain_opts, list,
		    "every row: reasons, catalogued functions, sites, expected "
		    "background and the audited discard counters", .flags = DL_OPTF_NOCONF),
	{}
};

static const struct dl_cmd explain_cmd = {
	.name = "explain",
	.args = "REASON|FUNCTION|COUNTER | --list",
	.doc = "What a kernel drop reason (e.g. SOCKET_RCVBUFF, "
		"SKB_DROP_REASON_NO_SOCKET) or a dropping kernel function (e.g. "
		"ip_rcv_finish, udp_queue_rcv_skb+953) means at each site, its category "
		"and group, the kernel counter that also counts it, and the fix an "
		"expert would try. A discard counter (e.g. ListenDrops, \"Icmp InErrors\") "
		"or a counted-not-traced cause (e.g. TCP_SYN_QUEUE_FULL) prints its audit "
		"row: whether the kernel traces those drops, where it frees them, and "
		"the cause the ledger reports when it does not. An unknown name exits 2.",
	.opts = explain_table,
	.max_args = 1,
	.examples = "dropledger explain IP_RPFILTER\ndropledger explain ip6_mc_input\n"
		    "dropledger explain ListenDrops\ndropledger explain --list\n",
	.exit_codes = "0 ok, 1 the causes table cannot be read, 2 usage or a malformed causes "
		      "table (file:line)",
};

static const struct dl_cause_ctx generic = {
	.iface = "<iface>", .queue = "<queue>", .flow = "<flow>",
	.dport = "<port>", .dst = "<dst>", .src = "<src>", .proto = "<proto>",
	.ethertype = "<ethertype>", .location = "<function>",
};

static void list_all(const struct dl_causes *c)
{
	const struct dl_cause_rule *r;
	const struct dl_cause_fn *f;
	const struct dl_cause_site *s;
	size_t i;

	printf("REASONS (%zu): reason, category/group, kernel counter\n", dl_causes__count(c));
	for (i = 0; (r = dl_causes__rule(c, i)); i++)
		printf("  %-28s %s/%-10s %s\n", r->reason, r->category, r->group, r->counter);
	printf("\nFUNCTIONS (%zu): function, usual reason, meaning\n", dl_causes__fn_count(c));
	for (i = 0; (f = dl_causes__fn(c, i)); i++)
		printf("  %-32s %-20s %s\n", f->function, f->reason, f->meaning);
	printf("\nSITES AND EXPECTED (%zu): reason, function, condition\n",
	       dl_causes__site_count(c));
	for (i = 0; (s = dl_causes__site(c, i)); i++)
		printf("  %-24s %-28s %s%s\n", s->reason, s->function, s->when,
		       s->expected ? "  [expected]" : "");
}

static const char *const mib_kinds[] = {
	[DL_MIB_TRACED] = "traced", [DL_MIB_UNTRACED] = "counted, not traced",
	[DL_MIB_NIC] = "dropped by the device", [DL_MIB_NOT_DISCARD] = "not a packet discard",
};

static void list_mib(const struct dl_mib_discards *t)
{
	size_t i;

	if (!t)
		return;
	printf("\nDISCARD COUNTERS (%zu): counter, kind, traced as / cause\n", t->n);
	for (i = 0; i < t->n; i++)
		printf("  %-32s %-21s %s\n", t->rows[i].label, mib_kinds[t->rows[i].kind],
		       t->rows[i].traced_as ? t->rows[i].traced_as :
		       t->rows[i].reason ? t->rows[i].reason : "-");
}

/* @tpl with {count} as N and {counter} as @label. */
static void show_tpl(const char *tpl, const char *label)
{
	const char *p;

	for (p = tpl; *p; p++) {
		if (!strncmp(p, "{count}", 7)) {
			fputs("N", stdout);
			p += 6;
		} else if (!strncmp(p, "{counter}", 9)) {
			fputs(label, stdout);
			p += 8;
		} else {
			putchar(*p);
		}
	}
}

/* The audit row whose counted-not-traced cause is named @reason, or NULL. */
static const struct dl_mib_row *mib_cause(const struct dl_mib_discards *t, const char *reason)
{
	size_t i;

	for (i = 0; t && i < t->n; i++)
		if (t->rows[i].reason && !strcmp(t->rows[i].reason, reason))
			return &t->rows[i];
	return NULL;
}

/* The audit rows whose counter (with or without its group) or cause is @what. */
static int print_mib(const struct dl_mib_discards *t, const char *what)
{
	const struct dl_mib_row *m;
	size_t i;
	int n = 0;

	for (i = 0; t && i < t->n; i++) {
		m = &t->rows[i];
		if (strcasecmp(m->label, what) && strcasecmp(m->name, what) &&
		    (!m->reason || strcasecmp(m->reason, what)))
			continue;
		printf("%s%s (%s, %s, scope %s)\n  counts:   %s\n  kind:     %s%s%s%s\n  site:     %s\n",
		       n++ ? "\n" : "", m->label, m->source, m->dir, m->scope, m->counts,
		       mib_kinds[m->kind],
		       !m->traced_as ? "" : m->kind == DL_MIB_TRACED ? " as " : " (its traced part: ",
		       m->traced_as ? m->traced_as : "",
		       m->traced_as && m->kind != DL_MIB_TRACED ? ")" : "", m->site);
		if (m->within)
			printf("  within:   %s (never counted twice)\n", m->within);
		if (m->reason) {
			printf("  cause:    %s (%s, in %s)\n  what:     ", m->reason,
			       m->cause_group, m->function);
			show_tpl(m->summary, m->label);
			printf("\n  fix:      ");
			show_tpl(m->advice, m->label);
			printf("\n");
		}
	}
	return n;
}

/* The site and expected rows naming @reason or @fn. */
static int print_sites(const struct dl_causes *c, const char *reason, const char *fn)
{
	const struct dl_cause_site *s;
	char buf[1024];
	size_t i;
	int n = 0;

	for (i = 0; (s = dl_causes__site(c, i)); i++) {
		if ((reason && strcmp(s->reason, reason)) ||
		    (fn && strcmp(s->function, fn)))
			continue;
		if (!n++)
			printf("  sites:\n");
		dl_causes__render(s->summary, &generic, buf, sizeof(buf));
		printf("    %s%s in %s%s%s:\n      what: %s\n", s->expected ? "[expected] " : "",
		       s->reason, s->function, strcmp(s->when, "-") ? " when " : "",
		       strcmp(s->when, "-") ? s->when : "", buf);
		dl_causes__render(s->advice, &generic, buf, sizeof(buf));
		printf("      fix:  %s\n", buf);
	}
	return n;
}

int do_explain(int argc, char **argv)
{
	static struct dl_params ps;
	struct explain_opts o = {};
	char err[256], reason[64], buf[1024];
	struct dl_cause_ctx ctx = generic;
	const struct dl_cause_fn *fn;
	struct dl_reasons *kr;
	struct dl_causes *c;
	const struct dl_mib_discards *mib;
	const struct dl_mib_row *m;
	struct dl_cause_rule r;
	const char *what;
	uint32_t code;
	int in_kernel, rc = DL_EXIT_OK;

	rc = cli_params(&ps, &explain_cmd, &o, argc, argv);
	if (rc)
		return cli_parse_exit(rc);
	if (o.list == (ps.nargs == 1))
		return cli_parse_exit(cli_usage_error("explain", o.list ?
				      "--list takes no name" : "which reason or function?"));
	what = o.list ? NULL : argv[ps.first_arg];
	c = dl_causes__load(NULL, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "dropledger explain: %s\n", err);
		/* A table that does not parse is bad input (2); unreadable is 1. */
		return errno == EINVAL ? DL_EXIT_USAGE : DL_EXIT_FAIL;
	}
	mib = dl_mib_discards__default();
	if (o.list) {
		list_all(c);
		list_mib(mib);
		dl_causes__free(c);
		return DL_EXIT_OK;
	}
	snprintf(reason, sizeof(reason), "%s",
		 strncasecmp(what, "SKB_DROP_REASON_", 16) ? what : what + 16);
	fn = dl_causes__fn_find(c, what);
	if (fn) {
		printf("%s: kernel function that frees packets; usually %s\n  what:   %s\n  gather: %s\n",
		       fn->function, fn->reason, fn->meaning, fn->gather);
		print_sites(c, NULL, fn->function);
		printf("\n");
		if (!strcmp(fn->reason, "-"))
			goto out;
		snprintf(reason, sizeof(reason), "%s", fn->reason);
	}
	dl_causes__lookup(c, reason, &r);
	kr = dl_reasons__load(NULL);
	in_kernel = kr && !dl_reasons__value(kr, reason, &code);
	if (!fn && !r.from_table && !in_kernel && print_mib(mib, what)) {
		dl_reasons__free(kr);
		goto out;
	}
	if (!fn && !r.from_table && !in_kernel) {
		fprintf(stderr, "dropledger explain: %s is neither a drop reason, a catalogued function nor an audited counter (dropledger explain --list)\n",
			what);
		dl_reasons__free(kr);
		rc = DL_EXIT_USAGE;
		goto out;
	}
	ctx.reason = reason;
	printf("%s", r.reason);
	if (in_kernel)
		printf(" (SKB_DROP_REASON_%s = %u in this kernel)", reason, code);
	else if (kr)
		printf(" (not a drop reason of this kernel)");
	printf("\n  category: %s\n  group:    %s%s\n  counter:  %s\n", r.category, r.group,
	       r.from_table ? "" : "  (derived from the name: not in the causes table)",
	       r.counter);
	dl_causes__render(r.summary, &ctx, buf, sizeof(buf));
	printf("  what:     %s\n", buf);
	dl_causes__render(r.advice, &ctx, buf, sizeof(buf));
	printf("  fix:      %s\n", buf);
	print_sites(c, r.reason, NULL);
	/* The same name as a counted-not-traced cause (TCP_LISTEN_OVERFLOW). */
	m = mib_cause(mib, r.reason);
	if (m) {
		printf("\n  also counted, not traced:\n");
		print_mib(mib, m->label);
	}
	dl_reasons__free(kr);
out:
	dl_causes__free(c);
	return rc;
}
