// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger watch: the service form of report. One ledger per device over
 * every RX queue, an interval loop feeding Prometheus metrics (/metrics and
 * a textfile), JSON lines and --fail-on; interfaces that come, go or are
 * re-created are followed through rtnetlink, one log line each.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "cli.h"
#include "dl_config.h"
#include "counters/kstate.h"
#include "counters/nic_map.h"
#include "counters/sysfs_stats.h"
#include "export/fail_on.h"
#include "export/metrics.h"
#include "export/metrics_http.h"
#include "fastpath/ingress.h"
#include "ledger/ledger.h"
#include "trace/drop_reasons.h"
#include "trace/drop_trace.h"
#include "trace/ksyms.h"
#include "util/config_path.h"
#include "util/log.h"
#include "util/netns.h"
#include "util/output.h"
#include "util/params.h"
#include "verdict/causes.h"
#include "watch.h"

#if DL_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#else
static int sd_notify(int unset, const char *state)
{
	(void)unset;
	(void)state;
	return 0;
}
#endif

#define MAX_IFACES 64

/* One watched device: its programs and the cumulative state of the last interval. */
struct wdev {
	char name[IF_NAMESIZE];
	int ifindex;
	struct dl_drop_trace *dt;
	struct dl_ingress *ing;
	struct dl_ledger prev;
	struct dl_kstate ks_prev;
	unsigned int nqueues;
	double mark;		/* start of the current interval */
	struct wdev *next;
};

/* An attach that failed: not retried until the ifindex changes. */
struct refused {
	char name[IF_NAMESIZE];
	int ifindex;
};

struct watch {
	struct watch_opts *o;
	struct wdev *devs;
	unsigned int ndevs;
	struct refused bad[MAX_IFACES];
	unsigned int nbad;
	struct dl_ledger_names names;
	struct dl_nic_map *nic_map;
	struct dl_metrics *metrics;
	struct dl_metrics_http *http;
	struct mnl_socket *nl;
	unsigned int netns;
	bool fired;		/* a --fail-on rule fired during the run */
	bool attached_once;	/* restarts are counted after the first attach */
	bool rule_fired[64];	/* per --fail-on rule, this interval */
	bool textfile_failing;
	bool ready;		/* past the first publish: failures are warnings */
};

/* watch_opts and what only the parser needs. */
struct watch_cli {
	struct watch_opts w;
	const char *fail_on;
	struct dl_common_opts c;	/* -v, -c */
};

#define WATCH_IFACE_HELP "interface to watch (repeatable); 'all': every interface of the " \
	"namespace except lo, including ones created later"

