// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory of the tap report path with many flows: dl_ingress attached to the
 * lab's 4-queue veth with a 1 M-entry flow table and mirroring every frame,
 * a tap session whose flow table holds 2 M slots, then N distinct flows
 * (default 1 M) fed through BPF_PROG_TEST_RUN of the attached program,
 * spread over rx queues 0-3. Prints peak RSS (VmHWM) before and after,
 * the kernel memory of the BPF flow table, and checks that every flow and
 * frame was accounted. Exit 1 on a count mismatch, 77 without root.
 * Usage: bench_tap_mem --rx-ns PATH [--flows N] [--worker-core C]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "agg.h"
#include "frame.h"
#include "ingress.h"
#include "labutil.h"
#include "log.h"
#include "tap_session.h"

#define RX_IF "v0b"
#define NQ 4

/* A "Name:   123 kB" line of /proc/self/status, in KiB. */
static long status_kib(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* memlock of a map fd as the kernel accounts it (/proc/self/fdinfo). */
static long map_memlock(int fd)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static int count_flow(const struct dl_agg_flow *f, void *ctx)
{
	__u64 *c = ctx;

	c[0]++;
	c[1] += f->records;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rx-ns", required_argument, NULL, 'r' },
		{ "flows", required_argument, NULL, 'n' },
		{ "worker-core", required_argument, NULL, 'w' },
		{},
	};
	struct dl_ingress_opts io = {
		.ifname = RX_IF, .how = DL_ATTACH_LINK, .track_flows = true,
		.sample_every = 1, .mirror_ring_bytes = 1 << 24,
		.flow_entries = 1 << 20,
	};
	struct dl_tap_session_opts to = { .ncpus = 1, .idle_us = 50,
					  .flow_slots = 1 << 21 };
	struct xdp_md ctx = {};
	struct dl_frame_spec fs = {
		.src_mac = { 2, 0, 0, 0, 0, 1 }, .dst_mac = { 2, 0, 0, 0, 0, 2 },
		.daddr = htonl(0xc6120002), .dport = 9, .len = 64,
	};
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct dl_tap_session *tap = NULL;
	struct dl_ingress *ing = NULL;
	const char *rx_ns = NULL;
	long hwm_start, hwm0, hwm1, rss1, tbl_kib;
	__u64 nflows = 1000000, i, agg[2] = {}, collided;
	struct dl_tap_totals t;
	unsigned char frame[128];
	char why[512], note[512];
	int opt, prog = -1, wcore = 1, rc = 1;
	size_t flen;
	json_t *j;
	char *dump;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'r': rx_ns = optarg; break;
		case 'n': nflows = strtoull(optarg, NULL, 10); break;
		case 'w': wcore = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!rx_ns || !nflows || nflows > (1ull << 24))
		return 2;
	dl_log__route_libbpf();
	if (lab_enter_ns(rx_ns))
		return 1;
	io.ifindex = (int)if_nametoindex(RX_IF);
	to.cpus = &wcore;
	hwm_start = status_kib("VmHWM");
	ing = dl_ingress__attach(&io, why, sizeof(why), note, sizeof(note));
	if (!ing) {
		fprintf(stderr, "SKIP: %s\n", why);
		return 77;
	}
	tap = dl_tap_session__start(ing, &to);
	if (!tap || bpf_xdp_query(io.ifindex, 0, &q) || !q.drv_prog_id ||
	    (prog = bpf_prog_get_fd_by_id(q.drv_prog_id)) < 0) {
		fprintf(stderr, "cannot start the session or find the program\n");
		goto out;
	}
	hwm0 = status_kib("VmHWM");

	ctx.ingress_ifindex = (__u32)io.ifindex;
	for (i = 0; i < nflows; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, ro, .data_in = frame,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

		/* Distinct 5-tuples: source 198.18.x.y, port 1024..65535. */
		fs.saddr = htonl(0xc6120000 | (__u32)(i / 64512) << 8 | 0x10);
		fs.sport = (__u16)(1024 + i % 64512);
		fs.flow_id = (__u32)(i % 1024);
		fs.seq = i / 1024;
		if (dl_frame__build_udp4(frame, sizeof(frame), &fs, &flen))
			goto out;
		ro.data_size_in = (__u32)flen;
		ctx.data_end = (__u32)flen;
		ctx.rx_queue_index = (__u32)(i % NQ);
		if (bpf_prog_test_run_opts(prog, &ro)) {
			fprintf(stderr, "test_run: %s\n", strerror(errno));
			goto out;
		}
	}
	/* Every record is committed before test_run returns: stop drains them. */
	dl_tap_session__stop(tap);
	dl_tap_session__totals(tap, &t);
	j = dl_tap_session__json(tap);
	dump = j ? json_dumps(j, JSON_COMPACT) : NULL;
	dl_agg__foreach_flow(dl_tap_session__agg(tap), count_flow, agg);
	hwm1 = status_kib("VmHWM");
	rss1 = status_kib("VmRSS");
	tbl_kib = map_memlock(dl_ingress__flow_map_fd(ing)) / 1024;

	CHECK(t.frames == nflows, "mirror saw %llu frames of %llu",
	      (unsigned long long)t.frames, (unsigned long long)nflows);
	CHECK(t.records_received == nflows && t.records_lost == 0,
	      "received %llu lost %llu of %llu", (unsigned long long)t.records_received,
	      (unsigned long long)t.records_lost, (unsigned long long)nflows);
	/* One record per flow: flows kept + overflowed + 32-bit hash collisions. */
	CHECK(agg[1] + t.flow_overflow == nflows,
	      "flow rows hold %llu records + %llu overflowed, %llu sent",
	      (unsigned long long)agg[1], (unsigned long long)t.flow_overflow,
	      (unsigned long long)nflows);
	collided = nflows - agg[0] - t.flow_overflow;
	CHECK(t.flow_overflow * 100 < nflows, "%llu flows overflowed the table",
	      (unsigned long long)t.flow_overflow);
	printf("tap report path, %llu distinct flows over %d rx queues (BPF_PROG_TEST_RUN):\n",
	       (unsigned long long)nflows, NQ);
	printf("  peak RSS at start         %8.1f MiB\n", hwm_start / 1024.0);
	printf("  peak RSS before traffic   %8.1f MiB (attach, 16 MiB ring per CPU, 1 worker:\n"
	       "                                         3 flow tables of 2 M slots, live/handoff/merged)\n",
	       hwm0 / 1024.0);
	printf("  peak RSS after report     %8.1f MiB (RSS now %.1f MiB, JSON %zu bytes)\n",
	       hwm1 / 1024.0, rss1 / 1024.0, dump ? strlen(dump) : (size_t)0);
	printf("  grew by                   %8.1f MiB = %.0f bytes per flow\n",
	       (hwm1 - hwm0) / 1024.0, (double)(hwm1 - hwm0) * 1024.0 / (double)nflows);
	printf("  BPF flow table (kernel)   %8.1f MiB memlock, 1 M entries (not in RSS)\n",
	       tbl_kib / 1024.0);
	printf("  session table: %llu flows, %llu found it full (probe limit), %llu shared a\n"
	       "  32-bit hash with another; records %llu, lost %llu\n",
	       (unsigned long long)agg[0], (unsigned long long)t.flow_overflow,
	       (unsigned long long)collided, (unsigned long long)t.records_received,
	       (unsigned long long)t.records_lost);
	free(dump);
	json_decref(j);
	rc = lab_failures ? 1 : 0;
out:
	if (prog >= 0)
		close(prog);
	dl_tap_session__free(tap);
	dl_ingress__destroy(ing);
	return rc;
}
