// SPDX-License-Identifier: GPL-2.0-only
/*
 * Owner tags of attached dropledger programs; see owner.h. Ownership is
 * proven by the dl_owner map (pid, PID namespace, start time), never by a
 * program's name alone, so we only ever remove programs our runs loaded;
 * liveness is judged by who holds the program, which crosses namespaces.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "fastpath/owner.h"
#include "util/log.h"
#include "util/netns.h"

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

/* Inode of the PID namespace of /proc/@who ("self" or a pid); 0 if unknown. */
static __u64 pidns_of(const char *who)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/pid", who);
	if (stat(path, &st))
		return 0;
	return st.st_ino;
}

/*
 * A process we can see that holds program @id open (a prog or link fd:
 * fdinfo names the program), or 0. A live run always holds its program's
 * fds, whichever PID namespace it runs in, so this is the one liveness
 * test that needs no pid translation. Our own fds are not counted.
 */
static pid_t prog_holder(__u32 id)
{
	char want[32], path[600], line[128];
	struct dirent *p, *f;
	pid_t self = getpid(), held = 0;
	DIR *proc, *fds;

	snprintf(want, sizeof(want), "prog_id:\t%u\n", id);
	proc = opendir("/proc");
	if (!proc)
		return -1;
	while (!held && (p = readdir(proc))) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9' || atoi(p->d_name) == self)
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
					held = atoi(p->d_name);
					break;
				}
			fclose(fi);
		}
		closedir(fds);
	}
	closedir(proc);
	return held;
}

/* Does some process we can see live in PID namespace @ino? */
static bool pidns_visible(__u64 ino)
{
	struct dirent *p;
	bool seen = false;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		return false;
	while (!seen && (p = readdir(proc)))
		if (p->d_name[0] >= '0' && p->d_name[0] <= '9')
			seen = pidns_of(p->d_name) == ino;
	closedir(proc);
	return seen;
}

enum dl_owner_state dl_owner__state(const struct dl_owner *o, __u32 prog_id,
				    pid_t *holder)
{
	__u64 ours = pidns_of("self"), start;

	*holder = prog_holder(prog_id);
	if (*holder > 0)
		return DL_OWNER_ALIVE;
	if (*holder < 0) {
		*holder = 0;
		return DL_OWNER_UNKNOWN;	/* no /proc: cannot look */
	}
	if (!o->pidns_ino || o->pidns_ino == ours) {
		/* Our namespace: the pid means what it says. */
		if (kill((pid_t)o->pid, 0) && errno == ESRCH)
			return DL_OWNER_DEAD;
		if (proc_start_time((pid_t)o->pid, &start) ||
		    start != o->start_time)
			return DL_OWNER_DEAD;
		*holder = (pid_t)o->pid;
		return DL_OWNER_ALIVE;
	}
	/*
	 * Another PID namespace and nobody we can see holds the program. We
	 * see every process of the initial namespace's descendants, and of
	 * any namespace that still has a process we can see: then nobody
	 * holds it at all. Otherwise (the owner runs in a parent or sibling
	 * namespace) we cannot tell.
	 */
	if (ours == DL_PIDNS_INIT_INO || pidns_visible(o->pidns_ino))
		return DL_OWNER_DEAD;
	return DL_OWNER_UNKNOWN;
}

