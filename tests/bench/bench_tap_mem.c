// SPDX-License-Identifier: GPL-2.0-only
/*
 * Peak RSS of report's two paths with many flows on the lab's 4-queue veth,
 * each in its own child process (VmHWM only grows): the default path
 * (dl_ingress with a 1 M-entry LRU flow table, per-queue counters and the
 * per-(flow, queue) table read as report does) and the tap path (the same
 * plus mirroring every frame to 16 MiB per-CPU rings, one worker, a tap
 * session counting up to 1 M flows). N distinct flows (default 1 M) go
 * through BPF_PROG_TEST_RUN of the attached program, spread over rx queues
 * 0-3. Checks that every frame, queue, flow and stamped sequence number is
 * accounted exactly; prints the peaks and their ratio to the 256 MiB target
 * (printed, not asserted). Exit 1 on a count mismatch, 77 without root.
 * The sender is pinned to a core other than the worker's when there is one.
 * Usage: bench_tap_mem --rx-ns PATH [--flows N] [--worker-core C]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "linerate/agg.h"
#include "fastpath/flow_queues.h"
#include "linerate/frame.h"
#include "fastpath/ingress.h"
#include "labutil.h"
#include "util/log.h"
#include "linerate/tap_session.h"

#define RX_IF "v0b"
#define NQ 4
#define NSTAMP 1024		/* stamped flow ids: flow i is id i % NSTAMP */
#define TARGET_MIB 256.0	/* issue 5: peak RSS of report, 4 queues, 1 M flows */

struct run {
	__u64 nflows;
	int wcore;		/* the tap worker's core */
	int score;		/* the sender's: one ring, records in order */
	long hwm_start;		/* KiB */
	long hwm_ready;		/* attached, before traffic */
	long hwm_peak;		/* after the report was built */
};

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

/* The program attached to RX_IF (XDP_ATTACH_LINK: driver mode). */
static int attached_prog(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q) || !q.drv_prog_id)
		return -1;
	return bpf_prog_get_fd_by_id(q.drv_prog_id);
}

