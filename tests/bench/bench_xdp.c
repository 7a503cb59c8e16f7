// SPDX-License-Identifier: GPL-2.0-only
/*
 * XDP program cost: BPF_PROG_TEST_RUN with a large repeat on one crafted
 * 64-byte stamped UDP frame. Every figure is dl_ingress's ns/packet minus
 * dl_empty's, measured in the same run (rounds interleaved, median kept),
 * so the machine's speed and the test_run loop overhead cancel out.
 * Needs root (CAP_BPF); exits 77 when BPF is not available.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "empty.skel.h"
#include "linerate/frame.h"
#include "ingress.skel.h"
#include "util/log.h"
#include "fastpath/mirror.h"

#define ROUNDS 7
#define DEFAULT_REPEAT 1000000u	/* x 88 bytes fits one 128 MiB ring */

struct variant {
	const char *name;
	const char *what;
	int prog_fd;
	double ns[ROUNDS];
	double median;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int run_once(int prog_fd, void *frame, size_t len, __u32 repeat,
		    double *ns)
{
	__u8 out[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = (__u32)len,
		.data_out = out,
		.data_size_out = sizeof(out),
		.repeat = repeat,
	);
	struct timespec t0, t1;
	int err;

	/*
	 * The kernel's opts.duration is a whole number of ns; the thread's
	 * CPU time around the call gives fractions and, like duration, leaves
	 * out time the thread spent preempted.
	 */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	if (err)
		return -errno;
	if (opts.retval != 2 /* XDP_PASS */) {
		fprintf(stderr, "unexpected XDP verdict %u\n", opts.retval);
		return -EPROTO;
	}
	*ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / repeat;
	return 0;
}

static struct dl_ingress_bpf *load_ingress(__u32 track_flows, __u32 sample_every,
				       struct dl_mirror **mirror, __u32 flow_queues)
{
	struct dl_ingress_bpf *skel;
	int err;

	skel = dl_ingress_bpf__open();
	if (!skel)
		return NULL;
	skel->rodata->track_flows = track_flows;
	skel->rodata->track_flow_queues = flow_queues;
	skel->rodata->sample_every = sample_every;
	err = dl_mirror__prepare(skel->maps.mirror_rings);
	if (!err)
		err = dl_ingress_bpf__load(skel);
	if (err) {
		fprintf(stderr, "cannot load dl_ingress: %s\n", strerror(-err));
		dl_ingress_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	if (sample_every) {
		struct dl_mirror_opts mo = {
			.ring_bytes = 1u << 27,	/* room for a whole round */
		};

		*mirror = dl_mirror__new(skel->maps.mirror_rings,
					 skel->maps.mirror_stats, &mo);
		if (!*mirror) {
			fprintf(stderr, "cannot set up mirror rings: %s\n",
				strerror(errno));
			dl_ingress_bpf__destroy(skel);
			return NULL;
		}
	}
	return skel;
}

int main(int argc, char **argv)
{
	struct dl_frame_spec spec = {
		.src_mac = { 0x02, 0, 0, 0, 0, 1 },
		.dst_mac = { 0x02, 0, 0, 0, 0, 2 },
		.saddr = htobe32(0xc6120001),	/* 198.18.0.1 */
		.daddr = htobe32(0xc6120002),	/* 198.18.0.2 */
		.sport = 40000,
		.dport = 9,
		.flow_id = 1,
		.len = 64,
	};
	struct dl_ingress_bpf *counters = NULL, *flows = NULL, *report = NULL, *mirror = NULL,
			  *sampled = NULL, *monly = NULL;
	struct dl_mirror *mr = NULL, *mr_sampled = NULL, *mr_only = NULL;
	__u32 repeat = DEFAULT_REPEAT;
	struct variant v[7] = {};
	struct dl_empty_bpf *empty = NULL;
	__u8 frame[128];
	size_t len;
	int i, r, n = 0, rc = 1, err;

	if (argc > 1)
		repeat = (__u32)strtoul(argv[1], NULL, 0);
	if (repeat < 1000000)
		repeat = 1000000;
	dl_log__route_libbpf();
	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: needs root for BPF_PROG_TEST_RUN\n");
		return 77;
	}
	if (dl_frame__build_udp4(frame, sizeof(frame), &spec, &len))
		return 1;

