// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger lab: the built-in lab (lib/lab.c) and its bounded traffic.
 * send and sink run in the current namespace; wrap them in
 * `ip netns exec <prefix>-a|b` (the demo and tests do).
 */
#include <errno.h>
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
#include "util/params.h"

struct lab_opts {
	const char *prefix;
	unsigned int queues;
};

static const struct dl_param lab_table[] = {
	DL_OPT_STRING("prefix", 0, struct lab_opts, prefix, "NAME",
		      "namespaces NAME-a and NAME-b (default " DL_LAB_PREFIX
		      "; letters, digits, _; up to 15)"),
	DL_OPT_UINT("queues", 0, struct lab_opts, queues, 1, 64, "N",
		    "queues of the v0a/v0b veth (default 4)"),
	{}
};

static const struct dl_cmd lab_cmd = {
	.name = "lab",
	.args = "up|down|status [--prefix NAME] [--queues N]\n"
		"       dropledger lab send udp DST PORT COUNT [options]\n"
		"       dropledger lab send lldp IFACE COUNT\n"
		"       dropledger lab sink PORT [options]",
	.doc = "up creates namespaces NAME-a and NAME-b (default prefix " DL_LAB_PREFIX ") "
	       "joined by v0a/v0b (198.18.0.1 <-> 198.18.0.2, N queues, default 4) and "
	       "v1a/v1b (198.18.1.1 <-> 198.18.1.2), static neighbours, IPv6 off. down "
	       "removes all of it. send/sink produce bounded traffic in the current "
	       "namespace ('dropledger lab send --help', 'dropledger lab sink --help').",
	.opts = lab_table,
	.max_args = 1,
	.examples =
		"dropledger lab up\n"
		"ip netns exec dlab-a dropledger lab send udp 198.18.0.2 9000 100\n"
		"ip netns exec dlab-a dropledger lab send lldp v0a 10\n"
		"dropledger lab down\n",
	.exit_codes = "0 ok (status: the lab is up), 1 runtime failure (status: the lab is "
		"down), 2 usage",
};

struct sink_opts {
	unsigned int rcvbuf;
	const char *bind_addr;
	bool do_read;
	const char *group;
	struct dl_common_opts c;
};

static const struct dl_param sink_table[] = {
	DL_OPT_UINT("rcvbuf", 0, struct sink_opts, rcvbuf, 0, 1 << 30, "BYTES",
		    "SO_RCVBUF (the kernel doubles it and has a floor): a slow reader"),
	DL_OPT_STRING("bind", 0, struct sink_opts, bind_addr, "ADDR",
		      "address to bind (default: any)"),
	DL_OPT_FLAG("read", 0, struct sink_opts, do_read,
		    "drain the socket and print how many datagrams it received"),
	DL_OPT_STRING("join", 0, struct sink_opts, group, "GROUP",
		      "join multicast GROUP with imr_interface INADDR_ANY (the kernel "
		      "picks the interface, seed 000's mistake)"),
	DL_OPT_SECONDS("duration", 'd', struct sink_opts, c.duration, 0, 86400.0 * 365,
		       "how long to stay (default 3600; SIGINT/SIGTERM end it)",
		       .flags = DL_OPTF_GT_MIN),
	{}
};

static const struct dl_cmd sink_cmd = {
	.name = "lab sink",
	.args = "PORT [options]",
	.doc = "Bind UDP PORT in the current namespace and never read (a slow reader; "
		"--rcvbuf makes it tiny), or with --read drain it and print how many "
		"datagrams arrived.",
	.opts = sink_table,
	.common = DL_COMMON_DURATION | DL_COMMON_READY,
	.common_off = offsetof(struct sink_opts, c),
	.max_args = 1,
	.examples =
		"ip netns exec dlab-b dropledger lab sink 9001 --rcvbuf 1\n"
		"ip netns exec dlab-b dropledger lab sink 7002 --join 239.1.2.3 --read -d 5\n",
};

struct send_opts {
	unsigned int sport;
	unsigned int size;
	const char *src;
};

static const struct dl_param send_table[] = {
	DL_OPT_UINT("sport", 0, struct send_opts, sport, 0, 65535, "PORT",
		    "source port (default: any)"),
	DL_OPT_UINT("size", 0, struct send_opts, size, 0, 1472, "BYTES",
		    "UDP payload bytes (default 64)"),
	DL_OPT_STRING("src", 0, struct send_opts, src, "ADDR",
		      "source address (default: the route's)"),
	{}
};

static const struct dl_cmd send_cmd = {
	.name = "lab send",
	.args = "udp DST PORT COUNT [options] | lldp IFACE COUNT",
	.doc = "Send COUNT UDP datagrams to DST:PORT, or COUNT LLDP frames out of "
		"IFACE, from the current namespace.",
	.opts = send_table,
	.max_args = 4,
	.examples =
		"ip netns exec dlab-a dropledger lab send udp 198.18.0.2 9000 100 --sport 40000\n"
		"ip netns exec dlab-a dropledger lab send lldp v0a 10\n",
};