static const struct dl_param watch_table[] = {
	DL_OPT_STRINGS("interface", 'i', struct watch_cli, w.ifaces, w.nifaces, "IFACE",
		       WATCH_IFACE_HELP, .flags = DL_OPTF_IFNAMES),
	DL_OPT_STRING("netns", 0, struct watch_cli, w.netns, "NAME|PID",
		      "watch the network namespace /run/netns/NAME or /proc/PID/ns/net "
		      "(the metrics socket stays here)"),
	DL_OPT_SECONDS("interval", 'I', struct watch_cli, w.interval, 0.1, 86400.0 * 365,
		       "length of an interval (default 10)"),
	DL_OPT_SECONDS("duration", 'd', struct watch_cli, w.duration, 0, 86400.0 * 365,
		       "stop after this long (default 0: until stopped)"),
	DL_OPT_FLAG("json", 'j', struct watch_cli, w.json,
		    "one JSON line per device per interval on stdout"),
	DL_OPT_STRING("metrics-listen", 0, struct watch_cli, w.listen, "[ADDR:]PORT",
		      "serve GET /metrics (ADDR default 127.0.0.1; e.g. 9477 or [::1]:9477)"),
	DL_OPT_STRING("metrics-textfile", 0, struct watch_cli, w.textfile, "PATH",
		      "write the metrics to PATH each interval (atomic rename; "
		      "node_exporter textfile collector)"),
	DL_OPT_UINT("metrics-max-series", 0, struct watch_cli, w.max_series, 1, 10000000, "N",
		    "hard cap on series (default " DL__STR(DL_METRICS_MAX_SERIES_DEFAULT)
		    "); the rest are counted in dropledger_metrics_series_dropped_total"),
	DL_OPT_UINT("metrics-locations", 0, struct watch_cli, w.locations, 0, 1000, "N",
		    "also count drops by dropping function for the first N functions of "
		    "each device (the rest: function=\"other\"; default 0: none)"),
	DL_OPT_STRING("fail-on", 0, struct watch_cli, fail_on, "RULES",
		      "e.g. 'residual>1%,reason=NO_SOCKET>0': each interval record says "
		      "which fired; exit 4 at the end if any did"),
	DL_OPT_FLAG("flows", 0, struct watch_cli, w.flows,
		    "also record the top flows of each cause (JSON lines; costs a flow "
		    "table at XDP and a read that grows with the flows seen, up to 65536 "
		    "per device)"),
	DL_OPT_FLAG("skb-mode", 0, struct watch_cli, w.skb_mode,
		    "generic XDP even where the driver has native XDP"),
	DL_OPT_STRING("ready-file", 0, struct watch_cli, w.ready_file, "FILE",
		      "write 'ready' to FILE once counting (tests)",
		      .flags = DL_OPTF_HIDDEN | DL_OPTF_NOCONF),
	{}
};

static const struct dl_cmd watch_cmd = {
	.name = "watch",
	.args = "-i IFACE|all [-i IFACE...] [options]",
	.doc = "Always-on ledger of every watched interface (all RX queues), one interval "
	       "after the other, into Prometheus metrics, JSON lines and threshold checks. "
	       "Interfaces that appear, disappear or are re-created are picked up or "
	       "dropped with one log line each.",
	.opts = watch_table,
	.common = DL_COMMON_VERBOSE | DL_COMMON_CONFIG,
	.common_off = offsetof(struct watch_cli, c),
	.examples =
		"dropledger watch -i all --metrics-listen 9477\n"
		"dropledger watch -i eth1 -i eth2 -I 60 --json >> ledger.jsonl\n"
		"dropledger watch --netns edge -i all --metrics-textfile \\\n"
		"    /var/lib/prometheus/node-exporter/dropledger.prom\n",
	.notes = "Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON). Under systemd "
		 "(Type=notify) READY=1 follows the first attach and WATCHDOG=1 every loop.",
	.exit_codes = "0 ok, 1 runtime failure, 2 usage, 4 a --fail-on rule fired",
};

static const struct dl_param top_table[] = {
	DL_OPT_STRINGS("interface", 'i', struct watch_cli, w.ifaces, w.nifaces, "IFACE",
		       "interface to show (repeatable); 'all': every one but lo",
		       .flags = DL_OPTF_IFNAMES),
	DL_OPT_STRING("netns", 0, struct watch_cli, w.netns, "NAME|PID",
		      "enter that network namespace first"),
	DL_OPT_SECONDS("interval", 'I', struct watch_cli, w.interval, 0.1, 86400.0 * 365,
		       "refresh (default 1)"),
	DL_OPT_SECONDS("duration", 'd', struct watch_cli, w.duration, 0, 86400.0 * 365,
		       "stop after this long (default: until q or Ctrl-C)"),
	{}
};

static const struct dl_cmd top_cmd = {
	.name = "top",
	.args = "-i IFACE|all [-i IFACE...] [options]",
	.doc = "Live view of the ledger of every watched interface: rates per second, "
	       "causes by rate, hot queues. On a terminal it redraws once a second (q "
	       "quits and detaches, f shows flows, a advice); otherwise one compact line "
	       "per device per interval.",
	.opts = top_table,
	.common = DL_COMMON_VERBOSE,
	.common_off = offsetof(struct watch_cli, c),
	.examples = "dropledger top -i eth1 -i eth2\ndropledger top --netns edge -i all\n",
};

