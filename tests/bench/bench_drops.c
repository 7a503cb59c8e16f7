// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drop capture cost: CPU per dropped packet with the kfree_skb tracer
 * attached vs not (and vs a bpftrace one-liner when bpftrace is there).
 * A sender pinned to one CPU in namespace A sends a bounded UDP storm over
 * veth to a closed port in namespace B; the receive path and the drop run
 * on the sender's CPU, so its wall time per packet is that CPU's cost.
 * System-wide busy time (/proc/stat) is printed too. Modes are interleaved
 * per round and medians kept. drop_cost.sh sets up the namespaces.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "drops.skel.h"
#include "util/log.h"
#include "dropledger_shared.h"

#define MAX_ROUNDS 15
#define BATCH 64

enum mode { M_NONE, M_DL, M_DL_CONSUME, M_BPFTRACE, M_MAX };

static const char *mode_name[M_MAX] = {
	"none", "dl_kfree_skb", "dl_kfree_skb+consume", "bpftrace",
};

/* A typical one-liner: drops by reason and location, all interfaces. */
static const char *bpftrace_prog =
	"tracepoint:skb:kfree_skb { @[args->reason, args->location] = count(); }";

struct cfg {
	const char *src_ns;
	const char *dst_ns;
	const char *dst_ip;
	const char *bpftrace;
	int ifindex;
	long count;
	int rounds;
	int cpu;
};

struct sample {
	double wall_ns;		/* per packet, sender's pinned CPU */
	double busy_ns;		/* per packet, all CPUs (/proc/stat) */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Busy time of all CPUs in ns (USER_HZ ticks: 10 ms resolution). */
static double busy_ns(void)
{
	unsigned long long v[10] = {}, busy = 0;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");
	int i, n;

	if (!f)
		return 0;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9]);
	fclose(f);
	for (i = 0; i < n && i < 8; i++)
		if (i != 3 && i != 4)	/* idle, iowait */
			busy += v[i];
	return (double)busy * 1e9 / (double)hz;
}

/* Child: join namespace A, pin, send the storm; writes wall ns to @wfd. */
static void sender(const struct cfg *c, int wfd)
{
	static char payload[22];
	struct mmsghdr msgs[BATCH];
	struct sockaddr_in dst = {
		.sin_family = AF_INET,
		.sin_port = htons(9),	/* discard: nobody listens in B */
	};
	struct iovec iov = { payload, sizeof(payload) };
	cpu_set_t set;
	double t0, t1;
	long sent = 0;
	int nsfd, fd, i;

	nsfd = open(c->src_ns, O_RDONLY);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
		_exit(2);
	CPU_ZERO(&set);
	CPU_SET(c->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(3);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || inet_pton(AF_INET, c->dst_ip, &dst.sin_addr) != 1)
		_exit(4);
	for (i = 0; i < BATCH; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_ns();
	while (sent < c->count) {
		int n = (int)(c->count - sent < BATCH ? c->count - sent : BATCH);

		n = sendmmsg(fd, msgs, (unsigned int)n, 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EAGAIN ||
			    errno == ECONNREFUSED)
				continue;
			_exit(5);
		}
		sent += n;
	}
	t1 = now_ns();
	if (write(wfd, &(double){ t1 - t0 }, sizeof(double)) != sizeof(double))
		_exit(6);
	_exit(0);
}

static int storm(const struct cfg *c, struct sample *s)
{
	double b0, b1, wall = 0;
	int pfd[2], st;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	b0 = busy_ns();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(pfd[0]);
		sender(c, pfd[1]);
	}
	close(pfd[1]);
	if (read(pfd[0], &wall, sizeof(wall)) != sizeof(wall))
		wall = -1;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	b1 = busy_ns();
	if (!WIFEXITED(st) || WEXITSTATUS(st) || wall < 0) {
		fprintf(stderr, "sender failed (status %d)\n", st);
		return -EIO;
	}
	s->wall_ns = wall / (double)c->count;
	s->busy_ns = (b1 - b0) / (double)c->count;
	return 0;
}

