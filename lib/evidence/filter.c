// SPDX-License-Identifier: GPL-2.0-only
/* pcap-filter expressions through libpcap; see filter.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "evidence/filter.h"
#include "dropledger_shared.h"

struct dl_pkt_filter {
	struct bpf_program prog;
	char *expr;
};

struct dl_pkt_filter *dl_pkt_filter__compile(const char *expr, char *err, size_t err_len)
{
	struct dl_pkt_filter *f;
	pcap_t *p;

	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->expr = strdup(expr);
	p = pcap_open_dead(DLT_EN10MB, DL_PCAP_SNAP_MAX);
	if (!f->expr || !p) {
		snprintf(err, err_len, "out of memory");
		goto fail;
	}
	if (pcap_compile(p, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, err_len, "bad filter '%s': %s", expr, pcap_geterr(p));
		pcap_close(p);
		free(f->expr);
		free(f);
		errno = EINVAL;
		return NULL;
	}
	pcap_close(p);
	return f;
fail:
	if (p)
		pcap_close(p);
	free(f->expr);
	free(f);
	errno = ENOMEM;
	return NULL;
}

void dl_pkt_filter__free(struct dl_pkt_filter *f)
{
	if (!f)
		return;
	pcap_freecode(&f->prog);
	free(f->expr);
	free(f);
}

const char *dl_pkt_filter__expr(const struct dl_pkt_filter *f)
{
	return f->expr;
}

bool dl_pkt_filter__match(const struct dl_pkt_filter *f, const void *data,
			  uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h = { .caplen = caplen, .len = len };

	return pcap_offline_filter(&f->prog, &h, data) != 0;
}
