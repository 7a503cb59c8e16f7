// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network namespace identity and the walk over the others; see netns.h.
 * A namespace switch applies to the calling thread only, so each visit
 * runs on a short-lived thread that setns()es and leaves the caller alone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/netns.h"

int dl_netns__self_inum(unsigned int *inum)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*inum = (unsigned int)st.st_ino;
	return 0;
}

struct visit {
	int fd;
	int (*fn)(void *arg, const char *where);
	void *arg;
	const char *where;
	int ret;
};

static void *visit_thread(void *p)
{
	struct visit *v = p;

	if (setns(v->fd, CLONE_NEWNET))
		v->ret = 0;	/* cannot enter: nothing found there */
	else
		v->ret = v->fn(v->arg, v->where);
	return NULL;
}

/* Inodes already visited (ours first); grows as needed. */
struct seen {
	ino_t *ino;
	size_t n, cap;
};

static bool seen_add(struct seen *s, ino_t ino)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->ino[i] == ino)
			return false;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		ino_t *n = realloc(s->ino, cap * sizeof(*n));

		if (!n)
			return false;
		s->ino = n;
		s->cap = cap;
	}
	s->ino[s->n++] = ino;
	return true;
}

static int visit_path(struct seen *s, const char *path, const char *where,
		      int (*fn)(void *arg, const char *where), void *arg)
{
	struct visit v = { .fn = fn, .arg = arg, .where = where };
	struct stat st;
	pthread_t t;

	if (stat(path, &st) || !seen_add(s, st.st_ino))
		return 0;
	v.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (v.fd < 0)
		return 0;
	if (!pthread_create(&t, NULL, visit_thread, &v))
		pthread_join(t, NULL);
	close(v.fd);
	return v.ret;
}

int dl_netns__each(int (*fn)(void *arg, const char *where), void *arg)
{
	char path[300], where[300];
	struct seen s = {};
	struct dirent *e;
	struct stat st;
	int ret = 0;
	DIR *d;

	if (!stat("/proc/self/ns/net", &st))
		seen_add(&s, st.st_ino);
	d = opendir("/run/netns");
	while (d && !ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		snprintf(where, sizeof(where), "netns %s", e->d_name);
		ret = visit_path(&s, path, where, fn, arg);
	}
	if (d)
		closedir(d);
	d = opendir("/proc");
	while (d && !ret && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", e->d_name);
		snprintf(where, sizeof(where), "netns of pid %s", e->d_name);
		ret = visit_path(&s, path, where, fn, arg);
	}
	if (d)
		closedir(d);
	free(s.ino);
	return ret;
}
