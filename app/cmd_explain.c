// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger explain REASON|FUNCTION: what a cause means and how to fix it,
 * from the same data the reports use (config/causes.tsv, functions.tsv).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "verdict/causes.h"
#include "cli.h"
#include "dl_config.h"
#include "trace/drop_reasons.h"
#include "util/params.h"

static const struct dl_cmd explain_cmd = {
	.name = "explain",
	.args = "REASON|FUNCTION",
	.doc = "What a kernel drop reason (e.g. SOCKET_RCVBUFF, "
		"SKB_DROP_REASON_NO_SOCKET) or a dropping kernel function (e.g. "
		"ip_rcv_finish, udp_queue_rcv_skb+953) means, its category and group, "
		"and the fix an expert would try.",
	.max_args = 1,
	.examples = "dropledger explain IP_RPFILTER\ndropledger explain ip_rcv_finish\n",
	.exit_codes = "0 ok, 1 the causes table cannot be read, 2 usage or a malformed causes "
		      "table (file:line)",
};

int do_explain(int argc, char **argv)
{
	static struct dl_params ps;
	static const struct dl_cause_ctx generic = {
		.iface = "<iface>", .queue = "<queue>", .flow = "<flow>",
		.dport = "<port>", .dst = "<dst>", .src = "<src>", .proto = "<proto>",
		.ethertype = "<ethertype>", .location = "<location>",
	};
	char err[256], reason[64], buf[1024];
	const char *fn_reason, *note;
	struct dl_cause_ctx ctx = generic;
	struct dl_reasons *kr;
	struct dl_causes *c;
	struct dl_cause_rule r;
	const char *what;
	uint32_t code;
	int rc;

	/* No options of its own: the table is only for --help and errors. */
	rc = cli_params(&ps, &explain_cmd, &ps, argc, argv);
	if (rc)
		return cli_parse_exit(rc);
	if (ps.nargs != 1)
		return cli_parse_exit(cli_usage_error("explain", "which reason or function?"));
	what = argv[ps.first_arg];
	c = dl_causes__load(NULL, err, sizeof(err));
	if (!c) {
		/* A malformed table is bad input (2); an unreadable one, runtime (1). */
		rc = errno == EINVAL ? DL_EXIT_USAGE : DL_EXIT_FAIL;
		fprintf(stderr, "dropledger explain: %s\n", err);
		/* A table that does not parse is bad input (2); unreadable is 1. */
		return errno == EINVAL ? DL_EXIT_USAGE : DL_EXIT_FAIL;
	}
	snprintf(reason, sizeof(reason), "%s",
		 strncasecmp(what, "SKB_DROP_REASON_", 16) ? what : what + 16);
	if (!dl_causes__function(c, what, &fn_reason, &note)) {
		snprintf(reason, sizeof(reason), "%s", fn_reason);
		printf("%s: kernel function that frees packets; usually %s\n  %s\n\n",
		       what, reason, note);
	}
	dl_causes__lookup(c, reason, &r);
	kr = dl_reasons__load(NULL);
	ctx.reason = reason;
	printf("%s", reason);
	if (kr && !dl_reasons__value(kr, reason, &code))
		printf(" (SKB_DROP_REASON_%s = %u in this kernel)", reason, code);
	else if (kr)
		printf(" (not a drop reason of this kernel)");
	printf("\n  category: %s\n  group:    %s%s\n", r.category, r.group,
	       r.from_table ? "" : "  (derived from the name: not in the causes table)");
	dl_causes__render(r.summary, &ctx, buf, sizeof(buf));
	printf("  what:     %s\n", buf);
	dl_causes__render(r.advice, &ctx, buf, sizeof(buf));
	printf("  fix:      %s\n", buf);
	dl_reasons__free(kr);
	dl_causes__free(c);
	return DL_EXIT_OK;
}
