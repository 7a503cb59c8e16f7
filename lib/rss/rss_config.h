/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NIC's actual RSS configuration, read with SIOCETHTOOL: RX ring count,
 * indirection table, hash key and function, which fields are hashed, and
 * the ntuple (flow director) rules turned into steering rules. Whatever a
 * driver does not expose (veth: EOPNOTSUPP) is absent, not an error.
 */
#ifndef DL_RSS_CONFIG_H
#define DL_RSS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/types.h>

#include "rss/steering_rules.h"
#include "rss/toeplitz.h"

/* Hash functions as ETHTOOL_GRSSH reports them (bits of hfunc). */
#define DL_RSS_HASH_TOP 0x1	/* Toeplitz */
#define DL_RSS_HASH_XOR 0x2
#define DL_RSS_HASH_CRC32 0x4
/* input_xfrm (Linux 6.8+): symmetric hashing of src/dst before Toeplitz. */
#define DL_RSS_XFRM_SYM_XOR 0x1

struct dl_rss_config {
	char ifname[IF_NAMESIZE];
	bool has_rings;
	__u32 rx_rings;		/* ETHTOOL_GRXRINGS */
	bool has_indir;
	__u32 indir_size;
	__u32 *indir;		/* queue per table slot */
	bool has_key;
	__u32 key_size;
	__u8 *key;
	bool has_hfunc;		/* from ETHTOOL_GRSSH; absent with GRXFHINDIR */
	__u32 hfunc;		/* DL_RSS_HASH_* bits; 0 = driver did not say */
	__u8 input_xfrm;	/* DL_RSS_XFRM_* bits */
	bool has_hash_fields;	/* ETHTOOL_GRXFH for tcp4 and udp4 */
	bool ports_tcp;		/* tcp4 hash includes the L4 ports */
	bool ports_udp;
	bool has_ntuple;	/* the driver answers ntuple queries */
	struct dl_steer_rules *ntuple;	/* rules it has (line = location) */
	__u32 ntuple_total;	/* rules the NIC holds */
	__u32 ntuple_skipped;	/* ... that the rule form cannot express */
	char ntuple_notes[512];	/* why they were skipped, "; "-joined */
};

/*
 * The ethtool transport: run one SIOCETHTOOL command @cmd (a struct
 * ethtool_* starting with its cmd word) on @ifname. 0 or -errno. The
 * default issues the ioctl; tests pass a simulated NIC.
 */
typedef int (*dl_ethtool_fn)(void *priv, const char *ifname, void *cmd);

/*
 * Read @ifname's RSS configuration in the caller's network namespace.
 * Returns 0 (check the has_* flags; none set means "not exposed"),
 * -ENODEV when there is no such interface, or another -errno.
 */
int dl_rss_config__read(const char *ifname, struct dl_rss_config **out);

/* Same through @fn (NULL: the real ioctl). */
int dl_rss_config__read_with(const char *ifname, dl_ethtool_fn fn, void *priv,
			     struct dl_rss_config **out);

void dl_rss_config__free(struct dl_rss_config *c);

/* True when the driver exposed anything at all. */
bool dl_rss_config__exposed(const struct dl_rss_config *c);

/*
 * Fill @tbl (pointing into @c) for queue prediction. Returns 0, -ENODATA
 * when the table or key is not exposed, -EOPNOTSUPP when the hash is not
 * plain Toeplitz (XOR, CRC32, symmetric input transform).
 */
int dl_rss_config__table(const struct dl_rss_config *c, struct dl_rss_table *tbl);

/*
 * One ntuple rule as a steering rule ("udp dport 5000 -> queue 3", line =
 * location). Returns 0, or -EOPNOTSUPP with the reason in @why for what
 * the rule form cannot say: other flow types, TOS, VLAN, MAC or user data
 * matches, non-prefix address masks, drop or RSS-context actions.
 */
int dl_rss_config__rule_from_spec(const struct ethtool_rx_flow_spec *fs,
				  struct dl_steer_rule *r, char *why, size_t why_len);

/* "toeplitz", "xor", "crc32", "unknown" (0) or "0x.." for other bits. */
const char *dl_rss_config__hfunc_name(__u32 hfunc, char *buf, size_t len);

/*
 * One line: "eth1: 4 RX rings, indirection table 128 entries over queues
 * 0-3, key 40 bytes, hash toeplitz, 2 ntuple rules" or "v1: RSS not
 * exposed by the driver".
 */
int dl_rss_config__summary(const struct dl_rss_config *c, char *buf, size_t len);

#endif