int dl_owner__describe(const struct dl_owner *o, pid_t holder, char *buf,
		       size_t len)
{
	__u64 ours = pidns_of("self");

	if (!o->pidns_ino || o->pidns_ino == ours)
		return snprintf(buf, len, "pid %u", o->pid);
	if (holder > 0)
		return snprintf(buf, len, "pid %d, pid %u in PID namespace pid:[%llu]",
				(int)holder, o->pid, (unsigned long long)o->pidns_ino);
	return snprintf(buf, len, "pid %u in PID namespace pid:[%llu]", o->pid,
			(unsigned long long)o->pidns_ino);
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
		/* A tag without pidns_ino was written before it existed. */
		memset(o, 0, sizeof(*o));
		if (!bpf_obj_get_info_by_fd(mfd, &mi, &mlen) &&
		    !strcmp(mi.name, "dl_owner") &&
		    (mi.value_size == sizeof(*o) ||
		     mi.value_size == offsetof(struct dl_owner, pidns_ino)) &&
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

/* Append a line to @msg at *@used. */
static void say(char *msg, size_t msg_len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void say(char *msg, size_t msg_len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg + *used, *used < msg_len ? msg_len - *used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += n;
}

/* May program @id, tagged @o, go? Says why not in @msg. */
static bool may_remove(__u32 id, const struct dl_owner *o, bool force,
		       const char *ifname, char *msg, size_t msg_len, size_t *used)
{
	char who[96];
	pid_t holder;
	enum dl_owner_state st = dl_owner__state(o, id, &holder);

	if (st == DL_OWNER_DEAD)
		return true;
	dl_owner__describe(o, holder, who, sizeof(who));
	if (st == DL_OWNER_ALIVE) {
		say(msg, msg_len, used, "kept dropledger program id %u on %s: its run (%s) is alive; stop that run to detach it\n",
		    id, ifname, who);
		return false;
	}
	if (force) {
		say(msg, msg_len, used, "forcing removal of dropledger program id %u (%s, liveness unknown)\n",
		    id, who);
		return true;
	}
	say(msg, msg_len, used, "kept dropledger program id %u on %s: its owner (%s) is not visible from here, so it may still run; if that run is gone: dropledger detach -i %s --force\n",
	    id, ifname, who, ifname);
	return false;
}

/* Walk a libxdp dispatcher's programs and remove our stale ones. */
static int remove_stale_in_dispatcher(int ifindex, const char *ifname, bool force,
				      char *msg, size_t msg_len, size_t *used,
				      unsigned int *kept)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p = NULL;
	int removed = 0;

	if (libxdp_get_error(mp) || !mp)
		return 0;
	while ((p = xdp_multiprog__next_prog(p, mp))) {
		struct dl_owner o;
		char name[32];

		if (dl_owner__of_prog(xdp_program__id(p), &o, name, sizeof(name)))
			continue;
		if (!may_remove(xdp_program__id(p), &o, force, ifname, msg, msg_len, used)) {
			(*kept)++;
			continue;
		}
		if (!xdp_program__detach(p, ifindex,
					 xdp_multiprog__attach_mode(mp), 0)) {
			removed++;
			say(msg, msg_len, used, "removed stale dropledger program id %u (left by pid %u) from the libxdp dispatcher\n",
			    xdp_program__id(p), o.pid);
		}
	}
	xdp_multiprog__close(mp);
	return removed;
}

/* Our programs that others attach for us (the DPDK PMD): no owner tag. */
static bool ours_untagged(const char *name)
{
	return !strcmp(name, "dl_dpdk_xdp") || !strcmp(name, "dl_capture");
}

int dl_owner__remove_stale(int ifindex, bool force, char *msg, size_t msg_len,
			   unsigned int *kept)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	static const __u32 modes[] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE };
	char raw[IF_NAMESIZE] = "?", ifname[4 * IF_NAMESIZE + 1];
	unsigned int dummy = 0, i;
	size_t used = 0;
	int removed = 0, err;

	if (!kept)
		kept = &dummy;
	*kept = 0;
	if (msg_len)
		msg[0] = '\0';
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return err;
	if_indextoname(ifindex, raw);
	dl_log__printable(raw, ifname, sizeof(ifname));	/* it reaches a terminal */
	for (i = 0; i < 2; i++) {
		__u32 id = modes[i] == XDP_FLAGS_DRV_MODE ? q.drv_prog_id : q.skb_prog_id;
		struct dl_owner o;
		char name[32] = "";

		if (!id)
			continue;
		if (dl_owner__of_prog(id, &o, name, sizeof(name))) {
			if (!strcmp(name, "xdp_dispatcher"))
				removed += remove_stale_in_dispatcher(ifindex, ifname, force,
								      msg, msg_len, &used, kept);
			if (!ours_untagged(name) || prog_holder(id))
				continue;
			o.pid = 0;	/* unknown: the attaching process is gone */
		} else if (!may_remove(id, &o, force, ifname, msg, msg_len, &used)) {
			(*kept)++;
			continue;
		}
		err = dl_owner__detach_prog(ifindex, id, modes[i]);
		if (err) {
			pr_warn("cannot remove stale dropledger program id %u: %s\n",
				id, strerror(-err));
			continue;
		}
		removed++;
		if (o.pid) {
			char who[96];

			dl_owner__describe(&o, 0, who, sizeof(who));
			say(msg, msg_len, &used, "removed stale dropledger program id %u (left by %s, no longer running)\n",
			    id, who);
		} else {
			say(msg, msg_len, &used, "removed stale dropledger program %s id %u (no process holds it)\n",
			    name, id);
		}
	}
	return removed;
}

