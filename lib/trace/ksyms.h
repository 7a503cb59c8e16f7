/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel symbol table: /proc/kallsyms read once, sorted, searched by binary
 * search. Turns drop locations into "function+0xoff" without the online
 * lookups (dropwatch -l kas) that can crash old kernels.
 */
#ifndef DL_KSYMS_H
#define DL_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct dl_ksyms;

/*
 * Load a kallsyms-format file. NULL errno=EPERM when every address reads as
 * zero (kptr_restrict, not root), EBADMSG when no line parses.
 */
struct dl_ksyms *dl_ksyms__load(const char *path);
void dl_ksyms__free(struct dl_ksyms *ks);

/* Number of text symbols loaded. */
size_t dl_ksyms__count(const struct dl_ksyms *ks);

/*
 * Symbol containing @addr: its name and the offset into it.
 * Returns 0, or -ENOENT when @addr is below the first symbol.
 */
int dl_ksyms__resolve(const struct dl_ksyms *ks, uint64_t addr,
		      const char **name, uint64_t *off);

/* "udp_queue_rcv_one_skb+0x1a4", or "0xffffffff81234567" when unknown. */
void dl_ksyms__format(const struct dl_ksyms *ks, uint64_t addr, char *buf,
		      size_t len);

#endif
