// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the lab checks, see labutil.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "labutil.h"

int lab_failures;

int lab_enter_ns(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "cannot enter %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

json_t *lab_run_gen(const char *tx_ns, char **gargv)
{
	char buf[1 << 16];
	size_t used = 0;
	json_error_t jerr;
	int pfd[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		if (lab_enter_ns(tx_ns))
			_exit(1);
		execv(gargv[0], gargv);
		_exit(127);
	}
	close(pfd[1]);
	while (used < sizeof(buf) - 1 &&
	       (n = read(pfd[0], buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	close(pfd[0]);
	buf[used] = 0;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "generator failed (status %d): %s\n", st, buf);
		return NULL;
	}
	return json_loads(buf, 0, &jerr);
}
