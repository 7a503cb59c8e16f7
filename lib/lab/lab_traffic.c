// SPDX-License-Identifier: GPL-2.0-only
/* Bounded lab traffic; see lab_traffic.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/lab_traffic.h"

int dl_traffic__udp(const char *src, const char *dst, unsigned int dport,
		    unsigned int sport, unsigned int count, unsigned int size)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(dport) };
	char buf[1472] = "dropledger lab";
	unsigned int i;
	int fd, err = 0;

	if (size > sizeof(buf) || dport > 65535 || sport > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, dst, &to.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sport || src) {
		struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(sport) };

		if (src && inet_pton(AF_INET, src, &me.sin_addr) != 1) {
			err = -EINVAL;
			goto out;
		}
		if (bind(fd, (struct sockaddr *)&me, sizeof(me))) {
			err = -errno;
			goto out;
		}
	}
	for (i = 0; i < count; i++) {
		/* ICMP errors from a closed port surface as ECONNREFUSED: ignore. */
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
		    errno != ECONNREFUSED) {
			err = -errno;
			goto out;
		}
	}
out:
	close(fd);
	return err;
}

int dl_traffic__lldp(const char *ifname, unsigned int count)
{
	/* Nearest-bridge group address, chassis/port/TTL/end TLVs. */
	static const unsigned char frame[] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x02, 0xd1, 0x00, 0x00, 0x00, 0x99,
		0x88, 0xcc,
		0x02, 0x07, 0x04, 0x02, 0xd1, 0x00, 0x00, 0x00, 0x99,	/* chassis: MAC */
		0x04, 0x05, 0x05, 'v', '0', 'a', 0x00,			/* port: ifname */
		0x06, 0x02, 0x00, 0x78,					/* TTL 120 */
		0x00, 0x00,						/* end */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	unsigned int i;
	int fd, err = 0;

	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		return -ENODEV;
	memcpy(sll.sll_addr, frame, ETH_ALEN);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (i = 0; i < count; i++) {
		if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll,
			   sizeof(sll)) < 0) {
			err = -errno;
			break;
		}
	}
	close(fd);
	return err;
}

int dl_traffic__sink(const char *bind_addr, unsigned int port, int rcvbuf,
		     const char *group)
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct ip_mreq mr = { .imr_interface.s_addr = htonl(INADDR_ANY) };
	int fd, err;

	if (bind_addr && inet_pton(AF_INET, bind_addr, &me.sin_addr) != 1)
		return -EINVAL;
	if (group && (inet_pton(AF_INET, group, &mr.imr_multiaddr) != 1 ||
		      !IN_MULTICAST(ntohl(mr.imr_multiaddr.s_addr))))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		goto fail;
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)))
		goto fail;
	if (group && setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}
