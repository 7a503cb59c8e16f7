// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver of session_multi.sh: one report session over several interfaces
 * (the shape `watch` builds on): session_multi READY SECONDS IF...; one
 * JSON line per interface on stdout, exit 1 on any failure.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ledger/report_session.h"
#include "util/output.h"

static volatile sig_atomic_t stop;

int main(int argc, char **argv)
{
	struct dl_report_session_opts o = {};
	struct dl_report_session *s;
	char why[512];
	FILE *f;
	int err;

	if (argc < 4) {
		fprintf(stderr, "usage: session_multi READY SECONDS IF...\n");
		return 2;
	}
	o.ifnames = (const char *const *)argv + 3;
	o.nifs = (unsigned int)(argc - 3);
	o.ing.how = DL_ATTACH_LINK;
	o.ing.track_flows = true;
	o.ing.track_flow_queues = true;
	o.json = true;
	o.out = &dl_stdout;
	signal(SIGPIPE, SIG_IGN);
	dl_stdout.f = stdout;
	s = dl_report_session__start(&o, why, sizeof(why));
	if (!s) {
		fprintf(stderr, "session_multi: %s\n", why);
		return 1;
	}
	f = fopen(argv[1], "we");
	if (f)
		fclose(f);
	dl_report_session__wait(s, dl_report_session__t0(s) + atof(argv[2]), &stop);
	err = dl_report_session__finish(s);
	dl_report_session__free(s);
	dl_output__complain(&dl_stdout, "session_multi");
	return err ? 1 : 0;
}
