// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multicast receiver for the seed-000 lab test: join GROUP with
 * imr_interface = ADDR ("any": INADDR_ANY, so the kernel picks the
 * interface of the route to the group), bind PORT, read datagrams and keep
 * their count in COUNT_FILE (rewritten atomically) so the test can wait for
 * deliveries instead of sleeping. Runs until SIGTERM/SIGINT, 300 s at most.
 *
 *   mcast_join GROUP PORT any|ADDR READY_FILE COUNT_FILE
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static int write_file(const char *path, unsigned long n)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%lu\n", n);
	if (fclose(f))
		return -1;
	return rename(tmp, path);
}

int main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_sig };
	struct ip_mreqn mr = { 0 };
	unsigned long got = 0;
	time_t end = time(NULL) + 300;
	char buf[2048];
	int fd, port;

	if (argc != 6) {
		fprintf(stderr, "usage: mcast_join GROUP PORT any|ADDR READY_FILE COUNT_FILE\n");
		return 2;
	}
	port = atoi(argv[2]);
	if (inet_pton(AF_INET, argv[1], &mr.imr_multiaddr) != 1 || port <= 0 ||
	    port > 65535 || (strcmp(argv[3], "any") &&
			     inet_pton(AF_INET, argv[3], &mr.imr_address) != 1)) {
		fprintf(stderr, "mcast_join: bad group, port or address\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	me.sin_port = htons(port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
		fprintf(stderr, "mcast_join: %s\n", strerror(errno));
		return 1;
	}
	if (write_file(argv[5], 0) || write_file(argv[4], 1)) {
		fprintf(stderr, "mcast_join: cannot write %s / %s\n", argv[4], argv[5]);
		return 1;
	}
	while (!stop && time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			continue;
		got++;
		write_file(argv[5], got);
	}
	printf("%lu\n", got);
	close(fd);
	return 0;
}
