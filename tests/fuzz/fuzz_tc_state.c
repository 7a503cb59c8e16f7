// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: rtnetlink qdisc and filter replies as the verdict reads them
 * (verdict/tc_state): every message of the buffer through both parsers.
 */
#include <libmnl/libmnl.h>

#include "fuzz.h"
#include "verdict/tc_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)data;
	int len = (int)(size > 65536 ? 65536 : size);
	struct dl_tc_filter f;
	struct dl_qdisc q;
	char buf[512];

	/*
	 * mnl_nlmsg_ok() compares (int)nlmsg_len: a length of 2^31 or more
	 * passes it (and would wrap MNL_ALIGN() to 0: a walk that never moves).
	 * And libmnl walks attributes up to the message's 4-byte aligned end:
	 * the kernel pads every message, so a last message cut short of its
	 * padding is not one it sends. Arbitrary input does both.
	 */
	while (mnl_nlmsg_ok(nlh, len) && nlh->nlmsg_len <= (unsigned int)len &&
	       MNL_ALIGN(nlh->nlmsg_len) <= (unsigned int)len) {
		if (!dl_qdisc__parse(nlh, &q))
			dl_tc_rate__str(q.rate, buf, sizeof(buf));
		if (!dl_tc_filter__parse(nlh, &f))
			dl_tc_filter__str(&f, 1, buf, sizeof(buf));
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	return 0;
}