/* Refuse when a program we did not load, or a live run of ours, holds it. */
int dl_owner__check_free(int ifindex, const char *name, char *why, size_t why_len,
		      bool *has_dispatcher)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char ifname[4 * IF_NAMESIZE + 1];
	__u32 ids[3];
	int err, i;

	*has_dispatcher = false;
	dl_log__printable(name, ifname, sizeof(ifname));
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err) {
		snprintf(why, why_len, "cannot query XDP state of %s: %s", ifname,
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
			char who[96];
			pid_t holder;

			if (dl_owner__state(&o, ids[i], &holder) == DL_OWNER_ALIVE) {
				dl_owner__describe(&o, holder, who, sizeof(who));
				snprintf(why, why_len,
					 "%s is already watched by dropledger (%s, program id %u); stop that run first",
					 ifname, who, ids[i]);
			} else {
				dl_owner__describe(&o, 0, who, sizeof(who));
				snprintf(why, why_len,
					 "%s holds dropledger program id %u of %s, which is not visible from here and may still run; if that run is gone: dropledger detach -i %s --force",
					 ifname, ids[i], who, ifname);
			}
			return -EBUSY;
		}
		if (!strcmp(name, "xdp_dispatcher") && i < 2) {
			*has_dispatcher = true;
			continue;
		}
		snprintf(why, why_len,
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
	o->pidns_ino = pidns_of("self");
	if (!o->pidns_ino)
		return -errno ? -errno : -ENOENT;
	return proc_start_time(getpid(), &o->start_time);
}

struct elsewhere {
	__u32 id;
	int fd;
	bool detach;
	char *where;
	size_t len;
	int err;
};

/* In one namespace: is program e->id attached to one of its interfaces? */
static int find_here(void *arg, const char *where)
{
	struct elsewhere *e = arg;
	struct if_nameindex *ifs = if_nameindex(), *i;
	int found = 0;

	for (i = ifs; i && i->if_index && !found; i++) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);
		LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = e->fd);
		__u32 mode;

		if (bpf_xdp_query((int)i->if_index, 0, &q))
			continue;
		if (q.drv_prog_id == e->id)
			mode = XDP_FLAGS_DRV_MODE;
		else if (q.skb_prog_id == e->id)
			mode = XDP_FLAGS_SKB_MODE;
		else
			continue;
		found = 1;
		snprintf(e->where, e->len, "%s, interface %s", where, i->if_name);
		if (e->detach)
			e->err = bpf_xdp_detach((int)i->if_index, mode, &opts);
	}
	if (ifs)
		if_freenameindex(ifs);
	return found;
}

int dl_owner__find_elsewhere(__u32 prog_id, int prog_fd, bool detach,
			     char *where, size_t where_len)
{
	struct elsewhere e = {
		.id = prog_id, .fd = prog_fd, .detach = detach,
		.where = where, .len = where_len,
	};
	int found;

	if (where_len)
		where[0] = '\0';
	found = dl_netns__each(find_here, &e);
	if (found && e.err)
		return e.err;
	return found;
}