/* Flow i: source 198.18.x.16 port 1024..65535, stamped id i % NSTAMP. */
static int send_flows(int prog, int ifindex, __u64 nflows)
{
	struct dl_frame_spec fs = {
		.src_mac = { 2, 0, 0, 0, 0, 1 }, .dst_mac = { 2, 0, 0, 0, 0, 2 },
		.daddr = htonl(0xc6120002), .dport = 9, .len = 64,
	};
	struct xdp_md ctx = { .ingress_ifindex = (__u32)ifindex };
	unsigned char frame[128];
	size_t flen;
	__u64 i;

	for (i = 0; i < nflows; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, ro, .data_in = frame,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

		fs.saddr = htonl(0xc6120000 | (__u32)(i / 64512) << 8 | 0x10);
		fs.sport = (__u16)(1024 + i % 64512);
		fs.flow_id = (__u32)(i % NSTAMP);
		fs.seq = i / NSTAMP;
		if (dl_frame__build_udp4(frame, sizeof(frame), &fs, &flen))
			return -EINVAL;
		ro.data_size_in = (__u32)flen;
		ctx.data_end = (__u32)flen;
		ctx.rx_queue_index = (__u32)(i % NQ);
		if (bpf_prog_test_run_opts(prog, &ro)) {
			fprintf(stderr, "test_run: %s\n", strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Frames the generator put on queue @q, and on stamped flow id @id. */
static __u64 on_queue(__u64 nflows, unsigned int q)
{
	return nflows / NQ + (q < nflows % NQ);
}

static __u64 on_stamp(__u64 nflows, unsigned int id)
{
	return nflows / NSTAMP + (id < nflows % NSTAMP);
}

/* Default path: counters and the LRU flow table at XDP, no mirror. */
static int run_default(struct run *r)
{
	struct dl_ingress_opts io = {
		.ifname = RX_IF, .how = DL_ATTACH_LINK, .track_flows = true,
		.track_flow_queues = true, .flow_entries = 1 << 20,
	};
	struct dl_rxq_stats rxq[DL_MAX_QUEUES + 1];
	struct dl_flow_q_entry *fe = NULL;
	struct dl_ingress *ing;
	char why[512], note[512];
	__u32 key, next, *kp = NULL;
	__u64 in_table = 0, total = 0;
	int prog, fd, err;
	size_t nfe = 0;
	unsigned int q;

	r->hwm_start = status_kib("VmHWM");
	io.ifindex = (int)if_nametoindex(RX_IF);
	ing = dl_ingress__attach(&io, why, sizeof(why), note, sizeof(note));
	if (!ing) {
		fprintf(stderr, "SKIP: %s\n", why);
		return 77;
	}
	prog = attached_prog(io.ifindex);
	if (prog < 0) {
		fprintf(stderr, "cannot find the attached program\n");
		dl_ingress__destroy(ing);
		return 1;
	}
	r->hwm_ready = status_kib("VmHWM");
	err = send_flows(prog, io.ifindex, r->nflows);
	/* What report reads: per-queue counters, per-(flow, queue) rows. */
	if (!err)
		err = dl_ingress__read_rxq(ing, rxq);
	if (!err)
		err = dl_flow_queues__read_raw(dl_ingress__flow_q_map_fd(ing), &fe, &nfe);
	r->hwm_peak = status_kib("VmHWM");
	CHECK(!err, "default path: %s", strerror(-err));
	for (q = 0; !err && q <= DL_MAX_QUEUES; q++) {
		__u64 want = q < NQ ? on_queue(r->nflows, q) : 0;

		total += rxq[q].frames;
		CHECK(rxq[q].frames == want && rxq[q].udp == want,
		      "queue %u counted %llu frames, %llu sent", q,
		      (unsigned long long)rxq[q].frames, (unsigned long long)want);
	}
	/* Not something report does: how many flows the LRU kept. */
	fd = dl_ingress__flow_map_fd(ing);
	while (!bpf_map_get_next_key(fd, kp, &next)) {
		in_table++;
		key = next;
		kp = &key;
	}
	printf("default report path (no --mirror), %llu distinct flows over %d rx queues:\n",
	       (unsigned long long)r->nflows, NQ);
	printf("  peak RSS at start         %8.1f MiB\n", r->hwm_start / 1024.0);
	printf("  peak RSS before traffic   %8.1f MiB (attach with a 1 M-entry flow table)\n",
	       r->hwm_ready / 1024.0);
	printf("  peak RSS after reading    %8.1f MiB (per-queue counters, %zu (flow, queue) rows)\n",
	       r->hwm_peak / 1024.0, nfe);
	printf("  XDP counted %llu frames; the LRU flow table holds %llu flows in\n"
	       "  %.1f MiB of kernel memory (memlock, not in RSS)\n",
	       (unsigned long long)total, (unsigned long long)in_table,
	       map_memlock(fd) / 1048576.0);
	free(fe);
	close(prog);
	dl_ingress__destroy(ing);
	return lab_failures ? 1 : 0;
}

struct flow_check {
	__u64 rows;
	__u64 records;
	__u64 not_one;		/* rows with records != 1: each flow sent one frame */
};

static int check_flow(const struct dl_agg_flow *f, void *ctx)
{
	struct flow_check *c = ctx;

	c->rows++;
	c->records += f->records;
	c->not_one += f->records != 1;
	return 0;
}

/* Every stamped flow: all its frames received, none lost or out of order. */
static void check_sequences(struct dl_tap_session *tap, __u64 nflows)
{
	const struct dl_agg *a = dl_tap_session__agg(tap);
	unsigned int id;

	for (id = 0; id < NSTAMP && id < nflows; id++) {
		__u64 sent = on_stamp(nflows, id);
		const struct dl_seqcheck *s;

		CHECK(!dl_tap_session__seq_finish(tap, id, sent), "stamp %u finish", id);
		s = dl_agg__seq(a, id);
		CHECK(s && s->received == sent && !s->lost && !s->reordered &&
		      !s->duplicated && !s->stale,
		      "stamp %u: received %llu lost %llu of %llu", id,
		      s ? (unsigned long long)s->received : 0ull,
		      s ? (unsigned long long)s->lost : 0ull,
		      (unsigned long long)sent);
	}
}

/* Tap path: the default one plus mirror rings, a worker and its tables. */
static int run_tap(struct run *r)
{
	struct dl_ingress_opts io = {
		.ifname = RX_IF, .how = DL_ATTACH_LINK, .track_flows = true,
		.sample_every = 1, .mirror_ring_bytes = 1 << 24,
		.flow_entries = 1 << 20,
	};
	struct dl_tap_session_opts to = { .ncpus = 1, .idle_us = 50 };
	struct dl_tap_session *tap = NULL;
	struct flow_check fc = {};
	struct dl_ingress *ing;
	struct dl_tap_totals t;
	char why[512], note[512];
	int prog = -1, rc = 1;
	unsigned int q;
	long rss;
	json_t *j;
	char *dump;

	r->hwm_start = status_kib("VmHWM");
	io.ifindex = (int)if_nametoindex(RX_IF);
	to.cpus = &r->wcore;
	to.max_flows = (unsigned int)r->nflows;	/* sized to the flows expected */
	ing = dl_ingress__attach(&io, why, sizeof(why), note, sizeof(note));
	if (!ing) {
		fprintf(stderr, "SKIP: %s\n", why);
		return 77;
	}
	tap = dl_tap_session__start(ing, &to);
	if (!tap || (prog = attached_prog(io.ifindex)) < 0) {
		fprintf(stderr, "cannot start the session or find the program\n");
		goto out;
	}
	r->hwm_ready = status_kib("VmHWM");
	if (send_flows(prog, io.ifindex, r->nflows))
		goto out;
	/* Every record is committed before test_run returns: stop drains them. */
	if (dl_tap_session__stop(tap) || dl_tap_session__totals(tap, &t))
		goto out;
	check_sequences(tap, r->nflows);
	j = dl_tap_session__json(tap);
	dump = j ? json_dumps(j, JSON_COMPACT) : NULL;
	dl_agg__foreach_flow(dl_tap_session__agg(tap), check_flow, &fc);
	r->hwm_peak = status_kib("VmHWM");
	rss = status_kib("VmRSS");

	CHECK(t.frames == r->nflows, "mirror saw %llu frames of %llu",
	      (unsigned long long)t.frames, (unsigned long long)r->nflows);
	CHECK(t.records_received + t.records_lost + t.sampled_out + t.records_unread ==
	      t.frames, "received + lost + sampled out + unread != frames");
	CHECK(t.records_received == r->nflows && t.records_lost == 0,
	      "received %llu lost %llu of %llu", (unsigned long long)t.records_received,
	      (unsigned long long)t.records_lost, (unsigned long long)r->nflows);
	CHECK(t.stamped == r->nflows, "%llu stamped records", (unsigned long long)t.stamped);
	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		struct dl_agg_queue aq;
		__u64 want = q < NQ ? on_queue(r->nflows, q) : 0;

		dl_agg__queue(dl_tap_session__agg(tap), q, &aq);
		CHECK(aq.records == want, "queue %u: %llu records, %llu sent", q,
		      (unsigned long long)aq.records, (unsigned long long)want);
	}
	/* One row per flow, one record each: no overflow, no merged tuples. */
	CHECK(fc.rows == r->nflows && fc.records == r->nflows && !fc.not_one &&
	      !t.flow_overflow, "%llu flow rows hold %llu records (%llu not 1), "
	      "%llu overflowed; %llu flows sent", (unsigned long long)fc.rows,
	      (unsigned long long)fc.records, (unsigned long long)fc.not_one,
	      (unsigned long long)t.flow_overflow, (unsigned long long)r->nflows);
	printf("tap report path (--mirror 1), %llu distinct flows over %d rx queues:\n",
	       (unsigned long long)r->nflows, NQ);
	printf("  peak RSS at start         %8.1f MiB\n", r->hwm_start / 1024.0);
	printf("  peak RSS before traffic   %8.1f MiB (attach, 16 MiB ring per CPU mapped once,\n"
	       "                                         1 worker, tables for N flows: pages on use)\n",
	       r->hwm_ready / 1024.0);
	printf("  peak RSS after report     %8.1f MiB (RSS now %.1f MiB, JSON %zu bytes)\n",
	       r->hwm_peak / 1024.0, rss / 1024.0, dump ? strlen(dump) : (size_t)0);
	printf("  grew by                   %8.1f MiB = %.0f bytes per flow\n",
	       (r->hwm_peak - r->hwm_ready) / 1024.0,
	       (double)(r->hwm_peak - r->hwm_ready) * 1024.0 / (double)r->nflows);
	printf("  session: %llu flow rows, %llu overflowed; records %llu, lost %llu;\n"
	       "  %d stamped flows complete and in order\n",
	       (unsigned long long)fc.rows, (unsigned long long)t.flow_overflow,
	       (unsigned long long)t.records_received, (unsigned long long)t.records_lost,
	       NSTAMP);
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

/*
 * Run @fn in a child: a fresh VmHWM, the sender pinned (XDP runs on the
 * sending CPU: a thread that moved would spread a flow over two rings,
 * read in turn, and its sequence would look reordered). Returns its exit
 * code; @r filled.
 */
static int in_child(int (*fn)(struct run *), struct run *r)
{
	int pfd[2], st, rc;
	pid_t pid;

	fflush(NULL);
	if (pipe(pfd))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		cpu_set_t one;

		close(pfd[0]);
		CPU_ZERO(&one);
		CPU_SET(r->score, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			fprintf(stderr, "cannot pin the sender to CPU %d: %s\n",
				r->score, strerror(errno));
		rc = fn(r);
		if (write(pfd[1], r, sizeof(*r)) != (ssize_t)sizeof(*r))
			rc = 1;
		fflush(NULL);
		_exit(rc);
	}
	close(pfd[1]);
	if (read(pfd[0], r, sizeof(*r)) != (ssize_t)sizeof(*r))
		r->hwm_peak = -1;
	close(pfd[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rx-ns", required_argument, NULL, 'r' },
		{ "flows", required_argument, NULL, 'n' },
		{ "worker-core", required_argument, NULL, 'w' },
		{},
	};
	struct run def = { .nflows = 1000000, .wcore = 1 }, tap;
	const char *rx_ns = NULL;
	int opt, rc_def, rc_tap;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'r': rx_ns = optarg; break;
		case 'n': def.nflows = strtoull(optarg, NULL, 10); break;
		case 'w': def.wcore = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!rx_ns || !def.nflows || def.nflows > (1ull << 20))
		return 2;
	def.score = def.wcore == 0 && sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
	dl_log__route_libbpf();
	if (lab_enter_ns(rx_ns))
		return 1;
	tap = def;
	rc_def = in_child(run_default, &def);
	if (rc_def == 77)
		return 77;
	rc_tap = in_child(run_tap, &tap);
	if (rc_def || rc_tap)
		return rc_tap == 77 ? 77 : 1;
	printf("peak RSS of report, %llu flows on %d queues (target: under %.0f MiB):\n",
	       (unsigned long long)def.nflows, NQ, TARGET_MIB);
	printf("  default path   %8.1f MiB = %.2f of the target\n",
	       def.hwm_peak / 1024.0, def.hwm_peak / 1024.0 / TARGET_MIB);
	printf("  tap path       %8.1f MiB = %.2f of the target (%.2fx the default path)\n",
	       tap.hwm_peak / 1024.0, tap.hwm_peak / 1024.0 / TARGET_MIB,
	       (double)tap.hwm_peak / (double)def.hwm_peak);
	return 0;
}
