/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How long a poll-mode worker sleeps after a poll that found less than a
 * batch. Each wakeup costs the CPUs the producers run on too (a timer
 * interrupt, two context switches, the ring heads' lines pulled over):
 * sleeping only after an empty poll, for a fixed 50 us, woke 20,000 times a
 * second at 1 record in 64 to find one record each time. So the nap
 * doubles from the minimum up to DL_NAP_MAX_US while polls keep finding
 * little, but never so long that a ring could fill past @quarter records
 * at the rate since the last nap began (records_lost stays 0 at any steady
 * rate; a burst from idle gets a ring's worth of headroom for 1 ms).
 */
#ifndef DL_NAP_H
#define DL_NAP_H

#define DL_NAP_MAX_US 1000

/*
 * The next nap after @nap, for @got records in the @since_us since the last
 * nap began, with @quarter records of room per ring; at least @min_us.
 */
static inline unsigned int dl_nap__next(unsigned int nap, unsigned int min_us,
					unsigned int got, double since_us,
					unsigned int quarter)
{
	double safe;

	nap = nap * 2 < DL_NAP_MAX_US ? nap * 2 : DL_NAP_MAX_US;
	if (got && since_us > 0) {
		safe = quarter * since_us / got;
		if (safe < nap)
			nap = (unsigned int)safe;
	}
	return nap > min_us ? nap : min_us;
}

#endif
