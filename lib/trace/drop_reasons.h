/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Drop-reason names of the running kernel, read from its BTF
 * (enum skb_drop_reason), never from a table compiled into the tool: the
 * enum grows and renumbers between kernel releases.
 */
#ifndef DL_DROP_REASONS_H
#define DL_DROP_REASONS_H

#include <stdint.h>

struct dl_reasons;

/*
 * Load from a BTF file (NULL: the running kernel's vmlinux BTF).
 * NULL with errno ENOENT when the kernel has no enum skb_drop_reason
 * (older than 5.17: drops then carry no reason).
 */
struct dl_reasons *dl_reasons__load(const char *btf_path);
void dl_reasons__free(struct dl_reasons *r);

/* "NO_SOCKET" for the value; NULL when the kernel does not define it. */
const char *dl_reasons__name(const struct dl_reasons *r, uint32_t value);

/* Value of a name ("NO_SOCKET" or "SKB_DROP_REASON_NO_SOCKET"); -ENOENT. */
int dl_reasons__value(const struct dl_reasons *r, const char *name,
		      uint32_t *value);

/* Number of names known. */
unsigned int dl_reasons__count(const struct dl_reasons *r);

#endif
