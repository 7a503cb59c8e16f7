/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One AF_XDP socket in copy mode with a umem of its own over an anonymous
 * mapping: the setup shared by the capture workers (RX) and the traffic
 * generator (TX). No XDP program is loaded here; the caller's redirects.
 */
#ifndef DL_XSK_H
#define DL_XSK_H

#include <stddef.h>

#include <xdp/xsk.h>

#define DL_XSK_FRAME 2048	/* bytes per umem frame */

struct dl_xsk {
	void *area;		/* NULL when not mapped */
	size_t area_len;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
};

struct dl_xsk_sizes {
	unsigned int frames;	/* umem frames of DL_XSK_FRAME bytes */
	unsigned int fill, comp;	/* umem ring sizes */
	unsigned int rx, tx;	/* socket ring sizes; 0: no such ring */
};

/*
 * Map the area, create the umem and bind the socket to @ifname queue
 * @queue. 0 or -errno with the failed step in @why ("" when the mapping
 * failed); dl_xsk__close() releases what was made either way.
 */
int dl_xsk__open(struct dl_xsk *x, const char *ifname, int queue,
		 const struct dl_xsk_sizes *sz, char *why, size_t why_len);
void dl_xsk__close(struct dl_xsk *x);

#endif
