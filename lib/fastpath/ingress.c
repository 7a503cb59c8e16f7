// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attach and read dl_ingress; see ingress.h. Ownership of an attached
 * program is proven by its dl_owner map (pid + process start time), never
 * by its name alone, so we only ever remove programs our own runs loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "fastpath/ingress.h"
#include "ingress.skel.h"
#include "util/log.h"
#include "util/percpu.h"
#include "fastpath/mirror.h"

#define BPFFS "/sys/fs/bpf"

struct dl_ingress {
	struct dl_ingress_bpf *skel;
	struct xdp_program *xprog;	/* libxdp handle, LIBXDP mode */
	struct bpf_link *link;		/* LINK mode */
	struct dl_mirror *mirror;	/* tap rings, when sample_every > 0 */
	unsigned int sample_every;
	int ifindex;
	enum xdp_attach_mode xmode;
	bool dispatcher;		/* joined a libxdp dispatcher */
	bool attached;
};

int dl_bpffs__ensure(void)
{
	struct statfs st;

	if (!statfs(BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, NULL)) {
		int err = -errno;

		pr_warn("bpffs is not mounted at %s and mounting it failed: %s\n",
			BPFFS, strerror(errno));
		return err;
	}
	pr_debug("mounted bpffs at %s\n", BPFFS);
	return 0;
}

int dl_netns__self_inum(unsigned int *inum)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*inum = (unsigned int)st.st_ino;
	return 0;
}

/* Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
static int proc_start_time(pid_t pid, __u64 *start)
{
	char path[64], buf[1024], *p;
	unsigned long long v;
	int fd, n, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: skip to the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EBADMSG;
	for (i = 2; i < 22 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &v) != 1)
		return -EBADMSG;
	*start = v;
	return 0;
}

static bool owner_alive(const struct dl_owner *o)
{
	__u64 start;

	if (kill((pid_t)o->pid, 0) && errno == ESRCH)
		return false;
	if (proc_start_time((pid_t)o->pid, &start))
		return false;
	return start == o->start_time;
}

/* Read the dl_owner tag of program @prog_id; -ENOENT if it has none. */
static int prog_owner(__u32 prog_id, struct dl_owner *o, char *name, size_t nlen)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), map_ids[16] = {}, i;
	int fd, err = -ENOENT;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = 16;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		goto out;
	}
	snprintf(name, nlen, "%s", info.name);
	for (i = 0; i < info.nr_map_ids && i < 16; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi), zero = 0;
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);

		if (mfd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(mfd, &mi, &mlen) &&
		    !strcmp(mi.name, "dl_owner") &&
		    mi.value_size == sizeof(*o) &&
		    !bpf_map_lookup_elem(mfd, &zero, o) &&
		    o->magic == DL_OWNER_MAGIC)
			err = 0;
		close(mfd);
		if (!err)
			break;
	}
out:
	close(fd);
	return err;
}

static int detach_single(int ifindex, __u32 prog_id, __u32 mode_flags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int fd, err;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	/* Only if it is still that program: never race a foreign attach. */
	opts.old_prog_fd = fd;
	err = bpf_xdp_detach(ifindex, mode_flags, &opts);
	close(fd);
	return err;
}

/* Walk a libxdp dispatcher's programs and remove our stale ones. */
static int remove_stale_in_dispatcher(int ifindex, char *msg, size_t len,
				      size_t *used)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p = NULL;
	int removed = 0;

	if (libxdp_get_error(mp) || !mp)
		return 0;
	while ((p = xdp_multiprog__next_prog(p, mp))) {
		struct dl_owner o;
		char name[32];

		if (prog_owner(xdp_program__id(p), &o, name, sizeof(name)) ||
		    owner_alive(&o))
			continue;
		if (!xdp_program__detach(p, ifindex,
					 xdp_multiprog__attach_mode(mp), 0)) {
			removed++;
			*used += snprintf(msg + *used, *used < len ? len - *used : 0,
					  "removed stale dropledger program id %u (left by pid %u) from the libxdp dispatcher\n",
					  xdp_program__id(p), o.pid);
		}
	}
	xdp_multiprog__close(mp);
	return removed;
}

/*
 * Does any process hold program @id open? A program attached without a
 * link and held by nobody was left by a process that is gone.
 */
static bool prog_held(__u32 id)
{
	char want[32], path[600], line[128];
	struct dirent *p, *f;
	bool held = false;
	DIR *proc, *fds;

	snprintf(want, sizeof(want), "prog_id:\t%u\n", id);
	proc = opendir("/proc");
	if (!proc)
		return true;	/* cannot tell: assume someone does */
	while (!held && (p = readdir(proc))) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!held && (f = readdir(fds))) {
			FILE *fi;

			if (f->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", p->d_name, f->d_name);
			fi = fopen(path, "re");
			if (!fi)
				continue;
			while (fgets(line, sizeof(line), fi))
				if (!strcmp(line, want)) {
					held = true;
					break;
				}
			fclose(fi);
		}
		closedir(fds);
	}
	closedir(proc);
	return held;
}