	empty = dl_empty_bpf__open_and_load();
	if (!empty) {
		fprintf(stderr, "SKIP: cannot load an XDP program: %s\n",
			strerror(errno));
		return 77;
	}
	counters = load_ingress(0, 0, NULL, 0);
	flows = load_ingress(1, 0, NULL, 0);
	report = load_ingress(1, 0, NULL, 1);
	mirror = load_ingress(1, 1, &mr, 0);
	sampled = load_ingress(1, 64, &mr_sampled, 0);
	monly = load_ingress(0, 1, &mr_only, 0);
	if (!counters || !flows || !report || !mirror || !sampled || !monly)
		goto out;

	v[n++] = (struct variant){ "empty", "dl_empty (baseline)",
		bpf_program__fd(empty->progs.dl_empty) };
	v[n++] = (struct variant){ "counters", "dl_ingress track_flows=0",
		bpf_program__fd(counters->progs.dl_ingress) };
	v[n++] = (struct variant){ "flows", "dl_ingress track_flows=1",
		bpf_program__fd(flows->progs.dl_ingress) };
	v[n++] = (struct variant){ "report", "flows + flow queues (default)",
		bpf_program__fd(report->progs.dl_ingress) };
	v[n++] = (struct variant){ "mirror-only", "counters + mirror every frame",
		bpf_program__fd(monly->progs.dl_ingress) };
	v[n++] = (struct variant){ "mirror", "flows + mirror every frame",
		bpf_program__fd(mirror->progs.dl_ingress) };
	v[n++] = (struct variant){ "mirror/64", "flows + mirror 1-in-64",
		bpf_program__fd(sampled->progs.dl_ingress) };

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < n; i++) {
			err = run_once(v[i].prog_fd, frame, len, repeat, &v[i].ns[r]);
			if (err) {
				fprintf(stderr, "test_run %s: %s\n", v[i].name,
					strerror(-err));
				goto out;
			}
		}
		/* Drain between rounds so every round finds room in the ring. */
		dl_mirror__drain(mr);
		dl_mirror__drain(mr_sampled);
		dl_mirror__drain(mr_only);
	}

	printf("XDP cost, BPF_PROG_TEST_RUN, 64-byte UDP frame, repeat %u, "
	       "median of %d rounds\n", repeat, ROUNDS);
	printf("%-12s %-30s %10s %12s %10s\n", "variant", "program",
	       "ns/pkt", "minus empty", "x counters");
	for (i = 0; i < n; i++) {
		qsort(v[i].ns, ROUNDS, sizeof(double), cmp_double);
		v[i].median = v[i].ns[ROUNDS / 2];
	}
	for (i = 0; i < n; i++) {
		double net = v[i].median - v[0].median;
		double base = v[1].median - v[0].median;

		printf("%-12s %-30s %10.2f %12.2f", v[i].name, v[i].what,
		       v[i].median, net);
		if (i >= 1 && base > 0)
			printf(" %10.2f\n", net / base);
		else
			printf(" %10s\n", "-");
	}
	{
		struct dl_mirror_totals t;

		if (!dl_mirror__totals(mr, &t))
			printf("mirror self-accounting: frames %llu = received %llu "
			       "+ lost %llu + sampled_out %llu%s\n",
			       (unsigned long long)t.frames,
			       (unsigned long long)t.received,
			       (unsigned long long)t.lost,
			       (unsigned long long)t.sampled_out,
			       t.frames == t.received + t.lost + t.sampled_out ?
			       "\n" : "  (MISMATCH)\n");
	}
	rc = 0;
out:
	dl_mirror__free(mr_only);
	dl_mirror__free(mr_sampled);
	dl_mirror__free(mr);
	dl_ingress_bpf__destroy(monly);
	dl_ingress_bpf__destroy(sampled);
	dl_ingress_bpf__destroy(mirror);
	dl_ingress_bpf__destroy(flows);
	dl_ingress_bpf__destroy(report);
	dl_ingress_bpf__destroy(counters);
	dl_empty_bpf__destroy(empty);
	return rc;
}
