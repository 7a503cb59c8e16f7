/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Netlink requests over libmnl, once for the readers that ask the kernel
 * something and read the answer (rtnetlink qdiscs and filters, generic
 * netlink queue statistics) and for watch's link-event socket.
 */
#ifndef DL_NL_H
#define DL_NL_H

#include <stddef.h>

#include <libmnl/libmnl.h>

/* A socket of @bus bound to @groups, @flags SOCK_*; NULL and errno. */
struct mnl_socket *dl_nl__open(int bus, unsigned int groups, int flags);

/*
 * Send @nlh on @nl, then receive into @buf (@size bytes) and hand each read
 * to @parse(@buf, bytes, @ctx) until it returns <= 0: 0 the reply is
 * complete, -errno it failed. Returns that, or -errno of the send or a
 * receive.
 */
int dl_nl__request(struct mnl_socket *nl, const struct nlmsghdr *nlh, char *buf, size_t size,
		   int (*parse)(const char *buf, size_t n, void *ctx), void *ctx);

/*
 * A @parse for dl_nl__request() that runs libmnl's callback loop: @cb per
 * message of the request (@seq, on @nl's port). Done on NLMSG_DONE, -errno
 * on an NLMSG_ERROR.
 */
struct dl_nl_cb {
	unsigned int seq, portid;
	mnl_cb_t cb;
	void *data;
};

int dl_nl__parse_cb(const char *buf, size_t n, void *ctx);

#endif
