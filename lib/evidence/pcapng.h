/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal pcapng writer: one Section Header Block, Interface Description
 * Blocks as devices appear, Enhanced Packet Blocks with a comment. Blocks
 * are written whole (one write(2) per batch of whole blocks), so a file cut
 * short stays readable up to its last whole block.
 */
#ifndef DL_PCAPNG_H
#define DL_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#define DL_LINKTYPE_ETHERNET 1

struct dl_pcapng;

/*
 * Start a section on @fd (not closed by the writer): the SHB is queued,
 * nothing is written before the first flush. @appl names the writer.
 */
struct dl_pcapng *dl_pcapng__new(int fd, const char *appl);
/*
 * Add an interface (IDB, nanosecond timestamps); its id (0, 1, ...) is
 * returned. @descr may be NULL.
 */
int dl_pcapng__add_if(struct dl_pcapng *w, const char *name, const char *descr,
		      uint16_t linktype, uint32_t snaplen);
/*
 * Queue one Enhanced Packet Block: @caplen bytes of a @len-byte frame seen
 * at @ts_ns (UNIX epoch, ns) on interface @if_id, with @comment (or NULL).
 * Flushes on its own once the queue holds 64 KiB.
 */
int dl_pcapng__packet(struct dl_pcapng *w, uint32_t if_id, uint64_t ts_ns,
		      const void *data, uint32_t caplen, uint32_t len,
		      const char *comment);
/* Write the queued whole blocks; 0 or -errno (then every later call fails). */
int dl_pcapng__flush(struct dl_pcapng *w);
/* Bytes written so far. */
uint64_t dl_pcapng__bytes(const struct dl_pcapng *w);
/* Flush and free; returns the flush result (or the earlier error). */
int dl_pcapng__close(struct dl_pcapng *w);

#endif