static int parse(int argc, char **argv, struct watch_opts *o, bool top)
{
	static struct dl_params ps;	/* keeps strings read from -c FILE */
	const struct dl_cmd *cmd = top ? &top_cmd : &watch_cmd;
	struct watch_cli cli = { .w = *o };
	unsigned int i, k;
	char why[512];
	int err;

	cli.w.interval = top ? 1 : 10;
	/*
	 * watch: causes without flows by default. Metrics never carry flows,
	 * and per-flow drop keys make every interval's read grow with the
	 * flows seen; top shows flows on a key, so it keeps them.
	 */
	cli.w.flows = top;
	err = cli_params(&ps, cmd, &cli, argc, argv);
	if (err == DL_PARAMS_HELP)
		exit(DL_EXIT_OK);
	if (err)
		return err;
	/* -i all among the names: every interface, now and later */
	for (i = k = 0; i < cli.w.nifaces; i++) {
		if (!strcmp(cli.w.ifaces[i], "all"))
			cli.w.all = true;
		else
			cli.w.ifaces[k++] = cli.w.ifaces[i];
	}
	cli.w.nifaces = k;
	if (!cli.w.all && !cli.w.nifaces)
		return cli_usage_error(cmd->name, "which interfaces? (-i IFACE, repeatable, or -i all)");
	if (cli.fail_on) {
		cli.w.fail_on = dl_fail_on__parse(cli.fail_on, why, sizeof(why));
		if (!cli.w.fail_on)
			return cli_usage_error(cmd->name, "--fail-on: %s", why);
	}
	*o = cli.w;
	return 0;
}

/*
 * Enter the namespace to watch. The mount namespace is made private first
 * (still single-threaded) so /sys can show the new namespace's devices, as
 * `ip netns exec` does; sockets opened before (the metrics listener) stay
 * where they were made.
 */
static int unshare_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		return -errno;
	if (mount("", "/", NULL, MS_SLAVE | MS_REC, NULL))
		return -errno;
	return 0;
}

static int enter_netns(const char *spec)
{
	char path[PATH_MAX];
	const char *p;
	int fd, err = 0;

	for (p = spec; *p >= '0' && *p <= '9'; p++)
		;
	if (!*p)
		snprintf(path, sizeof(path), "/proc/%s/ns/net", spec);
	else if (strchr(spec, '/'))
		snprintf(path, sizeof(path), "%s", spec);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", spec);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "dropledger: no network namespace %s (%s): %s\n", spec, path,
			strerror(errno));
		return -errno;
	}
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		fprintf(stderr, "dropledger: cannot enter network namespace %s: %s\n", spec,
			strerror(errno));
	}
	close(fd);
	if (err)
		return err;
	/* sysfs shows the namespace of whoever mounted it: mount a fresh one. */
	if (umount2("/sys", MNT_DETACH) || mount("sysfs", "/sys", "sysfs", 0, NULL)) {
		err = -errno;
		fprintf(stderr, "dropledger: cannot mount /sys for namespace %s: %s\n", spec,
			strerror(errno));
	}
	return err;
}

static bool wanted(const struct watch *w, const char *name)
{
	unsigned int i;

	if (w->o->all)
		return strcmp(name, "lo") != 0;
	for (i = 0; i < w->o->nifaces; i++)
		if (!strcmp(w->o->ifaces[i], name))
			return true;
	return false;
}

static struct wdev *find_dev(struct watch *w, const char *name)
{
	struct wdev *d;

