// SPDX-License-Identifier: GPL-2.0-only
/* Bounded UDP sender; see udp_send.h. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/netns_exec.h"
#include "lab/udp_send.h"

#define SEND_RETRIES 1000	/* per datagram; ENOBUFS waits 100 us each */

struct send_job {
	const struct dl_udp_send_opts *o;
	__u64 sent;
};

static int to_sockaddr(const char *addr, __u16 port, struct sockaddr_storage *ss,
		       socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return 0;
	}
	return -EINVAL;
}

/* Errors IP_RECVERR reports from ICMP about earlier datagrams. */
static bool remote_error(int err)
{
	return err == -ECONNREFUSED || err == -EHOSTUNREACH || err == -ENETUNREACH ||
	       err == -EHOSTDOWN || err == -EPROTO;
}

static void drain_errors(int fd)
{
	char data[64], ctrl[512];
	int i;

	/* Bounded: the queue holds what arrived so far, never more. */
	for (i = 0; i < 1024; i++) {
		struct iovec iov = { data, sizeof(data) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };

		if (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
	}
}

static int send_all(void *arg)
{
	struct send_job *j = arg;
	const struct dl_udp_send_opts *o = j->o;
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen;
	size_t plen = o->payload ? o->payload : 64;
	int fd, one = 1, err = 0, tries;
	unsigned char *buf;
	__u64 seq;

	if (to_sockaddr(o->dst, o->dport, &dst, &dlen))
		return -EINVAL;
	if (o->src && (to_sockaddr(o->src, o->sport, &src, &slen) ||
		       src.ss_family != dst.ss_family))
		return -EINVAL;
	if (!o->src && o->sport) {
		/* A fixed source port needs a bind even without an address. */
		memset(&src, 0, sizeof(src));
		src.ss_family = dst.ss_family;
		if (dst.ss_family == AF_INET)
			((struct sockaddr_in *)&src)->sin_port = htons(o->sport);
		else
			((struct sockaddr_in6 *)&src)->sin6_port = htons(o->sport);
		slen = dst.ss_family == AF_INET ? sizeof(struct sockaddr_in) :
						  sizeof(struct sockaddr_in6);
	}
	buf = calloc(1, plen);
	if (!buf)
		return -ENOMEM;
	fd = socket(dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		goto out_free;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Without IP_RECVERR the kernel hides a full device queue as success. */
	if (dst.ss_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	if ((o->src || o->sport) && bind(fd, (struct sockaddr *)&src, slen)) {
		err = -errno;
		goto out_close;
	}
	for (seq = 0; seq < o->count; seq++) {
		__u64 be = htobe64(seq);

		memcpy(buf, &be, sizeof(be));
		for (tries = 0;; tries++) {
			struct timespec ts = { 0, 100000 };
			ssize_t n = sendto(fd, buf, plen, 0, (struct sockaddr *)&dst, dlen);

			if (n == (ssize_t)plen)
				break;
			/* UDP sends whole datagrams: a short count is a bug. */
			err = n < 0 ? -errno : -EIO;
			if (tries == SEND_RETRIES)
				goto out_close;
			if (remote_error(err)) {
				/* An ICMP error from an earlier datagram: not this one's. */
				drain_errors(fd);
				continue;
			}
			if (err != -ENOBUFS && err != -EAGAIN)
				goto out_close;
			nanosleep(&ts, NULL);
		}
		err = 0;
		j->sent++;
	}
out_close:
	close(fd);
out_free:
	free(buf);
	return err;
}

int dl_udp_send__run(const struct dl_udp_send_opts *o, __u64 *sent)
{
	struct send_job j = { .o = o };
	int err;

	if (sent)
		*sent = 0;
	if (!o || !o->dst || !o->count || o->count > DL_UDP_SEND_MAX ||
	    (o->payload && (o->payload < 8 || o->payload > 65000)))
		return -EINVAL;
	err = dl_netns__run(o->netns, send_all, &j);
	if (sent)
		*sent = j.sent;
	if (err)
		pr_debug("udp send to %s:%u: %s after %llu datagrams\n", o->dst, o->dport,
			 strerror(-err), (unsigned long long)j.sent);
	return err;
}
