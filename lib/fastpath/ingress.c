// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attach and read dl_ingress; see ingress.h. The owner tag written here
 * and the stale-program checks live in owner.c.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "fastpath/flow_cache.h"
#include "fastpath/hook.h"
#include "fastpath/ingress.h"
#include "fastpath/ingress_tc.h"
#include "fastpath/owner.h"
#include "counters/sysfs_stats.h"
#include "ingress.skel.h"
#include "util/bpffs.h"
#include "util/log.h"
#include "util/percpu.h"
#include "fastpath/mirror.h"

struct dl_ingress {
	struct dl_ingress_bpf *skel;
	struct xdp_program *xprog;	/* libxdp handle, LIBXDP mode */
	struct bpf_link *link;		/* LINK mode */
	struct dl_mirror *mirror;	/* tap rings, when sample_every > 0 */
	unsigned int sample_every;
	int ifindex;
	enum xdp_attach_mode xmode;
	struct dl_tc_attach tc;		/* tc hook */
	bool is_tc;
	bool dispatcher;		/* joined a libxdp dispatcher */
	bool attached;
	/* What the attachment check compares against (dl_ingress__check). */
	char ifname[IF_NAMESIZE];
	char shown[4 * IF_NAMESIZE + 1];	/* ifname, control bytes escaped */
	unsigned int rx_queues;		/* 0: unreadable, not checked */
	bool up;
};

static __u32 prog_id_of(const struct bpf_program *p)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
		return 0;
	return info.id;
}

static int write_owner(struct dl_ingress *ing)
{
	struct dl_owner o;
	__u32 zero = 0;
	int err;

	err = dl_owner__self(&o);
	if (err)
		return err;
	if (bpf_map_update_elem(bpf_map__fd(ing->skel->maps.dl_owner), &zero, &o, 0))
		return -errno;
	return 0;
}

static int attach_link(struct dl_ingress *ing, const struct dl_ingress_opts *opts,
		       char *why, size_t why_len)
{
	struct bpf_link *link;

	link = bpf_program__attach_xdp(ing->skel->progs.dl_ingress, opts->ifindex);
	if (!link) {
		int err = -errno;

		snprintf(why, why_len, "cannot attach bpf_link to %s: %s%s", opts->ifname,
			 strerror(errno), err == -EBUSY ?
			 " (another XDP program is attached)" : "");
		return err;
	}
	ing->link = link;
	return 0;
}

/* @may_generic: fall back to generic XDP (never when the hook was auto). */
static int attach_libxdp(struct dl_ingress *ing, const struct dl_ingress_opts *opts,
			 bool may_generic, char *why, size_t why_len, char *note, size_t nlen)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xo,
			    .obj = ing->skel->obj,
			    .prog_name = "dl_ingress");
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char buf[128];
	int err;

	ing->xprog = xdp_program__create(&xo);
	err = libxdp_get_error(ing->xprog);
	if (err) {
		ing->xprog = NULL;
		libxdp_strerror(err, buf, sizeof(buf));
		snprintf(why, why_len, "cannot prepare XDP program: %s", buf);
		return err;
	}
	ing->xmode = opts->skb_mode ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	err = xdp_program__attach(ing->xprog, opts->ifindex, ing->xmode, 0);
	if (err == -EOPNOTSUPP && ing->xmode == XDP_MODE_NATIVE && may_generic) {
		ing->xmode = XDP_MODE_SKB;
		err = xdp_program__attach(ing->xprog, opts->ifindex, ing->xmode, 0);
		if (!err)
			snprintf(note, nlen, "%s has no native XDP: using generic (skb) mode, which sees frames later and costs more\n",
				 opts->ifname);
	}
	if (err) {
		libxdp_strerror(err, buf, sizeof(buf));
		snprintf(why, why_len, "cannot attach to %s: %s%s", opts->ifname, buf,
			 err == -EPERM ? " (needs CAP_BPF and CAP_NET_ADMIN)" : "");
		return err;
	}
	/* Did libxdp build a dispatcher, or fall back to our program alone? */
	bpf_xdp_query(opts->ifindex, 0, &q);
	ing->dispatcher = (ing->xmode == XDP_MODE_SKB ? q.skb_prog_id : q.drv_prog_id) !=
			  xdp_program__id(ing->xprog);
	if (!ing->dispatcher) {
		size_t used = strlen(note);

		snprintf(note + used, nlen - used,
			 "libxdp dispatcher unavailable on this kernel (BPF trampolines denied): dropledger is attached to %s alone; other XDP programs cannot join while it runs\n",
			 opts->ifname);
	}
	return 0;
}

