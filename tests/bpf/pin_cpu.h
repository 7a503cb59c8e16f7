/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flow cache is per CPU and BPF_PROG_TEST_RUN runs on the caller's CPU:
 * tests that count what one CPU's cache flushed must not migrate between
 * runs (meson runs other tests beside them).
 */
#ifndef DL_TEST_PIN_CPU_H
#define DL_TEST_PIN_CPU_H

#include <sched.h>

static inline void pin_one_cpu(void)
{
	cpu_set_t set;
	int cpu;

	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
		;
	assert_true(cpu < CPU_SETSIZE);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
}

#endif