/* Our programs that others attach for us (the DPDK PMD): no owner tag. */
static bool ours_untagged(const char *name)
{
	return !strcmp(name, "dl_dpdk_xdp") || !strcmp(name, "dl_capture");
}

int dl_ingress__remove_stale(int ifindex, char *msg, size_t msg_len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	static const __u32 modes[] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE };
	size_t used = 0;
	int removed = 0, err;
	unsigned int i;

	if (msg_len)
		msg[0] = '\0';
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return err;
	for (i = 0; i < 2; i++) {
		__u32 id = modes[i] == XDP_FLAGS_DRV_MODE ? q.drv_prog_id : q.skb_prog_id;
		struct dl_owner o;
		char name[32] = "";

		if (!id)
			continue;
		if (prog_owner(id, &o, name, sizeof(name))) {
			if (!strcmp(name, "xdp_dispatcher"))
				removed += remove_stale_in_dispatcher(ifindex, msg, msg_len, &used);
			if (!ours_untagged(name) || prog_held(id))
				continue;
			o.pid = 0;	/* unknown: the attaching process is gone */
		} else if (owner_alive(&o)) {
			continue;
		}
		err = detach_single(ifindex, id, modes[i]);
		if (err) {
			pr_warn("cannot remove stale dropledger program id %u: %s\n",
				id, strerror(-err));
			continue;
		}
		removed++;
		if (o.pid)
			used += snprintf(msg + used, used < msg_len ? msg_len - used : 0,
					 "removed stale dropledger program id %u (left by pid %u, no longer running)\n",
					 id, o.pid);
		else
			used += snprintf(msg + used, used < msg_len ? msg_len - used : 0,
					 "removed stale dropledger program %s id %u (no process holds it)\n",
					 name, id);
	}
	return removed;
}

/* Refuse when a program we did not load, or a live run of ours, holds it. */
static int check_free(int ifindex, const char *ifname, char *why, size_t len,
		      bool *has_dispatcher)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 ids[3];
	int err, i;

	*has_dispatcher = false;
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err) {
		snprintf(why, len, "cannot query XDP state of %s: %s", ifname,
			 strerror(-err));
		return err;
	}
	ids[0] = q.drv_prog_id;
	ids[1] = q.skb_prog_id;
	ids[2] = q.hw_prog_id;
	for (i = 0; i < 3; i++) {
		struct dl_owner o;
		char name[32] = "?";

		if (!ids[i])
			continue;
		if (!prog_owner(ids[i], &o, name, sizeof(name))) {
			snprintf(why, len,
				 "%s is already watched by dropledger (pid %u, program id %u); stop that run first",
				 ifname, o.pid, ids[i]);
			return -EBUSY;
		}
		if (!strcmp(name, "xdp_dispatcher") && i < 2) {
			*has_dispatcher = true;
			continue;
		}
		snprintf(why, len,
			 "%s already runs XDP program '%s' (id %u) that was not attached through libxdp; dropledger will not replace it",
			 ifname, name, ids[i]);
		return -EBUSY;
	}
	return 0;
}

static int write_owner(struct dl_ingress *ing)
{
	struct dl_owner o = { .magic = DL_OWNER_MAGIC, .pid = (__u32)getpid() };
	__u32 zero = 0;
	int err;

	err = proc_start_time(getpid(), &o.start_time);
	if (err)
		return err;
	if (bpf_map_update_elem(bpf_map__fd(ing->skel->maps.dl_owner), &zero, &o, 0))
		return -errno;
	return 0;
}

static int attach_link(struct dl_ingress *ing, const struct dl_ingress_opts *opts,
		       char *why, size_t len)
{
	struct bpf_link *link;

	link = bpf_program__attach_xdp(ing->skel->progs.dl_ingress, opts->ifindex);
	if (!link) {
		int err = -errno;

		snprintf(why, len, "cannot attach bpf_link to %s: %s%s", opts->ifname,
			 strerror(errno), err == -EBUSY ?
			 " (another XDP program is attached)" : "");
		return err;
	}
	ing->link = link;
	return 0;
}