/* A positional number: parsed like every option, named in the error. */
static int arg_uint(const char *cmd, const char *what, const char *s, unsigned int lo,
		    unsigned int hi, unsigned int *out)
{
	char esc[64];
	uint64_t v;

	if (!dl_parse__u64(s, lo, hi, &v)) {
		*out = (unsigned int)v;
		return 0;
	}
	return cli_usage_error(cmd, "%s: '%s' is not a whole number %u..%u", what,
			       dl_params__escape(s, esc, sizeof(esc)), lo, hi);
}

static volatile sig_atomic_t sink_stop;

static void on_sig(int sig)
{
	(void)sig;
	sink_stop = 1;
}

static int do_sink(int argc, char **argv)
{
	static struct dl_params ps;
	struct sigaction sa = { .sa_handler = on_sig };
	struct sink_opts o = { .c.duration = 3600 };
	unsigned long got = 0;
	unsigned int port;
	double waited = 0;
	int fd, err;

	err = cli_params(&ps, &sink_cmd, &o, argc, argv);
	if (err)
		return cli_parse_exit(err);
	if (ps.nargs != 1)
		return cli_parse_exit(cli_usage_error("lab sink", "PORT missing"));
	if (arg_uint("lab sink", "PORT", argv[ps.first_arg], 1, 65535, &port))
		return DL_EXIT_USAGE;
	fd = dl_traffic__sink(o.bind_addr, port, (int)o.rcvbuf, o.group);
	if (fd < 0) {
		fprintf(stderr, "dropledger lab sink: cannot bind udp port %u%s%s: %s\n", port,
			o.group ? " and join " : "", o.group ? o.group : "", strerror(-fd));
		return DL_EXIT_FAIL;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	cli_ready(o.c.ready_file);
	while (!sink_stop && waited < o.c.duration) {
		char buf[2048];

		/* A reading sink drains what arrived, then naps. */
		while (o.do_read && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			got++;
		usleep(50000);
		waited += 0.05;
	}
	close(fd);
	if (o.do_read)
		printf("received %lu\n", got);
	return DL_EXIT_OK;
}

static int do_send(int argc, char **argv)
{
	static struct dl_params ps;
	struct send_opts o = { .size = 64 };
	unsigned int port, count;
	int err;

	err = cli_params(&ps, &send_cmd, &o, argc, argv);
	if (err)
		return cli_parse_exit(err);
	argc = ps.nargs;
	argv += ps.first_arg;
	if (argc == 4 && !strcmp(argv[0], "udp")) {
		if (arg_uint("lab send", "PORT", argv[2], 1, 65535, &port) ||
		    arg_uint("lab send", "COUNT", argv[3], 0, 10000000, &count))
			return DL_EXIT_USAGE;
		err = dl_traffic__udp(o.src, argv[1], port, o.sport, count, o.size);
	} else if (argc == 3 && !strcmp(argv[0], "lldp")) {
		if (arg_uint("lab send", "COUNT", argv[2], 0, 10000000, &count))
			return DL_EXIT_USAGE;
		err = dl_traffic__lldp(argv[1], count);
	} else {
		return cli_parse_exit(cli_usage_error("lab send",
			"expected 'udp DST PORT COUNT' or 'lldp IFACE COUNT'"));
	}
	if (err) {
		fprintf(stderr, "dropledger lab send %s: %s\n", argv[0], strerror(-err));
		return DL_EXIT_FAIL;
	}
	return DL_EXIT_OK;
}

int do_lab(int argc, char **argv)
{
	static struct dl_params ps;
	struct lab_opts o = { .queues = 4 };
	const char *verb;
	struct dl_lab lab;
	char why[256];
	int err;

	if (argc >= 2 && !strcmp(argv[1], "send"))
		return do_send(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "sink"))
		return do_sink(argc - 1, argv + 1);
	err = cli_params(&ps, &lab_cmd, &o, argc, argv);
	if (err)
		return cli_parse_exit(err);
	if (ps.nargs != 1)
		return cli_parse_exit(cli_usage_error("lab",
			"which action? up, down, status, send or sink"));
	verb = argv[ps.first_arg];
	if (strcmp(verb, "up") && strcmp(verb, "down") && strcmp(verb, "status"))
		return cli_parse_exit(cli_usage_error("lab", "unknown action '%s'",
						      dl_params__escape(verb, why, sizeof(why))));
	if (dl_lab__init(&lab, o.prefix, o.queues))
		return cli_parse_exit(cli_usage_error("lab",
			"--prefix: '%s' is not letters, digits and _, up to 15",
			dl_params__escape(o.prefix, why, sizeof(why))));
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
	return DL_EXIT_USAGE;
}
