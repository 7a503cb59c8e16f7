// SPDX-License-Identifier: GPL-2.0-only
/*
 * Owner tags of attached dropledger programs; see owner.h. Ownership is
 * proven by the dl_owner map (pid + process start time), never by a
 * program's name alone, so we only ever remove programs our runs loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "fastpath/owner.h"
#include "util/log.h"

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

bool dl_owner__alive(const struct dl_owner *o)
{
	__u64 start;

	if (kill((pid_t)o->pid, 0) && errno == ESRCH)
		return false;
	if (proc_start_time((pid_t)o->pid, &start))
		return false;
	return start == o->start_time;
}

/* Read the dl_owner tag of program @prog_id; -ENOENT if it has none. */
int dl_owner__of_prog(__u32 prog_id, struct dl_owner *o, char *name,
		      size_t nlen)
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

int dl_owner__detach_prog(int ifindex, __u32 prog_id, __u32 mode_flags)
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

		if (dl_owner__of_prog(xdp_program__id(p), &o, name, sizeof(name)) ||
		    dl_owner__alive(&o))
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

int dl_owner__remove_stale(int ifindex, char *msg, size_t msg_len)
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
		if (dl_owner__of_prog(id, &o, name, sizeof(name))) {
			if (!strcmp(name, "xdp_dispatcher"))
				removed += remove_stale_in_dispatcher(ifindex, msg, msg_len, &used);
			if (!ours_untagged(name) || prog_held(id))
				continue;
			o.pid = 0;	/* unknown: the attaching process is gone */
		} else if (dl_owner__alive(&o)) {
			continue;
		}
		err = dl_owner__detach_prog(ifindex, id, modes[i]);
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
int dl_owner__check_free(int ifindex, const char *ifname, char *why, size_t len,
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
		if (!dl_owner__of_prog(ids[i], &o, name, sizeof(name))) {
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


int dl_owner__self(struct dl_owner *o)
{
	memset(o, 0, sizeof(*o));
	o->magic = DL_OWNER_MAGIC;
	o->pid = (__u32)getpid();
	return proc_start_time(getpid(), &o->start_time);
}