	for (d = w->devs; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

/* The cumulative ledger of @d now (BPF maps since its attach). */
static int collect_now(struct watch *w, struct wdev *d, struct dl_ledger *l)
{
	struct dl_rxq_stats rxq[DL_MAX_QUEUES + 1];
	struct dl_ledger_names names = w->names;
	int err;

	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s", d->name);
	l->ifindex = d->ifindex;
	l->mode = "tap";
	l->attach = dl_ingress__mode(d->ing);
	l->drop_source = dl_drop_trace__flavour(d->dt);
	names.flow_map_fd = w->o->flows ? dl_drop_trace__flow_map_fd(d->dt) : -1;
	err = dl_ingress__read_rxq(d->ing, rxq);
	if (!err)
		err = dl_ledger__collect(l, rxq, d->dt, &names);
	return err;
}

static void dev_free(struct wdev *d)
{
	dl_ledger__free(&d->prev);
	dl_kstate__release(&d->ks_prev);
	/* Tracer first is not needed on the way out: XDP goes, then drops. */
	dl_ingress__destroy(d->ing);
	dl_drop_trace__destroy(d->dt);
	free(d);
}

static bool dev_is_up(const char *name)
{
	char path[128], state[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/flags", name);
	f = fopen(path, "re");
	if (!f)
		return true;	/* unknown: do not cry wolf */
	if (!fgets(state, sizeof(state), f))
		state[0] = '\0';
	fclose(f);
	return !state[0] || (strtoul(state, NULL, 16) & 1);	/* IFF_UP */
}

static bool refused(struct watch *w, const char *name, int ifindex, bool add)
{
	unsigned int i;

	for (i = 0; i < w->nbad; i++) {
		if (strcmp(w->bad[i].name, name))
			continue;
		if (w->bad[i].ifindex == ifindex)
			return true;
		if (add)
			w->bad[i].ifindex = ifindex;
		return false;
	}
	if (add && w->nbad < MAX_IFACES) {
		snprintf(w->bad[w->nbad].name, IF_NAMESIZE, "%s", name);
		w->bad[w->nbad++].ifindex = ifindex;
	}
	return false;
}

/* Drop capture first, then XDP, as report does: no drop falls between. */
static int dev_attach(struct watch *w, const char *name, int ifindex, const char *why_log)
{
	struct dl_drop_trace_opts dto = { .ifindex = ifindex, .netns = w->netns };
	struct dl_ingress_opts io = {};
	char why[512], note[1024];
	struct wdev *d;
	int err;

	if (refused(w, name, ifindex, false))
		return -EPERM;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->ifindex = ifindex;
	dto.flow_map_fd = -1;
	dto.no_flows = !w->o->flows;
	d->dt = dl_drop_trace__start(&dto, why, sizeof(why));
	if (!d->dt) {
		err = -errno;
		goto fail;
	}
	io.ifindex = ifindex;
	io.ifname = d->name;
	io.how = DL_ATTACH_LIBXDP;
	io.skb_mode = w->o->skb_mode;
	io.track_flows = w->o->flows;
	io.flow_map_fd = dl_drop_trace__flow_map_fd(d->dt);
	d->ing = dl_ingress__attach(&io, why, sizeof(why), note, sizeof(note));
	if (!d->ing) {
		err = -errno;
		goto fail;
	}
	if (note[0])
		pr_debug("%s: %s", name, note);
	if (!dev_is_up(name))
		pr_warn("%s: is down: counted from when it comes up\n", name);
	dl_kstate__take(&d->ks_prev, d->name, w->nic_map);
	err = collect_now(w, d, &d->prev);
	if (err) {
		snprintf(why, sizeof(why), "%s: reading counters: %s", name, strerror(-err));
		goto fail;
	}
	d->nqueues = dl_sysfs__rx_queues(d->name);
	d->mark = cli_now();
	d->next = w->devs;
	w->devs = d;
	w->ndevs++;
	pr_info("%s: watching (%s, %u rx queues)%s\n", name, dl_ingress__mode(d->ing),
		d->nqueues, why_log);
	if (w->attached_once && w->metrics)
		dl_metrics__device_restart(w->metrics, name);
	return 0;
fail:
	pr_warn("%s: not watched: %s\n", name, why);
	refused(w, name, ifindex, true);
	dl_kstate__release(&d->ks_prev);
	dl_ingress__destroy(d->ing);
	dl_drop_trace__destroy(d->dt);
	free(d);
	return err ? err : -EIO;
}

/* Print and account one interval of @d; @ks_now NULL when the device is gone. */
static int dev_interval(struct watch *w, struct wdev *d, unsigned int k,
			const struct dl_kstate *ks_now, FILE *out)
{
	struct dl_ledger cur, iv;
	char fired[512] = "";
	json_t *arr = NULL;
	unsigned int i;
	double now = cli_now();
	int err;

	err = collect_now(w, d, &cur);
	if (err)
		return err;
	err = dl_ledger__diff(&d->prev, &cur, &iv);
	if (err) {
		dl_ledger__free(&cur);
		return err;
	}
	iv.interval = k;
	iv.duration_s = now - d->mark;
	if (ks_now) {
		err = dl_ledger__add_kstate(&iv, &d->ks_prev, ks_now);
		if (!err)
			err = dl_ledger__add_rss(&iv, -1, &d->ks_prev, ks_now, 0);
	}
	if (!err && w->o->fail_on) {
		arr = json_array();
		for (i = 0; i < dl_fail_on__count(w->o->fail_on); i++) {
			bool f = false;
			double v;

			if (dl_fail_on__eval(w->o->fail_on, i, &iv, &f, &v) || !f)
				continue;
			json_array_append_new(arr, json_string(dl_fail_on__rule(w->o->fail_on, i)));
			if (i < 64)
				w->rule_fired[i] = true;
			if (!fired[0])
				dl_fail_on__check(w->o->fail_on, &iv, fired, sizeof(fired));
		}
		if (fired[0]) {
			w->fired = true;
			pr_warn("--fail-on: %s\n", fired);
		}
	}
	if (!err && w->metrics)
		err = dl_metrics__add_interval(w->metrics, &iv, (double)time(NULL));
	if (!err && w->o->render)
		w->o->render(w->o->render_ctx, &iv);
	else if (!err && w->o->json) {
		/* The envelope (schema, time, host, boot_id, seq) of every JSON line. */
		json_t *root = dl_ledger__to_json(&iv);

		if (root) {
			if (arr)
				json_object_set(root, "fail_on", arr);
			dl_output__json(&dl_stdout, "watch", root);
			json_decref(root);
		}
	} else if (!err) {
		watch_print_line(&iv, fired[0] ? fired : NULL, out);
		dl_output__check(&dl_stdout);
	}
	json_decref(arr);
	dl_ledger__free(&iv);
	dl_ledger__free(&d->prev);
	d->prev = cur;
	d->mark = now;
	return err;
}

/* The device went away or was re-created: its last counts, then detach. */
static void dev_drop(struct watch *w, struct wdev *d, unsigned int k, const char *what)
{
	struct wdev **pp;

	if (dev_interval(w, d, k, NULL, stdout))
		pr_debug("%s: last interval unreadable\n", d->name);
	if (w->metrics)
		dl_metrics__device_down(w->metrics, d->name);
	pr_info("%s: %s: no longer watched\n", d->name, what);
	for (pp = &w->devs; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	w->ndevs--;
	dev_free(d);
}

/*
 * Bring the watched set in line with the namespace: attach what is wanted
 * and present, drop what vanished or changed ifindex (re-created).
 */
static void reconcile(struct watch *w, unsigned int k)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	struct wdev *d, *next;

	if (!ni)
		return;
	for (d = w->devs; d; d = next) {
		int idx = (int)if_nametoindex(d->name);
		enum dl_ingress_state st;
		char why[512] = "";
		char *cut;

		next = d->next;
		/*
		 * The attachment check first: it tells a deleted device from one
		 * moved to another namespace (followed there and detached), a
		 * rename, or our program removed or replaced.
		 */
		st = dl_ingress__check(d->ing, why, sizeof(why));
		switch (st) {
		case DL_INGRESS_OK:
		case DL_INGRESS_QUEUES:	/* check_queues says it; counts go on */
			break;
		case DL_INGRESS_DOWN:
		case DL_INGRESS_UP:
			pr_info("%s\n", why);
			break;
		case DL_INGRESS_DELETED:
			dev_drop(w, d, k, idx ? "re-created" : "gone");
			continue;
		default:
			/* report's wording is about its run; here only this device stops. */
			cut = strstr(why, "; the run ends");
			if (!cut)
				cut = strstr(why, ": the run ends");
			if (cut)
				*cut = '\0';
			/* Not re-attached behind the back of whoever removed it. */
			if (st == DL_INGRESS_REMOVED || st == DL_INGRESS_REPLACED)
				refused(w, d->name, d->ifindex, true);
			dev_drop(w, d, k, why);
			continue;
		}
		if (!idx || idx != d->ifindex)
			dev_drop(w, d, k, idx ? "re-created" : "gone");
	}
	for (p = ni; p->if_index; p++) {
		if (!wanted(w, p->if_name) || find_dev(w, p->if_name))
			continue;
		dev_attach(w, p->if_name, (int)p->if_index,
			   w->attached_once ? " (appeared)" : "");
	}
	if_freenameindex(ni);
	w->attached_once = true;
}

/*
 * Metrics out: the HTTP snapshot and the textfile. A textfile that cannot
 * be written is said once (and once more when it recovers).
 */
static int publish(struct watch *w)
{
	char *text;
	size_t len;
	int err = 0;

	if (!w->metrics)
		return 0;
	dl_metrics__touch(w->metrics, (double)time(NULL));
	if (dl_metrics__render(w->metrics, &text, &len))
		return -ENOMEM;
	if (w->http)
		dl_metrics_http__publish(w->http, text, len);
	if (w->o->textfile) {
		err = dl_metrics__write_textfile(w->o->textfile, text, len);
		if (err && !w->textfile_failing && w->ready)
			pr_warn("cannot write %s: %s (retried every interval)\n",
				w->o->textfile, strerror(-err));
		else if (!err && w->textfile_failing)
			pr_info("%s written again\n", w->o->textfile);
		w->textfile_failing = err != 0;
	}
	free(text);
	return err;
}

static int nl_open(struct watch *w)
{
	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!w->nl)
		return -errno;
	if (mnl_socket_bind(w->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID)) {
		mnl_socket_close(w->nl);
		w->nl = NULL;
		return -errno;
	}
	return 0;
}

/* Drain link events; true when any arrived (then reconcile). */
static bool nl_drain(struct watch *w)
{
	char buf[16384];
	bool any = false;
	ssize_t n;

	while ((n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf))) > 0)
		any = true;
	/* ENOBUFS: events were lost; a full reconcile catches up anyway. */
	if (n < 0 && errno == ENOBUFS)
		any = true;
	return any;
}

