/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --fail-on thresholds: 'stack_dropped_rate>100/s,residual>1%,reason=NO_SOCKET>0'.
 * A rule is QUANTITY OP NUMBER[/s|%]: a count over the interval, a rate
 * (a _rate name or /s) or a share of the frames seen at XDP (%). A counter
 * the device lacks never fires a rule: no number is invented.
 */
#ifndef DL_FAIL_ON_H
#define DL_FAIL_ON_H

#include <stdbool.h>
#include <stddef.h>

struct dl_ledger;
struct dl_fail_on;

/*
 * Parse @spec. NULL + errno (EINVAL, ENOMEM) with one line in @why naming
 * the bad rule and what is accepted.
 */
struct dl_fail_on *dl_fail_on__parse(const char *spec, char *why, size_t why_len);
void dl_fail_on__free(struct dl_fail_on *f);

unsigned int dl_fail_on__count(const struct dl_fail_on *f);
/* The rule as the operator wrote it (trimmed). */
const char *dl_fail_on__rule(const struct dl_fail_on *f, unsigned int i);

/*
 * Does rule @i fire on ledger @l (an interval or a whole run, with
 * duration_s set)? *value gets the measured quantity (count, per second
 * or percent) when the ledger has it. -ENOENT: the counter is absent.
 */
int dl_fail_on__eval(const struct dl_fail_on *f, unsigned int i, const struct dl_ledger *l,
		     bool *fired, double *value);

/*
 * The first rule that fires on @l, or -1. @why: "IF: RULE (measured X)".
 */
int dl_fail_on__check(const struct dl_fail_on *f, const struct dl_ledger *l,
		      char *why, size_t why_len);

#endif
