// SPDX-License-Identifier: GPL-2.0-only
/*
 * The wait of counting runs; see wait.h. 0.1 s steps: a stop, a vanished
 * interface or a closed reader is noticed within that, at no measurable cost.
 */
#include <net/if.h>
#include <time.h>

#include "util/log.h"
#include "util/output.h"
#include "util/wait.h"

double dl_wait__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct ifs_arg {
	const struct dl_wait_if *ifs;
	unsigned int n;
};

static bool ifs_unchanged(void *arg)
{
	const struct ifs_arg *a = arg;
	unsigned int i;

	for (i = 0; i < a->n; i++) {
		if ((int)if_nametoindex(a->ifs[i].ifname) != a->ifs[i].ifindex) {
			pr_warn("%s vanished during the interval: reporting what was counted until then\n",
				a->ifs[i].ifname);
			return false;
		}
	}
	return true;
}

bool dl_wait__until_check(double until, const volatile sig_atomic_t *stop,
			  bool (*check)(void *arg), void *arg, struct dl_output *out)
{
	double left;

	while (!*stop && (left = until - dl_wait__now()) > 0) {
		double step = left < 0.1 ? left : 0.1;
		struct timespec ts = { 0, (long)(step * 1e9) };

		nanosleep(&ts, NULL);
		/* A closed reader ends the run now, not at its first write. */
		if (out && dl_output__gone(out))
			return false;
		if (check && !check(arg))
			return false;
	}
	return !*stop;
}

bool dl_wait__until(double until, const volatile sig_atomic_t *stop,
		    const struct dl_wait_if *ifs, unsigned int n, struct dl_output *out)
{
	struct ifs_arg a = { ifs, n };

	return dl_wait__until_check(until, stop, ifs_unchanged, &a, out);
}