static __u64 matched_pkts(struct dl_drops_bpf *skel)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct dl_drop_stats v[512] = {};
	__u32 key = 0;
	__u64 sum = 0;

	if (ncpu > 512 ||
	    bpf_map_lookup_elem(bpf_map__fd(skel->maps.drop_stats), &key, v))
		return 0;
	for (i = 0; i < ncpu; i++)
		sum += v[i].v[DL_DS_MATCHED_PKTS];
	return sum;
}

static __u32 max_prog_id(void)
{
	__u32 id = 0, next;

	while (!bpf_prog_get_next_id(id, &next))
		id = next;
	return id;
}

/* run_cnt and run_time_ns of tracepoint programs with an id above @after. */
static void prog_stats(__u32 after, int want_fd, __u64 *cnt, __u64 *ns)
{
	struct bpf_prog_info info;
	__u32 id = after, len;
	int fd;

	*cnt = *ns = 0;
	if (want_fd >= 0) {
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(want_fd, &info, &len)) {
			*cnt = info.run_cnt;
			*ns = info.run_time_ns;
		}
		return;
	}
	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_PROG_TYPE_TRACEPOINT) {
			*cnt += info.run_cnt;
			*ns += info.run_time_ns;
		}
		close(fd);
	}
}

/* Deterministic size of a loaded tracer (xlated instructions, native bytes). */
static void print_insns(const char *what, struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return;
	printf("program size: %-26s %5u xlated insns, %5u jited bytes\n", what,
	       info.xlated_prog_len / 8, info.jited_prog_len);
}

/* Start bpftrace and wait until its probe is attached; 0 if unavailable. */
static pid_t bpftrace_start(const struct cfg *c)
{
	char out[] = "/tmp/dlx-bpftrace-XXXXXX", buf[4096];
	int fd, i;
	pid_t pid;

	fd = mkstemp(out);
	if (fd < 0)
		return 0;
	unlink(out);
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execl(c->bpftrace, "bpftrace", "-e", bpftrace_prog, (char *)NULL);
		_exit(127);
	}
	/* bpftrace prints "Attaching N probes..." once they are in. */
	for (i = 0; i < 600 && pid > 0; i++) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		if (n > 0) {
			buf[n] = 0;
			if (strstr(buf, "Attaching")) {
				usleep(200000);
				close(fd);
				return pid;
			}
		}
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			pid = 0;
			break;
		}
		usleep(100000);
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(fd);
	return 0;
}