/* Before load: flow table size and tap mirroring (rodata, outer map). */
static int set_sizes(struct dl_ingress *ing, const struct dl_ingress_opts *opts,
		     char *why, size_t why_len)
{
	int err = 0;

	ing->skel->rodata->sample_every = opts->sample_every;
	ing->sample_every = opts->sample_every;
	if (opts->flow_entries)
		err = bpf_map__set_max_entries(ing->skel->maps.flow_tbl,
					       opts->flow_entries);
	if (!err && opts->sample_every) {
		struct dl_mirror_opts mo = { .ring_bytes = opts->mirror_ring_bytes,
					     .kind = opts->mirror_ring,
					     .timestamps = opts->mirror_ts };

		err = dl_mirror__prepare(ing->skel, &mo);
	}
	if (err)
		snprintf(why, why_len, "cannot size the XDP program's maps: %s",
			 strerror(-err));
	return err;
}

/* After load, before attach: every CPU has its ring from the first frame. */
static int make_mirror(struct dl_ingress *ing, const struct dl_ingress_opts *opts,
		       char *why, size_t why_len)
{
	struct dl_mirror_opts mo = { .ring_bytes = opts->mirror_ring_bytes,
				     .kind = opts->mirror_ring };

	if (!opts->sample_every)
		return 0;
	ing->mirror = dl_mirror__new(ing->skel, &mo);
	if (!ing->mirror) {
		int err = -errno;

		snprintf(why, why_len, "cannot create the tap mirror rings: %s",
			 strerror(-err));
		return err;
	}
	return 0;
}

/* Open, size and load the object; the program of the other hook stays out. */
static int load(struct dl_ingress *ing, const struct dl_ingress_opts *opts,
		char *why, size_t why_len)
{
	int err;

	ing->skel = dl_ingress_bpf__open();
	if (!ing->skel) {
		err = -errno;
		snprintf(why, why_len, "cannot open the ingress program: %s", strerror(errno));
		return err;
	}
	bpf_program__set_autoload(ing->skel->progs.dl_ingress, !ing->is_tc);
	bpf_program__set_autoload(ing->skel->progs.dl_ingress_tc, ing->is_tc);
	ing->skel->rodata->track_flows = opts->track_flows;
	ing->skel->rodata->track_flow_queues = opts->track_flow_queues;
	ing->skel->rodata->exact_flows = opts->exact_flows;
	ing->skel->rodata->tc_qm_raw = opts->tc_qm_raw;
	err = set_sizes(ing, opts, why, why_len);
	if (err)
		return err;
	if (opts->flow_map_fd > 0) {
		err = bpf_map__reuse_fd(ing->skel->maps.flow_tbl, opts->flow_map_fd);
		if (err) {
			snprintf(why, why_len, "cannot share the flow table: %s", strerror(-err));
			return err;
		}
	}
	/* Only the tc hook runs on the skb the tracer later sees freed. */
	if (ing->is_tc && opts->track_flows && opts->arrival_map_fd > 0) {
		err = bpf_map__reuse_fd(ing->skel->maps.arrival_memo, opts->arrival_map_fd);
		if (err) {
			snprintf(why, why_len, "cannot share the arrival hand-over: %s",
				 strerror(-err));
			return err;
		}
		ing->skel->rodata->arrival_memo_on = 1;
	}
	err = dl_ingress_bpf__load(ing->skel);
	if (err) {
		snprintf(why, why_len, "cannot load the ingress program: %s%s", strerror(-err),
			 err == -EPERM ? " (needs root: CAP_BPF, CAP_NET_ADMIN)" : "");
		return err;
	}
	err = make_mirror(ing, opts, why, why_len);
	if (err)
		return err;
	err = write_owner(ing);
	if (err) {
		snprintf(why, why_len, "cannot tag the ingress program's owner: %s",
			 strerror(-err));
		return err;
	}
	/* Readers of the tables (ledger, RSS) join the per-CPU cache. */
	if (!opts->exact_flows) {
		int cfd = bpf_map__fd(ing->skel->maps.flow_cache);

		err = dl_flow_cache__register(bpf_map__fd(ing->skel->maps.flow_tbl), cfd);
		if (!err)
			err = dl_flow_cache__register(bpf_map__fd(ing->skel->maps.flow_q_cnt),
						      cfd);
		if (err) {
			snprintf(why, why_len, "cannot register the flow cache: %s",
				 strerror(-err));
			return err;
		}
	}
	return 0;
}