/* Queue count changes: one line, the ledger follows the new count. */
static void check_queues(struct watch *w)
{
	struct wdev *d;

	for (d = w->devs; d; d = d->next) {
		unsigned int nq = dl_sysfs__rx_queues(d->name);

		if (nq && nq != d->nqueues) {
			pr_info("%s: rx queues %u -> %u\n", d->name, d->nqueues, nq);
			d->nqueues = nq;
		}
	}
}

static void load_names(struct watch *w)
{
	char why[512];
	int err;

	w->names.flow_map_fd = -1;
	w->names.ksyms = dl_ksyms__load("/proc/kallsyms");
	if (!w->names.ksyms)
		pr_warn("kernel symbols unavailable (%s): locations shown as addresses\n",
			strerror(errno));
	w->names.reasons = dl_reasons__load(NULL);
	if (!w->names.reasons)
		pr_warn("no drop reason names in this kernel's BTF (%s): shown as numbers\n",
			strerror(errno));
	w->names.causes = dl_causes__load(NULL, why, sizeof(why));
	if (!w->names.causes)
		pr_warn("%s: causes get generic advice\n", why);
	err = dl_config__path("nic_counters.tsv", why, sizeof(why));
	if (!err)
		err = dl_nic_map__load(why, &w->nic_map);
	if (err)
		pr_warn("driver counter map %s unusable (%s): NIC columns from qstats and sysfs only\n",
			why, strerror(-err));
}

