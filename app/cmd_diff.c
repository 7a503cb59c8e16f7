// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger diff A B: two saved report runs (report --save) of one
 * interface compared, cause by cause, queue by queue and the RSS shares;
 * exit 3 when B is significantly worse, for CI on benchmark hosts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evidence/diff.h"
#include "util/output.h"

#define DL_EXIT_WORSE 3

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: dropledger diff [options] A.json B.json\n"
		"Compare two runs of one interface saved with 'report --save FILE': drops per\n"
		"frame seen by cause and by queue, and each queue's share of arrivals (RSS).\n"
		"A change is flagged when a two-proportion z-test on the counts says it is\n"
		"beyond noise (Poisson rate per second when a run saw no frames), at least one\n"
		"run has enough of them, and the rate moved enough to matter.\n\n"
		"Options:\n"
		"  -j, --json            one JSON object instead of tables\n"
		"      --z Z             |z| beyond noise (default 3.0, about 1 in 370 by chance)\n"
		"      --min-count N     drops needed in one of the runs (default 10)\n"
		"      --min-change F    relative change of the rate that matters (default 0.1)\n"
		"  -h, --help            this text\n\n"
		"Examples:\n"
		"  dropledger report -i eth1 -d 60 --save before.json\n"
		"  dropledger report -i eth1 -d 60 --save after.json\n"
		"  dropledger diff before.json after.json || echo regression\n\n"
		"Exit codes: 0 no change for the worse, 3 B is significantly worse,\n"
		"2 usage or an unreadable run file, 1 output failure.\n");
}

static int parse_num(const char *name, const char *arg, double min, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || *out < min) {
		fprintf(stderr, "dropledger diff: --%s takes a number >= %g, not '%s'\n", name,
			min, arg);
		return -EINVAL;
	}
	return 0;
}

int do_diff(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "z", required_argument, NULL, 'z' },
		{ "min-count", required_argument, NULL, 'n' },
		{ "min-change", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct dl_run_diff_opts o = {};
	json_t *a = NULL, *b = NULL, *d = NULL;
	int c, rc = DL_EXIT_USAGE;
	bool json = false;
	char why[512];
	double v;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'z':
			if (parse_num("z", optarg, 0.5, &o.z))
				return DL_EXIT_USAGE;
			break;
		case 'n':
			if (parse_num("min-count", optarg, 1, &v))
				return DL_EXIT_USAGE;
			o.min_count = (uint64_t)v;
			break;
		case 'm':
			if (parse_num("min-change", optarg, 0.001, &o.min_change))
				return DL_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return DL_EXIT_OK;
		default:
			usage(stderr);
			return DL_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "dropledger diff: two runs to compare (A.json B.json)\n");
		return DL_EXIT_USAGE;
	}
	a = dl_run_diff__load(argv[optind], why, sizeof(why));
	if (a)
		b = dl_run_diff__load(argv[optind + 1], why, sizeof(why));
	if (b)
		d = dl_run_diff__compare(a, b, &o, why, sizeof(why));
	if (!d) {
		fprintf(stderr, "dropledger diff: %s\n", why);
		goto out;
	}
	if (json)
		dl_output__json(&dl_stdout, "diff", d);
	else
		dl_run_diff__print_text(d, stdout);
	if (dl_output__check(&dl_stdout))
		rc = DL_EXIT_FAIL;
	else
		rc = json_is_true(json_object_get(d, "worse")) ? DL_EXIT_WORSE : DL_EXIT_OK;
out:
	json_decref(a);
	json_decref(b);
	json_decref(d);
	return rc;
}