static int attach_libxdp(struct dl_ingress *ing, const struct dl_ingress_opts *opts,
			 char *why, size_t len, char *note, size_t nlen)
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
		snprintf(why, len, "cannot prepare XDP program: %s", buf);
		return err;
	}
	ing->xmode = opts->skb_mode ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	err = xdp_program__attach(ing->xprog, opts->ifindex, ing->xmode, 0);
	if (err == -EOPNOTSUPP && ing->xmode == XDP_MODE_NATIVE) {
		ing->xmode = XDP_MODE_SKB;
		err = xdp_program__attach(ing->xprog, opts->ifindex, ing->xmode, 0);
		if (!err)
			snprintf(note, nlen, "%s has no native XDP: using generic (skb) mode, which sees frames later and costs more\n",
				 opts->ifname);
	}
	if (err) {
		libxdp_strerror(err, buf, sizeof(buf));
		snprintf(why, len, "cannot attach to %s: %s%s", opts->ifname, buf,
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
		     char *why, size_t len)
{
	int err = 0;

	ing->skel->rodata->sample_every = opts->sample_every;
	ing->sample_every = opts->sample_every;
	if (opts->flow_entries)
		err = bpf_map__set_max_entries(ing->skel->maps.flow_tbl,
					       opts->flow_entries);
	if (!err && opts->sample_every)
		err = dl_mirror__prepare(ing->skel->maps.mirror_rings);
	if (err)
		snprintf(why, len, "cannot size the XDP program's maps: %s",
			 strerror(-err));
	return err;
}

/* After load, before attach: every CPU has its ring from the first frame. */
static int make_mirror(struct dl_ingress *ing, const struct dl_ingress_opts *opts,
		       char *why, size_t len)
{
	struct dl_mirror_opts mo = { .ring_bytes = opts->mirror_ring_bytes };

	if (!opts->sample_every)
		return 0;
	ing->mirror = dl_mirror__new(ing->skel->maps.mirror_rings,
				     ing->skel->maps.mirror_stats, &mo);
	if (!ing->mirror) {
		int err = -errno;

		snprintf(why, len, "cannot create the tap mirror rings: %s",
			 strerror(-err));
		return err;
	}
	return 0;
}

struct dl_ingress *dl_ingress__attach(const struct dl_ingress_opts *opts,
				      char *why, size_t why_len,
				      char *note, size_t note_len)
{
	struct dl_ingress *ing = NULL;
	bool has_disp;
	char msg[512];
	int err, n;

	if (note_len)
		note[0] = '\0';
	if (why_len)
		why[0] = '\0';
	if (opts->how == DL_ATTACH_LIBXDP) {
		err = dl_bpffs__ensure();
		if (err) {
			snprintf(why, why_len, "libxdp needs bpffs at %s: %s", BPFFS,
				 strerror(-err));
			goto fail;
		}
	}
	n = dl_ingress__remove_stale(opts->ifindex, msg, sizeof(msg));
	if (n > 0)
		snprintf(note, note_len, "%s", msg);
	err = check_free(opts->ifindex, opts->ifname, why, why_len, &has_disp);
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
	ing->skel = dl_ingress_bpf__open();
	if (!ing->skel) {
		err = -errno;
		snprintf(why, why_len, "cannot open XDP program: %s", strerror(errno));
		goto fail;
	}
	ing->skel->rodata->track_flows = opts->track_flows;
	err = set_sizes(ing, opts, why, why_len);
	if (err)
		goto fail;
	if (opts->flow_map_fd > 0) {
		err = bpf_map__reuse_fd(ing->skel->maps.flow_tbl, opts->flow_map_fd);
		if (err) {
			snprintf(why, why_len, "cannot share the flow table: %s", strerror(-err));
			goto fail;
		}
	}
	ing->skel->rodata->track_flow_queues = opts->track_flow_queues;
	err = dl_ingress_bpf__load(ing->skel);
	if (err) {
		snprintf(why, why_len, "cannot load XDP program: %s%s", strerror(-err),
			 err == -EPERM ? " (needs root: CAP_BPF, CAP_NET_ADMIN)" : "");
		goto fail;
	}
	err = make_mirror(ing, opts, why, why_len);
	if (err)
		goto fail;
	err = write_owner(ing);
	if (err) {
		snprintf(why, why_len, "cannot tag XDP program owner: %s", strerror(-err));
		goto fail;
	}
	if (opts->how == DL_ATTACH_LINK)
		err = attach_link(ing, opts, why, why_len);
	else
		err = attach_libxdp(ing, opts, why, why_len, note + strlen(note),
				    note_len - strlen(note));
	if (err)
		goto fail;
	ing->attached = true;
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
	if (ing->link) {
		bpf_link__destroy(ing->link);
	} else if (ing->attached && ing->dispatcher) {
		xdp_program__detach(ing->xprog, ing->ifindex, ing->xmode, 0);
	} else if (ing->attached) {
		int err = detach_single(ing->ifindex, xdp_program__id(ing->xprog),
					ing->xmode == XDP_MODE_SKB ?
					XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

		if (err && err != -ENODEV)
			pr_warn("detaching from ifindex %d: %s\n", ing->ifindex,
				strerror(-err));
	}
	/* libxdp does not own the bpf_object we passed in: close it after. */
	xdp_program__close(ing->xprog);
	dl_mirror__free(ing->mirror);
	dl_ingress_bpf__destroy(ing->skel);
	free(ing);
}

const char *dl_ingress__mode(const struct dl_ingress *ing)
{
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