int watch_run(struct watch_opts *o)
{
	struct watch w = { .o = o };
	unsigned int k = 1, i;
	double t0, last_ping = 0;
	char why[512];
	int rc = DL_EXIT_FAIL, err;
	struct wdev *d;

	if (cli_check_caps(o->top ? "top" : "watch"))
		return DL_EXIT_FAIL;
	if (o->netns && unshare_mounts()) {
		fprintf(stderr, "dropledger: cannot make a private mount namespace for --netns: %s\n",
			strerror(errno));
		return DL_EXIT_FAIL;
	}
	/* The listener first: it stays in the namespace we were started in. */
	if (o->listen || o->textfile) {
		w.metrics = dl_metrics__new(o->max_series);
		if (!w.metrics)
			return DL_EXIT_FAIL;
		dl_metrics__set_locations(w.metrics, o->locations);
	}
	if (o->listen) {
		w.http = dl_metrics_http__start(o->listen, why, sizeof(why));
		if (!w.http) {
			fprintf(stderr, "dropledger: %s\n", why);
			goto out;
		}
	}
	if (o->netns && enter_netns(o->netns))
		goto out;
	err = dl_netns__self_inum(&w.netns);
	if (err) {
		fprintf(stderr, "dropledger: cannot identify this network namespace: %s\n",
			strerror(-err));
		goto out;
	}
	if (nl_open(&w))
		pr_warn("no rtnetlink link events (%s): interfaces re-checked every interval\n",
			strerror(errno));
	cli_stop_signals();
	load_names(&w);
	reconcile(&w, 0);
	for (i = 0; i < o->nifaces; i++)
		if (!if_nametoindex(o->ifaces[i]))
			pr_warn("%s: not in this namespace: watched when it appears\n",
				o->ifaces[i]);
	if (!w.ndevs) {
		fprintf(stderr, "dropledger: nothing to watch: %s\n",
			o->all ? "no interface except lo in this namespace could be attached" :
				 "none of the named interfaces could be attached here");
		goto out;
	}
	/* A textfile that cannot be written at all is a setup error: say so and stop. */
	err = publish(&w);
	if (err && o->textfile) {
		fprintf(stderr, "dropledger: --metrics-textfile %s is not writable (%s): nothing attached is left behind\n",
			o->textfile, strerror(-err));
		goto out;
	}
	w.ready = true;
	sd_notify(0, "READY=1");
	cli_ready(o->ready_file);
	t0 = cli_now();
	for (;;) {
		double next = t0 + k * o->interval;
		double end = o->duration ? t0 + o->duration : 1e300;
		double until = next < end ? next : end;
		bool changed = false;

		while (!cli_stop && cli_now() < until) {
			struct pollfd pfd[2] = { { .fd = w.nl ? mnl_socket_get_fd(w.nl) : -1,
						   .events = POLLIN },
						 { .fd = o->key_fd, .events = POLLIN } };
			double left = until - cli_now();
			int ms = left > 1 ? 1000 : (int)(left * 1000) + 1;

			if (poll(pfd, 2, ms) > 0) {
				if (pfd[0].revents && nl_drain(&w))
					changed = true;
				if (pfd[1].revents && o->on_key && o->on_key(o->render_ctx))
					cli_stop = SIGINT;
			}
			if (changed) {
				reconcile(&w, k);
				changed = false;
			}
			if (cli_now() - last_ping >= 1) {
				sd_notify(0, "WATCHDOG=1");
				last_ping = cli_now();
			}
		}
		/* Link events can be lost or absent (program removal): look anyway. */
		reconcile(&w, k);
		check_queues(&w);
		for (d = w.devs; d; d = d->next) {
			struct dl_kstate ks_now;

			dl_kstate__take(&ks_now, d->name, w.nic_map);
			err = dev_interval(&w, d, k, &ks_now, stdout);
			dl_kstate__release(&d->ks_prev);
			d->ks_prev = ks_now;
			if (err)
				pr_warn("%s: reading counters: %s\n", d->name, strerror(-err));
		}
		if (o->render_done)
			o->render_done(o->render_ctx);
		/* Nobody reads (or the disk is full): stop, detach, say so once. */
		if (dl_output__failed(&dl_stdout) ||
		    (!o->render && dl_output__gone(&dl_stdout)))
			break;
		/* dropledger_fail_on_fired{rule}: fired on any device this interval. */
		for (i = 0; o->fail_on && w.metrics && i < dl_fail_on__count(o->fail_on); i++) {
			dl_metrics__set_rule(w.metrics, dl_fail_on__rule(o->fail_on, i),
					     w.rule_fired[i]);
			w.rule_fired[i] = false;
		}
		publish(&w);
		/* An interval's work can take a while on many devices: ping after it too. */
		sd_notify(0, "WATCHDOG=1");
		last_ping = cli_now();
		if (cli_stop || until >= end)
			break;
		k++;
	}
	rc = w.fired ? DL_EXIT_THRESHOLD : DL_EXIT_OK;
out:
	sd_notify(0, "STOPPING=1");
	while (w.devs) {
		d = w.devs;
		w.devs = d->next;
		dev_free(d);
	}
	if (w.nl)
		mnl_socket_close(w.nl);
	dl_metrics_http__stop(w.http);
	dl_metrics__free(w.metrics);
	dl_nic_map__free(w.nic_map);
	dl_ksyms__free((struct dl_ksyms *)w.names.ksyms);
	dl_reasons__free((struct dl_reasons *)w.names.reasons);
	dl_causes__free((struct dl_causes *)w.names.causes);
	if (dl_output__failed(&dl_stdout)) {
		dl_output__complain(&dl_stdout, o->top ? "top" : "watch");
		rc = DL_EXIT_FAIL;
	}
	return rc;
}