/* SIGINT (bpftrace prints its maps), then SIGKILL if it has not gone in 10 s. */
static void bpftrace_stop(pid_t pid)
{
	int i;

	if (pid <= 0)
		return;
	kill(pid, SIGINT);
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static struct dl_drops_bpf *load_tracer(const struct cfg *c, int consume, int flows)
{
	struct dl_drops_bpf *skel = dl_drops_bpf__open();
	struct stat st;

	if (!skel)
		return NULL;
	if (stat(c->dst_ns, &st))
		goto fail;
	skel->rodata->target_ifindex = (__u32)c->ifindex;
	skel->rodata->target_netns = (__u32)st.st_ino;
	skel->rodata->track_flows = flows;
	bpf_program__set_autoload(skel->progs.dl_kfree_skb, false);
	bpf_program__set_autoload(skel->progs.dl_kfree_skb_tp, false);
	bpf_program__set_autoload(skel->progs.dl_consume_skb_tp, false);
	if (!consume)
		bpf_program__set_autoload(skel->progs.dl_consume_skb, false);
	if (dl_drops_bpf__load(skel))
		goto fail;
	return skel;
fail:
	dl_drops_bpf__destroy(skel);
	return NULL;
}

static int attach(struct dl_drops_bpf *skel, struct bpf_link **l)
{
	l[0] = bpf_program__attach(skel->progs.dl_kfree_skb_sk);
	if (!l[0])
		return -errno;
	if (bpf_program__autoload(skel->progs.dl_consume_skb)) {
		l[1] = bpf_program__attach(skel->progs.dl_consume_skb);
		if (!l[1])
			return -errno;
	}
	return 0;
}

static void detach(struct bpf_link **l)
{
	bpf_link__destroy(l[0]);
	bpf_link__destroy(l[1]);
	l[0] = l[1] = NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_drops --src-ns PATH --dst-ns PATH --dst IP "
		"--ifindex N [--count N] [--rounds N] [--cpu N] [--bpftrace PATH]\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "src-ns", required_argument, NULL, 's' },
		{ "dst-ns", required_argument, NULL, 'd' },
		{ "dst", required_argument, NULL, 'a' },
		{ "ifindex", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "bpftrace", required_argument, NULL, 'b' },
		{},
	};
	struct cfg c = { .count = 500000, .rounds = 5, .cpu = -1 };
	struct sample s[M_MAX][MAX_ROUNDS] = {};
	struct dl_drops_bpf *dl = NULL, *dlc = NULL, *dlnf = NULL;
	struct bpf_link *links[2] = {};
	__u64 seen0, seen1, cnt, ns;
	int opt, r, m, nmodes = M_BPFTRACE, rc = 1, err, sfd;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 's': c.src_ns = optarg; break;
		case 'd': c.dst_ns = optarg; break;
		case 'a': c.dst_ip = optarg; break;
		case 'i': c.ifindex = atoi(optarg); break;
		case 'n': c.count = atol(optarg); break;
		case 'r': c.rounds = atoi(optarg); break;
		case 'c': c.cpu = atoi(optarg); break;
		case 'b': c.bpftrace = optarg; break;
		default: usage(); return 2;
		}
	}
	if (!c.src_ns || !c.dst_ns || !c.dst_ip || c.ifindex <= 0 ||
	    c.count <= 0 || c.rounds < 1 || c.rounds > MAX_ROUNDS) {
		usage();
		return 2;
	}
	if (c.cpu < 0)
		c.cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
	dl_log__route_libbpf();

	dl = load_tracer(&c, 0, 1);
	dlc = load_tracer(&c, 1, 1);
	if (!dl || !dlc) {
		fprintf(stderr, "SKIP: cannot load the kfree_skb tracer: %s\n",
			strerror(errno));
		rc = 77;
		goto out;
	}
	if (c.bpftrace) {
		pid_t p = bpftrace_start(&c);

		if (p > 0) {
			bpftrace_stop(p);
			nmodes = M_MAX;
		} else {
			printf("bpftrace did not attach: comparison skipped\n");
		}
	}

	seen0 = matched_pkts(dl);
	for (r = 0; r < c.rounds; r++) {
		for (m = 0; m < nmodes; m++) {
			pid_t bt = 0;

			err = 0;
			if (m == M_DL)
				err = attach(dl, links);
			else if (m == M_DL_CONSUME)
				err = attach(dlc, links);
			else if (m == M_BPFTRACE && !(bt = bpftrace_start(&c)))
				err = -ECHILD;
			if (!err)
				err = storm(&c, &s[m][r]);
			detach(links);
			bpftrace_stop(bt);
			if (err) {
				fprintf(stderr, "round %d %s: %s\n", r,
					mode_name[m], strerror(-err));
				goto out;
			}
		}
	}
	seen1 = matched_pkts(dl);

	printf("Drop capture cost: UDP storm to a closed port over veth, "
	       "%ld packets x %d rounds per mode, sender on CPU %d\n",
	       c.count, c.rounds, c.cpu);
	printf("%-22s %12s %12s %14s %14s\n", "mode", "wall ns/pkt",
	       "+ vs none", "busy ns/pkt", "+ vs none");
	for (m = 0; m < nmodes; m++) {
		double w[MAX_ROUNDS], b[MAX_ROUNDS];

		for (r = 0; r < c.rounds; r++) {
			w[r] = s[m][r].wall_ns;
			b[r] = s[m][r].busy_ns;
		}
		qsort(w, (size_t)c.rounds, sizeof(double), cmp_double);
		qsort(b, (size_t)c.rounds, sizeof(double), cmp_double);
		s[m][0].wall_ns = w[c.rounds / 2];
		s[m][0].busy_ns = b[c.rounds / 2];
		printf("%-22s %12.1f %12.1f %14.1f %14.1f\n", mode_name[m],
		       s[m][0].wall_ns, s[m][0].wall_ns - s[0][0].wall_ns,
		       s[m][0].busy_ns, s[m][0].busy_ns - s[0][0].busy_ns);
	}
	printf("drops seen by dl_kfree_skb (its rounds only): %llu of %llu sent\n",
	       (unsigned long long)(seen1 - seen0),
	       (unsigned long long)(c.count * c.rounds));

	/*
	 * Per-event program cost (bpf_stats), modes interleaved per round and
	 * medians kept: the machine is shared, one storm each is noise.
	 */
	sfd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	dlnf = load_tracer(&c, 0, 0);
	print_insns("dl_kfree_skb", dl->progs.dl_kfree_skb_sk);
	if (dlnf)
		print_insns("dl_kfree_skb --no-flows", dlnf->progs.dl_kfree_skb_sk);
	if (sfd < 0 || !dlnf) {
		printf("BPF run-time stats unavailable: per-program cost skipped\n");
	} else {
		double ev[3][MAX_ROUNDS], med[3] = {};
		int nev[3] = {};
		struct sample tmp;

		for (r = 0; r < c.rounds; r++) {
			struct dl_drops_bpf *t[2] = { dl, dlnf };
			__u64 cnt0, ns0;

			for (m = 0; m < 2; m++) {
				int pfd = bpf_program__fd(t[m]->progs.dl_kfree_skb_sk);

				prog_stats(0, pfd, &cnt0, &ns0);
				err = attach(t[m], links);
				if (!err)
					err = storm(&c, &tmp);
				prog_stats(0, pfd, &cnt, &ns);
				detach(links);
				if (!err && cnt > cnt0)
					ev[m][nev[m]++] = (double)(ns - ns0) / (double)(cnt - cnt0);
			}
			if (nmodes == M_MAX) {
				__u32 before = max_prog_id();
				pid_t bt = bpftrace_start(&c);

				if (bt > 0 && !storm(&c, &tmp)) {
					prog_stats(before, -1, &cnt, &ns);
					if (cnt)
						ev[2][nev[2]++] = (double)ns / (double)cnt;
				}
				bpftrace_stop(bt);
			}
		}
		for (m = 0; m < 3; m++) {
			if (!nev[m])
				continue;
			qsort(ev[m], (size_t)nev[m], sizeof(double), cmp_double);
			med[m] = ev[m][nev[m] / 2];
		}
		if (nev[0])
			printf("program run time (bpf_stats): dl_kfree_skb %.1f ns/event "
			       "(median of %d)\n", med[0], nev[0]);
		if (nev[1])
			printf("program run time (bpf_stats): dl_kfree_skb --no-flows %.1f ns/event "
			       "(median of %d)\n", med[1], nev[1]);
		if (nev[2])
			printf("program run time (bpf_stats): bpftrace one-liner %.1f ns/event "
			       "(median of %d)\n", med[2], nev[2]);
		if (nev[0] && nev[2])
			printf("target: drop tracer with flows <= bpftrace one-liner per event: "
			       "ratio %.2f %s\n", med[0] / med[2],
			       med[0] <= med[2] ? "MET" : "NOT MET");
		else
			printf("target: drop tracer with flows <= bpftrace one-liner: "
			       "not measured (no bpftrace)\n");
	}
	if (sfd >= 0)
		close(sfd);
	dl_drops_bpf__destroy(dlnf);
	dlnf = NULL;
	rc = 0;
out:
	detach(links);
	dl_drops_bpf__destroy(dlc);
	dl_drops_bpf__destroy(dl);
	return rc;
}