/*
 * dl_owner tag of a program, for the tc attachment's checks: a run we
 * cannot see (another PID namespace) counts as alive, never removed.
 */
static int tc_owner(__u32 prog_id, __u32 *pid, bool *alive)
{
	struct dl_owner o;
	char name[32];
	pid_t holder = 0;
	int err;

	err = dl_owner__of_prog(prog_id, &o, name, sizeof(name));
	if (err)
		return err;
	*pid = o.pid;
	*alive = dl_owner__state(&o, prog_id, &holder) != DL_OWNER_DEAD;
	return 0;
}

int dl_ingress__remove_stale_tc(int ifindex, char *msg, size_t msg_len)
{
	return dl_tc__remove_stale(ifindex, tc_owner, msg, msg_len);
}

static struct dl_ingress *attach_tc(const struct dl_ingress_opts *opts,
				    char *why, size_t why_len,
				    char *note, size_t note_len)
{
	struct dl_ingress *ing;
	int err;

	if (dl_ingress__remove_stale_tc(opts->ifindex, note, note_len) < 0)
		note[0] = '\0';
	err = dl_tc__check_free(opts->ifindex, opts->ifname, tc_owner, why, why_len);
	if (err) {
		errno = -err;
		return NULL;
	}
	ing = calloc(1, sizeof(*ing));
	if (!ing) {
		errno = ENOMEM;
		return NULL;
	}
	ing->ifindex = opts->ifindex;
	ing->is_tc = true;
	err = load(ing, opts, why, why_len);
	if (!err)
		err = dl_tc__attach(ing->skel->progs.dl_ingress_tc, opts->ifindex,
				    opts->ifname, opts->tc_classic, &ing->tc,
				    why, why_len);
	if (err) {
		dl_ingress__destroy(ing);
		errno = -err;
		return NULL;
	}
	ing->attached = true;
	snprintf(ing->ifname, sizeof(ing->ifname), "%s", opts->ifname);
	ing->rx_queues = dl_sysfs__rx_queues(opts->ifname);
	ing->up = dl_ingress__is_up(ing);
	return ing;
}

/*
 * auto: the driver's row of hooks.tsv. The row's queue convention holds
 * for tc whichever way the hook was chosen (report says which at start).
 */
static void resolve_hook(const struct dl_ingress_opts *in, struct dl_ingress_opts *out)
{
	struct dl_hook_choice hc;
	bool asked = in->hook != DL_HOOK_AUTO;

	*out = *in;
	if (in->hook == DL_HOOK_XDP)
		return;
	dl_hook__auto(in->ifname, &hc);
	if (!asked)
		out->hook = hc.hook;
	if (hc.from_table)
		out->tc_qm_raw = hc.tc_qm_raw;
	pr_debug("hook %s on %s (%s; driver %s%s%s)\n",
		 dl_hook__name(out->hook), in->ifname, asked ? "asked for" : "auto",
		 hc.driver[0] ? hc.driver : "unknown", !asked && hc.why[0] ? ": " : "",
		 !asked ? hc.why : "");
}