void watch_print_line(const struct dl_ledger *l, const char *fired, FILE *out)
{
	const struct dl_ledger_cause *top = NULL;
	unsigned int i;
	char nic[32] = "n/a";

	for (i = 0; i < l->ncauses; i++)
		if (!l->causes[i].tx && (!l->causes[i].category ||
					 strcmp(l->causes[i].category, "rss"))) {
			top = &l->causes[i];
			break;
		}
	if (l->nic_dropped.have)
		snprintf(nic, sizeof(nic), "%llu", (unsigned long long)l->nic_dropped.v);
	fprintf(out, "%s #%u %.1fs: seen %llu, nic dropped %s, stack dropped %llu%s%s%s, delivered %llu, residual %lld%s%s\n",
		l->ifname, l->interval, l->duration_s, (unsigned long long)l->xdp_seen, nic,
		(unsigned long long)l->stack_dropped, top ? " (top " : "",
		top ? top->reason_name : "", top ? ")" : "", (unsigned long long)l->delivered,
		(long long)l->residual, fired ? ", FAIL-ON " : "", fired ? fired : "");
}

int do_watch(int argc, char **argv)
{
	struct watch_opts o = { .key_fd = -1 };
	int rc;

	if (parse(argc, argv, &o, false)) {
		dl_fail_on__free(o.fail_on);
		return DL_EXIT_USAGE;
	}
	rc = watch_run(&o);
	dl_fail_on__free(o.fail_on);
	return rc;
}

int watch_parse(int argc, char **argv, struct watch_opts *o, bool top)
{
	return parse(argc, argv, o, top);
}
