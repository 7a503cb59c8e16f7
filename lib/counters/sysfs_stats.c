// SPDX-License-Identifier: GPL-2.0-only
/* Reader for /sys/class/net/IF/statistics; see sysfs_stats.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "counters/sysfs_stats.h"
#include "util/text_parse.h"

static const char *const names[DL_SYSFS__NR] = {
	[DL_SYSFS_RX_PACKETS] = "rx_packets",
	[DL_SYSFS_RX_BYTES] = "rx_bytes",
	[DL_SYSFS_RX_ERRORS] = "rx_errors",
	[DL_SYSFS_RX_DROPPED] = "rx_dropped",
	[DL_SYSFS_RX_MISSED_ERRORS] = "rx_missed_errors",
	[DL_SYSFS_RX_FIFO_ERRORS] = "rx_fifo_errors",
	[DL_SYSFS_RX_OVER_ERRORS] = "rx_over_errors",
	[DL_SYSFS_RX_CRC_ERRORS] = "rx_crc_errors",
	[DL_SYSFS_RX_FRAME_ERRORS] = "rx_frame_errors",
	[DL_SYSFS_RX_LENGTH_ERRORS] = "rx_length_errors",
	[DL_SYSFS_RX_NOHANDLER] = "rx_nohandler",
	[DL_SYSFS_RX_COMPRESSED] = "rx_compressed",
	[DL_SYSFS_MULTICAST] = "multicast",
	[DL_SYSFS_TX_PACKETS] = "tx_packets",
	[DL_SYSFS_TX_BYTES] = "tx_bytes",
	[DL_SYSFS_TX_ERRORS] = "tx_errors",
	[DL_SYSFS_TX_DROPPED] = "tx_dropped",
	[DL_SYSFS_TX_ABORTED_ERRORS] = "tx_aborted_errors",
	[DL_SYSFS_TX_CARRIER_ERRORS] = "tx_carrier_errors",
	[DL_SYSFS_TX_FIFO_ERRORS] = "tx_fifo_errors",
	[DL_SYSFS_TX_HEARTBEAT_ERRORS] = "tx_heartbeat_errors",
	[DL_SYSFS_TX_WINDOW_ERRORS] = "tx_window_errors",
	[DL_SYSFS_TX_COMPRESSED] = "tx_compressed",
	[DL_SYSFS_COLLISIONS] = "collisions",
};

const char *dl_sysfs_stat__name(enum dl_sysfs_stat s)
{
	return (unsigned int)s < DL_SYSFS__NR ? names[s] : NULL;
}

/* 0 with the value, -ENOENT if absent/unreadable, -EBADMSG if not a number. */
static int read_one(int dirfd, const char *dir, const char *name, uint64_t *v)
{
	char buf[64];
	ssize_t n;
	size_t len;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	/* Some virtual devices fail the read itself: treat as absent. */
	if (n < 0)
		return -ENOENT;
	len = n;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (dl_text__u64(buf, len, 10, v)) {
		pr_warn("%s/%s: not a decimal counter\n", dir, name);
		return -EBADMSG;
	}
	return 0;
}

int dl_sysfs_stats__read_dir(const char *dir, struct dl_sysfs_stats *out)
{
	int dirfd, err = 0;

	if (!dir || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	for (int i = 0; i < DL_SYSFS__NR; i++) {
		int r = read_one(dirfd, dir, names[i], &out->v[i]);

		if (!r)
			out->have |= 1u << i;
		else if (r == -EBADMSG)
			err = r;
	}
	close(dirfd);
	return err;
}

int dl_sysfs_stats__read(const char *ifname, struct dl_sysfs_stats *out)
{
	char path[PATH_MAX];

	if (!ifname || !out || !*ifname || strlen(ifname) >= IF_NAMESIZE ||
	    strchr(ifname, '/') || !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics", ifname);
	return dl_sysfs_stats__read_dir(path, out);
}

int dl_sysfs_stats__get(const struct dl_sysfs_stats *s, enum dl_sysfs_stat st,
			uint64_t *val)
{
	if (!s || !val || (unsigned int)st >= DL_SYSFS__NR)
		return -EINVAL;
	if (!(s->have & (1u << st)))
		return -ENOENT;
	*val = s->v[st];
	return 0;
}

int dl_sysfs__if_flags(const char *ifname, unsigned long *flags)
{
	char path[128], buf[32] = "", *end;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/flags", ifname);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	errno = 0;
	*flags = strtoul(buf, &end, 16);	/* "0x1003" */
	return end == buf || errno ? -EBADMSG : 0;
}

unsigned int dl_sysfs__rx_queues(const char *ifname)
{
	char path[128];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "rx-", 3))
			n++;
	closedir(d);
	return n;
}