struct dl_ingress *dl_ingress__attach(const struct dl_ingress_opts *opts_in,
				      char *why, size_t why_len,
				      char *note, size_t note_len)
{
	struct dl_ingress_opts res, *opts = &res;
	size_t nused;
	struct dl_ingress *ing = NULL;
	bool has_disp;
	char msg[512];
	int err, n;

	if (note_len)
		note[0] = '\0';
	if (why_len)
		why[0] = '\0';
	resolve_hook(opts_in, &res);
	nused = strlen(note);
	if (opts->hook == DL_HOOK_TC)
		return attach_tc(opts, why, why_len, note + nused, note_len - nused);
	if (opts->how == DL_ATTACH_LIBXDP) {
		err = dl_bpffs__ensure();
		if (err) {
			snprintf(why, why_len, "libxdp needs bpffs at %s: %s", DL_BPFFS,
				 strerror(-err));
			goto fail;
		}
	}
	n = dl_owner__remove_stale(opts->ifindex, false, msg, sizeof(msg), NULL);
	if (n > 0)
		snprintf(note + nused, note_len - nused, "%s", msg);
	err = dl_owner__check_free(opts->ifindex, opts->ifname, why, why_len, &has_disp);
	if (err)
		goto fail;
	if (has_disp && opts->how == DL_ATTACH_LINK) {
		snprintf(why, why_len, "%s has a libxdp dispatcher with other programs; --attach link would need it to go",
			 opts->ifname);
		err = -EBUSY;
		goto fail;
	}

	ing = calloc(1, sizeof(*ing));
	if (!ing) {
		err = -ENOMEM;
		goto fail;
	}
	ing->ifindex = opts->ifindex;
	err = load(ing, opts, why, why_len);
	if (err)
		goto fail;
	if (opts->how == DL_ATTACH_LINK)
		err = attach_link(ing, opts, why, why_len);
	else
		err = attach_libxdp(ing, opts, opts_in->hook != DL_HOOK_AUTO, why, why_len,
				    note + strlen(note), note_len - strlen(note));
	if (err == -EOPNOTSUPP && opts_in->hook == DL_HOOK_AUTO) {
		/* No native XDP on a driver the table did not know: tc, not generic. */
		dl_ingress__destroy(ing);
		res.hook = DL_HOOK_TC;
		snprintf(note, note_len, "%s has no native XDP: counting at tc ingress\n",
			 opts->ifname);
		nused = strlen(note);
		return attach_tc(opts, why, why_len, note + nused, note_len - nused);
	}
	if (err)
		goto fail;
	ing->attached = true;
	snprintf(ing->ifname, sizeof(ing->ifname), "%s", opts->ifname);
	dl_log__printable(opts->ifname, ing->shown, sizeof(ing->shown));
	ing->rx_queues = dl_sysfs__rx_queues(opts->ifname);
	ing->up = dl_ingress__is_up(ing);
	return ing;
fail:
	dl_ingress__destroy(ing);
	errno = -err;
	return NULL;
}

