/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one wait of every counting run: sleep until a deadline in short
 * steps, ending early on a stop signal, a watched interface vanishing, or
 * the output's reader going away (nobody would read what we count).
 */
#ifndef DL_WAIT_H
#define DL_WAIT_H

#include <signal.h>
#include <stdbool.h>

struct dl_output;

struct dl_wait_if {
	const char *ifname;
	int ifindex;
};

/* CLOCK_MONOTONIC in seconds. */
double dl_wait__now(void);
/*
 * Until @until (dl_wait__now seconds), *@stop, one of @ifs (n) no longer
 * being its ifindex (logged), or @out's reader gone (@out may be NULL).
 * Returns false when the run must end early.
 */
bool dl_wait__until(double until, const volatile sig_atomic_t *stop,
		    const struct dl_wait_if *ifs, unsigned int n, struct dl_output *out);
/*
 * The same with the run's own check each step instead of @ifs: @check
 * returns false when the run must end (it says why).
 */
bool dl_wait__until_check(double until, const volatile sig_atomic_t *stop,
			  bool (*check)(void *arg), void *arg, struct dl_output *out);

#endif
