// SPDX-License-Identifier: GPL-2.0-only
/*
 * --fail-on: the rules parse, bad ones are refused with a line naming
 * them, and a rule fires exactly when its threshold is crossed (counts,
 * rates per second, shares of arrivals, one reason); an absent counter
 * never fires.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "export/fail_on.h"
#include "ledger/ledger.h"

static struct dl_ledger_cause cause;

static void fill(struct dl_ledger *l, uint64_t drops, double secs)
{
	memset(l, 0, sizeof(*l));
	memset(&cause, 0, sizeof(cause));
	snprintf(l->ifname, sizeof(l->ifname), "v0b");
	l->duration_s = secs;
	l->xdp_seen = 1000;
	l->stack_dropped = drops;
	l->delivered = 1000 - drops - 10;
	l->residual = 10;
	cause.count = drops;
	cause.category = "socket";
	snprintf(cause.reason_name, sizeof(cause.reason_name), "NO_SOCKET");
	l->causes = &cause;
	l->ncauses = drops ? 1 : 0;
}

static void test_parse(void **state)
{
	char why[512];
	struct dl_fail_on *f;

	(void)state;
	f = dl_fail_on__parse("stack_dropped_rate>100/s, residual>1%,reason=NO_SOCKET>0", why, sizeof(why));
	assert_non_null(f);
	assert_int_equal(dl_fail_on__count(f), 3);
	assert_string_equal(dl_fail_on__rule(f, 1), "residual>1%");
	dl_fail_on__free(f);
	assert_null(dl_fail_on__parse("bogus>1", why, sizeof(why)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(why, "'bogus>1'"));
	assert_null(dl_fail_on__parse("residual>abc", why, sizeof(why)));
	assert_null(dl_fail_on__parse("stack_dropped_rate>5%", why, sizeof(why)));
	assert_null(dl_fail_on__parse("reason=>1", why, sizeof(why)));
	assert_null(dl_fail_on__parse(" , ", why, sizeof(why)));
	assert_null(dl_fail_on__parse("residual 3", why, sizeof(why)));
}

static void test_thresholds(void **state)
{
	struct dl_fail_on *f;
	struct dl_ledger l;
	char why[512], why2[512];

	(void)state;
	f = dl_fail_on__parse("stack_dropped_rate>100/s", why, sizeof(why));
	fill(&l, 200, 2.0);	/* exactly 100/s: not above */
	assert_int_equal(dl_fail_on__check(f, &l, why, sizeof(why)), -1);
	fill(&l, 202, 2.0);
	assert_int_equal(dl_fail_on__check(f, &l, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "v0b: stack_dropped_rate>100/s (measured 101/s)"));
	dl_fail_on__free(f);

	f = dl_fail_on__parse("residual>1%,reason=NO_SOCKET>0", why2, sizeof(why2));
	fill(&l, 0, 1.0);	/* residual 10 of 1000 = 1%: not above */
	assert_int_equal(dl_fail_on__check(f, &l, why, sizeof(why)), -1);
	l.residual = 11;
	assert_int_equal(dl_fail_on__check(f, &l, why, sizeof(why)), 0);
	fill(&l, 1, 1.0);
	assert_int_equal(dl_fail_on__check(f, &l, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "reason=NO_SOCKET>0"));
	/* No arrivals: a share means nothing and does not fire. */
	fill(&l, 0, 1.0);
	l.xdp_seen = 0;
	l.residual = 5;
	assert_int_equal(dl_fail_on__check(f, &l, why, sizeof(why)), -1);
	dl_fail_on__free(f);

	/* nic_dropped absent on this driver: never fires, never invented. */
	f = dl_fail_on__parse("nic_dropped>=0", why, sizeof(why));
	fill(&l, 0, 1.0);
	assert_int_equal(dl_fail_on__check(f, &l, why, sizeof(why)), -1);
	l.nic_dropped = (struct dl_opt){ .v = 0, .have = true };
	assert_int_equal(dl_fail_on__check(f, &l, why, sizeof(why)), 0);
	dl_fail_on__free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
