/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The difference of two readings of a monotonic counter, done once and
 * right: a 64-bit counter that goes backwards was reset (driver restart,
 * queue re-created) and yields no number; a narrower counter (softnet_stat
 * prints 32 bits) that goes backwards wrapped, and the modular difference
 * is the answer.
 */
#ifndef DL_COUNTER_H
#define DL_COUNTER_H

#include <stdint.h>

/*
 * *delta = cur - prev for a counter @bits wide (1..64). Returns 0, or
 * -ERANGE when a 64-bit counter went backwards (reset: *delta is set to 0,
 * never to a huge number), -EINVAL for a bad width or values wider than it.
 */
int dl_counter__delta(uint64_t prev, uint64_t cur, unsigned int bits, uint64_t *delta);

#endif
