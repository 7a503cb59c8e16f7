// SPDX-License-Identifier: GPL-2.0-only
/* AF_XDP socket and umem setup, see xsk.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "linerate/xsk.h"

int dl_xsk__open(struct dl_xsk *x, const char *ifname, int queue,
		 const struct dl_xsk_sizes *sz, char *why, size_t why_len)
{
	struct xsk_umem_config ucfg = {
		.fill_size = sz->fill,
		.comp_size = sz->comp,
		.frame_size = DL_XSK_FRAME,
	};
	struct xsk_socket_config scfg = {
		.rx_size = sz->rx,
		.tx_size = sz->tx,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	int err;

	memset(x, 0, sizeof(*x));
	if (why_len)
		why[0] = 0;
	x->area_len = (size_t)sz->frames * DL_XSK_FRAME;
	x->area = mmap(NULL, x->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&x->umem, x->area, x->area_len, &x->fill, &x->comp, &ucfg);
	if (err) {
		snprintf(why, why_len, "cannot create AF_XDP umem: %s", strerror(-err));
		return err;
	}
	err = xsk_socket__create(&x->xsk, ifname, (__u32)queue, x->umem,
				 sz->rx ? &x->rx : NULL, sz->tx ? &x->tx : NULL, &scfg);
	if (err)
		snprintf(why, why_len, "cannot create AF_XDP socket: %s", strerror(-err));
	return err;
}

void dl_xsk__close(struct dl_xsk *x)
{
	xsk_socket__delete(x->xsk);
	xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, x->area_len);
	memset(x, 0, sizeof(*x));
}
