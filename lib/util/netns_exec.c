// SPDX-License-Identifier: GPL-2.0-only
/* Namespace-switching thread; see netns_exec.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "util/netns_exec.h"

struct job {
	int fd;
	int (*fn)(void *arg);
	void *arg;
	int ret;
};

static void *job_thread(void *p)
{
	struct job *j = p;

	if (setns(j->fd, CLONE_NEWNET)) {
		j->ret = -errno;
		return NULL;
	}
	j->ret = j->fn(j->arg);
	return NULL;
}

int dl_netns__run(const char *name, int (*fn)(void *arg), void *arg)
{
	struct job j = { .fn = fn, .arg = arg };
	char path[PATH_MAX];
	pthread_t t;
	int err;

	if (!name)
		return fn(arg);
	if (!*name || strchr(name, '/'))
		return -EINVAL;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	j.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (j.fd < 0) {
		err = -errno;
		pr_debug("netns %s: %s\n", name, strerror(errno));
		return err;
	}
	err = pthread_create(&t, NULL, job_thread, &j);
	if (err) {
		close(j.fd);
		return -err;
	}
	pthread_join(t, NULL);
	close(j.fd);
	return j.ret;
}