void dl_ingress__destroy(struct dl_ingress *ing)
{
	if (!ing)
		return;
	if (ing->is_tc) {
		if (ing->attached)
			dl_tc__detach(&ing->tc, prog_id_of(ing->skel->progs.dl_ingress_tc));
	} else if (ing->link) {
		bpf_link__destroy(ing->link);
	} else if (ing->attached && ing->dispatcher) {
		xdp_program__detach(ing->xprog, ing->ifindex, ing->xmode, 0);
	} else if (ing->attached) {
		int err = dl_owner__detach_prog(ing->ifindex, xdp_program__id(ing->xprog),
					ing->xmode == XDP_MODE_SKB ?
					XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

		/* Moved to another namespace: it took our program along. */
		if (err == -ENODEV)
			err = dl_owner__find_elsewhere(xdp_program__id(ing->xprog),
						       xdp_program__fd(ing->xprog),
						       true, NULL, 0) < 0 ? -EIO : 0;
		if (err)
			pr_warn("detaching from ifindex %d: %s\n", ing->ifindex,
				strerror(-err));
	}
	/* libxdp does not own the bpf_object we passed in: close it after. */
	xdp_program__close(ing->xprog);
	dl_mirror__free(ing->mirror);
	if (ing->skel && bpf_map__fd(ing->skel->maps.flow_tbl) >= 0) {
		dl_flow_cache__unregister(bpf_map__fd(ing->skel->maps.flow_tbl));
		dl_flow_cache__unregister(bpf_map__fd(ing->skel->maps.flow_q_cnt));
	}
	dl_ingress_bpf__destroy(ing->skel);
	free(ing);
}

const char *dl_ingress__hook(const struct dl_ingress *ing)
{
	return ing->is_tc ? "tc" : "xdp";
}

const char *dl_ingress__mode(const struct dl_ingress *ing)
{
	if (ing->is_tc)
		return ing->tc.link_fd > 0 ? "tcx" : "clsact";
	if (ing->link)
		return "link";
	return ing->xmode == XDP_MODE_SKB ? "skb" : "native";
}

int dl_ingress__read_rxq(const struct dl_ingress *ing, struct dl_rxq_stats *out)
{
	int fd = bpf_map__fd(ing->skel->maps.rxq_cnt), err;
	__u32 q;

	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		err = dl_percpu__sum(fd, q, sizeof(out[q]), &out[q]);
		if (err)
			return err;
	}
	return 0;
}

int dl_ingress__rxq_map_fd(const struct dl_ingress *ing)
{
	return bpf_map__fd(ing->skel->maps.rxq_cnt);
}

int dl_ingress__flow_map_fd(const struct dl_ingress *ing)
{
	return bpf_map__fd(ing->skel->maps.flow_tbl);
}

int dl_ingress__flow_q_map_fd(const struct dl_ingress *ing)
{
	return bpf_map__fd(ing->skel->maps.flow_q_cnt);
}

struct dl_mirror *dl_ingress__mirror(const struct dl_ingress *ing)
{
	return ing ? ing->mirror : NULL;
}

unsigned int dl_ingress__sample_every(const struct dl_ingress *ing)
{
	return ing ? ing->sample_every : 0;
}

bool dl_ingress__is_up(const struct dl_ingress *ing)
{
	struct ifreq ifr = {};
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (!if_indextoname(ing->ifindex, ifr.ifr_name)) {
		close(fd);
		return false;
	}
	err = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	return !err && (ifr.ifr_flags & IFF_UP);
}

static __u32 link_prog_id(const struct dl_ingress *ing)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(ing->skel->progs.dl_ingress),
				   &info, &len))
		return 0;
	return info.id;
}

static __u32 our_id(const struct dl_ingress *ing)
{
	if (ing->is_tc)
		return prog_id_of(ing->skel->progs.dl_ingress_tc);
	return ing->link ? link_prog_id(ing) : xdp_program__id(ing->xprog);
}

/* Is our program in the libxdp dispatcher on the interface? */
static bool in_dispatcher(const struct dl_ingress *ing)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ing->ifindex);
	struct xdp_program *p = NULL;
	bool found = false;

	if (libxdp_get_error(mp) || !mp)
		return false;
	while (!found && (p = xdp_multiprog__next_prog(p, mp)))
		found = xdp_program__id(p) == our_id(ing);
	xdp_multiprog__close(mp);
	return found;
}

