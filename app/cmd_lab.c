// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger lab: the built-in lab (lib/lab.c) and its bounded traffic.
 * send and sink run in the current namespace; wrap them in
 * `ip netns exec <prefix>-a|b` (the demo and tests do).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "lab/lab.h"
#include "lab/lab_traffic.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: dropledger lab up|down|status [--prefix NAME] [--queues N]\n"
		"       dropledger lab send udp DST PORT COUNT [--sport P] [--src ADDR] [--size BYTES]\n"
		"       dropledger lab send lldp IFACE COUNT\n"
		"       dropledger lab sink PORT [--rcvbuf BYTES] [--duration S] [--bind ADDR] [--read]\n"
		"                               [--join GROUP]\n\n"
		"up creates namespaces NAME-a and NAME-b (default prefix %s) joined by\n"
		"v0a/v0b (198.18.0.1 <-> 198.18.0.2, N queues, default 4) and v1a/v1b\n"
		"(198.18.1.1 <-> 198.18.1.2), static neighbours, IPv6 off. down removes all\n"
		"of it. send/sink produce bounded traffic in the current namespace; sink\n"
		"binds a UDP port and never reads (slow reader; --rcvbuf makes it tiny), or\n"
		"with --read drains it and prints how many datagrams it received; --join\n"
		"joins a multicast group with imr_interface INADDR_ANY (the kernel picks\n"
		"the interface, seed 000's mistake).\n\n"
		"Examples:\n"
		"  dropledger lab up\n"
		"  ip netns exec dlab-a dropledger lab send udp 198.18.0.2 9000 100\n"
		"  ip netns exec dlab-a dropledger lab send lldp v0a 10\n"
		"  dropledger lab down\n",
		DL_LAB_PREFIX);
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static volatile sig_atomic_t sink_stop;

static void on_sig(int sig)
{
	(void)sig;
	sink_stop = 1;
}

static int do_sink(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "bind", required_argument, NULL, 'b' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "read", no_argument, NULL, 'D' },
		{ "join", required_argument, NULL, 'J' },
		{}
	};
	struct sigaction sa = { .sa_handler = on_sig };
	bool do_read = false;
	unsigned long got = 0;
	unsigned int port, rcvbuf = 0;
	const char *bind_addr = NULL, *ready = NULL, *group = NULL;
	double duration = 3600, waited = 0;
	int c, fd;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'r' && !parse_uint(optarg, 1 << 30, &rcvbuf))
			continue;
		if (c == 'd' && !cli_parse_seconds(optarg, &duration))
			continue;
		if (c == 'b') {
			bind_addr = optarg;
			continue;
		}
		if (c == 'R') {
			ready = optarg;
			continue;
		}
		if (c == 'D') {
			do_read = true;
			continue;
		}
		if (c == 'J') {
			group = optarg;
			continue;
		}
		usage(stderr);
		return DL_EXIT_USAGE;
	}
	if (optind + 1 != argc || parse_uint(argv[optind], 65535, &port)) {
		fprintf(stderr, "dropledger lab sink: PORT (1-65535) expected\n");
		return DL_EXIT_USAGE;
	}
	fd = dl_traffic__sink(bind_addr, port, (int)rcvbuf, group);
	if (fd < 0) {
		fprintf(stderr, "dropledger lab sink: cannot bind udp port %u%s%s: %s\n", port,
			group ? " and join " : "", group ? group : "", strerror(-fd));
		return DL_EXIT_FAIL;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	cli_ready(ready);
	while (!sink_stop && waited < duration) {
		char buf[2048];

		/* A reading sink drains what arrived, then naps. */
		while (do_read && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			got++;
		usleep(50000);
		waited += 0.05;
	}
	close(fd);
	if (do_read)
		printf("received %lu\n", got);
	return DL_EXIT_OK;
}

static int do_send(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "sport", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "src", required_argument, NULL, 'a' },
		{}
	};
	unsigned int sport = 0, size = 64, port, count;
	const char *src = NULL;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 's' && !parse_uint(optarg, 65535, &sport))
			continue;
		if (c == 'z' && !parse_uint(optarg, 1472, &size))
			continue;
		if (c == 'a') {
			src = optarg;
			continue;
		}
		usage(stderr);
		return DL_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (argc == 4 && !strcmp(argv[0], "udp") && !parse_uint(argv[2], 65535, &port) &&
	    !parse_uint(argv[3], 10000000, &count)) {
		err = dl_traffic__udp(src, argv[1], port, sport, count, size);
	} else if (argc == 3 && !strcmp(argv[0], "lldp") &&
		   !parse_uint(argv[2], 10000000, &count)) {
		err = dl_traffic__lldp(argv[1], count);
	} else {
		fprintf(stderr, "dropledger lab send: expected 'udp DST PORT COUNT' or 'lldp IFACE COUNT'\n");
		return DL_EXIT_USAGE;
	}
	if (err) {
		fprintf(stderr, "dropledger lab send %s: %s\n", argv[0], strerror(-err));
		return DL_EXIT_FAIL;
	}
	return DL_EXIT_OK;
}

int do_lab(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "prefix", required_argument, NULL, 'p' },
		{ "queues", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *prefix = NULL, *verb;
	unsigned int queues = 4;
	struct dl_lab lab;
	char why[256];
	int c, err;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? DL_EXIT_USAGE : DL_EXIT_OK;
	}
	verb = argv[1];
	if (!strcmp(verb, "send"))
		return do_send(argc - 1, argv + 1);
	if (!strcmp(verb, "sink"))
		return do_sink(argc - 1, argv + 1);
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'p') {
			prefix = optarg;
		} else if (c == 'q' && !parse_uint(optarg, 64, &queues) && queues) {
			continue;
		} else if (c == 'h') {
			usage(stdout);
			return DL_EXIT_OK;
		} else {
			usage(stderr);
			return DL_EXIT_USAGE;
		}
	}
	if (dl_lab__init(&lab, prefix, queues)) {
		fprintf(stderr, "dropledger lab: bad prefix '%s' (letters, digits, _; up to 15)\n",
			prefix);
		return DL_EXIT_USAGE;
	}
	if (!strcmp(verb, "status")) {
		printf("lab %s: %s\n", lab.prefix, dl_lab__exists(&lab) ? "up" : "down");
		return dl_lab__exists(&lab) ? DL_EXIT_OK : DL_EXIT_FAIL;
	}
	if (cli_check_caps("lab"))
		return DL_EXIT_FAIL;
	if (!strcmp(verb, "up")) {
		err = dl_lab__up(&lab, why, sizeof(why));
		if (err) {
			fprintf(stderr, "dropledger lab up: %s\n", why);
			return DL_EXIT_FAIL;
		}
		printf("lab %s up: %s (v0a 198.18.0.1, v1a 198.18.1.1) <-> %s (v0b 198.18.0.2, v1b 198.18.1.2), %u queues\n",
		       lab.prefix, lab.ns_a, lab.ns_b, lab.queues);
		return DL_EXIT_OK;
	}
	if (!strcmp(verb, "down")) {
		if (dl_lab__down(&lab)) {
			fprintf(stderr, "dropledger lab down: could not remove %s/%s\n",
				lab.ns_a, lab.ns_b);
			return DL_EXIT_FAIL;
		}
		printf("lab %s down\n", lab.prefix);
		return DL_EXIT_OK;
	}
	fprintf(stderr, "dropledger lab: unknown action '%s'\n", verb);
	usage(stderr);
	return DL_EXIT_USAGE;
}
