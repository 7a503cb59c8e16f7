// SPDX-License-Identifier: GPL-2.0-only
/* Netlink requests over libmnl; see nl.h. */
#include <errno.h>

#include "util/nl.h"

struct mnl_socket *dl_nl__open(int bus, unsigned int groups, int flags)
{
	struct mnl_socket *nl = mnl_socket_open2(bus, flags);
	int err;

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	return nl;
}

int dl_nl__request(struct mnl_socket *nl, const struct nlmsghdr *nlh, char *buf, size_t size,
		   int (*parse)(const char *buf, size_t n, void *ctx), void *ctx)
{
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, size);
		if (n < 0)
			return -errno;
		ret = parse(buf, (size_t)n, ctx);
	} while (ret > 0);
	return ret;
}

int dl_nl__parse_cb(const char *buf, size_t n, void *ctx)
{
	struct dl_nl_cb *c = ctx;
	int ret;

	errno = 0;
	ret = mnl_cb_run(buf, n, c->seq, c->portid, c->cb, c->data);
	if (ret == MNL_CB_ERROR)
		return errno ? -errno : -EBADMSG;
	return ret;
}