/* Interface gone from our namespace: deleted, or moved with our program. */
static enum dl_ingress_state check_gone(struct dl_ingress *ing, char *why,
					size_t why_len)
{
	char where[300];
	int found;

	/* A link detaches wherever the device went; libxdp's attach needs a visit. */
	found = dl_owner__find_elsewhere(our_id(ing), bpf_program__fd(ing->skel->progs.dl_ingress),
					 !ing->link, where, sizeof(where));
	if (ing->link)
		bpf_link__detach(ing->link);
	ing->attached = false;
	if (found > 0) {
		snprintf(why, why_len, "%s was moved to another network namespace (%s): our program was detached there; the run ends",
			 ing->shown, where);
		return DL_INGRESS_MOVED;
	}
	if (found < 0)
		snprintf(why, why_len, "%s was moved to another network namespace (%s) and detaching our program there failed: %s; run: dropledger detach there",
			 ing->shown, where, strerror(-found));
	else
		snprintf(why, why_len, "%s was deleted (or moved where we cannot see): the run ends", ing->shown);
	return found < 0 ? DL_INGRESS_MOVED : DL_INGRESS_DELETED;
}

enum dl_ingress_state dl_ingress__check(struct dl_ingress *ing, char *why,
					size_t why_len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char name[IF_NAMESIZE];
	unsigned int rxq;
	__u32 id, want = our_id(ing);
	int qerr;
	bool up;

	if (why_len)
		why[0] = '\0';
	/*
	 * Query first, name second: libbpf's query reports "no program" for
	 * an ifindex that is gone, so a device leaving between the two must
	 * be seen as gone, not as our program removed.
	 */
	qerr = bpf_xdp_query(ing->ifindex, 0, &q);
	if (!if_indextoname(ing->ifindex, name)) {
		if (!ing->is_tc)
			return check_gone(ing, why, why_len);
		/* A TCX link goes with its device; a classic filter too. */
		ing->attached = false;
		snprintf(why, why_len, "%s was deleted or moved to another network namespace: the run ends",
			 ing->ifname);
		return DL_INGRESS_DELETED;
	}
	if (strcmp(name, ing->ifname)) {
		char to[4 * IF_NAMESIZE + 1];

		dl_log__printable(name, to, sizeof(to));
		snprintf(why, why_len, "%s was renamed to %s: the run ends", ing->shown, to);
		return DL_INGRESS_RENAMED;
	}
	if (ing->is_tc) {
		int on = dl_tc__attached(&ing->tc, want);

		if (on == 0) {
			/* Never detach what took our place: it is not ours. */
			ing->attached = false;
			snprintf(why, why_len, "our tc ingress program was removed from %s by someone else: the run ends",
				 ing->ifname);
			return DL_INGRESS_REMOVED;
		}
	} else if (!qerr) {
		id = ing->xmode == XDP_MODE_SKB && !ing->link ? q.skb_prog_id :
		     q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
		if (id != want && !(ing->dispatcher && in_dispatcher(ing))) {
			struct bpf_prog_info info = {};
			__u32 ilen = sizeof(info);
			int fd;

			/* Never detach what took our place: it is not ours. */
			ing->attached = false;
			if (!id) {
				snprintf(why, why_len, "our XDP program was removed from %s by someone else: the run ends",
					 ing->shown);
				return DL_INGRESS_REMOVED;
			}
			fd = bpf_prog_get_fd_by_id(id);
			if (fd >= 0) {
				bpf_obj_get_info_by_fd(fd, &info, &ilen);
				close(fd);
			}
			snprintf(why, why_len, "our XDP program on %s was replaced by '%s' (id %u): the run ends",
				 ing->shown, info.name[0] ? info.name : "?", id);
			return DL_INGRESS_REPLACED;
		}
	}
	rxq = ing->rx_queues ? dl_sysfs__rx_queues(ing->ifname) : 0;
	if (rxq && rxq != ing->rx_queues) {
		snprintf(why, why_len, "the RX queue count of %s changed from %u to %u: per-queue counts no longer compare; the run ends",
			 ing->shown, ing->rx_queues, rxq);
		return DL_INGRESS_QUEUES;
	}
	up = dl_ingress__is_up(ing);
	if (up == ing->up)
		return DL_INGRESS_OK;
	ing->up = up;
	if (!up) {
		snprintf(why, why_len, "%s went down: nothing arrives until it is up again", ing->shown);
		return DL_INGRESS_DOWN;
	}
	snprintf(why, why_len, "%s is up again", ing->shown);
	return DL_INGRESS_UP;
}
