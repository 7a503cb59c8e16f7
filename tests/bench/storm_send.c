// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sender of the drop storm benchmark (storm_cost.sh): join a network
 * namespace, pin to one CPU, send COUNT small UDP datagrams to DST:9 (a
 * closed port) with sendmmsg, print the sender's wall ns per datagram.
 * On veth the receive path and the drop run on the sender's CPU, so this
 * time includes everything attached to the receiving side.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static char payload[22];
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct iovec iov = { payload, sizeof(payload) };
	struct mmsghdr msgs[BATCH];
	long count, sent = 0;
	cpu_set_t set;
	int nsfd, fd, i, cpu;
	double t0, t1;

	if (argc != 5) {
		fprintf(stderr, "usage: storm_send NETNS_PATH DST_IP COUNT CPU\n");
		return 2;
	}
	count = atol(argv[3]);
	cpu = atoi(argv[4]);
	nsfd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
		fprintf(stderr, "storm_send: cannot enter %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "storm_send: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1 || count <= 0) {
		fprintf(stderr, "storm_send: bad destination or count\n");
		return 2;
	}
	for (i = 0; i < BATCH; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_ns();
	while (sent < count) {
		int n = (int)(count - sent < BATCH ? count - sent : BATCH);

		n = sendmmsg(fd, msgs, (unsigned int)n, 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED)
				continue;
			fprintf(stderr, "storm_send: %s\n", strerror(errno));
			return 1;
		}
		sent += n;
	}
	t1 = now_ns();
	printf("%.2f\n", (t1 - t0) / (double)count);
	return 0;
}
